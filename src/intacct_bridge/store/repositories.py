"""Tenant-scoped reads and writes. No business rules beyond keeping the store consistent.

Every function that touches tenant data takes the tenant ID right after the session; there
is no unscoped access to tenant data. Only the tenant functions themselves
(:func:`create_tenant`, :func:`get_tenant`, :func:`list_tenants`) work across tenants.

Writes flush but never commit: the caller owns the transaction. Each write that changes
something appends a ``change_event`` row in the same transaction; a write that would change
nothing (same content hash) writes nothing at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from intacct_bridge.model.canonical import content_hash, first_difference, to_plain
from intacct_bridge.model.documents import Document, DocumentStatus, DocumentType
from intacct_bridge.model.items import Item
from intacct_bridge.model.kinds import LIFECYCLE_FIELDS, Record, describe, record_key
from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID, Tenant, check_tenant_id
from intacct_bridge.store.base import now
from intacct_bridge.store.errors import (
    DocumentPostedError,
    ItemIdLockedError,
    RecordNotFoundError,
    RecordRejectedError,
    TenantConflictError,
    UnknownTenantError,
    reversal_fix,
)
from intacct_bridge.store.keysets import key_chunks, key_in
from intacct_bridge.store.mappers import document_from_row, document_to_row, spec_for
from intacct_bridge.store.references import RefCache, find_issues
from intacct_bridge.store.tables import analytics as ta
from intacct_bridge.store.tables import documents as td
from intacct_bridge.store.tables import items as ti
from intacct_bridge.store.tables.tenancy import ChangeEventRow, TenantRow

R = TypeVar("R", bound=Record)


class Outcome(StrEnum):
    """What a save did."""

    CREATED = "created"
    UPDATED = "updated"
    POSTED = "posted"
    UNCHANGED = "unchanged"


# -- tenants ----------------------------------------------------------------------------


def create_tenant(session: Session, tenant: Tenant) -> Outcome:
    """Create ``tenant``; an identical existing tenant is left as it is.

    Raises:
        TenantConflictError: the ID exists with other details, or the Intacct company is
            already bound to another tenant.
    """
    existing = session.get(TenantRow, tenant.id)
    if existing is not None:
        if _tenant_from_row(existing) == tenant:
            return Outcome.UNCHANGED
        raise TenantConflictError(f"tenant {tenant.id!r} already exists with other details")
    if tenant.intacct_company_id is not None:
        holder = session.scalars(
            select(TenantRow.id).where(TenantRow.intacct_company_id == tenant.intacct_company_id)
        ).first()
        if holder is not None:
            raise TenantConflictError(
                f"Intacct company {tenant.intacct_company_id!r} is bound to tenant {holder!r}; "
                "each Intacct company serves one tenant"
            )
    session.add(
        TenantRow(
            id=tenant.id,
            name=tenant.name,
            intacct_company_id=tenant.intacct_company_id,
            created_at=now(),
        )
    )
    session.flush()
    return Outcome.CREATED


def get_tenant(session: Session, tenant_id: str) -> Tenant | None:
    """The tenant, or ``None``."""
    row = session.get(TenantRow, tenant_id)
    return None if row is None else _tenant_from_row(row)


def list_tenants(session: Session) -> list[Tenant]:
    """All tenants of the deployment, by ID."""
    rows = session.scalars(select(TenantRow).order_by(TenantRow.id))
    return [_tenant_from_row(row) for row in rows]


def ensure_default_tenant(session: Session) -> None:
    """Create the embedded deployment's single tenant if it is missing."""
    create_tenant(session, Tenant(id=DEFAULT_TENANT_ID, name="Default tenant"))


def _tenant_from_row(row: TenantRow) -> Tenant:
    return Tenant(id=row.id, name=row.name, intacct_company_id=row.intacct_company_id)


def require_tenant(session: Session, tenant_id: str) -> None:
    """Raise :class:`UnknownTenantError` unless ``tenant_id`` exists."""
    check_tenant_id(tenant_id)
    if session.get(TenantRow, tenant_id) is None:
        raise UnknownTenantError(tenant_id)


# -- master and reference data ------------------------------------------------------------


