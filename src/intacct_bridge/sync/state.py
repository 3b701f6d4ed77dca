"""Per-record sync state (DMO ``intacctNodeState``), the outbox consumer, the actions and
the counts.

States: ``not`` (never integrated), ``pending`` (waiting or being sent), ``success``,
``error`` (parked for a person; the message says record, Intacct field and fix) and
``desynchronized`` (Intacct's values differ from what was last sent).

The store writes a ``change_event`` row in the same transaction as every change
(:mod:`intacct_bridge.store.repositories`). :func:`collect` consumes those events — an
outbox — and marks the changed records ``pending``; a record whose content is what was last
sent is left alone. Actions: :func:`synchronise` (not integrated or desynchronised),
:func:`force_synchronise` (error) and :func:`reset_link` (forget the Intacct link).

Functions take the session and tenant first, flush and never commit.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    String,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy import false as sql_false
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from intacct_bridge.errors import BridgeError
from intacct_bridge.model.canonical import content_hash
from intacct_bridge.model.items import Item
from intacct_bridge.model.kinds import Record
from intacct_bridge.model.parties import Address, Contact, Customer, Supplier
from intacct_bridge.store.base import Base, now
from intacct_bridge.store.keysets import key_chunks, key_in
from intacct_bridge.store.mappers import (
    ADDRESS_COLUMNS,
    address_from_values,
    from_values,
    spec_for,
    value_columns,
)
from intacct_bridge.store.repositories import require_tenant
from intacct_bridge.store.tables.sync import SyncCursorRow, SyncStateRow
from intacct_bridge.store.tables.tenancy import ChangeEventRow
from intacct_bridge.sync.mappings import DELIVERED, map_for_kind


class SyncState(StrEnum):
    NOT = "not"
    PENDING = "pending"
    SUCCESS = "success"
    ERROR = "error"
    DESYNCHRONIZED = "desynchronized"

    @property
    def label(self) -> str:
        return {
            "not": "Not integrated",
            "pending": "Pending",
            "success": "Synchronised",
            "error": "Error",
            "desynchronized": "Desynchronised",
        }[self.value]


class SyncActionError(BridgeError):
    """An action that the record's state does not allow (the message says which is)."""


#: bridge kind → Intacct object (``address``: the ship-to / return-to contact of a party)
KIND_OBJECTS: dict[str, str] = {
    "contact": "CONTACT",
    "address": "CONTACT",
    "item": "ITEM",
    "customer": "CUSTOMER",
    "supplier": "VENDOR",
}
#: the order kinds are sent in: a kind only refers to earlier ones
KIND_ORDER: tuple[str, ...] = ("contact", "address", "item", "customer", "supplier")
#: the same, as stages of kinds that do not refer to each other (sent at the same time)
KIND_STAGES: tuple[tuple[str, ...], ...] = (
    ("contact", "address", "item"),
    ("customer", "supplier"),
)
_MODEL: dict[str, type[Item | Contact | Customer | Supplier]] = {
    "contact": Contact,
    "item": Item,
    "customer": Customer,
    "supplier": Supplier,
}
#: the roles of derived address contacts, per party kind
ADDRESS_ROLES: dict[str, tuple[str, str]] = {
    "customer": ("ship_to", "ship-to"),
    "supplier": ("return_to", "return-to"),
}
OUTBOX_CONSUMER = "outbound"


@dataclass(frozen=True)
class RecordState:
    """What the integration page shows for one record."""

    kind: str
    key: str
    intacct_object: str
    state: SyncState
    intacct_id: str | None
    record_no: int | None
    url: str | None
    last_message: str | None
    error_code: str | None
    version: int
    difference: Any
    attempts: int
    next_attempt_at: dt.datetime | None
    fingerprint: str | None
    synced_at: dt.datetime | None

    @classmethod
    def of(cls, row: SyncStateRow) -> RecordState:
        return cls(
            row.kind,
            row.key,
            row.intacct_object,
            SyncState(row.state),
            row.intacct_id,
            row.record_no,
            row.url,
            row.last_message,
            row.error_code,
            row.version,
            row.difference,
            row.attempts,
            row.next_attempt_at,
            row.fingerprint,
            row.synced_at,
        )


# --- the records behind the states ----------------------------------------------------------


def display_contact_name(kind: str, party_id: str) -> str:
    """The stable name of a party's display contact (contact names never change)."""
    return f"{'Customer' if kind == 'customer' else 'Supplier'} {party_id}"


def address_key(kind: str, party_id: str) -> str:
    return f"{kind}/{party_id}/{ADDRESS_ROLES[kind][0]}"


