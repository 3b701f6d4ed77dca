"""Export end to end for the entries that are more than one Intacct record or post on
another day: a purchase credit memo with lines of both signs (an APADJUSTMENT and the
journal entry that reclassifies its other-sign line, sent in one transaction), and AP closed
before the GL (a late bill refused by default, posted on AP's first open day by policy) —
each posted exactly once with its RECORDNO and reconciled, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from intacct_bridge.export import PostingConfig, PostingRunReport, post_documents, reconcile
from intacct_bridge.export.service import ReconcileReport
from intacct_bridge.model.documents import DocumentType
from intacct_bridge.posting import ClosedPeriodPolicy
from tests.export.world import CONFIG, TENANT, World, make_sandbox, make_store
from tests.posting.books import document, line
from tests.store.fixtures import backend, fresh_url  # noqa: F401

T = DocumentType
#: 5 returned at 9.50 against a receipt value of 10.00: Cr GRNI 50, Dr PPV 2.50, Dr AP 47.50
MIXED = document(T.PURCHASE_CREDIT_MEMO, line(quantity="5", unit_price="9.50"), number="PC-9")
#: a freight bill dated in October, which is closed in AP (the GL is open)
LATE = document(
    T.PURCHASE_INVOICE,
    line(item="FREIGHT", unit_price="45.00"),
    number="PI-LATE",
    supplier_invoice_number="FR-LATE",
    date=dt.date(2026, 10, 30),
)
AP_CLOSED = dataclasses.replace(CONFIG, closed_through={("AP", None): dt.date(2026, 10, 31)})


@pytest.fixture
def world(fresh_url: str) -> Iterator[World]:  # noqa: F811
    sandbox, creds = make_sandbox()
    engine = make_store(fresh_url, [MIXED, LATE])
    sandbox.admin.close_period(creds.company_id, through="10/31/2026", module="ap")
    yield World(sandbox, creds, engine)
    engine.dispose()


def _post(world: World, config: PostingConfig) -> PostingRunReport:
    async def go() -> PostingRunReport:
        async with world.client() as client:
            return await post_documents(world.engine, TENANT, client, config=config)

    return asyncio.run(go())


def _reconcile(world: World, config: PostingConfig) -> ReconcileReport:
    async def go() -> ReconcileReport:
        async with world.client() as client:
            return await reconcile(world.engine, TENANT, client, "2026-11", config=config)

    return asyncio.run(go())


def test_mixed_signs_and_a_late_bill_post_once_and_reconcile(world: World) -> None:
    # by default the late bill is refused before anything is sent, naming date and fix
    refused = _post(world, AP_CLOSED)
    (error,) = refused.errors
    assert error.key == "purchase_invoice/PI-LATE"
    assert "date: AP is closed through 2026-10-31" in (error.message or "")
    assert "first_open_date" in (error.message or "")
    assert world.records("APBILL") == []
    # the credit memo: one APADJUSTMENT of one sign plus its reclassifying journal entry
    (memo,) = [o for o in refused.outcomes if o.key == "purchase_credit_memo/PC-9"]
    assert memo.state == "success" and memo.record_no is not None
    assert "GLBATCH" in (memo.message or "")
    (adjustment,) = world.records("APADJUSTMENT")
    assert str(adjustment["RECORDNO"]) == str(memo.record_no)
    batches = world.records("GLBATCH")
    assert [b.get("REFERENCENO") for b in batches] == ["purchase_credit_memo/PC-9/GLBATCH"]

    # the policy posts the late bill on AP's first open day; the credit memo is not resent
    policy = dataclasses.replace(AP_CLOSED, closed_period_policy=ClosedPeriodPolicy.FIRST_OPEN_DATE)
    report = _post(world, policy)
    assert report.ok and report.posted == 1 and report.already == 1, report.outcomes
    (bill,) = world.records("APBILL")
    assert bill["WHENCREATED"] in ("10/30/2026", "2026-10-30")
    assert bill["WHENPOSTED"] in ("11/01/2026", "2026-11-01")
    assert len(world.records("APADJUSTMENT")) == 1 and len(world.records("GLBATCH")) == 1

    recon = _reconcile(world, policy)
    assert recon.differences == [] and recon.clean, (recon.differences, recon.unposted)
    assert {o.key for o in recon.posted} == {
        "purchase_credit_memo/PC-9",
        "purchase_invoice/PI-LATE",
    }


def test_revenue_on_shipment_posts_the_accrual_and_clears_it(fresh_url: str) -> None:  # noqa: F811
    from intacct_bridge.model.finance import Account
    from intacct_bridge.model.items import Item
    from intacct_bridge.posting import AccountType
    from intacct_bridge.posting.setup import RevenueRecognition
    from intacct_bridge.store.repositories import save_record
    from intacct_bridge.store.session import session_factory
    from tests.posting.books import DEPT_SALES, D

    shipment = document(
        T.SALES_SHIPMENT,
        line(quantity="40", unit_cost="10.00", dimensions=DEPT_SALES),
        number="SS-9",
    )
    # invoiced below the item's price (24.00 against 25.00): the AR invoice carries the
    # accrual net of the discount, a journal entry moves the discount to revenue
    invoice = document(
        T.SALES_INVOICE,
        line(quantity="40", unit_price="24.00", dimensions=DEPT_SALES),
        number="SI-9",
    )
    sandbox, creds = make_sandbox()
    sandbox.admin.seed(
        creds.company_id,
        "GLACCOUNT",
        [{"ACCOUNTNO": "1150", "TITLE": "Shipped not invoiced", "ACCOUNTTYPE": "balancesheet"}],
    )
    engine = make_store(fresh_url, [])
    with session_factory(engine).begin() as session:
        save_record(session, TENANT, Account(id="1150", name="Shipped not invoiced"))
        save_record(
            session,
            TENANT,
            Item(
                id="WIDGET",
                name="Widget",
                standard_cost=D("10.00"),
                base_price=D("25.00"),
                posting_class_id="WIDGETS",
            ),
        )
    from intacct_bridge.store.repositories import save_document

    with session_factory(engine).begin() as session:
        save_document(session, TENANT, shipment)
        save_document(session, TENANT, invoice)
    world = World(sandbox, creds, engine)
    config = dataclasses.replace(
        CONFIG,
        revenue_recognition=RevenueRecognition.ON_SHIPMENT,
        default_accounts={**CONFIG.default_accounts, AccountType.SHIPPED_NOT_INVOICED: "1150"},
    )
    try:
        report = _post(world, config)
        assert report.ok and report.posted == 2, report.outcomes
        assert len(world.records("ARINVOICE")) == 1
        references = sorted(str(b.get("REFERENCENO")) for b in world.records("GLBATCH"))
        assert references == ["sales_invoice/SI-9/GLBATCH", "sales_shipment/SS-9/GLBATCH"]
        recon = _reconcile(world, config)
        assert recon.differences == [] and recon.clean
        # shipped and invoiced: the accrual nets to zero, revenue is the invoice's 960.00
        assert not any(key.account_id == "1150" for key in recon.expected)
        revenue = sum(v for k, v in recon.expected.items() if k.account_id == "4000")
        assert revenue == D("-960.00")
    finally:
        engine.dispose()