def save_record(
    session: Session, tenant_id: str, record: Record, *, cache: RefCache | None = None
) -> Outcome:
    """Create or update a master-data record of ``tenant_id``.

    ``cache`` (see :class:`~intacct_bridge.store.references.RefCache`) saves the reference
    checks a query each.

    Raises:
        UnknownTenantError: no such tenant.
        RecordRejectedError: the record refers to missing records (each field listed).
    """
    if isinstance(record, Document):
        return save_document(session, tenant_id, record, cache=cache)
    require_tenant(session, tenant_id)
    spec = spec_for(type(record))
    issues = find_issues(session, tenant_id, record, cache)
    if issues:
        raise RecordRejectedError(describe(record), issues)
    digest = content_hash(record)
    row = session.get(spec.table, (tenant_id, *record_key(record)))
    if row is not None and row.content_hash == digest:  # type: ignore[attr-defined]
        return Outcome.UNCHANGED
    return write_record(session, tenant_id, record, digest, row, cache=cache)


def write_record(
    session: Session,
    tenant_id: str,
    record: Record,
    digest: str,
    row: Any | None,
    *,
    cache: RefCache | None = None,
    flush: bool = True,
) -> Outcome:
    """Write a checked master record whose content (``digest``) differs from ``row``'s.

    With ``flush=False`` a new row waits in the session; the caller flushes before anything
    that refers to it is written (rows of one table are inserted in the order added).
    """
    spec = spec_for(type(record))
    stamp = now()
    if row is None:
        table: Any = spec.table
        row = table(tenant_id=tenant_id)
        spec.to_row(record, row)
        row.content_hash, row.updated_at = digest, stamp
        session.add(row)
        outcome = Outcome.CREATED
    else:
        spec.clear(row)
        session.flush()
        spec.to_row(record, row)
        row.content_hash, row.updated_at = digest, stamp
        outcome = Outcome.UPDATED
    _record_change(session, tenant_id, record.KIND, record_key(record), outcome.value, digest)
    if flush:
        session.flush()
    if cache is not None:
        cache.put(spec.table, record_key(record), row)
    return outcome


def get_record(session: Session, tenant_id: str, kind: type[R], *key: str) -> R | None:
    """The record of ``kind`` with ``key`` (see :func:`~intacct_bridge.model.record_key`)."""
    spec = spec_for(kind)
    row = session.get(spec.table, (tenant_id, *key))
    return None if row is None else spec.from_row(row)


def list_records(session: Session, tenant_id: str, kind: type[R]) -> list[R]:
    """All records of ``kind`` of ``tenant_id``, in key order."""
    spec = spec_for(kind)
    table: Any = spec.table
    keys = list(table.__table__.primary_key.columns)
    rows = session.scalars(select(table).where(table.tenant_id == tenant_id).order_by(*keys))
    return [spec.from_row(row) for row in rows]


# -- items ------------------------------------------------------------------------------


def mark_item_integrated(
    session: Session,
    tenant_id: str,
    item_id: str,
    at: dt.datetime | None = None,
    *,
    flush: bool = True,
) -> None:
    """Record that the item now exists in Intacct; its ID is locked from then on.

    With ``flush=False`` the change waits in the session (marking many items: flush once).
    """
    row = session.get(ti.ItemRow, (tenant_id, item_id))
    if row is None:
        raise RecordNotFoundError(f"unknown item {item_id!r}")
    if row.integrated_at is None:
        row.integrated_at = at or now()
        _record_change(session, tenant_id, Item.KIND, (item_id,), "integrated", row.content_hash)
        if flush:
            session.flush()