def address_contact(kind: str, party: Customer | Supplier) -> Contact | None:
    """The derived contact that carries a party's ship-to / return-to address, if it has one."""
    field, role = ADDRESS_ROLES[kind]
    address: Address | None = getattr(party, field)
    if address is None:
        return None
    return Contact(
        name=f"{display_contact_name(kind, party.id)} {role}",
        print_as=party.name,
        company_name=party.name,
        address=address,
        is_active=party.is_active,
    )


def load_record(session: Session, tenant_id: str, kind: str, key: str) -> Record | None:
    """The store record behind a state (for ``address``: the derived contact)."""
    if kind == "address":
        party_kind, party_id, _role = key.split("/", 2)
        party = load_record(session, tenant_id, party_kind, party_id)
        if not isinstance(party, Customer | Supplier):
            return None
        return address_contact(party_kind, party)
    model = _MODEL[kind]
    spec = spec_for(model)
    row = session.get(spec.table, (tenant_id, *key.split("/")))
    return None if row is None else spec.from_row(row)


def _current_hash(session: Session, tenant_id: str, kind: str, key: str) -> str | None:
    if kind == "address":
        record = load_record(session, tenant_id, kind, key)
        return None if record is None else content_hash(record)
    spec = spec_for(_MODEL[kind])
    row = session.get(spec.table, (tenant_id, *key.split("/")))
    return None if row is None else str(row.content_hash)  # type: ignore[attr-defined]


def _key_column(kind: str) -> Any:
    table: Any = spec_for(_MODEL[kind]).table
    return next(c for c in table.__table__.primary_key.columns if c.name != "tenant_id")


#: per party kind: its address and contact-link tables and their owner column name
_PARTY_CHILDREN: dict[str, tuple[str, str, str]] = {
    "customer": ("customer_address", "customer_contact", "customer_id"),
    "supplier": ("supplier_address", "supplier_contact", "supplier_id"),
}


def load_records(
    session: Session, tenant_id: str, kind: str, keys: Sequence[str]
) -> dict[str, Record]:
    """The store records behind many states of one kind, in a few queries.

    Plain column values are read (a Core ``select`` per table, child rows included) and
    the values built from them (:func:`~intacct_bridge.store.mappers.from_values`): no ORM
    instance, no identity map — what ``from_row`` would build, for a fraction of the CPU.
    """
    if kind == "address":
        by_party: dict[str, list[str]] = {}
        for key in keys:
            party_kind, party_id, _role = key.split("/", 2)
            by_party.setdefault(party_kind, []).append(party_id)
        found: dict[str, Record] = {}
        for party_kind, ids in by_party.items():
            having = _parties_with_address(session, tenant_id, party_kind, ids)
            for party_id, party in load_records(session, tenant_id, party_kind, having).items():
                assert isinstance(party, Customer | Supplier)
                derived = address_contact(party_kind, party)
                if derived is not None:
                    found[address_key(party_kind, party_id)] = derived
        return found
    model = _MODEL[kind]
    table: Any = spec_for(model).table.__table__
    column = _key_column(kind)
    names = value_columns(model)
    key_index = names.index(column.key)
    out: dict[str, Record] = {}
    for chunk in key_chunks(session, keys):
        query = select(*(table.c[name] for name in names)).where(
            table.c.tenant_id == tenant_id, key_in(session, table.c[column.key], chunk)
        )
        rows = session.execute(query).all()
        if kind in _PARTY_CHILDREN:
            ids = [row[key_index] for row in rows]
            addresses, contacts = _party_children(session, tenant_id, kind, ids)
            for row in rows:
                key = row[key_index]
                out[str(key)] = from_values(model, row, addresses.get(key), contacts.get(key, ()))
        else:
            for row in rows:
                out[str(row[key_index])] = from_values(model, row)
    return out


def _party_children(
    session: Session, tenant_id: str, kind: str, ids: Sequence[str]
) -> tuple[dict[str, dict[str, Address]], dict[str, list[tuple[str, int, bool]]]]:
    """The addresses (by role) and contact links of parties ``ids`` (two queries)."""
    if not ids:
        return {}, {}
    address_name, contact_name, owner = _PARTY_CHILDREN[kind]
    tables = Base.metadata.tables
    address_table, contact_table = tables[address_name], tables[contact_name]
    addresses: dict[str, dict[str, Address]] = {}
    query = select(
        address_table.c[owner],
        address_table.c.role,
        *(address_table.c[name] for name in ADDRESS_COLUMNS),
    ).where(address_table.c.tenant_id == tenant_id, key_in(session, address_table.c[owner], ids))
    for row in session.execute(query):
        addresses.setdefault(row[0], {})[row[1]] = address_from_values(row[2:])
    contacts: dict[str, list[tuple[str, int, bool]]] = {}
    query = select(
        contact_table.c[owner],
        contact_table.c.contact_name,
        contact_table.c.position,
        contact_table.c.is_primary,
    ).where(contact_table.c.tenant_id == tenant_id, key_in(session, contact_table.c[owner], ids))
    for party_id, name, position, is_primary in session.execute(query):
        contacts.setdefault(party_id, []).append((name, position, is_primary))
    return addresses, contacts


