"""Master data out: items (ITEM, non-inventory), customers (CUSTOMER), suppliers (VENDOR)
and their contacts (CONTACT), always at the top level of a MEGA company.

One pass over a kind:

1. :func:`claim` takes a batch of ``pending`` records due now, under a lease (a worker that
   dies lets the lease lapse; another one takes the records over);
2. :func:`prepare` builds each record's Intacct fields from the tenant's map
   (:mod:`.mappings`) and fingerprints them. A record whose fingerprint is the one last sent
   costs no call;
3. :func:`send` runs the creates and updates through :meth:`IntacctClient.execute` — batched,
   with deterministic control IDs (tenant, object, key, version, fingerprint), so a write
   retried after a crash or a lost reply is never applied twice. A create refused because the
   record already exists in Intacct (created earlier, or the link was reset) is linked by
   one ``readByName`` and updated;
4. :func:`apply` records the outcome: ``success`` with RECORDNO, deep link and fingerprint
   (an item's ID is locked from then on); transient failures stay ``pending`` with a next
   attempt (exponential backoff); the rest become ``error`` with an actionable message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import (
    Integer,
    String,
    Text,
    bindparam,
    case,
    cast,
    column,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSON
from sqlalchemy.orm import Session

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.intacct import ErrorEntry, FunctionResult, IntacctClient
from intacct_bridge.intacct import functions as fn
from intacct_bridge.intacct.envelope import Function
from intacct_bridge.intacct.errors import is_transient_entries
from intacct_bridge.model.canonical import content_hash
from intacct_bridge.model.kinds import Record, record_key
from intacct_bridge.model.parties import Customer, Supplier
from intacct_bridge.store.base import now
from intacct_bridge.store.keysets import key_chunks, key_in
from intacct_bridge.store.repositories import mark_items_integrated
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.sync.mappings import ObjectMap, map_for_kind
from intacct_bridge.sync.state import (
    ADDRESS_ROLES,
    SyncState,
    address_contact,
    current_hashes,
    display_contact_name,
    load_records,
    preload_states,
    write_lock,
)

#: failed attempts after which a transient failure is parked as ``error``
MAX_ATTEMPTS = 8
#: first retry delay (seconds); doubled per attempt, capped at :data:`MAX_BACKOFF`
FIRST_BACKOFF = 30.0
MAX_BACKOFF = 3600.0

_PAGES = {
    "ITEM": "item",
    "CUSTOMER": "customer",
    "VENDOR": "vendor",
    "CONTACT": "contact",
}


# --- building the Intacct fields ------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What a payload needs beyond the record: the configuration's contact switches."""

    hide_display_contact: bool = False

    @classmethod
    def of(cls, config: IntegrationConfig | None) -> Context:
        if config is None:
            return cls()
        return cls(hide_display_contact=config.contacts.exclude_display_contact)


def property_value(record: Record, kind: str, prop: str, ctx: Context) -> Any:
    """The value of bridge property ``prop`` of ``record`` (dotted paths go into parts)."""
    match prop:
        case "item_type":
            return "Non-Inventory"
        case "status":
            return "active" if getattr(record, "is_active", True) else "inactive"
        case "hide_display_contact":
            return ctx.hide_display_contact
        case "display_contact_name":
            return display_contact_name(kind, record_key(record)[0])
        case "ship_to_contact" | "return_to_contact":
            assert isinstance(record, Customer | Supplier)
            derived = address_contact(kind, record)
            return None if derived is None else derived.name
    value: Any = record
    for part in prop.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


#: properties :func:`property_value` works out (not read off the record)
_DERIVED = frozenset(
    {
        "item_type",
        "status",
        "hide_display_contact",
        "display_contact_name",
        "ship_to_contact",
        "return_to_contact",
    }
)
Getter = Callable[[Record, Context], Any]


