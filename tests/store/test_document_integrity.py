"""The database itself keeps document lines, line attributes and line dimensions whole.

Line attributes name their tenant only through their line's key (revision
``0010_h9_redundant_fks`` dropped their separate key to ``tenant``). Every row that names
another tenant's parent, an unknown tenant or a parent that does not exist is still refused,
and deleting a document or a tenant still takes its rows with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import ForeignKeyConstraint, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import intacct_bridge.store.tables  # noqa: F401
from intacct_bridge.model import Dimension, DimensionType
from intacct_bridge.store import repositories as repo
from intacct_bridge.store.base import Base
from intacct_bridge.store.migrate import downgrade, upgrade
from intacct_bridge.store.session import create_store_engine
from intacct_bridge.store.tables.documents import (
    DocumentLineAttributeRow,
    DocumentLineDimensionRow,
    DocumentLineRow,
    DocumentRow,
)
from intacct_bridge.store.tables.tenancy import TenantRow
from tests.store.factories import add_tenant, invoice, seed_reference
from tests.store.fixtures import dispose_engine

A, B = "alpha", "beta"
CHILDREN = (DocumentLineRow, DocumentLineAttributeRow, DocumentLineDimensionRow)


@pytest.fixture
def two(session: Session) -> Session:
    """Tenants A and B, each with the reference data and invoice SI-1 (two lines, line 1 with
    three attributes and a dimension)."""
    for tenant in (A, B):
        add_tenant(session, tenant)
        seed_reference(session, tenant)
        repo.save_document(session, tenant, invoice())
    session.flush()
    return session


def _document_id(session: Session, tenant: str) -> int:
    found = session.scalar(
        select(DocumentRow.id).where(DocumentRow.tenant_id == tenant, DocumentRow.number == "SI-1")
    )
    assert found is not None
    return found


def _refused(session: Session, table: type[Base], **values: object) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert(table).values(**values))


def _line(tenant: str, document_id: int, line_number: int = 9) -> dict[str, object]:
    return {
        "tenant_id": tenant,
        "document_id": document_id,
        "line_number": line_number,
        "item_id": "W-100",
        "quantity": Decimal(1),
        "tax_amount": Decimal(0),
    }


def test_a_line_of_another_tenants_or_no_document_is_refused(two: Session) -> None:
    doc_a, doc_b = _document_id(two, A), _document_id(two, B)
    _refused(two, DocumentLineRow, **_line(A, doc_b))  # B's document under A
    _refused(two, DocumentLineRow, **_line("nobody", doc_a))  # a tenant that does not exist
    _refused(two, DocumentLineRow, **_line(A, max(doc_a, doc_b) + 100))  # no such document
    two.execute(insert(DocumentLineRow).values(**_line(A, doc_a)))  # the control: accepted


def test_an_attribute_of_another_tenants_or_no_line_is_refused(two: Session) -> None:
    doc_a, doc_b = _document_id(two, A), _document_id(two, B)

    def attribute(tenant: str, document_id: int, line: int = 1, kind: str = "employee") -> dict:
        return {
            "tenant_id": tenant,
            "document_id": document_id,
            "line_number": line,
            "attribute_type": kind,
            "value_id": "E1",
        }

    _refused(two, DocumentLineAttributeRow, **attribute(A, doc_b))
    _refused(two, DocumentLineAttributeRow, **attribute("nobody", doc_a))
    _refused(two, DocumentLineAttributeRow, **attribute(A, doc_a, line=7))  # no line 7
    _refused(two, DocumentLineAttributeRow, **attribute(A, doc_a, kind="planet"))  # its CHECK
    two.execute(insert(DocumentLineAttributeRow).values(**attribute(A, doc_a)))


def test_a_dimension_of_another_tenants_or_no_line_is_refused(two: Session) -> None:
    doc_a, doc_b = _document_id(two, A), _document_id(two, B)
    repo.save_record(two, B, DimensionType(id="ONLY", name="B's own", slot=2))
    repo.save_record(two, B, Dimension(type_id="ONLY", id="D10", name="B's own"))

    def dimension(tenant: str, document_id: int, line: int = 2, kind: str = "DEPT") -> dict:
        return {
            "tenant_id": tenant,
            "document_id": document_id,
            "line_number": line,
            "dimension_type_id": kind,
            "dimension_id": "D10",
        }

    _refused(two, DocumentLineDimensionRow, **dimension(A, doc_b))
    _refused(two, DocumentLineDimensionRow, **dimension("nobody", doc_a))
    _refused(two, DocumentLineDimensionRow, **dimension(A, doc_a, line=7))
    _refused(two, DocumentLineDimensionRow, **dimension(A, doc_a, kind="ONLY"))  # B's type
    two.execute(insert(DocumentLineDimensionRow).values(**dimension(A, doc_a)))


def _counts(session: Session, tenant: str) -> list[int]:
    return [
        session.scalar(select(func.count()).select_from(row).where(row.tenant_id == tenant)) or 0
        for row in CHILDREN
    ]


def test_deleting_a_document_or_a_tenant_deletes_its_rows(two: Session) -> None:
    assert _counts(two, A) == _counts(two, B) == [2, 3, 1]
    with two.begin_nested():
        two.execute(delete(DocumentRow).where(DocumentRow.id == _document_id(two, A)))
    assert _counts(two, A) == [0, 0, 0]
    assert _counts(two, B) == [2, 3, 1]
    with two.begin_nested():
        two.execute(delete(TenantRow).where(TenantRow.id == B))
    assert _counts(two, B) == [0, 0, 0]


def _pinned(table_name: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``table_name``'s ``tenant_id`` must name an existing tenant: a key to
    ``tenant``, or a key of non-null columns, ``tenant_id`` first, to a pinned table."""
    table = Base.metadata.tables[table_name]
    for constraint in table.constraints:
        if not isinstance(constraint, ForeignKeyConstraint):
            continue
        parent = constraint.referred_table.name
        columns = list(constraint.columns)
        if parent == "tenant" and [c.name for c in columns] == ["tenant_id"]:
            return True
        if (
            columns[0].name == "tenant_id"
            and not any(column.nullable for column in columns)
            and constraint.ondelete == "CASCADE"
            and parent not in seen
            and _pinned(parent, seen | {table_name})
        ):
            return True
    return False