def _parties_with_address(
    session: Session, tenant_id: str, party_kind: str, ids: Sequence[str]
) -> list[str]:
    """The parties among ``ids`` that have a ship-to / return-to address (one query each
    500), so that the others are not loaded at all."""
    from intacct_bridge.store.tables.parties import CustomerAddressRow, SupplierAddressRow

    table: Any = CustomerAddressRow if party_kind == "customer" else SupplierAddressRow
    owner = table.customer_id if party_kind == "customer" else table.supplier_id
    role = ADDRESS_ROLES[party_kind][0]
    out: list[str] = []
    for chunk in key_chunks(session, ids):
        query = select(owner).where(
            table.tenant_id == tenant_id, table.role == role, key_in(session, owner, chunk)
        )
        out.extend(str(value) for value in session.scalars(query))
    return out


def current_hashes(
    session: Session, tenant_id: str, kind: str, keys: Sequence[str]
) -> dict[str, str]:
    """The store's content hash of many records of one kind (missing records left out)."""
    if kind == "address":
        return {
            key: content_hash(record)
            for key, record in load_records(session, tenant_id, kind, keys).items()
        }
    table: Any = spec_for(_MODEL[kind]).table
    column = _key_column(kind)
    out: dict[str, str] = {}
    for chunk in key_chunks(session, keys):
        query = select(column, table.content_hash).where(
            table.tenant_id == tenant_id, key_in(session, column, chunk)
        )
        for key, digest in session.execute(query):
            out[str(key)] = str(digest)
    return out


def preload_states(
    session: Session, tenant_id: str, kind: str, keys: Sequence[str]
) -> dict[str, SyncStateRow]:
    """The state rows of many records of one kind, in a few queries (then in the session)."""
    out: dict[str, SyncStateRow] = {}
    for chunk in key_chunks(session, keys):
        query = select(SyncStateRow).where(
            SyncStateRow.tenant_id == tenant_id,
            SyncStateRow.kind == kind,
            key_in(session, SyncStateRow.key, chunk),
        )
        for row in session.scalars(query):
            out[row.key] = row
    return out


def write_lock(session: Session) -> None:
    """On SQLite, take the database's write lock now, at the start of the transaction.

    SQLite has no row locks, and two transactions that both read and then write deadlock
    (one fails at once with "database is locked"). Taking the write lock first makes the
    other worker wait for this commit instead. PostgreSQL needs nothing: rows are locked.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(SyncCursorRow).where(sql_false()).values(consumer=SyncCursorRow.consumer)
        )


# --- marking records pending -----------------------------------------------------------------


def _state_row(session: Session, tenant_id: str, kind: str, key: str) -> SyncStateRow | None:
    return session.get(SyncStateRow, (tenant_id, kind, key))


def _sends(session: Session, tenant_id: str, kind: str) -> bool:
    return map_for_kind(
        session, tenant_id, "contact" if kind == "address" else kind
    ).direction.sends


def mark_changed(
    session: Session, tenant_id: str, kind: str, key: str, *, force: bool = False
) -> SyncState | None:
    """A record of ``kind`` changed (or should be sent again with ``force``): make it pending.

    Nothing happens when the record's content is what was last sent successfully (unless
    ``force``), or while the record is desynchronised or in error (a person decides; a
    change to a record in error sends it again, as the change may be the fix). Returns the
    new state, ``None`` when the record is gone.
    """
    digest = _current_hash(session, tenant_id, kind, key)
    row = _state_row(session, tenant_id, kind, key)
    return _mark(
        session, tenant_id, kind, key, digest, row, _sends(session, tenant_id, kind), force=force
    )


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the marking rules read of a state row."""

    state: str
    source_hash: str | None
    pending_hash: str | None
    record_no: int | None


#: what marking does to a state row: nothing, delete it, make it pending (with the
#: attempts reset: the change may be the fix of an error)
_KEEP, _DELETE, _PENDING, _RESET = "keep", "delete", "pending", "reset"


