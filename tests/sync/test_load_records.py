"""The sync round's record reader (plain column values, no ORM instance) builds exactly
what the mappers' ``from_row`` builds from the ORM rows: every kind, every child row."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from intacct_bridge.model.items import Item
from intacct_bridge.model.kinds import Record
from intacct_bridge.model.parties import Contact, Customer, Supplier
from intacct_bridge.store.mappers import spec_for
from intacct_bridge.store.repositories import ensure_default_tenant, save_record
from intacct_bridge.sync.state import address_key, load_record, load_records
from tests.sync.conftest import TENANT, address, contact, customer, item, supplier


def _store(session: Session) -> list[Record]:
    ensure_default_tenant(session)
    records: list[Record] = [
        item("W-1"),
        item("W-2", standard_cost=None, base_price=Decimal("0.10"), description=None),
        item("W-3", is_active=False, is_sold=False, stock_unit="KG"),
        contact("Ann Smith"),
        contact("Bob Jones", address=None, email=None, phone="+44 1"),
        contact("Cy Young", prefix="Dr", last_name="Young", company_name="Young & Co <ltd>"),
        customer("C1"),
        customer(
            "C2",
            ship_to=address("York"),
            primary_contact="Bob Jones",
            other_contacts=("Cy Young", "Ann Smith"),
            currency="EUR",
            tax_id="GB123",
        ),
        customer("C3", other_contacts=("Ann Smith",), is_active=False),
        supplier("V1"),
        supplier(
            "V2",
            return_to=address("Hull"),
            primary_contact="Ann Smith",
            other_contacts=("Cy Young",),
        ),
    ]
    for record in records:
        save_record(session, TENANT, record)
    session.flush()
    return records


def test_the_reader_builds_what_from_row_builds_for_every_kind(session: Session) -> None:
    records = _store(session)
    kinds = {Item: "item", Contact: "contact", Customer: "customer", Supplier: "supplier"}
    for model, kind in kinds.items():
        expected = [record for record in records if isinstance(record, model)]
        keys = [str(getattr(record, "id", getattr(record, "name", ""))) for record in expected]
        loaded = load_records(session, TENANT, kind, [*keys, "MISSING"])
        assert sorted(loaded) == sorted(keys)
        spec = spec_for(model)
        for key, record in zip(keys, expected, strict=True):
            row = session.get(spec.table, (TENANT, key))
            assert loaded[key] == spec.from_row(row) == record
            assert loaded[key] == load_record(session, TENANT, kind, key)


def test_the_reader_derives_the_address_contacts_of_the_parties_that_have_one(
    session: Session,
) -> None:
    _store(session)
    keys = [address_key("customer", party) for party in ("C1", "C2", "C3")] + [
        address_key("supplier", party) for party in ("V1", "V2")
    ]
    loaded = load_records(session, TENANT, "address", keys)
    assert sorted(loaded) == sorted([address_key("customer", "C2"), address_key("supplier", "V2")])
    for key, derived in loaded.items():
        assert derived == load_record(session, TENANT, "address", key)
    assert load_records(session, TENANT, "customer", []) == {}
