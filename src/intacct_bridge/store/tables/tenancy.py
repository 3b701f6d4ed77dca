"""``tenant`` and ``change_event``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from intacct_bridge.store.base import TENANT_ID_LENGTH, Base


class TenantRow(Base):
    """One operations company bound to (at most) one Intacct company, never shared."""

    __tablename__ = "tenant"

    id: Mapped[str] = mapped_column(String(TENANT_ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    intacct_company_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[dt.datetime]


class ChangeEventRow(Base):
    """A change the store made to a tenant's data, written in the same transaction."""

    __tablename__ = "change_event"
    __table_args__ = (
        CheckConstraint(
            "action IN ('created', 'updated', 'posted', 'renamed', 'integrated')", name="action"
        ),
        Index(None, "tenant_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(
        String(TENANT_ID_LENGTH), ForeignKey("tenant.id", ondelete="CASCADE")
    )
    #: record kind (``item``) or document type (``sales_invoice``)
    kind: Mapped[str] = mapped_column(String(40))
    #: the record's key within kind and tenant, parts joined by ``/``
    key: Mapped[str] = mapped_column(String(250))
    action: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[dt.datetime]