def _transition(
    seen: _Seen | None, digest: str | None, sends: bool, *, force: bool = False
) -> tuple[str, SyncState | None]:
    """The marking rules, shared by :func:`mark_changed` and :func:`collect`: what happens
    to the state row (``seen``, ``None`` if there is none yet) of a record whose content
    hash is now ``digest`` (``None``: deleted), and the record's state afterwards.

    A missing row is created ``not`` integrated first (it stays so when the kind is not
    sent); a deleted record's row goes when it never reached Intacct.
    """
    if digest is None:  # deleted or renamed away
        if seen is not None and seen.record_no is None and seen.state != SyncState.SUCCESS:
            return _DELETE, None
        return _KEEP, None
    state = SyncState.NOT if seen is None else SyncState(seen.state)
    if not sends:
        return _KEEP, state
    if not force and seen is not None:
        if state is SyncState.SUCCESS and seen.source_hash == digest:
            return _KEEP, state
        if state is SyncState.PENDING and seen.pending_hash == digest:
            return _KEEP, state
        if state is SyncState.DESYNCHRONIZED:
            return _KEEP, state
    return (_RESET if state is SyncState.ERROR or force else _PENDING), SyncState.PENDING


def _mark(
    session: Session,
    tenant_id: str,
    kind: str,
    key: str,
    digest: str | None,
    row: SyncStateRow | None,
    sends: bool,
    *,
    force: bool = False,
) -> SyncState | None:
    stamp = now()
    seen = (
        None if row is None else _Seen(row.state, row.source_hash, row.pending_hash, row.record_no)
    )
    change, result = _transition(seen, digest, sends, force=force)
    if change == _DELETE:
        assert row is not None
        session.delete(row)
    if digest is None:
        return None
    if row is None:
        row = SyncStateRow(
            tenant_id=tenant_id,
            kind=kind,
            key=key,
            intacct_object=KIND_OBJECTS[kind],
            state=SyncState.NOT.value,
            version=0,
            attempts=0,
            created_at=stamp,
            updated_at=stamp,
        )
        session.add(row)
    if change in (_PENDING, _RESET):
        row.state = SyncState.PENDING.value
        row.pending_hash = digest
        if change == _RESET:
            row.attempts = 0
            row.next_attempt_at = None
        row.updated_at = stamp
    return result


def _seen_states(
    session: Session, tenant_id: str, kind: str, keys: Sequence[str]
) -> tuple[dict[str, str], dict[str, _Seen]]:
    """The content hashes of many records of one kind and what the rules read of their
    state rows, without loading a row into the session.

    Two lookups by primary key, not one join: on tables whose statistics lag behind (a
    first import) PostgreSQL may plan the join as a scan of the tenant's states per record.
    """
    state: Any = SyncStateRow.__table__.c
    hashes = current_hashes(session, tenant_id, kind, keys)
    seen: dict[str, _Seen] = {}
    for chunk in key_chunks(session, keys):
        query = select(
            state.key, state.state, state.source_hash, state.pending_hash, state.record_no
        ).where(state.tenant_id == tenant_id, state.kind == kind, key_in(session, state.key, chunk))
        for key, *values in session.execute(query):
            seen[str(key)] = _Seen(*values)
    return hashes, seen


