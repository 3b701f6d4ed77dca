"""Smart Event notifications: read a post, authenticate it, log it once, apply it.

The custom package (:mod:`intacct_bridge.setup.package`) makes Intacct post, for each add,
change or delete of an inbound record, the fields ``tenant``, ``token``, ``company``,
``object``, ``key`` (RECORDNO), ``id``, ``event``, ``modified`` (WHENMODIFIED) and ``format``.

1. :func:`read_post` — the body (form-encoded as Intacct sends it; JSON and XML accepted too)
   into flat text fields. Bounded in size and field count; XML goes through
   :mod:`intacct_bridge.xmlsafe` (no DTD, no entities, bounded depth).
2. :func:`receive` — authenticate and record, in one transaction: the tenant must exist and
   have a webhook secret, the token must match it (constant-time), the Intacct company must
   be the one the tenant is bound to (the audit trail's binding) and not another tenant's,
   and the event must not have been received before (``smart_event_receipt.dedupe_key``,
   unique per tenant: SHA-256 of tenant, company, object, RECORDNO, event and WHENMODIFIED).
   Every refused post is logged as a receipt too (outcome ``refused`` or ``replayed``) and
   changes nothing else.
3. :func:`process` — the accepted receipt's work: a targeted fetch of the record through
   the Intacct client and an upsert into the store (:class:`InboundSync.fetch`), or, for an
   outbound object (an item, customer, vendor or contact changed in Intacct), the
   :data:`OutboundChangeHandler` seam. A receipt that failed for a transient reason stays
   ``accepted`` and :func:`process_pending` retries it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge import xmlsafe
from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.secrets import Keyring
from intacct_bridge.config.store import get_config
from intacct_bridge.errors import BridgeError, RequestRefused, is_transient
from intacct_bridge.intacct.client import IntacctClient
from intacct_bridge.intacct.limits import CompanyLimiter
from intacct_bridge.model.analytics import DimensionType
from intacct_bridge.model.tenancy import check_tenant_id
from intacct_bridge.setup.package import (
    INBOUND_OBJECTS,
    DeliveryRejected,
    InboundEvent,
    InboundObject,
    read_delivery,
)
from intacct_bridge.store.base import TENANT_ID_LENGTH, now
from intacct_bridge.store.repositories import list_records
from intacct_bridge.store.tables.inbound import SmartEventReceiptRow
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.store.tables.tenancy import TenantRow
from intacct_bridge.sync.connect import client_for
from intacct_bridge.sync.inbound import InboundSync, writer
from intacct_bridge.sync.state import SyncState

log = logging.getLogger("intacct_bridge.sync.events")

#: A Smart Event post is a few hundred bytes; anything near this is not one.
MAX_BODY_BYTES = 16 * 1024
MAX_FIELDS = 32
MAX_VALUE_LENGTH = 500

#: Intacct objects the bridge sends (bridge → Intacct). A Smart Event on one of them means the
#: record was changed in Intacct: the bridge's copy is then out of step ("desynchronized").
OUTBOUND_OBJECTS: tuple[InboundObject, ...] = (
    InboundObject("ITEM", "ITEMID", "Items"),
    InboundObject("CUSTOMER", "CUSTOMERID", "Customers"),
    InboundObject("VENDOR", "VENDORID", "Vendors"),
    InboundObject("CONTACT", "CONTACTNAME", "Contacts"),
)
_OUTBOUND = frozenset(o.name for o in OUTBOUND_OBJECTS)


class EventRefused(RequestRefused):
    """A post the bridge refuses: HTTP ``status``, a stable ``code`` and a sentence."""


def _malformed(message: str) -> EventRefused:
    return EventRefused(400, "malformed", message)


# --- 1. reading the body ---------------------------------------------------------------------


def read_post(content_type: str, body: bytes, *, max_bytes: int = MAX_BODY_BYTES) -> dict[str, str]:
    """The post's fields, from a form-encoded, JSON or XML body.

    Raises:
        EventRefused: too large (413), an unsupported content type (415), or a body that
            is not a flat set of text fields (400).
    """
    if len(body) > max_bytes:
        raise EventRefused(
            413,
            "too_large",
            f"the post has {len(body)} bytes; a Smart Event has at most {max_bytes}",
        )
    media = content_type.split(";", 1)[0].strip().lower()
    if media in ("", "application/x-www-form-urlencoded"):
        fields = _form(body)
    elif media == "application/json" or media.endswith("+json"):
        fields = _json(body)
    elif media in ("application/xml", "text/xml") or media.endswith("+xml"):
        fields = _xml(body, max_bytes)
    else:
        raise EventRefused(
            415,
            "unsupported_media_type",
            f"content type {media!r} is not accepted; post form fields "
            "(application/x-www-form-urlencoded), JSON or XML",
        )
    return _checked(fields)


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed("the post is not UTF-8 text") from None


def _form(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(
            _text(body),
            keep_blank_values=True,
            strict_parsing=bool(body),
            max_num_fields=MAX_FIELDS,
            errors="strict",
        )
    except (ValueError, UnicodeDecodeError) as error:
        raise _malformed(f"the form fields cannot be read: {error}") from None


def _json(body: bytes) -> list[tuple[str, str]]:
    try:
        value = json.loads(_text(body), parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise _malformed(f"the JSON cannot be read: {str(error)[:200]}") from None
    if not isinstance(value, dict):
        raise _malformed("the JSON must be one object of text fields")
    fields: list[tuple[str, str]] = []
    for name, item in value.items():
        if not isinstance(item, str | int) or isinstance(item, bool):
            raise _malformed(f"JSON field {str(name)[:40]!r} must be text")
        fields.append((str(name), str(item)))
    return fields


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _xml(body: bytes, max_bytes: int) -> list[tuple[str, str]]:
    try:
        root = xmlsafe.parse_document(body, max_bytes=max_bytes)
    except xmlsafe.OversizedXMLError as error:
        raise EventRefused(413, "too_large", str(error)) from None
    except (xmlsafe.UnsafeXMLError, xmlsafe.MalformedXMLError) as error:
        raise _malformed(f"the XML is refused: {error}") from None
    fields: list[tuple[str, str]] = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        if len(child):
            raise _malformed(f"XML field <{child.tag[:40]}> must hold text only")
        fields.append((child.tag, xmlsafe.text_of(child)))
    return fields


def _checked(fields: list[tuple[str, str]]) -> dict[str, str]:
    if len(fields) > MAX_FIELDS:
        raise _malformed(
            f"the post has {len(fields)} fields; a Smart Event has at most {MAX_FIELDS}"
        )
    out: dict[str, str] = {}
    for name, value in fields:
        if name in out:
            raise _malformed(f"field {name[:40]!r} appears twice")
        if len(value) > MAX_VALUE_LENGTH:
            raise _malformed(f"field {name[:40]!r} is longer than {MAX_VALUE_LENGTH} characters")
        out[name] = value
    return out


# --- 2. authenticating and recording ---------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    """An authenticated, first-time post, recorded as receipt ``receipt_id``."""

    receipt_id: int
    event: InboundEvent


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def dedupe_key(event: InboundEvent) -> str:
    """What makes an event the same event: tenant, company, object, RECORDNO, event and the
    record's modification time."""
    parts = (
        event.tenant_id,
        event.company_id.upper(),
        event.object_name,
        event.record_key,
        event.event,
        event.modified,
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _objects(session: Session, tenant_id: str) -> tuple[InboundObject, ...]:
    """The objects a post may name: inbound, outbound and the tenant's user-defined
    dimensions (the dimension types pulled from Intacct)."""
    known = {o.name for o in INBOUND_OBJECTS + OUTBOUND_OBJECTS}
    udds = tuple(
        InboundObject(t.id, "ID", t.name)
        for t in list_records(session, tenant_id, DimensionType)
        if t.intacct_object == t.id and t.id not in known
    )
    return INBOUND_OBJECTS + OUTBOUND_OBJECTS + udds


def receive(
    sessions: sessionmaker[Session],
    keyring: Keyring | None,
    fields: Mapping[str, str],
    *,
    digest: str,
    remote: str | None = None,
) -> Accepted:
    """Authenticate ``fields`` and record the receipt; raise :class:`EventRefused` (after
    logging the refusal as a receipt) when the post must be refused."""
    claimed = fields.get("tenant", "")
    try:
        # read, then write in a transaction of its own that starts with the INSERT: on
        # SQLite a transaction that reads before it writes cannot wait for another writer
        with sessions() as session:
            event = _authenticate(session, keyring, fields)
        row = SmartEventReceiptRow(
            tenant_id=event.tenant_id,
            body_hash=digest,
            dedupe_key=dedupe_key(event),
            received_at=now(),
            outcome="accepted",
            intacct_object=event.object_name,
            recordno=event.record_key,
            intacct_id=event.object_id[:100],
            event=event.event,
            detail="",
            remote=remote,
        )
        try:
            with writer(sessions).begin() as session:
                session.add(row)
        except IntegrityError:
            raise EventRefused(
                409,
                "replayed",
                f"this notification ({event.object_name} RECORDNO {event.record_key}, "
                f"{event.event}, modified {event.modified}) was received already; it is "
                "ignored",
            ) from None
        return Accepted(row.id, event)
    except EventRefused as refusal:
        _log_refusal(sessions, claimed, digest, refusal, fields, remote)
        raise


def _authenticate(
    session: Session, keyring: Keyring | None, fields: Mapping[str, str]
) -> InboundEvent:
    unauthenticated = EventRefused(
        401,
        "unauthenticated",
        "the post's tenant and token do not match a tenant of this bridge; export the custom "
        "package for the tenant again and import it in Sage Intacct",
    )
    claimed = fields.get("tenant", "")
    try:
        tenant_id = check_tenant_id(claimed)
    except BridgeError:
        raise unauthenticated from None
    if session.get(TenantRow, tenant_id) is None:
        raise unauthenticated
    config: IntegrationConfig | None = get_config(session, tenant_id, keyring)
    secret = None if config is None else config.webhook_secret
    if config is None or secret is None:
        raise unauthenticated
    if not secret.readable:
        log.error(
            "tenant %s: the webhook secret cannot be decrypted: %s", tenant_id, secret.problem
        )
        raise EventRefused(
            503,
            "secret_unavailable",
            "the bridge cannot read this tenant's webhook secret (secret key missing or wrong); "
            "an administrator must fix the key",
        )
    token = fields.get("token", "")
    if not hmac.compare_digest(token.encode(), secret.reveal().encode()):
        raise unauthenticated
    if not (config.option_active and config.active):
        raise EventRefused(
            403,
            "integration_inactive",
            f"the Sage Intacct integration of tenant {tenant_id!r} is switched off; switch it "
            "on (intacct-bridge config set --option-active --active), then pull to catch up",
        )
    company = fields.get("company", "")
    holder = session.scalars(
        select(TenantRow.id).where(TenantRow.intacct_company_id == company)
    ).first()
    bound = config.company_id
    if (holder is not None and holder != tenant_id) or (
        bound is not None and company.lower() != bound.lower()
    ):
        raise EventRefused(
            403,
            "foreign_tenant",
            f"the notification comes from Intacct company {company[:40]!r}, which is not the "
            f"company tenant {tenant_id!r} is bound to: the company runs a package exported for "
            "another tenant (e.g. after copying an environment). Export the package for the "
            "right tenant and import it in Sage Intacct",
        )
    try:
        event = read_delivery(
            fields,
            tenant_id=tenant_id,
            webhook_secret=secret,
            company_id=bound,
            objects=_objects(session, tenant_id),
        )
    except DeliveryRejected as error:
        raise _malformed(str(error)) from None
    if not event.modified:
        raise _malformed(
            "the notification has no 'modified' field (WHENMODIFIED): the package was exported "
            "by an older bridge; export it again and import it in Sage Intacct"
        )
    return event


def _log_refusal(
    sessions: sessionmaker[Session],
    claimed: str,
    digest: str,
    refusal: EventRefused,
    fields: Mapping[str, str],
    remote: str | None,
) -> None:
    log.warning(
        "Smart Event post refused (%s, from %s, tenant %r): %s",
        refusal.code,
        remote or "?",
        claimed[:TENANT_ID_LENGTH],
        refusal.message,
    )
    record_refusal(sessions, claimed, digest, refusal, fields, remote)


def record_refusal(
    sessions: sessionmaker[Session],
    claimed: str,
    digest: str,
    refusal: EventRefused,
    fields: Mapping[str, str] | None,
    remote: str | None,
) -> None:
    """Log a refused post as a receipt (never its token)."""
    given = fields or {}
    recordno = given.get("key", "")
    try:
        with writer(sessions).begin() as session:
            session.add(
                SmartEventReceiptRow(
                    tenant_id=claimed[:TENANT_ID_LENGTH],
                    body_hash=digest,
                    dedupe_key=None,
                    received_at=now(),
                    outcome="replayed" if refusal.code == "replayed" else "refused",
                    intacct_object=given.get("object", "")[:60] or None,
                    recordno=recordno[:20] if recordno.isdigit() else None,
                    event=given.get("event", "")[:10] or None,
                    detail=f"{refusal.code}: {refusal.message}"[:500],
                    remote=(remote or "")[:100] or None,
                )
            )
    except Exception:  # the refusal stands even if its log line cannot be written
        log.exception("could not record a refused Smart Event post")


# --- 3. applying -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboundChange:
    """A record the bridge sends to Intacct was changed (or deleted) in Intacct."""

    tenant_id: str
    intacct_object: str
    recordno: str
    intacct_id: str
    event: str


#: The seam to the per-record sync state: called, inside the receipt's transaction, for a
#: Smart Event on an outbound object. It marks the bridge's record ``desynchronized`` and
#: returns a sentence for the receipt. The coordinator wires the sync state module here.
OutboundChangeHandler = Callable[[Session, OutboundChange], str]


def note_desynchronized(session: Session, change: OutboundChange) -> str:
    """The default :data:`OutboundChangeHandler`: marks the bridge's record of the changed
    Intacct record ``desynchronized`` in the sync state (found by RECORDNO, else by
    Intacct ID), so that a person chooses which side wins (Synchronise sends the bridge's
    version again). A record the bridge never synchronised is left alone."""
    what = {"add": "added", "set": "changed", "delete": "deleted"}.get(change.event, "changed")
    name = f"{change.intacct_object} {change.intacct_id or change.recordno}"
    matches = []
    if change.recordno.isdigit():
        matches.append(SyncStateRow.record_no == int(change.recordno))
    if change.intacct_id:
        matches.append(SyncStateRow.intacct_id == change.intacct_id)
    rows = (
        session.scalars(
            select(SyncStateRow)
            .where(
                SyncStateRow.tenant_id == change.tenant_id,
                SyncStateRow.intacct_object == change.intacct_object,
                or_(*matches),
            )
            .with_for_update()
        ).all()
        if matches
        else []
    )
    if not rows:
        return f"{name} was {what} in Intacct; the bridge has not synchronised it: nothing to do"
    stamp = now()
    for row in rows:
        row.state = SyncState.DESYNCHRONIZED.value
        row.last_message = (
            f"{name} was {what} in Intacct (Smart Event); use Synchronise to send the "
            "bridge's version again"
        )
        row.updated_at = stamp
    keys = ", ".join(f"{row.kind} {row.key}" for row in rows)
    return f"{name} was {what} in Intacct: the bridge's {keys} is now desynchronized"


#: Opens an Intacct client for a tenant's configuration.
ClientFactory = Callable[[IntegrationConfig], AbstractAsyncContextManager[IntacctClient]]


def clients_for(limiter: CompanyLimiter | None = None) -> ClientFactory:
    """A :data:`ClientFactory` on the configuration's endpoint and sign-in entity (through
    :func:`~intacct_bridge.sync.connect.client_for`), taking its slots from ``limiter``
    (the process limiter when ``None``; pass :func:`~intacct_bridge.sync.slots.limiter_for`
    of the database on PostgreSQL so the web app counts with the workers)."""

    @asynccontextmanager
    async def open_client(config: IntegrationConfig) -> AsyncIterator[IntacctClient]:
        async with client_for(config, limiter=limiter, top_level=False) as client:
            yield client

    return open_client


#: The process limiter's client factory.
default_client: ClientFactory = clients_for()


async def process(
    sessions: sessionmaker[Session],
    keyring: Keyring | None,
    receipt_id: int,
    *,
    clients: ClientFactory = default_client,
    on_outbound: OutboundChangeHandler = note_desynchronized,
) -> str:
    """Apply accepted receipt ``receipt_id``; returns its new outcome.

    ``applied``/``deleted`` (the record was fetched and stored, or is gone from Intacct),
    ``desynchronized`` (an outbound object), ``failed`` (a person must look: the detail says
    why) — or ``accepted`` again after a transient failure, for :func:`process_pending`.
    """
    with sessions() as session:
        row = session.get(SmartEventReceiptRow, receipt_id)
        if row is None or row.outcome != "accepted":
            return "missing" if row is None else row.outcome
        tenant_id = row.tenant_id
        object_name = row.intacct_object or ""
        recordno = row.recordno or ""
        intacct_id = row.intacct_id or ""
        event = row.event or ""
    if object_name in _OUTBOUND:
        with writer(sessions).begin() as session:
            change = OutboundChange(tenant_id, object_name, recordno, intacct_id, event)
            detail = on_outbound(session, change)
            return _finish(session, receipt_id, "desynchronized", detail)
    try:
        with sessions() as session:
            config = get_config(session, tenant_id, keyring)
        if config is None:
            raise BridgeError(f"tenant {tenant_id!r} has no Intacct configuration")
        async with clients(config) as client:
            result = await InboundSync(sessions, client, tenant_id).fetch(object_name, recordno)
    except Exception as error:  # every failure is recorded on the receipt, none is lost
        transient = is_transient(error)
        detail = f"{type(error).__name__}: {str(error)[:400]}"
        log.warning(
            "Smart Event receipt %s (%s %s) %s: %s",
            receipt_id,
            object_name,
            recordno,
            "will be retried" if transient else "failed",
            detail,
        )
        with writer(sessions).begin() as session:
            return _finish(session, receipt_id, "accepted" if transient else "failed", detail)
    outcome = {"deleted": "deleted", "rejected": "failed", "ignored": "failed"}.get(
        result.outcome, "applied"
    )
    detail = f"{result.outcome}" + (f": {result.detail}" if result.detail else "")
    with writer(sessions).begin() as session:
        return _finish(session, receipt_id, outcome, detail)


def _finish(session: Session, receipt_id: int, outcome: str, detail: str) -> str:
    row = session.get(SmartEventReceiptRow, receipt_id)
    assert row is not None
    row.outcome = outcome
    row.detail = detail[:500]
    row.processed_at = None if outcome == "accepted" else now()
    return outcome


async def process_pending(
    sessions: sessionmaker[Session],
    keyring: Keyring | None,
    *,
    clients: ClientFactory = default_client,
    on_outbound: OutboundChangeHandler = note_desynchronized,
    limit: int = 1000,
) -> dict[int, str]:
    """Apply every receipt still ``accepted`` (after a restart or a transient failure),
    oldest first; returns receipt → outcome."""
    with sessions() as session:
        ids = session.scalars(
            select(SmartEventReceiptRow.id)
            .where(SmartEventReceiptRow.outcome == "accepted")
            .order_by(SmartEventReceiptRow.id)
            .limit(limit)
        ).all()
    return {
        receipt: await process(sessions, keyring, receipt, clients=clients, on_outbound=on_outbound)
        for receipt in ids
    }


def prune_receipts(sessions: sessionmaker[Session], older_than: dt.timedelta) -> int:
    """Delete finished receipts received more than ``older_than`` ago; returns how many.

    Receipts still ``accepted`` are kept whatever their age. A post replayed after its
    receipt is gone is accepted again and re-reads the record: harmless, the read is
    idempotent."""
    cutoff = now() - older_than
    with writer(sessions).begin() as session:
        result = session.execute(
            delete(SmartEventReceiptRow).where(
                SmartEventReceiptRow.received_at < cutoff,
                SmartEventReceiptRow.outcome != "accepted",
            )
        )
    return int(getattr(result, "rowcount", 0) or 0)


def receipts(session: Session, tenant_id: str | None = None) -> list[SmartEventReceiptRow]:
    """The receipts (of one tenant), oldest first."""
    query = select(SmartEventReceiptRow).order_by(SmartEventReceiptRow.id)
    if tenant_id is not None:
        query = query.where(SmartEventReceiptRow.tenant_id == tenant_id)
    return list(session.scalars(query))


__all__ = [
    "MAX_BODY_BYTES",
    "OUTBOUND_OBJECTS",
    "Accepted",
    "ClientFactory",
    "EventRefused",
    "OutboundChange",
    "OutboundChangeHandler",
    "body_hash",
    "clients_for",
    "dedupe_key",
    "default_client",
    "note_desynchronized",
    "process",
    "process_pending",
    "prune_receipts",
    "read_post",
    "receipts",
    "receive",
    "record_refusal",
]
