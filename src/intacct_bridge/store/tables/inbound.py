"""``inbound_link``, ``inbound_cursor`` and ``smart_event_receipt``: what the bridge knows
about the Intacct side of the records it receives (Intacct → bridge).

* ``inbound_link`` — one row per Intacct record the bridge has read: its object and RECORDNO,
  the bridge record it became (kind and key), its ``WHENMODIFIED`` and whether Intacct still
  has it (``active``, ``inactive``, ``deleted``).
* ``inbound_cursor`` — per tenant and Intacct object, the high-water mark of the incremental
  pull (the newest ``WHENMODIFIED`` read).
* ``smart_event_receipt`` — every Smart Event post the bridge received, accepted or not, with
  its outcome. ``dedupe_key`` is set only on authenticated posts and is unique per tenant, so a
  replayed post is refused by the database itself. Refused posts keep the tenant they *claim*
  (no foreign key: a forged post may name a tenant that does not exist).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from intacct_bridge.store.base import TENANT_ID_LENGTH, Base, key, tenant_key

LINK_STATUSES = ("active", "inactive", "deleted")
RECEIPT_OUTCOMES = (
    "accepted",
    "applied",
    "deleted",
    "desynchronized",
    "failed",
    "refused",
    "replayed",
)


class InboundLinkRow(Base):
    __tablename__ = "inbound_link"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in LINK_STATUSES) + ")", name="status"
        ),
        Index(None, "tenant_id", "kind", "record_key"),
    )

    tenant_id: Mapped[str] = tenant_key()
    intacct_object: Mapped[str] = key(60)
    recordno: Mapped[str] = key(20)
    #: the Intacct ID (``ACCOUNTNO``, ``DEPARTMENTID`` …)
    intacct_id: Mapped[str] = mapped_column(String(100))
    #: bridge record kind (``account``) and key (parts joined by ``/``)
    kind: Mapped[str] = mapped_column(String(40))
    record_key: Mapped[str] = mapped_column(String(250))
    #: ``WHENMODIFIED`` as Intacct gave it (``MM/DD/YYYY HH:MM:SS``)
    when_modified: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[dt.datetime]


class InboundCursorRow(Base):
    __tablename__ = "inbound_cursor"

    tenant_id: Mapped[str] = tenant_key()
    intacct_object: Mapped[str] = key(60)
    #: newest ``WHENMODIFIED`` read (Intacct's ``MM/DD/YYYY HH:MM:SS``)
    high_water: Mapped[str | None] = mapped_column(String(30))
    #: when the last full pull ("create all") of this object completed
    full_pull_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class SmartEventReceiptRow(Base):
    __tablename__ = "smart_event_receipt"
    __table_args__ = (
        UniqueConstraint("tenant_id", "dedupe_key"),
        CheckConstraint(
            "outcome IN (" + ", ".join(f"'{s}'" for s in RECEIPT_OUTCOMES) + ")", name="outcome"
        ),
        Index(None, "tenant_id", "id"),
        Index(None, "outcome", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    #: the tenant the post names (or claims), cut to the column's length
    tenant_id: Mapped[str] = mapped_column(String(TENANT_ID_LENGTH))
    #: SHA-256 of the whole post (refused posts too: shows repeated attacks)
    body_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of tenant, company, object, key, event and modification time; only on
    #: authenticated posts
    dedupe_key: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[dt.datetime]
    outcome: Mapped[str] = mapped_column(String(20))
    intacct_object: Mapped[str | None] = mapped_column(String(60))
    recordno: Mapped[str | None] = mapped_column(String(20))
    #: the record's ID as the post gives it (``ACCOUNTNO``, ``ITEMID`` …)
    intacct_id: Mapped[str | None] = mapped_column(String(100))
    event: Mapped[str | None] = mapped_column(String(10))
    #: why it was refused, or what applying it did
    detail: Mapped[str] = mapped_column(String(500), default="")
    #: the client address the post came from
    remote: Mapped[str | None] = mapped_column(String(100))
    processed_at: Mapped[dt.datetime | None]