def mark_items_integrated(
    session: Session, tenant_id: str, item_ids: Sequence[str], at: dt.datetime | None = None
) -> None:
    """:func:`mark_item_integrated` for many items, without loading them: the items not
    integrated yet are stamped in one statement (a few on SQLite), and get their
    ``integrated`` change event each, in the order given.
    """
    stamp = at or now()
    wanted = list(dict.fromkeys(item_ids))
    session.flush()
    table: Any = ti.ItemRow.__table__
    stamped: dict[str, str] = {}
    for chunk in key_chunks(session, wanted):
        result = session.execute(
            update(table)
            .where(
                table.c.tenant_id == tenant_id,
                key_in(session, table.c.id, chunk),
                table.c.integrated_at.is_(None),
            )
            .values(integrated_at=stamp)
            .returning(table.c.id, table.c.content_hash)
        )
        stamped.update((str(item_id), str(digest)) for item_id, digest in result)
    others = [item_id for item_id in wanted if item_id not in stamped]
    if others:  # already integrated, or unknown
        known: set[str] = set()
        for chunk in key_chunks(session, others):
            known.update(
                session.scalars(
                    select(table.c.id).where(
                        table.c.tenant_id == tenant_id, key_in(session, table.c.id, chunk)
                    )
                )
            )
        missing = next((item_id for item_id in others if item_id not in known), None)
        if missing is not None:
            raise RecordNotFoundError(f"unknown item {missing!r}")
    if not stamped:
        return
    for ident in list(session.identity_map.keys()):  # loaded copies are now stale
        if ident[0] is ti.ItemRow and ident[1][0] == tenant_id and ident[1][1] in stamped:
            session.expire(session.identity_map[ident], ["integrated_at"])
    events: Any = ChangeEventRow.__table__
    session.execute(
        insert(events),
        [
            {
                "tenant_id": tenant_id,
                "kind": Item.KIND,
                "key": item_id,
                "action": "integrated",
                "content_hash": stamped[item_id],
                "occurred_at": now(),
            }
            for item_id in wanted
            if item_id in stamped
        ],
    )


def is_item_integrated(session: Session, tenant_id: str, item_id: str) -> bool:
    """Whether the item has been integrated with Intacct."""
    row = session.get(ti.ItemRow, (tenant_id, item_id))
    return row is not None and row.integrated_at is not None


def rename_item(session: Session, tenant_id: str, item_id: str, new_id: str) -> Item:
    """Give an item a new ID; refused once integrated or while anything refers to it.

    Raises:
        ItemIdLockedError: the item is integrated with Intacct, or in use.
        RecordNotFoundError: no such item.
    """
    row = session.get(ti.ItemRow, (tenant_id, item_id))
    if row is None:
        raise RecordNotFoundError(f"unknown item {item_id!r}")
    if row.integrated_at is not None:
        raise ItemIdLockedError(
            f"item {item_id!r} is integrated with Intacct, so its ID cannot change; "
            "create a new item instead"
        )
    uses = _count(session, td.DocumentLineRow, tenant_id, td.DocumentLineRow.item_id == item_id)
    uses += _count(session, ta.AttributeRow, tenant_id, ta.AttributeRow.item_id == item_id)
    uses += _count(
        session,
        td.DocumentLineAttributeRow,
        tenant_id,
        (td.DocumentLineAttributeRow.attribute_type == "item")
        & (td.DocumentLineAttributeRow.value_id == item_id),
    )
    if uses:
        raise ItemIdLockedError(
            f"item {item_id!r} is used {uses} time(s); an item can only be renamed while unused"
        )
    spec = spec_for(Item)
    old = spec.from_row(row)
    renamed = dataclasses.replace(old, id=new_id)
    if session.get(ti.ItemRow, (tenant_id, new_id)) is not None:
        raise ItemIdLockedError(f"item {new_id!r} already exists")
    session.delete(row)
    session.flush()
    save_record(session, tenant_id, renamed)
    _record_change(session, tenant_id, Item.KIND, (item_id,), "renamed", None)
    session.flush()
    return renamed


def _count(session: Session, table: Any, tenant_id: str, condition: Any) -> int:
    query = select(func.count()).select_from(table).where(table.tenant_id == tenant_id, condition)
    return int(session.scalar(query) or 0)


# -- documents --------------------------------------------------------------------------


