from __future__ import annotations

import ast
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from intacct_bridge.model import (
    Account,
    Address,
    Attribute,
    AttributeTypeKind,
    Company,
    Contact,
    Customer,
    DimensionType,
    Item,
    ModelError,
    PaymentTerm,
    PostingClass,
    PostingClassLine,
    Site,
    SiteRole,
    Tenant,
)
from intacct_bridge.model.canonical import content_hash, first_difference, to_plain
from intacct_bridge.model.kinds import KINDS_BY_NAME, MASTER_KINDS, describe, record_key
from intacct_bridge.model.sites import check_entity_binding
from tests.store.factories import invoice, reference_records


def test_site_roles_are_sorted_and_financial_sites_post_through_themselves() -> None:
    site = Site(id="S", name="S", company_id="C", roles=("stock", "financial"))
    assert site.roles == (SiteRole.FINANCIAL, SiteRole.STOCK)
    assert site.is_financial and site.ledger_site_id == "S"
    with pytest.raises(ModelError, match="financial_site_id: is required"):
        Site(id="W", name="W", company_id="C", roles=(SiteRole.STOCK,))
    with pytest.raises(ModelError, match="only a financial site carries"):
        Site(
            id="W",
            name="W",
            company_id="C",
            roles=(SiteRole.STOCK,),
            financial_site_id="S",
            intacct_entity_id="E1",
        )
    with pytest.raises(ModelError, match="roles: is empty"):
        Site(id="W", name="W", company_id="C", roles=())


def test_company_and_financial_site_share_the_entity_id() -> None:
    company = Company(id="C", name="C", currency="USD", intacct_entity_id="E1")
    good = Site(id="S", name="S", company_id="C", roles=("financial",), intacct_entity_id="E1")
    check_entity_binding(company, good)
    bad = Site(id="S", name="S", company_id="C", roles=("financial",), intacct_entity_id="E2")
    with pytest.raises(ModelError, match="same Intacct entity ID"):
        check_entity_binding(company, bad)


def test_ids_follow_intacct_limits() -> None:
    with pytest.raises(ModelError, match="at most 30 characters"):
        Item(id="X" * 31, name="n")
    with pytest.raises(ModelError, match="surrounding spaces"):
        Item(id=" W", name="n")
    with pytest.raises(ModelError, match="at most 20 characters"):
        Customer(id="C" * 21, name="n", bill_to=Address(line1="x"))


def test_customer_contacts() -> None:
    customer = Customer(
        id="C", name="n", bill_to=Address(line1="x"), primary_contact="A", other_contacts=["B"]
    )  # type: ignore[arg-type]
    assert customer.other_contacts == ("B",) and customer.contact_names == ("A", "B")
    with pytest.raises(ModelError, match="already the primary contact"):
        Customer(
            id="C", name="n", bill_to=Address(line1="x"), primary_contact="A", other_contacts=("A",)
        )
    with pytest.raises(ModelError, match="email"):
        Contact(name="A", print_as="A", email="not-an-address")


def test_attributes_dimensions_and_terms() -> None:
    with pytest.raises(ModelError, match="create attribute records only for project"):
        Attribute(type=AttributeTypeKind.CUSTOMER, id="C1", name="x")
    with pytest.raises(ModelError, match="a task needs its project"):
        Attribute(type="task", id="T", name="x")  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="give a whole number from 1 to 20"):
        DimensionType(id="D", name="D", slot=21)
    with pytest.raises(ModelError, match="both its days and its percentage"):
        PaymentTerm(ledger="ar", id="N", due_days=30, discount_days=10)  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="account type 'revenue' appears twice"):
        PostingClass(
            type="item",
            id="P",
            name="P",
            lines=(  # type: ignore[arg-type]
                PostingClassLine(account_type="revenue", account_id="4000"),
                PostingClassLine(account_type="revenue", account_id="4001"),
            ),
        )
    account = Account(id="4000", name="Sales", required_dimension_types=("B", "A"))
    assert account.required_dimension_types == ("A", "B")


def test_tenant_ids() -> None:
    assert Tenant(id="acme-eu", name="Acme").intacct_company_id is None
    with pytest.raises(ModelError, match="is not a tenant ID"):
        Tenant(id="Acme EU", name="Acme")


def test_content_hash_is_stable_across_equal_decimals_and_ignores_excluded_fields() -> None:
    a = Item(id="W", name="n", standard_cost=Decimal("1.50"))
    b = Item(id="W", name="n", standard_cost=Decimal("1.5000"))
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(Item(id="W", name="n", standard_cost=Decimal("1.51")))
    draft, posted = invoice(), invoice(status="posted")
    assert content_hash(draft, exclude=("status",)) == content_hash(posted, exclude=("status",))
    changed = invoice(lines=(draft.lines[0], replace(draft.lines[1], quantity=Decimal(3))))
    assert first_difference(to_plain(draft), to_plain(changed)) == "lines[1].quantity"


def test_content_hash_keeps_its_definition_so_stored_hashes_stay_valid() -> None:
    # stored hashes were made as SHA-256 of the sorted-key JSON of the plain form; a faster
    # way to the same text must give the same hash for every kind of record
    import hashlib
    import json

    for record in [*reference_records(), invoice(), invoice(status="posted")]:
        plain = to_plain(record)
        assert isinstance(plain, dict)
        for exclude in ((), ("status",)):
            kept = {key: value for key, value in plain.items() if key not in exclude}
            text = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
            assert content_hash(record, exclude=exclude) == expected, describe(record)


def test_every_reference_record_has_a_key_and_a_registered_kind() -> None:
    for record in reference_records():
        assert type(record) in MASTER_KINDS
        assert KINDS_BY_NAME[record.KIND] is type(record)
        assert all(isinstance(part, str) and part for part in record_key(record))
    assert describe(invoice()) == "sales_invoice SI-1"


def test_model_package_does_no_io_imports() -> None:
    package = Path(__import__("intacct_bridge.model", fromlist=["x"]).__file__).parent
    forbidden = {
        "sqlalchemy",
        "alembic",
        "httpx",
        "psycopg",
        "intacct_bridge.store",
        "intacct_bridge.sandbox",
        "intacct_bridge.intake",
        "os",
        "pathlib",
        "socket",
    }
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not any(name == f or name.startswith(f + ".") for f in forbidden), (
                    f"{module.name} imports {name}"
                )
