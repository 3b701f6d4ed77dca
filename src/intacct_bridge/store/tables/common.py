"""Columns shared by the master-data tables."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


class Tracked:
    """Content hash of the stored value and the time it last changed."""

    #: SHA-256 of the record's plain form; an identical re-import is recognised by it
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime]


class AddressColumns:
    """A postal address (see :class:`intacct_bridge.model.parties.Address`)."""

    line1: Mapped[str] = mapped_column(String(100))
    line2: Mapped[str | None] = mapped_column(String(100))
    line3: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(80))
    region: Mapped[str | None] = mapped_column(String(40))
    postal_code: Mapped[str | None] = mapped_column(String(30))
    country_code: Mapped[str | None] = mapped_column(String(2))
