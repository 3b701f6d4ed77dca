"""A small M&D company for posting tests: the reference's worked month (posting-model.md §3).

Company C1 (entity E1, financial site S1, stock site W1) and company C2 (entity E2, site S2),
both in USD; a stock item WIDGET at standard cost 10.00, a service FREIGHT; sales tax 8 %;
UK VAT 20 % on purchases and a 20 % reverse-charge detail.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from intacct_bridge.model.analytics import (
    AttributeRef,
    AttributeTypeKind,
    DimensionRef,
    DimensionType,
)
from intacct_bridge.model.documents import Document, DocumentLine, DocumentStatus, DocumentType
from intacct_bridge.model.finance import (
    Account,
    PostingClass,
    PostingClassKind,
    PostingClassLine,
    TaxDetail,
    TaxType,
)
from intacct_bridge.model.items import Item
from intacct_bridge.model.parties import Address, Customer, Supplier
from intacct_bridge.model.sites import Company, Site, SiteRole
from intacct_bridge.posting import AccountType, Entry, ExchangeRates, PostingSetup

D = Decimal
DAY = dt.date(2026, 11, 10)


def _class(kind: PostingClassKind, class_id: str, **lines: str) -> PostingClass:
    return PostingClass(
        type=kind,
        id=class_id,
        name=class_id.title(),
        lines=tuple(PostingClassLine(account_type=k, account_id=v) for k, v in lines.items()),
    )


ACCOUNTS = (
    Account(id="1100", name="AR", is_control=True, is_direct_entry_forbidden=True),
    Account(id="1220", name="Stock"),
    Account(id="1230", name="Goods in transit"),
    Account(id="1400", name="VAT recoverable"),
    Account(id="2000", name="AP", is_control=True, is_direct_entry_forbidden=True),
    Account(id="2050", name="GRNI"),
    Account(id="2200", name="Sales tax payable"),
    Account(id="2210", name="VAT payable"),
    Account(id="4000", name="Revenue", required_dimension_types=("DEPT",)),
    Account(id="4200", name="Freight billed"),
    Account(id="4600", name="Sales returns"),
    Account(id="5000", name="COGS"),
    Account(id="5300", name="PPV"),
    Account(id="5400", name="Stock adjustments"),
    Account(id="5500", name="Freight-in"),
    Account(id="5600", name="Misc receipts"),
    Account(id="7100", name="Rounding"),
    Account(id="9999", name="Old account", is_active=False),
)

CLASSES = (
    _class(
        PostingClassKind.ITEM,
        "WIDGETS",
        stock="1220",
        purchase_accrual="2050",
        purchase_price_variance="5300",
        cost_of_goods_sold="5000",
        revenue="4000",
        sales_returns="4600",
        stock_adjustment="5400",
    ),
    _class(PostingClassKind.ITEM, "SERVICE", revenue="4200", expense="5500"),
    _class(PostingClassKind.CUSTOMER, "DOMESTIC", receivable="1100"),
    _class(PostingClassKind.SUPPLIER, "DOMESTIC", payable="2000"),
    _class(PostingClassKind.TAX, "VAT", tax_payable="2210", tax_recoverable="1400"),
)

_ADDRESS = Address(line1="1 Main St", city="Springfield", country_code="US")


def setup(**changes: Any) -> PostingSetup:
    """The test company's posting setup, with ``changes`` applied."""
    sites = (
        Site(
            id="S1", name="HQ", company_id="C1", roles=(SiteRole.FINANCIAL,), intacct_entity_id="E1"
        ),
        Site(
            id="W1",
            name="Warehouse",
            company_id="C1",
            roles=(SiteRole.STOCK, SiteRole.BUSINESS),
            financial_site_id="S1",
        ),
        Site(
            id="S2",
            name="East",
            company_id="C2",
            roles=(SiteRole.FINANCIAL, SiteRole.STOCK),
            intacct_entity_id="E2",
        ),
    )
    values: dict[str, Any] = {
        "accounts": {a.id: a for a in ACCOUNTS},
        "posting_classes": {(c.type, c.id): c for c in CLASSES},
        "items": {
            "WIDGET": Item(
                id="WIDGET", name="Widget", standard_cost=D("10.00"), posting_class_id="WIDGETS"
            ),
            "FREIGHT": Item(
                id="FREIGHT", name="Freight", is_stock_managed=False, posting_class_id="SERVICE"
            ),
        },
        "sites": {s.id: s for s in sites},
        "companies": {
            "C1": Company(id="C1", name="One", currency="USD", intacct_entity_id="E1"),
            "C2": Company(id="C2", name="Two", currency="USD", intacct_entity_id="E2"),
        },
        "customers": {
            "CUST1": Customer(
                id="CUST1", name="Acme", bill_to=_ADDRESS, posting_class_id="DOMESTIC"
            )
        },
        "suppliers": {
            "SUP1": Supplier(
                id="SUP1", name="Parts Co", pay_to=_ADDRESS, posting_class_id="DOMESTIC"
            )
        },
        "tax_details": {
            t.id: t
            for t in (
                TaxDetail(id="US-CA", tax_type=TaxType.SALES, rate=D(8), account_id="2200"),
                TaxDetail(
                    id="UK-PURCH-20", tax_type=TaxType.PURCHASE, rate=D(20), account_id="1400"
                ),
                TaxDetail(
                    id="EU-RC-20",
                    tax_type=TaxType.PURCHASE,
                    rate=D(20),
                    account_id="1400",
                    is_reverse_charge=True,
                    posting_class_id="VAT",
                ),
            )
        },
        "dimension_types": {
            "DEPT": DimensionType(id="DEPT", name="Department", slot=1, intacct_object="DEPARTMENT")
        },
        "default_accounts": {
            AccountType.GOODS_IN_TRANSIT: "1230",
            AccountType.ROUNDING: "7100",
            AccountType.MISC_RECEIPT: "5600",
        },
        "rates": ExchangeRates([("EUR", "USD", dt.date(2026, 11, 1), D("1.1"))]),
        "multi_entity": True,
    }
    values.update(changes)
    return PostingSetup(**values)