def _getter(kind: str, prop: str) -> Getter:
    """:func:`property_value` of ``prop`` as one small function (worked out once per map
    and batch, not matched per record; tests/sync/test_payload.py holds them equal)."""
    match prop:
        case "item_type":
            return lambda record, ctx: "Non-Inventory"
        case "status":
            return lambda record, ctx: (
                "active" if getattr(record, "is_active", True) else "inactive"
            )
        case "hide_display_contact":
            return lambda record, ctx: ctx.hide_display_contact
    if prop in _DERIVED:
        return lambda record, ctx: property_value(record, kind, prop, ctx)
    if "." not in prop:
        return lambda record, ctx: getattr(record, prop, None)
    parts = tuple(prop.split("."))

    def dotted(record: Record, ctx: Context) -> Any:
        value: Any = record
        for part in parts:
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    return dotted


@dataclass(frozen=True)
class FieldPlan:
    """A map's mapped rows worked out once per batch: per row, how its value is read and
    where it goes (groups, name), so that building each record's fields is one loop."""

    steps: tuple[tuple[Getter, tuple[str, ...], str], ...]

    @classmethod
    def of(cls, kind: str, objmap: ObjectMap) -> FieldPlan:
        steps = []
        for row in objmap.mapped:
            assert row.bridge_property is not None
            *groups, name = row.intacct_field.split(".")
            steps.append((_getter(kind, row.bridge_property), tuple(groups), name))
        return cls(tuple(steps))

    def build(self, record: Record, ctx: Context) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for getter, groups, name in self.steps:
            value = getter(record, ctx)
            if value is None or value == "":
                continue
            target = out
            for group in groups:
                target = target.setdefault(group, {})
            target[name] = value
        return out


def build_fields(record: Record, kind: str, objmap: ObjectMap, ctx: Context) -> dict[str, Any]:
    """The record's Intacct fields, nested (``DISPLAYCONTACT.PRINTAS`` → a group)."""
    return FieldPlan.of(kind, objmap).build(record, ctx)