def _mark_many(
    session: Session, tenant_id: str, kind: str, keys: Sequence[str], sends: bool
) -> None:
    """:func:`_mark` for many records of one kind, in a few set-based statements (the
    rows are inserted, updated and deleted by key, as the unit of work would)."""
    hashes, seen = _seen_states(session, tenant_id, kind, keys)
    stamp = now()
    new: list[tuple[str, str, str | None]] = []  # key, state, pending hash
    pending: list[tuple[str, str, bool]] = []  # key, pending hash, reset the attempts
    gone: list[str] = []
    for key in keys:
        digest = hashes.get(key)
        before = seen.get(key)
        change, _state = _transition(before, digest, sends)
        if change == _DELETE:
            gone.append(key)
        elif digest is None:
            continue
        elif before is None:
            marked = change != _KEEP
            new.append(
                (
                    key,
                    SyncState.PENDING.value if marked else SyncState.NOT.value,
                    digest if marked else None,
                )
            )
        elif change != _KEEP:
            assert digest is not None
            pending.append((key, digest, change == _RESET))
    _forget(session, tenant_id, kind, [*gone, *(key for key, _h, _r in pending)])
    table: Any = SyncStateRow.__table__
    postgres = session.get_bind().dialect.name == "postgresql"
    if gone:
        for chunk in key_chunks(session, gone):
            session.execute(
                delete(table).where(
                    table.c.tenant_id == tenant_id,
                    table.c.kind == kind,
                    key_in(session, table.c.key, chunk),
                )
            )
    if new:
        fixed = {
            "tenant_id": tenant_id,
            "kind": kind,
            "intacct_object": KIND_OBJECTS[kind],
            "version": 0,
            "attempts": 0,
            "created_at": stamp,
            "updated_at": stamp,
        }
        if postgres:
            rows = _unnest(
                ("key", [k for k, _s, _h in new]),
                ("state", [s for _k, s, _h in new]),
                ("pending_hash", [h for _k, _s, h in new]),
            )
            names = [*fixed, "key", "state", "pending_hash"]
            values = [literal(value, table.c[name].type) for name, value in fixed.items()]
            session.execute(
                insert(table).from_select(
                    names, select(*values, rows.c.key, rows.c.state, rows.c.pending_hash)
                )
            )
        else:
            session.execute(
                insert(table),
                [{**fixed, "key": k, "state": s, "pending_hash": h} for k, s, h in new],
            )
    if pending:
        if postgres:
            rows = _unnest(
                ("key", [k for k, _h, _r in pending]),
                ("pending_hash", [h for _k, h, _r in pending]),
                ("reset", [r for _k, _h, r in pending]),
            )
            by_key, new_hash, reset = rows.c.key, rows.c.pending_hash, rows.c.reset
        else:
            by_key, new_hash, reset = bindparam("b_key"), bindparam("b_hash"), bindparam("b_reset")
        statement = (
            update(table)
            .where(table.c.tenant_id == tenant_id, table.c.kind == kind, table.c.key == by_key)
            .values(
                state=SyncState.PENDING.value,
                pending_hash=new_hash,
                attempts=case((reset, 0), else_=table.c.attempts),
                next_attempt_at=case((reset, None), else_=table.c.next_attempt_at),
                updated_at=stamp,
            )
        )
        if postgres:
            session.execute(statement)
        else:
            session.execute(
                statement, [{"b_key": k, "b_hash": h, "b_reset": r} for k, h, r in pending]
            )


def _unnest(*columns: tuple[str, list[Any]]) -> Any:
    """PostgreSQL: rows from parallel arrays (``unnest(:a, :b) AS rows(a, b)``), one
    statement text whatever their number."""
    types: dict[str, Any] = {"reset": ARRAY(Boolean)}
    arrays = [
        bindparam(f"u_{name}", values, type_=types.get(name, ARRAY(String)))
        for name, values in columns
    ]
    return (
        func.unnest(*arrays)
        .table_valued(*(name for name, _values in columns))
        .render_derived(name="rows")
    )


def _forget(session: Session, tenant_id: str, kind: str, keys: Sequence[str]) -> None:
    """Drop from the session the state rows written behind its back, if it holds any."""
    held = [ident for ident in session.identity_map.keys() if ident[0] is SyncStateRow]
    if not held:
        return
    touched = {identity_key(SyncStateRow, (tenant_id, kind, key)) for key in keys}
    for ident in held:
        if ident in touched:
            session.expunge(session.identity_map[ident])


def _related(session: Session, tenant_id: str, kind: str, key: str) -> list[tuple[str, str]]:
    """The states a change of (kind, key) touches: the record, and a party's address."""
    found = [(kind, key)]
    if kind in ADDRESS_ROLES:
        found.append(("address", address_key(kind, key)))
    return found


def _ensure_cursor(session: Session, tenant_id: str) -> None:
    """Create the tenant's outbox cursor if missing (two workers may try at once)."""
    values = {
        "tenant_id": tenant_id,
        "consumer": OUTBOX_CONSUMER,
        "last_event_id": 0,
        "updated_at": now(),
    }
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(SyncCursorRow).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(SyncCursorRow).values(**values).on_conflict_do_nothing())
    elif session.get(SyncCursorRow, (tenant_id, OUTBOX_CONSUMER)) is None:
        session.add(SyncCursorRow(**values))
        session.flush()


#: how long a gap in the change-event IDs is waited for (an open transaction commits its
#: events later than newer ones on PostgreSQL; a rolled-back one never does)
GAP_WAIT = dt.timedelta(minutes=15)
#: gaps remembered at most (the oldest are given up first)
MAX_GAPS = 200


