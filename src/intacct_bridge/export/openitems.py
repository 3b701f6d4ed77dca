"""Open items: posted AP/AR documents with what Intacct says is paid and due.

After posting, and then periodically, the bridge reads ``TRX_TOTALENTERED``,
``TRX_TOTALPAID``, ``TRX_TOTALDUE``, ``STATE``, ``CURRENCY`` and ``WHENDUE`` of its posted
APBILL, APADJUSTMENT, ARINVOICE and ARADJUSTMENT records (one ``readByQuery`` per object and
up to 100 RECORDNOs, packed up to 100 queries a request; the top level lists entity records
too) and stores one open item per document with its payment status — ``notPaid`` (nothing
paid), ``partiallyPaid``, ``paid`` (nothing due) — the DMO ``OpenItemStatus``. Sales
invoices and credit memos also keep the amount that was already paid when they were posted
(an advance applied at once): the prepaid amount, read right after the send.

* :func:`pull_open_items` — the per-tenant function a scheduler calls: the tenant's stored
  configuration gives the client (``keyring``; ``transport`` replaces the network in tests).
* :func:`refresh_open_items` — the same with a client of the caller's.
* :func:`list_open_items` — what is stored (the CLI ``openitems`` and the console show it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import httpx
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.config.secrets import Keyring
from intacct_bridge.intacct import functions as fn
from intacct_bridge.intacct.client import UNKNOWN, IntacctClient
from intacct_bridge.intacct.envelope import Function
from intacct_bridge.intacct.errors import IntacctBusinessError, IntacctOutcomeUnknownError
from intacct_bridge.intacct.limits import CompanyLimiter
from intacct_bridge.store.base import now
from intacct_bridge.store.session import session_factory
from intacct_bridge.store.tables.posting import OpenItemRow
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.store.tables.tenancy import TenantRow
from intacct_bridge.sync.state import write_lock

KIND = "posting"
#: the Intacct objects whose records are open items
OBJECTS = ("APBILL", "APADJUSTMENT", "ARINVOICE", "ARADJUSTMENT")
#: objects whose prepaid amount is kept (sales invoices and credit memos)
PREPAID_OBJECTS = ("ARINVOICE", "ARADJUSTMENT")
_FIELDS = (
    "RECORDNO",
    "STATE",
    "CURRENCY",
    "WHENDUE",
    "TRX_TOTALENTERED",
    "TRX_TOTALPAID",
    "TRX_TOTALDUE",
)


def _fields(object_name: str) -> tuple[str, ...]:
    party = "VENDORID" if object_name.startswith("AP") else "CUSTOMERID"
    return (*_FIELDS, party)


_CHUNK = 100


@dataclass(frozen=True, slots=True)
class OpenItem:
    """One posted AP/AR document as an open item (transaction-currency amounts)."""

    key: str
    intacct_object: str
    record_no: int
    party_id: str | None
    currency: str | None
    due_date: str | None
    total: Decimal
    paid: Decimal
    due: Decimal
    intacct_state: str | None
    status: str
    prepaid: Decimal | None
    pulled_at: dt.datetime


@dataclass
class OpenItemsReport:
    """What a pull did."""

    #: posted AP/AR documents looked at
    documents: int = 0
    #: open items stored (new or changed)
    changed: int = 0
    #: keys of posted documents Intacct no longer returns (deleted or reversed there)
    missing: list[str] = field(default_factory=list)


def status_of(total: Decimal, paid: Decimal, due: Decimal) -> str:
    """``notPaid``, ``partiallyPaid`` or ``paid`` from Intacct's totals (signs ignored:
    credit memos carry negative amounts)."""
    if paid.is_zero() and not total.is_zero():
        return "notPaid"
    if due.is_zero():
        return "paid"
    return "partiallyPaid"


def _amount(value: object) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


#: keys per ``IN`` list when only some documents are read
_KEYS_PER_QUERY = 500


def _chunks(keys: set[str] | None) -> list[list[str] | None]:
    """``keys`` in query-sized chunks (``[None]``: all)."""
    if keys is None:
        return [None]
    ordered = sorted(keys)
    return [ordered[i : i + _KEYS_PER_QUERY] for i in range(0, len(ordered), _KEYS_PER_QUERY)]


def _posted(session: Session, tenant: str, keys: set[str] | None) -> dict[str, SyncStateRow]:
    query = select(SyncStateRow).where(
        SyncStateRow.tenant_id == tenant,
        SyncStateRow.kind == KIND,
        SyncStateRow.state == "success",
        SyncStateRow.intacct_object.in_(OBJECTS),
    )
    found: dict[str, SyncStateRow] = {}
    for chunk in _chunks(keys):
        part = query if chunk is None else query.where(SyncStateRow.key.in_(chunk))
        found.update((row.key, row) for row in session.scalars(part) if row.record_no is not None)
    return found


async def refresh_open_items(
    engine: Engine,
    tenant: str,
    client: IntacctClient,
    *,
    keys: set[str] | None = None,
    prepaid: bool = False,
) -> OpenItemsReport:
    """Read the paid and due amounts of ``tenant``'s posted AP/AR documents (``keys``: only
    those) and store them as open items; ``prepaid`` also stores the amount already paid
    as the prepaid amount of sales invoices and credit memos (right after posting)."""
    sessions = session_factory(engine)
    with sessions() as session:
        posted = {
            key: (row.intacct_object, int(row.record_no or 0))
            for key, row in _posted(session, tenant, keys).items()
        }
    report = OpenItemsReport(documents=len(posted))
    by_object: dict[str, dict[int, str]] = {}
    for key, (object_name, record_no) in posted.items():
        by_object.setdefault(object_name, {})[record_no] = key
    functions: list[Function] = []
    owners: list[dict[int, str]] = []
    for object_name, wanted in sorted(by_object.items()):
        numbers = sorted(wanted)
        for start in range(0, len(numbers), _CHUNK):
            chunk = numbers[start : start + _CHUNK]
            where = f"RECORDNO IN ({','.join(str(n) for n in chunk)})"
            functions.append(fn.read_by_query(object_name, where, _fields(object_name), len(chunk)))
            owners.append(wanted)
    # every query in as few requests as the client packs them (up to 100 functions each,
    # sent side by side on the company's slots), not one request per query
    results = await client.execute(functions) if functions else []
    read: dict[str, dict[str, object]] = {}
    for wanted, result in zip(owners, results, strict=True):
        if result.status == UNKNOWN:
            raise IntacctOutcomeUnknownError(errors=result.errors, controlid=result.controlid)
        if not result.ok:
            raise IntacctBusinessError(errors=result.errors, controlid=result.controlid)
        for record in result.records():
            number = str(record.get("RECORDNO", ""))
            if number.isdigit() and int(number) in wanted:
                read[wanted[int(number)]] = record
    stamp = now()
    with sessions.begin() as session:
        # one writer per tenant (two posting runs at once both refresh what they posted):
        # the database's write lock on SQLite, the tenant row on PostgreSQL
        write_lock(session)
        session.execute(select(TenantRow.id).where(TenantRow.id == tenant).with_for_update())
        # only the rows of the documents read (a refresh after each run stays small)
        existing: dict[str, OpenItemRow] = {}
        mine = select(OpenItemRow).where(OpenItemRow.tenant_id == tenant)
        for part_keys in _chunks(None if keys is None else set(posted)):
            part = (
                mine if part_keys is None else mine.where(OpenItemRow.document_key.in_(part_keys))
            )
            existing.update((row.document_key, row) for row in session.scalars(part))
        for key, (object_name, record_no) in sorted(posted.items()):
            found = read.get(key)
            if found is None:
                report.missing.append(key)
                continue
            record = found
            total = _amount(record.get("TRX_TOTALENTERED"))
            paid = _amount(record.get("TRX_TOTALPAID"))
            due = _amount(record.get("TRX_TOTALDUE"))
            values = {
                "intacct_object": object_name,
                "record_no": record_no,
                "party_id": str(record.get("VENDORID") or record.get("CUSTOMERID") or "") or None,
                "currency": str(record.get("CURRENCY") or "")[:3] or None,
                "due_date": str(record.get("WHENDUE") or "")[:10] or None,
                "total_amount": total,
                "paid_amount": paid,
                "due_amount": due,
                "intacct_state": str(record.get("STATE") or "")[:40] or None,
                "status": status_of(total, paid, due),
            }
            row = existing.get(key)
            if row is None:
                row = OpenItemRow(tenant_id=tenant, document_key=key, prepaid_amount=None)
                session.add(row)
            elif all(getattr(row, name) == value for name, value in values.items()):
                row.pulled_at = stamp
                continue
            for name, value in values.items():
                setattr(row, name, value)
            if prepaid and object_name in PREPAID_OBJECTS and row.prepaid_amount is None:
                row.prepaid_amount = paid
            row.pulled_at = stamp
            report.changed += 1
    return report


async def record_posted(
    engine: Engine, tenant: str, client: IntacctClient, posted: Sequence[tuple[str, str | None]]
) -> None:
    """Right after posting: the open items of the documents just posted (with the prepaid
    amount of sales invoices and credit memos). A failed read is left to the next pull."""
    from intacct_bridge.intacct.errors import IntacctAuthError, IntacctError

    keys = {key for key, _entity in posted}
    try:
        await refresh_open_items(engine, tenant, client, keys=keys, prepaid=True)
    except IntacctAuthError:
        raise
    except IntacctError:
        return


async def pull_open_items(
    engine: Engine,
    tenant: str,
    *,
    keyring: Keyring | None,
    transport: httpx.AsyncBaseTransport | None = None,
    limiter: CompanyLimiter | None = None,
) -> OpenItemsReport:
    """The periodic pull for one tenant: its stored configuration gives the Intacct client
    (raises :class:`~intacct_bridge.sync.connect.NotConfiguredError` when it cannot)."""
    from intacct_bridge.sync.connect import client_for, load_config

    with session_factory(engine)() as session:
        config = load_config(session, tenant, keyring)
    async with client_for(config, transport=transport, limiter=limiter) as client:
        return await refresh_open_items(engine, tenant, client)


def list_open_items(
    sessions: sessionmaker[Session] | Engine, tenant: str, *, status: str | None = None
) -> list[OpenItem]:
    """The stored open items of ``tenant`` (``status``: only those), by document key."""
    factory = session_factory(sessions) if isinstance(sessions, Engine) else sessions
    query = select(OpenItemRow).where(OpenItemRow.tenant_id == tenant)
    if status is not None:
        query = query.where(OpenItemRow.status == status)
    with factory() as session:
        return [
            OpenItem(
                key=row.document_key,
                intacct_object=row.intacct_object,
                record_no=row.record_no,
                party_id=row.party_id,
                currency=row.currency,
                due_date=row.due_date,
                total=row.total_amount,
                paid=row.paid_amount,
                due=row.due_amount,
                intacct_state=row.intacct_state,
                status=row.status,
                prepaid=row.prepaid_amount,
                pulled_at=row.pulled_at,
            )
            for row in session.scalars(query.order_by(OpenItemRow.document_key))
        ]


__all__ = [
    "OBJECTS",
    "OpenItem",
    "OpenItemsReport",
    "list_open_items",
    "pull_open_items",
    "record_posted",
    "refresh_open_items",
    "status_of",
]