def flatten(fields: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested fields as ``{"DISPLAYCONTACT.PRINTAS": text}`` (the form kept as sent values)."""
    flat: dict[str, str] = {}
    _flatten_into(flat, fields, prefix)
    return flat


def _flatten_into(flat: dict[str, str], fields: Mapping[str, Any], prefix: str) -> None:
    for name, value in fields.items():
        path = f"{prefix}{name}"
        cls = value.__class__
        if cls is str:  # most values: no isinstance chain
            flat[path] = value
        elif isinstance(value, Mapping):
            _flatten_into(flat, value, f"{path}.")
        elif isinstance(value, bool):
            flat[path] = "true" if value else "false"
        elif isinstance(value, Decimal):
            flat[path] = format(value, "f")
        else:
            flat[path] = "" if value is None else str(value)


#: ``json.dumps(…, sort_keys=True, ensure_ascii=False)`` without a new encoder per call
_FINGERPRINT_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def fingerprint(intacct_object: str, fields: Mapping[str, Any]) -> str:
    return flat_fingerprint(intacct_object, flatten(fields))


def flat_fingerprint(intacct_object: str, flat: Mapping[str, str]) -> str:
    """:func:`fingerprint` of fields already flattened (the digest is stored: it must not
    change for the same fields)."""
    text = _FINGERPRINT_JSON.encode([intacct_object, flat])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- claiming ---------------------------------------------------------------------------------


def claim(
    session: Session,
    tenant_id: str,
    kind: str,
    worker_id: str,
    *,
    limit: int,
    lease: float,
    at: dt.datetime | None = None,
) -> list[tuple[str, str]]:
    """Take up to ``limit`` pending records of ``kind`` that are due, for ``lease`` seconds.

    On PostgreSQL rows locked by another worker's claim are skipped (``SKIP LOCKED``); the
    caller commits. Returns the (kind, key) pairs claimed.
    """
    moment = at or now()
    write_lock(session)  # SQLite: the other worker waits for this commit
    due = (
        select(SyncStateRow.key)
        .where(
            SyncStateRow.tenant_id == tenant_id,
            SyncStateRow.kind == kind,
            SyncStateRow.state == SyncState.PENDING.value,
            or_(SyncStateRow.next_attempt_at.is_(None), SyncStateRow.next_attempt_at <= moment),
            or_(SyncStateRow.claimed_until.is_(None), SyncStateRow.claimed_until < moment),
        )
        .order_by(SyncStateRow.key)
        .limit(limit)
    )
    chosen: Any = SyncStateRow.key.in_(due.scalar_subquery())
    if session.get_bind().dialect.name == "postgresql":
        # the keys are chosen once (an init plan), then each row is found by its key
        keys = func.array(due.with_for_update(skip_locked=True).scalar_subquery())
        chosen = SyncStateRow.key == func.any(keys)
    # One statement: the due rows are locked (skipping those another claim holds) and
    # claimed together; no row is loaded into the session.
    taken = session.execute(
        update(SyncStateRow)
        .where(SyncStateRow.tenant_id == tenant_id, SyncStateRow.kind == kind, chosen)
        .values(claimed_by=worker_id, claimed_until=moment + dt.timedelta(seconds=lease))
        .returning(SyncStateRow.key)
        .execution_options(synchronize_session=False)
    )
    return [(kind, key) for key in sorted(taken.scalars())]


# --- preparing, sending, applying --------------------------------------------------------------


@dataclass
class Outgoing:
    """One claimed record on its way to Intacct."""

    kind: str
    key: str
    intacct_object: str
    key_field: str
    #: the record's ID in Intacct (ITEMID, CUSTOMERID, CONTACTNAME …)
    intacct_id: str
    fields: dict[str, Any]
    fingerprint: str
    #: the store's content hash of what is sent
    source_hash: str
    record_no: int | None
    version: int
    #: nothing to send: Intacct already has exactly this
    unchanged: bool = False
    #: set after sending
    result: FunctionResult | None = None
    #: a failure before anything was sent (record gone, mapping problem)
    problem: tuple[str, str] | None = None
    #: ``fields`` flattened (:func:`flatten`), worked out once by :func:`prepare`
    flat: dict[str, str] | None = None

    def flat_fields(self) -> dict[str, str]:
        """The fields as ``{"DISPLAYCONTACT.PRINTAS": text}`` (what is kept as sent)."""
        if self.flat is None:
            self.flat = flatten(self.fields)
        return self.flat

    def function(self, tenant_id: str) -> Function:
        action = "update" if self.record_no is not None else "create"
        controlid = fn.write_controlid(
            tenant_id,
            self.intacct_object,
            self.intacct_id,
            action,
            self.version + 1,
            self.fingerprint,
        )
        if action == "update":
            return fn.update(self.intacct_object, self.fields, controlid=controlid)
        return fn.create(
            self.intacct_object, self.fields, controlid=controlid, key_field=self.key_field
        )


def prepare(
    session: Session,
    tenant_id: str,
    claimed: Sequence[tuple[str, str]],
    ctx: Context,
) -> list[Outgoing]:
    """Build what each claimed record sends (reads the store; writes nothing)."""
    out: list[Outgoing] = []
    maps: dict[str, ObjectMap] = {}
    plans: dict[str, FieldPlan] = {}
    by_kind: dict[str, list[str]] = {}
    for kind, key in claimed:
        by_kind.setdefault(kind, []).append(key)
    loaded = {kind: load_records(session, tenant_id, kind, keys) for kind, keys in by_kind.items()}
    hashes = {
        kind: current_hashes(session, tenant_id, kind, keys)
        for kind, keys in by_kind.items()
        if kind != "address"
    }
    states = {kind: _snapshots(session, tenant_id, kind, keys) for kind, keys in by_kind.items()}
    for kind, key in claimed:
        row = states[kind].get(key)
        if row is None:
            continue
        map_kind = "contact" if kind == "address" else kind
        objmap = maps.get(map_kind)
        if objmap is None:
            objmap = maps[map_kind] = map_for_kind(session, tenant_id, map_kind)
            plans[map_kind] = FieldPlan.of(map_kind, objmap)
        record = loaded[kind].get(key)
        if record is None:
            gone = Outgoing(
                kind,
                key,
                objmap.intacct_object,
                objmap.key_field,
                key,
                {},
                "",
                "",
                row.record_no,
                row.version,
            )
            gone.problem = ("gone", f"{kind} {key} is no longer in the store; nothing to send")
            out.append(gone)
            continue
        fields = plans[map_kind].build(record, ctx)
        if row.record_no is not None and row.sent_values:
            _clear_emptied(fields, row.sent_values, objmap)
        flat = flatten(fields)
        print_ = flat_fingerprint(objmap.intacct_object, flat)
        digest = hashes[kind][key] if kind != "address" else content_hash(record)
        intacct_id = str(flat.get(objmap.key_field, key))
        item = Outgoing(
            kind,
            key,
            objmap.intacct_object,
            objmap.key_field,
            intacct_id,
            fields,
            print_,
            digest,
            row.record_no,
            row.version,
        )
        item.unchanged = row.record_no is not None and row.fingerprint == print_
        item.flat = flat
        out.append(item)
    return out


def _snapshots(session: Session, tenant_id: str, kind: str, keys: Sequence[str]) -> dict[str, Any]:
    """What :func:`prepare` reads of many state rows of one kind (a few columns, no
    object loaded into the session)."""
    out: dict[str, Any] = {}
    for chunk in key_chunks(session, keys):
        query = select(
            SyncStateRow.key,
            SyncStateRow.record_no,
            SyncStateRow.version,
            SyncStateRow.fingerprint,
            SyncStateRow.sent_values,
        ).where(
            SyncStateRow.tenant_id == tenant_id,
            SyncStateRow.kind == kind,
            key_in(session, SyncStateRow.key, chunk),
        )
        for row in session.execute(query):
            out[row.key] = row
    return out


def _clear_emptied(fields: dict[str, Any], sent: Mapping[str, str], objmap: ObjectMap) -> None:
    """An update sends an empty value for a mapped field that was sent before and is empty
    now, so that Intacct clears it too (a field left out would keep its old value)."""
    present = flatten(fields)
    mapped = {row.intacct_field for row in objmap.mapped}
    for path, value in sent.items():
        if path in present or path not in mapped or value == "":
            continue
        target = fields
        *groups, name = path.split(".")
        for group in groups:
            target = target.setdefault(group, {})
        target[name] = ""


_EXISTS = "already exists"


def _is_duplicate(result: FunctionResult) -> bool:
    return any(
        _EXISTS in entry.description2 or entry.errorno == "BL34000061" for entry in result.errors
    )


async def send(client: IntacctClient, tenant_id: str, batch: Sequence[Outgoing]) -> int:
    """Send every record of ``batch`` that has something to send; returns the number of
    functions sent. Records refused as already existing are linked and updated."""
    todo = [item for item in batch if not item.unchanged and item.problem is None]
    if not todo:
        return 0
    results = await client.execute([item.function(tenant_id) for item in todo])
    sent = len(todo)
    duplicates: list[Outgoing] = []
    for item, result in zip(todo, results, strict=True):
        item.result = result
        if not result.ok and item.record_no is None and _is_duplicate(result):
            duplicates.append(item)
    if duplicates:
        sent += await _link_and_update(client, tenant_id, duplicates)
    return sent


async def _link_and_update(client: IntacctClient, tenant_id: str, items: list[Outgoing]) -> int:
    by_object: dict[str, list[Outgoing]] = {}
    for item in items:
        by_object.setdefault(item.intacct_object, []).append(item)
    reads = []
    for name, group in by_object.items():
        for start in range(0, len(group), 100):
            chunk = group[start : start + 100]
            reads.append(
                (
                    chunk,
                    fn.read_by_name(
                        name, [i.intacct_id for i in chunk], ["RECORDNO", chunk[0].key_field]
                    ),
                )
            )
    read_results = await client.execute([function for _chunk, function in reads])
    linked: list[Outgoing] = []
    for (chunk, _function), result in zip(reads, read_results, strict=True):
        if not result.ok:
            continue
        found = {str(rec.get(chunk[0].key_field, "")): rec for rec in result.records()}
        for item in chunk:
            record = found.get(item.intacct_id)
            if record is not None and str(record.get("RECORDNO", "")).isdigit():
                item.record_no = int(str(record["RECORDNO"]))
                linked.append(item)
    if not linked:
        return len(reads)
    updates = await client.execute([item.function(tenant_id) for item in linked])
    for item, result in zip(linked, updates, strict=True):
        item.result = result
    return len(reads) + len(linked)


def deep_link(endpoint: str, intacct_object: str, record_no: int) -> str:
    """The record's page in Intacct (the API host's web counterpart)."""
    parts = urlsplit(endpoint)
    host = parts.netloc
    if host.startswith("api."):
        host = "www." + host.removeprefix("api.")
    page = _PAGES.get(intacct_object, intacct_object.lower())
    return f"{parts.scheme}://{host}/ia/acct/{page}.phtml?.r={record_no}"


@dataclass
class Applied:
    """What :func:`apply` did, for the run report."""

    success: int = 0
    unchanged: int = 0
    retrying: int = 0
    errors: int = 0
    #: (error code, message) → records, de-duplicated for the report
    problems: dict[tuple[str, str], list[str]] = field(default_factory=dict)


def apply(
    session: Session,
    tenant_id: str,
    worker_id: str,
    batch: Sequence[Outgoing],
    endpoint: str,
    *,
    failure: BaseException | None = None,
    at: dt.datetime | None = None,
) -> Applied:
    """Record the outcome of a sent batch (``failure``: the whole batch failed transiently)."""
    moment = at or now()
    write_lock(session)
    report = Applied()
    fast: list[Outgoing] = []
    slow: list[Outgoing] = []
    for item in batch:
        if item.problem is None and (item.unchanged or _sent_ok(item, failure)):
            fast.append(item)
        else:
            slow.append(item)
    done = _apply_successes(session, tenant_id, worker_id, fast, endpoint, moment, report)
    by_kind: dict[str, list[str]] = {}
    for item in slow:
        by_kind.setdefault(item.kind, []).append(item.key)
    states = {
        kind: preload_states(session, tenant_id, kind, keys) for kind, keys in by_kind.items()
    }
    for item in slow:
        row = states[item.kind].get(item.key)
        if row is None or row.claimed_by != worker_id:
            continue  # the lease lapsed and another worker owns the record now
        row.claimed_by = None
        row.claimed_until = None
        row.updated_at = moment
        if item.problem is not None:
            code, message = item.problem
            if code == "gone":
                session.delete(row)
                continue
            _park(row, code, message, report, moment)
            continue
        if failure is not None:
            _retry(row, item, _transient_message(item, failure), report, moment)
            continue
        result = item.result
        if result is None:
            continue
        if is_transient_entries(result.errors):
            _retry(row, item, explain(item, result.errors)[1], report, moment)
            continue
        code, message = explain(item, result.errors)
        _park(row, code, message, report, moment)
    session.flush()
    # An item's ID is locked once it is in Intacct (after the states; a few statements).
    del done
    integrated = [
        item.key
        for item in fast
        if item.kind == "item" and not item.unchanged and item.record_no is not None
    ]
    if integrated:
        mark_items_integrated(session, tenant_id, integrated, at=moment)
    return report


def _sent_ok(item: Outgoing, failure: BaseException | None) -> bool:
    return failure is None and item.result is not None and item.result.ok


def _apply_successes(
    session: Session,
    tenant_id: str,
    worker_id: str,
    items: Sequence[Outgoing],
    endpoint: str,
    moment: dt.datetime,
    report: Applied,
) -> list[Outgoing]:
    """Record the records Intacct now has (sent, or unchanged) in one statement per kind,
    without loading their rows; returns those still claimed by ``worker_id`` (the others'
    lease lapsed and another worker owns them now: left alone)."""
    by_kind: dict[str, list[Outgoing]] = {}
    for item in items:
        if not item.unchanged and item.result is not None and item.result.recordno.isdigit():
            item.record_no = int(item.result.recordno)
        by_kind.setdefault(item.kind, []).append(item)
    done: list[Outgoing] = []
    postgres = session.get_bind().dialect.name == "postgresql"
    for kind, group in by_kind.items():
        rows = [_success_values(item, endpoint) for item in group]
        if postgres:
            ours = _update_successes_pg(session, tenant_id, worker_id, kind, rows, moment)
        else:
            ours = _update_successes(session, tenant_id, worker_id, kind, rows, moment)
        mine = [item for item in group if item.key in ours]
        for item in mine:
            if item.unchanged:
                report.unchanged += 1
            else:
                report.success += 1
        done.extend(mine)
    return done


def _success_values(item: Outgoing, endpoint: str) -> dict[str, Any]:
    """What a success writes into the record's state row (besides the fixed columns)."""
    return {
        "b_key": item.key,
        "b_bump": 0 if item.unchanged else 1,
        "b_record_no": item.record_no,
        "b_intacct_id": item.intacct_id,
        "b_url": None
        if item.record_no is None
        else deep_link(endpoint, item.intacct_object, item.record_no),
        "b_fingerprint": item.fingerprint,
        "b_sent_values": item.flat_fields(),
        "b_source_hash": item.source_hash,
    }