def save_document(
    session: Session, tenant_id: str, document: Document, *, cache: RefCache | None = None
) -> Outcome:
    """Create a document, replace a draft, or post an identical draft.

    The content hash leaves the status out, so re-saving a document that has since been
    posted is a no-op, and saving an identical document marked ``posted`` posts the draft.

    Raises:
        UnknownTenantError: no such tenant.
        RecordRejectedError: the document refers to missing records (each field listed).
        DocumentPostedError: the document is posted and the new content differs.
    """
    require_tenant(session, tenant_id)
    issues = find_issues(session, tenant_id, document, cache)
    if issues:
        raise RecordRejectedError(describe(document), issues)
    digest = content_hash(document, exclude=LIFECYCLE_FIELDS[Document])
    row = _document_row(session, tenant_id, document.type, document.number)
    stamp = now()
    posted = document.status is DocumentStatus.POSTED
    key = (document.number,)
    if row is None:
        row = td.DocumentRow(tenant_id=tenant_id, created_at=stamp)
        _write_document(row, document, digest, stamp)
        session.add(row)
        _record_change(session, tenant_id, document.type.value, key, "created", digest)
        session.flush()
        return Outcome.CREATED
    if row.content_hash == digest:
        if posted and row.status != DocumentStatus.POSTED.value:
            _post_row(session, tenant_id, row, stamp)
            return Outcome.POSTED
        return Outcome.UNCHANGED
    if row.status == DocumentStatus.POSTED.value:
        field = first_difference(to_plain(document_from_row(row)), to_plain(document))
        raise DocumentPostedError(describe(document), field or "", reversal_fix(document.type))
    row.lines.clear()
    session.flush()
    _write_document(row, document, digest, stamp)
    _record_change(session, tenant_id, document.type.value, key, "updated", digest)
    session.flush()
    return Outcome.UPDATED


def get_document(
    session: Session, tenant_id: str, doc_type: DocumentType | str, number: str
) -> Document | None:
    """The document, or ``None``."""
    row = _document_row(session, tenant_id, DocumentType(doc_type), number)
    return None if row is None else document_from_row(row)


def list_documents(
    session: Session, tenant_id: str, doc_type: DocumentType | str | None = None
) -> list[Document]:
    """The tenant's documents (of one type if given), by type and number."""
    query = select(td.DocumentRow).where(td.DocumentRow.tenant_id == tenant_id)
    if doc_type is not None:
        query = query.where(td.DocumentRow.type == DocumentType(doc_type).value)
    query = query.order_by(td.DocumentRow.type, td.DocumentRow.number).options(
        selectinload(td.DocumentRow.lines).selectinload(td.DocumentLineRow.attributes),
        selectinload(td.DocumentRow.lines).selectinload(td.DocumentLineRow.dimensions),
    )
    return [document_from_row(row) for row in session.scalars(query)]


def post_document(
    session: Session, tenant_id: str, doc_type: DocumentType | str, number: str
) -> Document:
    """Post a draft (posting a posted document changes nothing). Returns the document."""
    row = _document_row(session, tenant_id, DocumentType(doc_type), number)
    if row is None:
        raise RecordNotFoundError(f"unknown {DocumentType(doc_type).value} {number!r}")
    if row.status != DocumentStatus.POSTED.value:
        _post_row(session, tenant_id, row, now())
    return document_from_row(row)


def _document_row(
    session: Session, tenant_id: str, doc_type: DocumentType, number: str
) -> td.DocumentRow | None:
    query = select(td.DocumentRow).where(
        td.DocumentRow.tenant_id == tenant_id,
        td.DocumentRow.type == doc_type.value,
        td.DocumentRow.number == number,
    )
    return session.scalars(query).first()


def _write_document(
    row: td.DocumentRow, document: Document, digest: str, stamp: dt.datetime
) -> None:
    document_to_row(document, row)
    row.content_hash = digest
    row.updated_at = stamp
    row.status = document.status.value
    row.posted_at = stamp if document.is_posted else None


def _post_row(session: Session, tenant_id: str, row: td.DocumentRow, stamp: dt.datetime) -> None:
    row.status = DocumentStatus.POSTED.value
    row.posted_at = stamp
    _record_change(session, tenant_id, row.type, (row.number,), "posted", row.content_hash)
    session.flush()


# -- change events ----------------------------------------------------------------------


def list_change_events(
    session: Session, tenant_id: str, after_id: int = 0
) -> Sequence[ChangeEventRow]:
    """The tenant's change events with an ID above ``after_id``, oldest first."""
    query = (
        select(ChangeEventRow)
        .where(ChangeEventRow.tenant_id == tenant_id, ChangeEventRow.id > after_id)
        .order_by(ChangeEventRow.id)
    )
    return session.scalars(query).all()


def _record_change(
    session: Session,
    tenant_id: str,
    kind: str,
    key: tuple[str, ...],
    action: str,
    digest: str | None,
) -> None:
    session.add(
        ChangeEventRow(
            tenant_id=tenant_id,
            kind=kind,
            key="/".join(key),
            action=action,
            content_hash=digest,
            occurred_at=now(),
        )
    )