def collect(session: Session, tenant_id: str, *, limit: int = 5000) -> int:
    """Consume the tenant's change events: mark changed records pending. Returns how many
    events were read (``0``: the outbox is drained).

    The cursor advances in the same transaction as the states it produced, so a crash
    loses nothing and a re-run repeats nothing. On PostgreSQL a transaction that is still
    open when newer events commit leaves a gap in the IDs; the gap is remembered and its
    events consumed when they commit (given up after :data:`GAP_WAIT`: rolled back).
    """
    write_lock(session)
    require_tenant(session, tenant_id)
    _ensure_cursor(session, tenant_id)
    # One consumer at a time per tenant: the cursor row is locked until the commit.
    cursor = session.get(
        SyncCursorRow, (tenant_id, OUTBOX_CONSUMER), with_for_update=True, populate_existing=True
    )
    assert cursor is not None
    moment = now()
    gaps = [
        (int(first), int(last), dt.datetime.fromisoformat(since))
        for first, last, since in (cursor.gaps or [])
        if moment - dt.datetime.fromisoformat(since) < GAP_WAIT
    ]
    seen = cursor.last_event_id
    wanted_ids = ChangeEventRow.id > seen
    if gaps:
        wanted_ids = or_(wanted_ids, *(ChangeEventRow.id.between(a, b) for a, b, _ in gaps))
    rows = session.execute(
        select(ChangeEventRow.id, ChangeEventRow.kind, ChangeEventRow.key, ChangeEventRow.action)
        .where(ChangeEventRow.tenant_id == tenant_id, wanted_ids)
        .order_by(ChangeEventRow.id)
        .limit(limit)
    ).all()
    wanted: dict[str, dict[str, None]] = {}  # kind → keys, in order, once each
    for _id, kind, key, action in rows:
        if kind not in _MODEL or action == "integrated":  # our own bookkeeping, not a change
            continue
        for pair_kind, pair_key in _related(session, tenant_id, kind, key):
            wanted.setdefault(pair_kind, {})[pair_key] = None
    for kind, keys in wanted.items():
        _mark_many(session, tenant_id, kind, list(keys), _sends(session, tenant_id, kind))
    ids = [row[0] for row in rows]
    new_gaps = _gaps_after(gaps, ids, seen, moment)
    if ids or new_gaps != gaps or len(gaps) != len(cursor.gaps or []):
        cursor.last_event_id = max([seen, *ids])
        cursor.gaps = [[a, b, since.isoformat()] for a, b, since in new_gaps] or None
        cursor.updated_at = moment
        session.flush()
    return len(rows)


def _gaps_after(
    gaps: list[tuple[int, int, dt.datetime]], ids: list[int], seen: int, moment: dt.datetime
) -> list[tuple[int, int, dt.datetime]]:
    """The gaps still open once ``ids`` are consumed, plus the new ones among them."""
    arrived = sorted(ids)
    out: list[tuple[int, int, dt.datetime]] = []
    for first, last, since in gaps:  # split each old gap around the IDs that arrived
        start = first
        for number in arrived[bisect_left(arrived, first) : bisect_right(arrived, last)]:
            if start < number:
                out.append((start, number - 1, since))
            start = number + 1
        if start <= last:
            out.append((start, last, since))
    expected = seen + 1
    for number in arrived[bisect_right(arrived, seen) :]:
        if number > expected:
            out.append((expected, number - 1, moment))
        expected = number + 1
    out.sort(key=lambda gap: gap[2])
    return sorted(out[-MAX_GAPS:])


def collect_all(session: Session, tenant_id: str) -> int:
    """Drain the outbox; returns the number of events read."""
    total = 0
    while True:
        read = collect(session, tenant_id)
        if not read:
            return total
        total += read


# --- actions ---------------------------------------------------------------------------------


def _rows(
    session: Session, tenant_id: str, kind: str | None, keys: Iterable[str] | None
) -> list[SyncStateRow]:
    check_kind(kind)
    query = select(SyncStateRow).where(SyncStateRow.tenant_id == tenant_id)
    if kind is not None:
        query = query.where(SyncStateRow.kind == kind)
    wanted = None if keys is None else list(keys)
    if wanted is not None:
        query = query.where(SyncStateRow.key.in_(wanted))
    rows = list(session.scalars(query.order_by(SyncStateRow.kind, SyncStateRow.key)))
    if wanted is not None:
        found = {row.key for row in rows}
        missing = [key for key in wanted if key not in found]
        if missing:
            raise SyncActionError(
                f"no sync state for {kind or 'record'} {', '.join(map(repr, missing))}; "
                "is it in the store, and has a sync run since it was saved?"
            )
    return rows