def _success_columns(source: Mapping[str, Any], moment: dt.datetime) -> dict[str, Any]:
    """The columns a success sets, from ``source`` (``b_…`` values: binds or columns)."""
    # A change that arrived while the record was on its way is sent next (pending).
    still_pending = SyncStateRow.pending_hash.is_not(None) & (
        SyncStateRow.pending_hash != source["b_source_hash"]
    )
    return {
        "claimed_by": None,
        "claimed_until": None,
        "updated_at": moment,
        "version": SyncStateRow.version + source["b_bump"],
        "record_no": source["b_record_no"],
        "intacct_id": source["b_intacct_id"],
        "url": func.coalesce(source["b_url"], SyncStateRow.url),
        "fingerprint": source["b_fingerprint"],
        "sent_values": source["b_sent_values"],
        "source_hash": source["b_source_hash"],
        "last_message": None,
        "error_code": None,
        "difference": None,
        "attempts": 0,
        "next_attempt_at": None,
        "synced_at": moment,
        "state": case((still_pending, SyncState.PENDING.value), else_=SyncState.SUCCESS.value),
    }


def _update_successes(
    session: Session,
    tenant_id: str,
    worker_id: str,
    kind: str,
    rows: list[dict[str, Any]],
    moment: dt.datetime,
) -> set[str]:
    """SQLite: the rows still claimed by ``worker_id`` are read, then updated by key (one
    executemany); returns their keys."""
    keys = [row["b_key"] for row in rows]
    ours: set[str] = set()
    for chunk in key_chunks(session, keys):
        owned = (
            select(SyncStateRow.key)
            .where(
                SyncStateRow.tenant_id == tenant_id,
                SyncStateRow.kind == kind,
                key_in(session, SyncStateRow.key, chunk),
                SyncStateRow.claimed_by == worker_id,
            )
            .with_for_update()
        )
        ours.update(session.scalars(owned))
    mine = [row for row in rows if row["b_key"] in ours]
    if not mine:
        return ours
    binds: dict[str, Any] = {name: bindparam(name) for name in mine[0]}
    binds["b_url"] = bindparam("b_url", type_=SyncStateRow.url.type)
    binds["b_sent_values"] = bindparam("b_sent_values", type_=SyncStateRow.sent_values.type)
    table: Any = SyncStateRow.__table__
    statement = (
        update(table)
        .where(
            SyncStateRow.tenant_id == tenant_id,
            SyncStateRow.kind == kind,
            SyncStateRow.key == binds["b_key"],
            SyncStateRow.claimed_by == worker_id,
        )
        .values(_success_columns(binds, moment))
    )
    session.execute(statement, mine)
    return ours