#: a receipt keeps the tenant a Smart Event post claims, even one that does not exist
UNPINNED = {"smart_event_receipt"}


def test_every_tenant_row_is_pinned_to_an_existing_tenant() -> None:
    for table in Base.metadata.sorted_tables:
        if "tenant_id" in table.c and table.name not in UNPINNED:
            assert _pinned(table.name), table.name
    assert all(_pinned(row.__tablename__) for row in CHILDREN)


@pytest.fixture
def migrated_with_rows(fresh_url: str) -> Iterator[str]:
    """A database at 0009 holding two tenants' invoices (lines, attributes, dimensions)."""
    upgrade(fresh_url, "0009_posting_config")
    engine = create_store_engine(fresh_url)
    try:
        with Session(engine) as session, session.begin():
            for tenant in (A, B):
                add_tenant(session, tenant)
                seed_reference(session, tenant)
                repo.save_document(session, tenant, invoice())
                repo.save_document(session, tenant, invoice(number="SI-2"))
    finally:
        dispose_engine(engine)
    yield fresh_url


def _all_counts(url: str) -> list[list[int]]:
    engine = create_store_engine(url)
    try:
        with Session(engine) as session:
            if engine.dialect.name == "sqlite":
                assert session.execute(text("PRAGMA foreign_key_check")).all() == []
            return [_counts(session, tenant) for tenant in (A, B)]
    finally:
        dispose_engine(engine)


def test_the_migration_keeps_every_row_both_ways(migrated_with_rows: str) -> None:
    url = migrated_with_rows
    assert _all_counts(url) == [[4, 6, 2], [4, 6, 2]]
    upgrade(url)
    assert _all_counts(url) == [[4, 6, 2], [4, 6, 2]]
    downgrade(url, "0009_posting_config")
    assert _all_counts(url) == [[4, 6, 2], [4, 6, 2]]
