"""Typed document builders: built correctly, valid against api.xsd, accepted by Intacct."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from intacct_bridge.intacct import IntacctBusinessError, IntacctClient, IntacctConfig
from intacct_bridge.intacct.documents import (
    Dimensions,
    DocumentError,
    Line,
    ap_adjustment,
    ap_bill,
    ar_adjustment,
    ar_invoice,
    journal_entry,
    term,
)
from intacct_bridge.intacct.envelope import Function, FunctionResult
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.seeds import seed_demo
from tests.intacct.conftest import Recorder

D = Decimal


@pytest.fixture
def books(sandbox: Sandbox, creds: QuickstartCredentials) -> Sandbox:
    seed_demo(sandbox.admin, creds.company_id)
    sandbox.admin.seed(
        creds.company_id,
        "VENDOR",
        [{"VENDORID": "V100", "NAME": "Steel Supply", "DISPLAYCONTACT.PRINTAS": "Steel Supply"}],
    )
    sandbox.admin.seed(
        creds.company_id,
        "CUSTOMER",
        [{"CUSTOMERID": "C100", "NAME": "Acme Pumps", "DISPLAYCONTACT.PRINTAS": "Acme Pumps"}],
    )
    return sandbox


def _run(config: IntacctConfig, recorder: Recorder, *work: Function) -> list[FunctionResult]:
    async def go() -> list[FunctionResult]:
        async with IntacctClient(config, transport=recorder) as client:
            return [await client.call(function) for function in work]

    return asyncio.run(go())


def _record(sandbox: Sandbox, object_name: str, recordno: str) -> dict[str, str]:
    table = sandbox.backend.companies["DEMO-MFG"].data.table(object_name)
    return table.records[int(recordno)].values


def test_documents_post_and_validate(
    books: Sandbox,
    config: IntacctConfig,
    recorder: Recorder,
    validate_request: Callable[[bytes], None],
) -> None:
    day = date(2026, 11, 3)
    work = [
        journal_entry(
            tenant="t1",
            key="ADJ-1",
            version=1,
            journal="GJ",
            posting_date=day,
            title="Freight accrual",
            reference="PO-7781",
            lines=[
                Line(account="6300", amount=D("1450.80"), memo="Freight"),
                Line(
                    account="6100", amount=D("-1450.80"), dimensions=Dimensions(location="PLANT1")
                ),
            ],
        ),
        ap_bill(
            tenant="t1",
            version=1,
            vendor_id="V100",
            bill_number="INV-5531",
            bill_date=day,
            due_date=date(2026, 12, 3),
            lines=[
                Line(account="6300", amount=D("812.40"), memo="Steel plate"),
                Line(account="6500", amount=D("7.60")),
            ],
        ),
        ar_invoice(
            tenant="t1",
            version=1,
            customer_id="C100",
            invoice_number="SI-1001",
            invoice_date=day,
            due_date=date(2026, 12, 3),
            lines=[Line(account="4200", amount=D("250.00"), memo="Freight billed")],
        ),
        ar_adjustment(
            tenant="t1",
            version=1,
            customer_id="C100",
            adjustment_number="CM-1",
            adjustment_date=day,
            lines=[Line(account="4200", amount=D("-50.00"))],
        ),
        ap_adjustment(
            tenant="t1",
            version=1,
            vendor_id="V100",
            adjustment_number="DM-1",
            adjustment_date=day,
            lines=[Line(account="6300", amount=D("-12.40"))],
        ),
        term(
            kind="ap",
            name="N75",
            due_days=75,
            description="Net 75",
            discount_days=10,
            discount_percent=D("2"),
        ),
    ]
    glbatch, bill, invoice, credit, debit, ap_term = _run(config, recorder, *work)
    assert _record(books, "GLBATCH", glbatch.recordno)["BATCH_TITLE"] == "Freight accrual"
    assert _record(books, "APBILL", bill.recordno)["TOTALENTERED"] == "820.00"
    assert _record(books, "ARINVOICE", invoice.key)["TOTALENTERED"] == "250.00"
    assert _record(books, "ARADJUSTMENT", credit.key)["RECORDID"] == "CM-1"
    assert _record(books, "APADJUSTMENT", debit.key)["RECORDID"] == "DM-1"
    assert ap_term.key == "N75"
    for body in recorder.bodies:
        validate_request(body)


def test_required_dimension_is_enforced_by_intacct(
    books: Sandbox, config: IntacctConfig, recorder: Recorder
) -> None:
    entry = journal_entry(
        tenant="t1",
        key="ADJ-2",
        version=1,
        journal="GJ",
        posting_date=date(2026, 11, 3),
        title="Rent",
        lines=[Line(account="6100", amount=D("10.00")), Line(account="1000", amount=D("-10.00"))],
    )
    with pytest.raises(IntacctBusinessError, match="missing the Location dimension"):
        _run(config, recorder, entry)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            [Line(account="1", amount=D("1.00")), Line(account="2", amount=D("-0.99"))],
            "does not balance",
        ),
        (
            [Line(account="1", amount=D("1.001")), Line(account="2", amount=D("-1.001"))],
            "more than two decimals",
        ),
        (
            [Line(account="1", amount=1.0), Line(account="2", amount=-1.0)],  # type: ignore[arg-type]
            "must be a Decimal",
        ),
        ([Line(account="1", amount=D("1.00"))], "at least two lines"),
        ([Line(account="1", amount=D("0")), Line(account="2", amount=D("0"))], "is zero"),
    ],
)
def test_bad_journal_entries_never_leave_the_builder(lines: list[Line], message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        journal_entry(
            tenant="t",
            key="K",
            version=1,
            journal="GJ",
            posting_date=date(2026, 1, 1),
            title="x",
            lines=lines,
        )


def test_document_control_ids_are_stable_per_version() -> None:
    def make(version: int) -> str:
        return ap_bill(
            tenant="t",
            version=version,
            vendor_id="V",
            bill_number="B1",
            bill_date=date(2026, 1, 1),
            term="N30",
            lines=[Line(account="6300", amount=D("1.00"))],
        ).controlid

    assert make(1) == make(1)
    assert make(1) != make(2)


def test_mixed_sign_adjustments_are_refused() -> None:
    with pytest.raises(DocumentError, match="all positive or all negative"):
        ar_adjustment(
            tenant="t",
            version=1,
            customer_id="C",
            adjustment_number="A",
            adjustment_date=date(2026, 1, 1),
            lines=[Line(account="1", amount=D("1.00")), Line(account="2", amount=D("-1.00"))],
        )