def _update_successes_pg(
    session: Session,
    tenant_id: str,
    worker_id: str,
    kind: str,
    rows: list[dict[str, Any]],
    moment: dt.datetime,
) -> set[str]:
    """PostgreSQL: one ``UPDATE … FROM json_to_recordset(:done)`` for the whole group (one
    statement text and one parameter, whatever the batch size); ``claimed_by = worker`` in
    it leaves the records whose lease lapsed alone, and ``RETURNING`` says which were ours.

    The rows go as one JSON document: arrays would be escaped element by element (the sent
    values are JSON themselves), and a ``json`` output column keeps each value's text exactly
    as ``json.dumps`` wrote it — what the JSON column stores when bound on its own.
    """
    types = {
        "b_key": String,
        "b_bump": Integer,
        "b_record_no": Integer,
        "b_intacct_id": String,
        "b_url": String,
        "b_fingerprint": String,
        "b_sent_values": JSON,
        "b_source_hash": String,
    }
    document = bindparam("done", json.dumps(rows), type_=Text)
    source: Any = (
        func.json_to_recordset(cast(document, JSON))
        .table_valued(*(column(name, kind_) for name, kind_ in types.items()))
        .render_derived(name="done", with_types=True)
    )
    columns = {name: source.c[name] for name in types}
    table: Any = SyncStateRow.__table__
    statement = (
        update(table)
        .where(
            table.c.tenant_id == tenant_id,
            table.c.kind == kind,
            table.c.key == source.c.b_key,
            table.c.claimed_by == worker_id,
        )
        .values(_success_columns(columns, moment))
        .returning(table.c.key)
    )
    return set(session.scalars(statement))


