"""The sync engine's tables: per-record state, mapping overrides, outbox cursors.

* ``sync_state`` — one row per synchronised record (the DMO ``intacctNodeState``): state,
  Intacct ID, RECORDNO, deep link, last message, version, difference, attempts, next
  attempt, and the fingerprint of what was last sent.
* ``sync_map_override`` — a tenant's changes to a delivered map (only the changes are stored;
  the delivered maps live in code, :mod:`intacct_bridge.sync.mappings`).
* ``sync_cursor`` — how far a consumer has read the ``change_event`` outbox.
* ``sync_slot_lease`` — the lease of each Intacct concurrency slot shared through
  PostgreSQL (:mod:`intacct_bridge.sync.slots`): until when a request taken under it may
  still be in flight at the gateway.

Smart Event receipts are in :mod:`.inbound` (``smart_event_receipt``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intacct_bridge.store.base import Base, key, tenant_key

#: the per-record states (DMO ``IntegrationState``); a test keeps them equal to the enum
SYNC_STATES = ("not", "pending", "success", "error", "desynchronized")


def _state_check() -> CheckConstraint:
    values = ", ".join(f"'{value}'" for value in SYNC_STATES)
    return CheckConstraint(f"state IN ({values})", name="state")


class SyncStateRow(Base):
    """The synchronisation state of one record of one tenant."""

    __tablename__ = "sync_state"
    __table_args__ = (
        _state_check(),
        Index(None, "tenant_id", "state", "next_attempt_at"),
    )

    tenant_id: Mapped[str] = tenant_key()
    #: the bridge record kind (``item``, ``customer``, ``supplier``, ``contact``)
    kind: Mapped[str] = key(40)
    #: the record's key within kind and tenant, parts joined by ``/``
    key: Mapped[str] = key(250)
    intacct_object: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))
    #: the record's ID in Intacct (ITEMID, CUSTOMERID, CONTACTNAME …)
    intacct_id: Mapped[str | None] = mapped_column(String(250))
    record_no: Mapped[int | None]
    #: deep link into Intacct
    url: Mapped[str | None] = mapped_column(String(500))
    #: the last error or information message, actionable (record, field, fix)
    last_message: Mapped[str | None] = mapped_column(Text)
    #: error class of the last failure (``transient``, ``data``, ``mapping``, ``setup`` …)
    error_code: Mapped[str | None] = mapped_column(String(40))
    #: number of successful sends to Intacct
    version: Mapped[int] = mapped_column(default=0)
    #: what differs between the two sides (desynchronised records), JSON
    difference: Mapped[Any | None] = mapped_column(JSON)
    #: failed attempts since the last success
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    #: SHA-256 of the Intacct payload last sent successfully
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    #: the store's content hash of the record when it was last sent successfully
    source_hash: Mapped[str | None] = mapped_column(String(64))
    #: the store's content hash the pending work is for (set when marked pending)
    pending_hash: Mapped[str | None] = mapped_column(String(64))
    #: the values last sent, JSON (to show a difference when Intacct changed them)
    sent_values: Mapped[Any | None] = mapped_column(JSON)
    #: Intacct's WHENMODIFIED after the last send
    intacct_modified: Mapped[str | None] = mapped_column(String(40))
    synced_at: Mapped[dt.datetime | None]
    #: the worker holding the record while it sends it, and until when (a lease: a worker
    #: that dies lets it lapse and another one takes the record over)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class SyncMapOverrideRow(Base):
    """A tenant's changes to the delivered map of one Intacct object."""

    __tablename__ = "sync_map_override"

    tenant_id: Mapped[str] = tenant_key()
    intacct_object: Mapped[str] = key(40)
    #: ``{"direction": …, "smart_event": …, "include_private": …, "fields": {ID: property},
    #: "removed": [ID, …]}`` — only what differs from the delivered map
    settings: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime]


class SyncCursorRow(Base):
    """How far one consumer has read a tenant's ``change_event`` outbox."""

    __tablename__ = "sync_cursor"

    tenant_id: Mapped[str] = tenant_key()
    consumer: Mapped[str] = key(40)
    #: the highest change event ID consumed
    last_event_id: Mapped[int] = mapped_column(default=0)
    #: IDs below ``last_event_id`` not seen yet — a transaction that was still open (or was
    #: rolled back): ``[[first, last, seen_at_iso], …]``; consumed when they commit, given
    #: up after a while
    gaps: Mapped[Any | None] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime]


class SlotLeaseRow(Base):
    """The lease of one Intacct concurrency slot (PostgreSQL; :mod:`intacct_bridge.sync.slots`).

    Written and read by the slot provider with PostgreSQL's clock only; not per tenant (a
    slot belongs to an Intacct company at a gateway, whichever tenants use it).
    """

    __tablename__ = "sync_slot_lease"

    #: the slot's advisory-lock key (:func:`intacct_bridge.sync.slots.advisory_id`)
    lock_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    #: who took it last (``host:pid:random``)
    holder: Mapped[str | None] = mapped_column(String(80))
    #: until when the request taken under it may still be in flight (start + the client's
    #: request timeout); ``NULL`` once its holder gave it back
    busy_until: Mapped[dt.datetime | None]
