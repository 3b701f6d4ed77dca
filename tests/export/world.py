"""A small M&D month for export tests: the posting books (tests/posting/books.py) in the
bridge's store and the same chart, parties, entities and tax in a MEGA sandbox company."""

from __future__ import annotations

import datetime as dt
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from intacct_bridge.export import PostingConfig
from intacct_bridge.intacct import IntacctClient, IntacctConfig
from intacct_bridge.model.analytics import Dimension
from intacct_bridge.model.documents import Document, DocumentType
from intacct_bridge.model.finance import Account, TaxDetail, TaxSolution, TaxType
from intacct_bridge.model.tenancy import Tenant
from intacct_bridge.posting import AccountType, ExchangeRates
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.store.migrate import upgrade
from intacct_bridge.store.repositories import create_tenant, save_document, save_record
from intacct_bridge.store.session import create_store_engine, session_factory
from tests.posting.books import ACCOUNTS, CLASSES, DEPT_SALES, D, document, line, setup

TENANT = "acme"
#: a VAT detail of tax solution UK (sent as a tax entry, unlike US sales tax)
VAT = TaxDetail(
    id="UK-VAT-20",
    tax_type=TaxType.PURCHASE,
    rate=D(20),
    account_id="1400",
    tax_solution_id="UK",
)

CONFIG = PostingConfig(
    default_accounts={
        AccountType.GOODS_IN_TRANSIT: "1230",
        AccountType.ROUNDING: "7100",
        AccountType.MISC_RECEIPT: "5600",
    },
    rates=ExchangeRates([("EUR", "USD", dt.date(2026, 11, 1), D("1.1"))]),
    batch_size=4,
    interentity_accounts=("1900", "2900"),
)


def master_records() -> list[object]:
    """The books' records, in an order the store's reference checks accept."""
    books = setup()
    sites = sorted(books.sites.values(), key=lambda s: s.financial_site_id is not None)
    return [
        *books.dimension_types.values(),
        Dimension(type_id="DEPT", id="SALES", name="Sales"),
        *ACCOUNTS,
        *CLASSES,
        *books.companies.values(),
        *sites,
        *books.items.values(),
        *books.customers.values(),
        *books.suppliers.values(),
        *books.tax_details.values(),
        TaxSolution(id="UK", description="UK VAT", countries=("GB",)),
        VAT,
    ]


def month() -> list[Document]:
    """A month of 11 documents: stock movements, taxed AP/AR, credit memos, a EUR invoice,
    a transfer between entities."""
    T = DocumentType
    sales: dict[str, Any] = {"dimensions": DEPT_SALES}
    day = dt.date(2026, 11, 10)
    return [
        document(T.PURCHASE_RECEIPT, line(quantity="10", unit_cost="10.00"), number="PR-1"),
        document(
            T.PURCHASE_INVOICE,
            line(quantity="10", unit_price="10.50", tax_detail_id="UK-VAT-20", tax_amount="21.00"),
            number="PI-1",
        ),
        document(
            T.PURCHASE_INVOICE,
            line(item="FREIGHT", unit_price="45.00"),
            number="PI-2",
            supplier_invoice_number="FR-9",
        ),
        document(T.PURCHASE_CREDIT_MEMO, line(quantity="2", unit_price="10.50"), number="PC-1"),
        document(T.SALES_SHIPMENT, line(quantity="4", unit_cost="10.00"), number="SS-1"),
        document(
            T.SALES_INVOICE,
            line(
                quantity="4", unit_price="25.00", tax_detail_id="US-CA", tax_amount="8.00", **sales
            ),
            number="SI-1",
        ),
        document(
            T.SALES_INVOICE,
            line(quantity="2", unit_price="30.00", **sales),
            number="SI-2",
            currency="EUR",
            date=day + dt.timedelta(days=2),
        ),
        document(
            T.SALES_CREDIT_MEMO,
            line(
                quantity="1", unit_price="25.00", tax_detail_id="US-CA", tax_amount="2.00", **sales
            ),
            number="SC-1",
        ),
        document(T.STOCK_ADJUSTMENT, line(quantity="-1", unit_cost="10.00"), number="SA-1"),
        document(T.MISC_STOCK_RECEIPT, line(quantity="3", unit_cost="10.00"), number="MR-1"),
        # across entities: goods in transit in E1, Intacct adds the due-to / due-from lines
        document(
            T.STOCK_TRANSFER, line(quantity="2", unit_cost="10.00"), number="ST-1", to_site_id="S2"
        ),
    ]