def check_kind(kind: str | None) -> None:
    """Refuse a kind the sync engine does not know (the message lists the known ones)."""
    if kind is not None and kind not in KIND_OBJECTS:
        raise SyncActionError(
            f"{kind!r} is not a synchronised kind; use one of {', '.join(KIND_ORDER)}"
        )


def synchronise(
    session: Session,
    tenant_id: str,
    kind: str | None = None,
    keys: Iterable[str] | None = None,
    *,
    recheck: bool = False,
) -> int:
    """*Synchronise*: send records that are not integrated or desynchronised (the bridge's
    values overwrite Intacct's). Named records in another state are refused; without keys,
    every such record of ``kind`` (or of all kinds) is queued. Returns how many were queued.

    With ``recheck``, synchronised records are queued too: after a mapping or configuration
    change, those whose Intacct fields changed are sent, the others cost no call (their
    fingerprint is the one already sent).
    """
    write_lock(session)
    require_tenant(session, tenant_id)
    rows = _rows(session, tenant_id, kind, keys)
    allowed: tuple[str, ...] = (SyncState.NOT.value, SyncState.DESYNCHRONIZED.value)
    if recheck:
        allowed += (SyncState.SUCCESS.value,)
    if keys is not None:
        refused = [row for row in rows if row.state not in allowed]
        if refused:
            row = refused[0]
            raise SyncActionError(_refusal(row, "Synchronise"))
    queued = 0
    for row in rows:
        if row.state in allowed:
            _queue(session, tenant_id, row, forget_fingerprint=row.state == "desynchronized")
            queued += 1
    session.flush()
    return queued


def force_synchronise(
    session: Session, tenant_id: str, kind: str | None = None, keys: Iterable[str] | None = None
) -> int:
    """*Force synchronise*: send records in error again (after their cause was fixed)."""
    write_lock(session)
    require_tenant(session, tenant_id)
    rows = _rows(session, tenant_id, kind, keys)
    if keys is not None:
        refused = [row for row in rows if row.state != SyncState.ERROR.value]
        if refused:
            raise SyncActionError(_refusal(refused[0], "Force synchronise"))
    queued = 0
    for row in rows:
        if row.state == SyncState.ERROR.value:
            _queue(session, tenant_id, row, forget_fingerprint=False)
            queued += 1
    session.flush()
    return queued


def _refusal(row: SyncStateRow, action: str) -> str:
    state = SyncState(row.state)
    hint = {
        SyncState.PENDING: "it is already being synchronised",
        SyncState.SUCCESS: "it is synchronised; change it to send it again",
        SyncState.ERROR: "use Force synchronise (intacct-bridge sync --force) once the error "
        "is fixed",
        SyncState.NOT: "use Synchronise (intacct-bridge sync --record ...)",
        SyncState.DESYNCHRONIZED: "use Synchronise (intacct-bridge sync --record ...)",
    }[state]
    return f"{action} is not allowed for {row.kind} {row.key} ({state.label}): {hint}"


def _queue(
    session: Session, tenant_id: str, row: SyncStateRow, *, forget_fingerprint: bool
) -> None:
    digest = _current_hash(session, tenant_id, row.kind, row.key)
    if digest is None:
        session.delete(row)
        return
    row.state = SyncState.PENDING.value
    row.pending_hash = digest
    row.attempts = 0
    row.next_attempt_at = None
    row.claimed_by = None
    row.claimed_until = None
    if forget_fingerprint:
        row.fingerprint = None
    row.updated_at = now()


def reset_link(session: Session, tenant_id: str, kind: str, key: str) -> RecordState:
    """Forget the record's Intacct link: it becomes *not integrated*; the next Synchronise
    finds it in Intacct by its ID (or creates it). Refused while it is being sent."""
    write_lock(session)
    require_tenant(session, tenant_id)
    check_kind(kind)
    row = _state_row(session, tenant_id, kind, key)
    if row is None:
        raise SyncActionError(f"no sync state for {kind} {key!r}")
    if row.state == SyncState.PENDING.value and row.claimed_by is not None:
        raise SyncActionError(_refusal(row, "Reset link"))
    row.state = SyncState.NOT.value
    for name in (
        "intacct_id",
        "record_no",
        "url",
        "fingerprint",
        "source_hash",
        "pending_hash",
        "sent_values",
        "intacct_modified",
        "last_message",
        "error_code",
        "difference",
        "next_attempt_at",
        "claimed_by",
        "claimed_until",
    ):
        setattr(row, name, None)
    row.attempts = 0
    row.updated_at = now()
    session.flush()
    return RecordState.of(row)


# --- reading ---------------------------------------------------------------------------------


