"""Builders for a tenant's reference data and documents, used by store and intake tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from intacct_bridge.model import (
    Account,
    Address,
    Attribute,
    AttributeRef,
    AttributeType,
    AttributeTypeKind,
    BankAccount,
    Company,
    Contact,
    Customer,
    Dimension,
    DimensionRef,
    DimensionType,
    Document,
    DocumentLine,
    DocumentType,
    Entity,
    Item,
    Journal,
    Ledger,
    PaymentTerm,
    PostingClass,
    PostingClassKind,
    PostingClassLine,
    Record,
    Site,
    SiteRole,
    Supplier,
    TaxDetail,
    TaxSolution,
    TaxType,
    Tenant,
)
from intacct_bridge.store import repositories as repo


def reference_records() -> list[Record]:
    """A small but complete set of master and reference data, in dependency order."""
    return [
        Entity(id="US01", name="Acme US", currency="USD"),
        Company(id="US01", name="Acme US", currency="USD", country="US", intacct_entity_id="US01"),
        Site(
            id="US01",
            name="Acme US finance",
            company_id="US01",
            roles=(SiteRole.FINANCIAL, SiteRole.BUSINESS),
            intacct_entity_id="US01",
        ),
        Site(
            id="WH1",
            name="Main warehouse",
            company_id="US01",
            roles=(SiteRole.STOCK, SiteRole.MANUFACTURING),
            financial_site_id="US01",
        ),
        Site(
            id="WH2",
            name="Overflow",
            company_id="US01",
            roles=(SiteRole.STOCK,),
            financial_site_id="US01",
        ),
        AttributeType(id=AttributeTypeKind.PROJECT, name="Project", intacct_object="PROJECT"),
        DimensionType(id="DEPT", name="Department", slot=1, intacct_object="DEPARTMENT"),
        Dimension(type_id="DEPT", id="D10", name="Sales"),
        Account(id="1000", name="Cash"),
        Account(id="1200", name="Stock"),
        Account(id="2100", name="Tax payable"),
        Account(
            id="4000",
            name="Sales",
            required_dimension_types=("DEPT",),
            required_attribute_types=(AttributeTypeKind.PROJECT,),
        ),
        Account(id="5000", name="Cost of goods sold"),
        Journal(id="SJ", name="Sales journal"),
        PaymentTerm(
            ledger=Ledger.AR, id="N30", due_days=30, discount_days=10, discount_percent=Decimal("2")
        ),
        PaymentTerm(ledger=Ledger.AP, id="N45", due_days=45),
        TaxSolution(id="US-SALES", description="US sales tax", countries=("US",)),
        PostingClass(
            type=PostingClassKind.ITEM,
            id="STD",
            name="Standard items",
            lines=(
                PostingClassLine(account_type="revenue", account_id="4000"),
                PostingClassLine(account_type="stock", account_id="1200"),
                PostingClassLine(account_type="cost_of_goods_sold", account_id="5000"),
            ),
        ),
        PostingClass(type=PostingClassKind.CUSTOMER, id="STD", name="Standard customers"),
        PostingClass(
            type=PostingClassKind.TAX,
            id="STD",
            name="Standard taxes",
            lines=(PostingClassLine(account_type="tax_collected", account_id="2100"),),
        ),
        TaxDetail(
            id="US-7.25",
            tax_type=TaxType.SALES,
            rate=Decimal("7.25"),
            tax_solution_id="US-SALES",
            account_id="2100",
            posting_class_id="STD",
        ),
        TaxDetail(id="US-PUR-0", tax_type=TaxType.PURCHASE, rate=Decimal("0")),
        BankAccount(
            id="BOA", name="Operating", account_id="1000", currency="USD", financial_site_id="US01"
        ),
        Contact(name="Jane Doe", print_as="Jane Doe", email="jane@example.com"),
        Contact(name="John Roe", print_as="John Roe"),
        Item(id="W-100", name="Widget", standard_cost=Decimal("4.10"), posting_class_id="STD"),
        Item(id="G-200", name="Gadget", standard_cost=Decimal("12")),
        Customer(
            id="C1",
            name="Big Buyer",
            bill_to=Address(line1="1 Main St", city="Springfield", country_code="US"),
            ship_to=Address(line1="9 Dock Rd", city="Springfield", country_code="US"),
            primary_contact="Jane Doe",
            other_contacts=("John Roe",),
            payment_term_id="N30",
            posting_class_id="STD",
            currency="USD",
        ),
        Customer(id="C2", name="Small Buyer", bill_to=Address(line1="2 Elm St")),
        Supplier(
            id="S1",
            name="Parts Inc",
            pay_to=Address(line1="5 Mill Ln", country_code="US"),
            primary_contact="John Roe",
            payment_term_id="N45",
        ),
        Attribute(type=AttributeTypeKind.PROJECT, id="P1", name="Project one", site_id="WH1"),
        Attribute(type=AttributeTypeKind.PROJECT, id="P2", name="Project two"),
        Attribute(type=AttributeTypeKind.TASK, id="T1", name="Task one", restricted_to="P1"),
        Attribute(type=AttributeTypeKind.EMPLOYEE, id="E1", name="Employee one"),
    ]


def seed_reference(session: Session, tenant_id: str) -> None:
    """Save :func:`reference_records` into ``tenant_id``."""
    for record in reference_records():
        repo.save_record(session, tenant_id, record)


def add_tenant(session: Session, tenant_id: str, intacct_company: str | None = None) -> None:
    repo.create_tenant(
        session,
        Tenant(id=tenant_id, name=f"Tenant {tenant_id}", intacct_company_id=intacct_company),
    )


def invoice(number: str = "SI-1", **overrides: Any) -> Document:
    """A two-line sales invoice to customer C1, with tax, attributes and a dimension."""
    fields: dict[str, Any] = {
        "type": DocumentType.SALES_INVOICE,
        "number": number,
        "date": dt.date(2024, 1, 5),
        "site_id": "US01",
        "customer_id": "C1",
        "currency": "USD",
        "payment_term_id": "N30",
        "due_date": dt.date(2024, 2, 4),
        "tax_solution_id": "US-SALES",
        "lines": (
            DocumentLine(
                line_number=1,
                item_id="W-100",
                quantity=Decimal("2"),
                unit_price=Decimal("10.50"),
                tax_detail_id="US-7.25",
                tax_amount=Decimal("1.52"),
                attributes=(
                    AttributeRef(type=AttributeTypeKind.PROJECT, id="P1"),
                    AttributeRef(type=AttributeTypeKind.TASK, id="T1"),
                    AttributeRef(type=AttributeTypeKind.STOCK_SITE, id="WH1"),
                ),
                dimensions=(DimensionRef(type="DEPT", id="D10"),),
            ),
            DocumentLine(
                line_number=2,
                item_id="G-200",
                quantity=Decimal("1.5"),
                unit_price=Decimal("0.333333"),
                account_id="4000",
            ),
        ),
    }
    fields.update(overrides)
    return Document(**fields)


def shipment(number: str = "SH-1", **overrides: Any) -> Document:
    """A one-line sales shipment from WH1 to C1."""
    fields: dict[str, Any] = {
        "type": DocumentType.SALES_SHIPMENT,
        "number": number,
        "date": dt.date(2024, 1, 4),
        "site_id": "WH1",
        "customer_id": "C1",
        "lines": (
            DocumentLine(
                line_number=1, item_id="W-100", quantity=Decimal("2"), unit_cost=Decimal("4.1")
            ),
        ),
    }
    fields.update(overrides)
    return Document(**fields)
