"""Two tenants side by side: nothing of one is visible to or changed by the other."""

from __future__ import annotations

import dataclasses
import inspect
from decimal import Decimal

import pytest
from sqlalchemy import ForeignKeyConstraint, insert, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import intacct_bridge.store.tables  # noqa: F401
from intacct_bridge.model import Customer, Item, Tenant
from intacct_bridge.store import repositories as repo
from intacct_bridge.store.base import Base
from intacct_bridge.store.errors import RecordRejectedError, TenantConflictError
from intacct_bridge.store.tables.documents import DocumentLineRow
from tests.store.factories import add_tenant, invoice, seed_reference

A, B = "alpha", "beta"


@pytest.fixture
def two(session: Session) -> Session:
    add_tenant(session, A, "ALPHA-CO")
    add_tenant(session, B, "BETA-CO")
    seed_reference(session, A)
    seed_reference(session, B)
    return session


def test_default_tenant_exists_after_migration(session: Session) -> None:
    assert repo.get_tenant(session, "default") == Tenant(id="default", name="Default tenant")


def test_same_keys_live_side_by_side_and_changes_stay_home(two: Session) -> None:
    item_b = repo.get_record(two, B, Item, "W-100")
    assert item_b is not None
    repo.save_record(two, B, dataclasses.replace(item_b, name="Beta widget"))
    repo.save_document(two, A, invoice())
    repo.post_document(two, A, "sales_invoice", "SI-1")
    two.expire_all()
    item_a = repo.get_record(two, A, Item, "W-100")
    assert item_a is not None and item_a.name == "Widget"
    assert repo.get_record(two, B, Item, "W-100") == dataclasses.replace(item_b, name="Beta widget")
    assert repo.get_document(two, B, "sales_invoice", "SI-1") is None
    assert repo.list_documents(two, B) == []
    # B may hold its own SI-1, independent of A's posted one
    assert repo.save_document(two, B, invoice(number="SI-1")) is repo.Outcome.CREATED
    doc_b = repo.get_document(two, B, "sales_invoice", "SI-1")
    assert doc_b is not None and not doc_b.is_posted


def test_change_events_and_listings_are_per_tenant(two: Session) -> None:
    repo.save_record(two, A, Item(id="ONLY-A", name="n"))
    keys_a = {e.key for e in repo.list_change_events(two, A) if e.kind == "item"}
    keys_b = {e.key for e in repo.list_change_events(two, B) if e.kind == "item"}
    assert "ONLY-A" in keys_a and "ONLY-A" not in keys_b
    assert {e.tenant_id for e in repo.list_change_events(two, B)} == {B}
    assert [i.id for i in repo.list_records(two, B, Item)] == ["G-200", "W-100"]
    assert repo.get_record(two, B, Item, "ONLY-A") is None


def test_a_tenant_cannot_refer_to_another_tenants_records(two: Session) -> None:
    repo.save_record(two, A, Item(id="ONLY-A", name="n"))
    line = dataclasses.replace(invoice().lines[1], item_id="ONLY-A")
    with pytest.raises(RecordRejectedError) as caught:
        repo.save_document(two, B, invoice(lines=(line,)))
    assert [i.field for i in caught.value.issues] == ["lines[0].item_id"]
    customer = repo.get_record(two, A, Customer, "C1")
    assert customer is not None
    with pytest.raises(RecordRejectedError):
        repo.save_record(two, "default", customer)  # default tenant has no contacts or terms


def test_the_database_itself_refuses_cross_tenant_references(two: Session) -> None:
    repo.save_record(two, A, Item(id="ONLY-A", name="n"))
    repo.save_document(two, B, invoice())
    doc_id = two.execute(
        text("SELECT id FROM document WHERE tenant_id = :t AND number = 'SI-1'"),
        {"t": B},
    ).scalar_one()
    with pytest.raises(IntegrityError), two.begin_nested():
        two.execute(
            insert(DocumentLineRow).values(
                tenant_id=B,
                document_id=doc_id,
                line_number=9,
                item_id="ONLY-A",
                quantity=Decimal(1),
                tax_amount=Decimal(0),
            )
        )
    assert repo.get_record(two, A, Item, "ONLY-A") is not None


def test_an_intacct_company_serves_one_tenant(session: Session) -> None:
    add_tenant(session, A, "SHARED-CO")
    with pytest.raises(TenantConflictError, match="bound to tenant 'alpha'"):
        add_tenant(session, B, "SHARED-CO")
    assert (
        repo.create_tenant(
            session, Tenant(id=A, name=f"Tenant {A}", intacct_company_id="SHARED-CO")
        )
        is repo.Outcome.UNCHANGED
    )
    assert [t.id for t in repo.list_tenants(session)] == [A, "default"]


#: tables that belong to no tenant: console users are global (one person may work for several
#: tenants) and so are their browser sessions; what they may see is ``auth_membership``'s.
#: An Intacct slot's lease belongs to the company at its gateway, whichever tenants use it.
GLOBAL_TABLES = {"tenant", "auth_user", "auth_session", "sync_slot_lease"}


def test_every_table_is_keyed_and_referenced_by_tenant() -> None:
    for table in Base.metadata.sorted_tables:
        if table.name in GLOBAL_TABLES:
            continue
        assert "tenant_id" in table.c, table.name
        assert not table.c.tenant_id.nullable, table.name
        for constraint in table.constraints:
            if (
                isinstance(constraint, ForeignKeyConstraint)
                and constraint.referred_table.name not in GLOBAL_TABLES
            ):
                local = [c.name for c in constraint.columns]
                remote = [e.column.name for e in constraint.elements]
                assert local[0] == "tenant_id" and remote[0] == "tenant_id", (
                    f"{table.name}.{constraint.name} does not carry tenant_id"
                )


def test_every_repository_function_on_tenant_data_takes_the_tenant() -> None:
    cross_tenant = {"create_tenant", "get_tenant", "list_tenants", "ensure_default_tenant"}
    for name, function in inspect.getmembers(repo, inspect.isfunction):
        if name.startswith("_") or function.__module__ != repo.__name__ or name in cross_tenant:
            continue
        params = list(inspect.signature(function).parameters)
        assert params[:2] == ["session", "tenant_id"], f"{name}{params}"
