from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from intacct_bridge.model import (
    Address,
    Attribute,
    AttributeTypeKind,
    Company,
    Customer,
    DimensionType,
    Item,
    Record,
    Site,
    SiteRole,
    Supplier,
)
from intacct_bridge.model.kinds import record_key
from intacct_bridge.store import repositories as repo
from intacct_bridge.store.errors import (
    ItemIdLockedError,
    RecordRejectedError,
    UnknownTenantError,
)
from tests.store.factories import reference_records, seed_reference, shipment

T = "default"


@pytest.fixture
def seeded(session: Session) -> Session:
    seed_reference(session, T)
    return session


def _rejected(session: Session, record: Record) -> dict[str, str]:
    with pytest.raises(RecordRejectedError) as caught:
        repo.save_record(session, T, record)
    return {issue.field: issue.reason for issue in caught.value.issues}


def test_every_kind_round_trips_exactly(seeded: Session) -> None:
    seeded.expire_all()  # read back from the database, not the identity map
    for record in reference_records():
        stored = repo.get_record(seeded, T, type(record), *record_key(record))
        assert stored == record, record


def test_save_is_idempotent_and_records_change_events(session: Session) -> None:
    item = Item(id="W", name="Widget", standard_cost=Decimal("1.10"))
    assert repo.save_record(session, T, item) is repo.Outcome.CREATED
    events = repo.list_change_events(session, T)
    assert [(e.kind, e.key, e.action) for e in events] == [("item", "W", "created")]
    assert repo.save_record(session, T, item) is repo.Outcome.UNCHANGED
    assert (
        repo.save_record(session, T, dataclasses.replace(item, standard_cost=Decimal("1.1")))
        is repo.Outcome.UNCHANGED
    )
    assert len(repo.list_change_events(session, T)) == 1
    changed = dataclasses.replace(item, name="Widget v2")
    assert repo.save_record(session, T, changed) is repo.Outcome.UPDATED
    last = repo.list_change_events(session, T, after_id=events[-1].id)
    assert [(e.action, e.key) for e in last] == [("updated", "W")]
    session.expire_all()
    assert repo.get_record(session, T, Item, "W") == changed


def test_updating_a_customer_replaces_its_addresses_and_contacts(seeded: Session) -> None:
    customer = repo.get_record(seeded, T, Customer, "C1")
    assert customer is not None
    changed = dataclasses.replace(
        customer, ship_to=None, primary_contact="John Roe", other_contacts=("Jane Doe",)
    )
    assert repo.save_record(seeded, T, changed) is repo.Outcome.UPDATED
    seeded.expire_all()
    assert repo.get_record(seeded, T, Customer, "C1") == changed


def test_list_records_in_key_order(seeded: Session) -> None:
    items = repo.list_records(seeded, T, Item)
    assert [item.id for item in items] == ["G-200", "W-100"]
    projects = [
        a.id for a in repo.list_records(seeded, T, Attribute) if a.type is AttributeTypeKind.PROJECT
    ]
    assert projects == ["P1", "P2"]


def test_decimals_survive_exactly(session: Session) -> None:
    for value in ("0.333333", "123456789012345678.123456", "-0.000001", "100"):
        item = Item(id=f"D{value}"[:30], name="n", base_price=abs(Decimal(value)))
        repo.save_record(session, T, item)
        session.flush()
        session.expire_all()
        stored = repo.get_record(session, T, Item, item.id)
        assert stored is not None and stored.base_price == abs(Decimal(value))
        assert str(stored.base_price) == str(abs(Decimal(value)))


def test_missing_references_are_reported_per_field(seeded: Session) -> None:
    issues = _rejected(seeded, Item(id="X", name="n", posting_class_id="NOPE"))
    assert issues == {
        "posting_class_id": "unknown item posting class 'item/NOPE'; create it first or fix the ID"
    }
    supplier = Supplier(
        id="S9",
        name="n",
        pay_to=Address(line1="x"),
        payment_term_id="N30",
        posting_class_id="STD",
        primary_contact="Nobody",
    )
    issues = _rejected(seeded, supplier)
    # N30 is an AR term and STD exists only for items, customers and taxes
    assert set(issues) == {"payment_term_id", "posting_class_id", "primary_contact"}
    assert "AP payment term 'ap/N30'" in issues["payment_term_id"]
    assert repo.get_record(seeded, T, Supplier, "S9") is None


def test_site_rules(seeded: Session) -> None:
    wrong_entity = Site(
        id="F2", name="n", company_id="US01", roles=(SiteRole.FINANCIAL,), intacct_entity_id="OTHER"
    )
    assert "same Intacct entity ID" in _rejected(seeded, wrong_entity)["company_id"]
    via_stock = Site(
        id="W9", name="n", company_id="US01", roles=(SiteRole.STOCK,), financial_site_id="WH1"
    )
    assert _rejected(seeded, via_stock) == {
        "financial_site_id": "site 'WH1' is not a financial site"
    }
    repo.save_record(seeded, T, Company(id="EU01", name="EU", currency="EUR"))
    other_company = Site(
        id="W9", name="n", company_id="EU01", roles=(SiteRole.STOCK,), financial_site_id="US01"
    )
    assert "belongs to company 'US01'" in _rejected(seeded, other_company)["financial_site_id"]


def test_dimension_slots_hold_one_type_each(seeded: Session) -> None:
    issues = _rejected(seeded, DimensionType(id="REGION", name="Region", slot=1))
    assert issues["slot"].startswith("slot 1 already holds dimension type 'DEPT'")
    assert (
        repo.save_record(seeded, T, DimensionType(id="REGION", name="Region", slot=2))
        is repo.Outcome.CREATED
    )


def test_task_must_point_at_an_existing_project(seeded: Session) -> None:
    task = Attribute(type=AttributeTypeKind.TASK, id="T9", name="n", restricted_to="E1")
    assert "unknown project attribute 'project/E1'" in _rejected(seeded, task)["restricted_to"]


def test_item_id_locks_once_integrated(seeded: Session) -> None:
    renamed = repo.rename_item(seeded, T, "G-200", "G-201")
    assert renamed.id == "G-201" and repo.get_record(seeded, T, Item, "G-200") is None
    repo.mark_item_integrated(seeded, T, "G-201")
    assert repo.is_item_integrated(seeded, T, "G-201")
    with pytest.raises(ItemIdLockedError, match="integrated with Intacct, so its ID cannot change"):
        repo.rename_item(seeded, T, "G-201", "G-202")
    repo.save_document(seeded, T, shipment())
    with pytest.raises(ItemIdLockedError, match="used 1 time"):
        repo.rename_item(seeded, T, "W-100", "W-101")
    actions = [(e.key, e.action) for e in repo.list_change_events(seeded, T)][-4:]
    assert actions[:3] == [("G-201", "created"), ("G-200", "renamed"), ("G-201", "integrated")]


def test_unknown_tenant_is_refused(session: Session) -> None:
    with pytest.raises(UnknownTenantError, match="unknown tenant 'nobody'"):
        repo.save_record(session, "nobody", Item(id="W", name="n"))