def _retry(
    row: SyncStateRow, item: Outgoing, message: str, report: Applied, moment: dt.datetime
) -> None:
    row.attempts += 1
    if row.attempts >= MAX_ATTEMPTS:
        _park(
            row, "transient", f"{message} (gave up after {row.attempts} attempts)", report, moment
        )
        return
    delay = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (row.attempts - 1))
    row.next_attempt_at = moment + dt.timedelta(seconds=delay)
    row.last_message = f"{message}; next attempt at {row.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC"
    row.error_code = "transient"
    row.state = SyncState.PENDING.value
    report.retrying += 1


def _park(row: SyncStateRow, code: str, message: str, report: Applied, moment: dt.datetime) -> None:
    row.state = SyncState.ERROR.value
    row.error_code = code
    row.last_message = message
    row.next_attempt_at = None
    report.errors += 1
    report.problems.setdefault((code, _template(message, row.key)), []).append(
        f"{row.kind} {row.key}"
    )


def _template(message: str, key: str) -> str:
    """The message with the record left out, so one cause is reported once (its fix then
    applies to every record of the kind)."""
    return message.replace(f" --record {key}", "").replace(key, "…")


def _transient_message(item: Outgoing, failure: BaseException) -> str:
    return (
        f"{item.intacct_object} {item.intacct_id}: Intacct could not be reached or was busy "
        f"({type(failure).__name__}: {failure})"
    )