def make_store(url: str, documents: list[Document] | None = None) -> Engine:
    """A migrated store with the tenant, its master data and ``documents`` (default: month)."""
    upgrade(url)
    engine = create_store_engine(url)
    with session_factory(engine).begin() as session:
        create_tenant(session, Tenant(id=TENANT, name="Acme"))
        for record in master_records():
            save_record(session, TENANT, record)  # type: ignore[arg-type]
        for doc in month() if documents is None else documents:
            save_document(session, TENANT, doc)
    return engine


def make_sandbox() -> tuple[Sandbox, QuickstartCredentials]:
    """A MEGA company (entities E1, E2) with the books' chart, parties, journal and tax."""
    sandbox = Sandbox(seed=11)
    creds = sandbox.quickstart(mega=True)
    sandbox.admin.add_entity(creds.company_id, "E1", "One")
    sandbox.admin.add_entity(creds.company_id, "E2", "Two")
    seed_books(sandbox, creds.company_id)
    return sandbox, creds


def seed_books(sandbox: Sandbox, company: str) -> None:
    """The books' chart, journal, department, parties, items, tax and EUR rate (rows the
    company already has are left as they are)."""
    admin = sandbox.admin
    data = sandbox.backend.companies[company].data

    def seed(object_name: str, id_field: str, rows: list[dict[str, Any]]) -> None:
        table = data.tables.get(object_name)
        have = set(table.by_id) if table is not None else set()
        fresh = [row for row in rows if row[id_field] not in have]
        if fresh:
            admin.seed(company, object_name, fresh)

    seed(
        "GLACCOUNT",
        "ACCOUNTNO",
        [
            {"ACCOUNTNO": a.id, "TITLE": a.name, "ACCOUNTTYPE": "balancesheet"}
            for a in (
                *ACCOUNTS,
                Account(id="1900", name="Due from entities"),
                Account(id="2900", name="Due to entities"),
            )
        ],
    )
    admin.set_interentity_accounts(company, due_from="1900", due_to="2900")
    seed("GLJOURNAL", "SYMBOL", [{"SYMBOL": "INVJ", "TITLE": "Inventory journal"}])
    seed("DEPARTMENT", "DEPARTMENTID", [{"DEPARTMENTID": "SALES", "TITLE": "Sales"}])
    seed(
        "VENDOR",
        "VENDORID",
        [{"VENDORID": "SUP1", "NAME": "Parts Co", "DISPLAYCONTACT.PRINTAS": "Parts Co"}],
    )
    seed(
        "CUSTOMER",
        "CUSTOMERID",
        [{"CUSTOMERID": "CUST1", "NAME": "Acme", "DISPLAYCONTACT.PRINTAS": "Acme"}],
    )
    seed(
        "ITEM",
        "ITEMID",
        [
            {"ITEMID": "WIDGET", "NAME": "Widget", "ITEMTYPE": "Inventory"},
            {"ITEMID": "FREIGHT", "NAME": "Freight", "ITEMTYPE": "Non-Inventory"},
        ],
    )
    admin.add_tax_detail(company, "US-CA", tax_type="S", percent=8, account="2200")
    admin.add_tax_detail(company, "UK-PURCH-20", tax_type="P", percent=20, account="1400")
    admin.add_tax_solution(company, "UK", purchase_account="1400", sale_account="2210")
    admin.add_tax_detail(
        company, "UK-VAT-20", tax_type="P", percent=20, account="1400", solution="UK"
    )
    admin.add_exchange_rate(
        company, from_currency="EUR", to_currency="USD", rate="1.1", effective="11/01/2026"
    )


def client_config(creds: QuickstartCredentials, sandbox: Sandbox, **changes: Any) -> IntacctConfig:
    return IntacctConfig(
        sender_id=creds.sender_id,
        sender_password=creds.sender_password,
        company_id=creds.company_id,
        user_id=creds.user_id,
        user_password=creds.user_password,
        endpoint=sandbox.endpoint,
        **changes,
    )


@dataclass
class World:
    sandbox: Sandbox
    creds: QuickstartCredentials
    engine: Engine

    @asynccontextmanager
    async def client(self, transport: Any = None, **changes: Any) -> Any:
        config = client_config(self.creds, self.sandbox, **changes)
        async with IntacctClient(config, transport=transport or self.sandbox.transport()) as c:
            yield c

    def records(self, object_name: str) -> list[dict[str, Any]]:
        table = self.sandbox.backend.companies[self.creds.company_id].data.table(object_name)
        return [{**r.values, "RECORDNO": no} for no, r in table.records.items()]