def line(number: int = 1, item: str = "WIDGET", quantity: str = "1", **values: Any) -> DocumentLine:
    """A document line; money given as strings."""
    for key in ("unit_cost", "unit_price", "tax_amount"):
        if key in values and isinstance(values[key], str):
            values[key] = D(values[key])
    return DocumentLine(line_number=number, item_id=item, quantity=D(quantity), **values)


DEPT_SALES = (DimensionRef(type="DEPT", id="SALES"),)
WAREHOUSE_W1 = (AttributeRef(type=AttributeTypeKind.STOCK_SITE, id="W1"),)


def document(kind: DocumentType, *lines: DocumentLine, **values: Any) -> Document:
    """A posted document of ``kind`` at site W1 (entity E1) on :data:`DAY`."""
    fields: dict[str, Any] = {
        "type": kind,
        "number": f"{kind.value[:2].upper()}-1",
        "date": DAY,
        "site_id": "W1",
        "status": DocumentStatus.POSTED,
        "lines": lines,
    }
    rule = kind
    if rule in (
        DocumentType.SALES_SHIPMENT,
        DocumentType.SALES_RETURN_RECEIPT,
        DocumentType.SALES_INVOICE,
        DocumentType.SALES_CREDIT_MEMO,
    ):
        fields["customer_id"] = "CUST1"
    if rule in (
        DocumentType.PURCHASE_RECEIPT,
        DocumentType.PURCHASE_RETURN,
        DocumentType.PURCHASE_INVOICE,
        DocumentType.PURCHASE_CREDIT_MEMO,
    ):
        fields["supplier_id"] = "SUP1"
    if kind is DocumentType.PURCHASE_INVOICE:
        fields["supplier_invoice_number"] = "INV-778"
    if kind in (
        DocumentType.PURCHASE_INVOICE,
        DocumentType.PURCHASE_CREDIT_MEMO,
        DocumentType.SALES_INVOICE,
        DocumentType.SALES_CREDIT_MEMO,
    ):
        fields["currency"] = "USD"
    fields.update(values)
    return Document(**fields)


def shape(entry: Entry) -> list[tuple[str, str, str, str, str | None]]:
    """An entry as (account, side, base amount, transaction amount, entity) rows."""
    return [
        (
            ln.account_id,
            ln.side.value[0].upper() + "r",
            str(ln.amount),
            str(ln.trx_amount),
            ln.entity_id,
        )
        for ln in entry.lines
    ]