_UNKNOWN_FIELD = re.compile(r"field '([^']+)' does not exist")
_INVALID_REF = re.compile(r"Invalid (.+?) '([^']*)' specified")
_REQUIRED = re.compile(r"Required field ([\w.]+)")


def explain(item: Outgoing, errors: Sequence[ErrorEntry]) -> tuple[str, str]:
    """An Intacct failure as (error code, actionable message: record, Intacct field, fix)."""
    where = f"{item.intacct_object} {item.intacct_id} ({item.kind} {item.key})"
    text = " ".join(
        e.description2 or e.description for e in errors if e.description2 or e.description
    ) or "; ".join(e.text() for e in errors)
    correction = next((e.correction for e in errors if e.correction), "")
    flat = item.flat_fields()
    if is_transient_entries(tuple(errors)):
        return "transient", f"{where}: Intacct was busy ({text})"
    if match := _UNKNOWN_FIELD.search(text):
        name = match.group(1)
        return "mapping", (
            f"{where}, field {name}: this Intacct company has no field {name} (a module is "
            f"off, or it is a custom field not defined here). Fix: intacct-bridge mapping "
            f"remove-field {item.intacct_object} {name} — or turn the module on in Intacct — "
            f"then intacct-bridge sync --force"
        )
    if "non-existing" in text:
        return "missing", (
            f"{where}: the record is no longer in Intacct (deleted there?). Fix: "
            f"intacct-bridge sync --reset-link --kind {item.kind} --record {item.key} "
            "creates it again"
        )
    if match := _INVALID_REF.search(text):
        label, value = match.group(1), match.group(2)
        fields = [name for name, sent in flat.items() if sent == value]
        name = fields[0] if fields else "?"
        return "reference", (
            f"{where}, field {name}: the {label} '{value}' does not exist in Intacct. Fix: "
            f"create it in Intacct (or correct the {item.kind}), then intacct-bridge sync "
            f"--force --kind {item.kind} --record {item.key}"
        )
    if match := _REQUIRED.search(text):
        name = match.group(1)
        return "required", (
            f"{where}, field {name}: Intacct requires a value. Fix: fill it on the "
            f"{item.kind}, or map {name} to a property (intacct-bridge mapping set-field "
            f"{item.intacct_object} {name} PROPERTY), then intacct-bridge sync --force"
        )
    if "permission" in text.lower() or "not authorized" in text.lower():
        return "permission", (
            f"{where}: the web services user may not write {item.intacct_object} ({text}). "
            "Fix: give the user's role Add/Edit rights on it in Intacct, then "
            "intacct-bridge sync --force"
        )
    fix = correction or "correct the record or the mapping, then intacct-bridge sync --force"
    return "data", f"{where}: Intacct refused it: {text}. Fix: {fix}"