def get_state(session: Session, tenant_id: str, kind: str, key: str) -> RecordState | None:
    row = _state_row(session, tenant_id, kind, key)
    return None if row is None else RecordState.of(row)


def list_states(
    session: Session,
    tenant_id: str,
    *,
    kind: str | None = None,
    state: SyncState | str | None = None,
    limit: int | None = None,
) -> list[RecordState]:
    query = select(SyncStateRow).where(SyncStateRow.tenant_id == tenant_id)
    if kind is not None:
        query = query.where(SyncStateRow.kind == kind)
    if state is not None:
        query = query.where(SyncStateRow.state == SyncState(state).value)
    query = query.order_by(SyncStateRow.kind, SyncStateRow.key)
    if limit is not None:
        query = query.limit(limit)
    return [RecordState.of(row) for row in session.scalars(query)]


def count_states(
    session: Session,
    tenant_id: str,
    *,
    kind: str | None = None,
    state: SyncState | str | None = None,
) -> int:
    query = (
        select(func.count()).select_from(SyncStateRow).where(SyncStateRow.tenant_id == tenant_id)
    )
    if kind is not None:
        query = query.where(SyncStateRow.kind == kind)
    if state is not None:
        query = query.where(SyncStateRow.state == SyncState(state).value)
    return int(session.scalar(query) or 0)


@dataclass(frozen=True)
class StatusReport:
    """Counts per object and state, and how much of the outbox is still unread."""

    counts: dict[str, dict[SyncState, int]]
    unread_events: int

    def total(self, state: SyncState) -> int:
        return sum(per.get(state, 0) for per in self.counts.values())


def status(session: Session, tenant_id: str) -> StatusReport:
    """The integration page's summary: per synchronised kind, how many records per state."""
    require_tenant(session, tenant_id)
    counts: dict[str, dict[SyncState, int]] = {kind: {} for kind in KIND_ORDER}
    query = (
        select(SyncStateRow.kind, SyncStateRow.state, func.count())
        .where(SyncStateRow.tenant_id == tenant_id)
        .group_by(SyncStateRow.kind, SyncStateRow.state)
    )
    for kind, state, count in session.execute(query):
        counts.setdefault(kind, {})[SyncState(state)] = int(count)
    cursor = session.get(SyncCursorRow, (tenant_id, OUTBOX_CONSUMER))
    unread = session.scalar(
        select(func.count())
        .select_from(ChangeEventRow)
        .where(
            ChangeEventRow.tenant_id == tenant_id,
            ChangeEventRow.id > (cursor.last_event_id if cursor else 0),
            ChangeEventRow.kind.in_(list(_MODEL)),
            ChangeEventRow.action != "integrated",  # our own bookkeeping (see collect)
        )
    )
    return StatusReport(counts, int(unread or 0))


def release_claims(session: Session, tenant_id: str, holders: Sequence[str]) -> int:
    """Give back the records held by ``holders`` (workers known to be dead)."""
    if not holders:
        return 0
    result = session.execute(
        update(SyncStateRow)
        .where(
            SyncStateRow.tenant_id == tenant_id,
            key_in(session, SyncStateRow.claimed_by, holders),
        )
        .values(claimed_by=None, claimed_until=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def release_keys(
    session: Session, tenant_id: str, holder: str, claimed: Sequence[tuple[str, str]]
) -> None:
    """Give back the records ``claimed`` that ``holder`` still holds (one statement per
    kind; a record another worker took over meanwhile is left alone)."""
    by_kind: dict[str, list[str]] = {}
    for kind, key in claimed:
        by_kind.setdefault(kind, []).append(key)
    for kind, keys in by_kind.items():
        for chunk in key_chunks(session, keys):
            session.execute(
                update(SyncStateRow)
                .where(
                    SyncStateRow.tenant_id == tenant_id,
                    SyncStateRow.kind == kind,
                    key_in(session, SyncStateRow.key, chunk),
                    SyncStateRow.claimed_by == holder,
                )
                .values(claimed_by=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )


__all__ = [
    "ADDRESS_ROLES",
    "DELIVERED",
    "KIND_OBJECTS",
    "KIND_ORDER",
    "KIND_STAGES",
    "RecordState",
    "StatusReport",
    "SyncActionError",
    "SyncState",
    "address_contact",
    "check_kind",
    "collect",
    "collect_all",
    "count_states",
    "current_hashes",
    "display_contact_name",
    "force_synchronise",
    "get_state",
    "list_states",
    "load_record",
    "load_records",
    "mark_changed",
    "preload_states",
    "reset_link",
    "status",
    "synchronise",
]