def address_kinds_for(kind: str) -> tuple[str, ...]:
    """Kinds whose records a party of ``kind`` refers to (its derived address contacts)."""
    return ("address",) if kind in ADDRESS_ROLES else ()


# --- desynchronisation ------------------------------------------------------------------------


def _same(sent: str, theirs: str) -> bool:
    if sent == theirs:
        return True
    try:
        return Decimal(sent) == Decimal(theirs)
    except (InvalidOperation, ValueError):
        return sent.strip().lower() == theirs.strip().lower()


def difference(sent: Mapping[str, str], intacct: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The fields whose value in Intacct is not what the bridge sent."""
    diff: dict[str, dict[str, str]] = {}
    for name, value in sent.items():
        theirs = intacct.get(name, "")
        if not _same(value, theirs):
            diff[name] = {"bridge": value, "intacct": theirs}
    return diff


async def check_object(
    session: Session,
    tenant_id: str,
    client: IntacctClient,
    kinds: Sequence[str],
    intacct_object: str,
    key_field: str,
) -> tuple[int, int]:
    """Compare the synchronised records of ``kinds`` with Intacct: a record changed (or
    deleted) in Intacct since it was sent becomes ``desynchronized`` with the difference
    shown. Returns (records checked, records desynchronised)."""
    rows = list(
        session.scalars(
            select(SyncStateRow).where(
                SyncStateRow.tenant_id == tenant_id,
                SyncStateRow.kind.in_(list(kinds)),
                SyncStateRow.state == SyncState.SUCCESS.value,
            )
        )
    )
    checked = desynced = 0
    for start in range(0, len(rows), 100):
        chunk = [row for row in rows[start : start + 100] if row.intacct_id]
        if not chunk:
            continue
        result = await client.call(
            fn.read_by_name(intacct_object, [str(row.intacct_id) for row in chunk])
        )
        found = {}
        for record in result.records():
            flat = flatten(record)
            found[flat.get(key_field, "")] = flat
        for row in chunk:
            checked += 1
            theirs = found.get(str(row.intacct_id))
            if theirs is None:
                diff: dict[str, Any] = {
                    "record": {"bridge": str(row.intacct_id), "intacct": "(deleted)"}
                }
            else:
                diff = difference(dict(row.sent_values or {}), theirs)
                url = theirs.get("RECORD_URL")
                if url:
                    row.url = url
                row.intacct_modified = theirs.get("WHENMODIFIED") or row.intacct_modified
            if diff:
                desynced += 1
                row.state = SyncState.DESYNCHRONIZED.value
                row.difference = diff
                names = ", ".join(sorted(diff))
                row.last_message = (
                    f"{intacct_object} {row.intacct_id} was changed in Intacct ({names}). "
                    f"Synchronise sends the bridge's values: intacct-bridge sync --kind "
                    f"{row.kind} --record {row.key}"
                )
                row.updated_at = now()
    session.flush()
    return checked, desynced


__all__ = [
    "MAX_ATTEMPTS",
    "Applied",
    "Context",
    "Outgoing",
    "apply",
    "build_fields",
    "check_object",
    "claim",
    "deep_link",
    "difference",
    "explain",
    "fingerprint",
    "flat_fingerprint",
    "flatten",
    "prepare",
    "property_value",
    "send",
]
