"""Foreign-currency documents: the base amounts the engine expects are the ones Intacct books.

The bridge sends transaction amounts and the rate; the sandbox, like Intacct, converts each
line (and each tax entry) on its own and rounds it to cents, and the document's AP/AR total
is the sum of those rounded lines (posting/conversion.py, docs/posting.md "Currencies and
rounding"). Whatever the lines and the rate, every document's GL lines in the sandbox must
equal the engine's expected balances to the cent — and ``reconcile`` must be clean for a month
whose foreign documents round differently line by line than in total.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from intacct_bridge.export import ReconcileReport, post_documents, reconcile
from intacct_bridge.export.convert import ExportError, ExportOptions, to_outgoing
from intacct_bridge.export.service import as_intacct_posts
from intacct_bridge.model.documents import Document, DocumentLine, DocumentType
from intacct_bridge.posting import AccountType, Entry, ExchangeRates, Target, post_document
from intacct_bridge.posting.reconcile import BalanceKey, expected_balances
from tests.export.world import CONFIG, TENANT, VAT, World, make_sandbox, make_store
from tests.posting.books import DEPT_SALES, D, document, line, setup
from tests.store.fixtures import backend, fresh_url  # noqa: F401

T = DocumentType
DAY = dt.date(2026, 11, 10)
_FOREIGN = (
    T.PURCHASE_INVOICE,
    T.PURCHASE_CREDIT_MEMO,
    T.SALES_INVOICE,
    T.SALES_CREDIT_MEMO,
    T.PURCHASE_RECEIPT,
    T.SALES_SHIPMENT,
)
_numbers = itertools.count(1)

rates = st.decimals(min_value=D("0.05"), max_value=D("250"), places=6).filter(lambda r: r > 0)
money = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)
quantities = st.decimals(min_value=D("0.001"), max_value=D("400"), places=3)
costs = st.decimals(min_value=D("0.01"), max_value=D("300"), places=4)


@st.composite
def foreign_documents(draw: st.DrawFn) -> tuple[Document, Decimal, Decimal]:
    """A EUR document of 1 to 6 lines (stock and service items, taxed or not), a rate, and the
    WIDGET's standard cost (the receipt value an invoice clears GRNI at)."""
    kind = draw(st.sampled_from(_FOREIGN))
    priced = kind in (T.PURCHASE_INVOICE, T.PURCHASE_CREDIT_MEMO, T.SALES_INVOICE)
    priced = priced or kind is T.SALES_CREDIT_MEMO
    lines = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        values: dict[str, object] = {"dimensions": DEPT_SALES}
        item = draw(st.sampled_from(["WIDGET", "FREIGHT"])) if priced else "WIDGET"
        if priced:
            values["unit_price"] = draw(costs)
            if draw(st.booleans()):
                sales = kind in (T.SALES_INVOICE, T.SALES_CREDIT_MEMO)
                detail = "US-CA" if sales else draw(st.sampled_from(["UK-PURCH-20", VAT.id]))
                values["tax_detail_id"] = detail
                values["tax_amount"] = draw(money)
        else:
            values["unit_cost"] = draw(costs)
        lines.append(
            DocumentLine(line_number=number, item_id=item, quantity=draw(quantities), **values)  # type: ignore[arg-type]
        )
    number = f"FX-{next(_numbers):05d}"
    extra: dict[str, object] = {"number": number, "currency": "EUR"}
    if kind is T.PURCHASE_INVOICE:
        extra["supplier_invoice_number"] = f"B-{number}"
    return document(kind, *lines, **extra), draw(rates), draw(costs)


class _Company:
    """One sandbox company for every example (documents have their own numbers)."""

    made: World | None = None

    @classmethod
    def get(cls) -> World:
        if cls.made is None:
            sandbox, creds = make_sandbox()
            cls.made = World(sandbox, creds, None)  # type: ignore[arg-type]
        return cls.made


def _booked(world: World, recordnos: set[int]) -> dict[BalanceKey, Decimal]:
    """The sandbox's GL lines of those records, signed (debit +) per account and entity."""
    totals: dict[BalanceKey, Decimal] = {}
    for row in world.records("GLDETAIL"):
        if int(row.get("BATCHKEY") or 0) not in recordnos:
            continue
        key = BalanceKey(str(row["ACCOUNTNO"]), str(row.get("ENTITY") or "") or None)
        net = D(str(row.get("DEBITAMOUNT") or 0)) - D(str(row.get("CREDITAMOUNT") or 0))
        totals[key] = totals.get(key, D(0)) + net
    return {k: v for k, v in totals.items() if v != 0}


def _has_total(entry: Entry) -> bool:
    control = (AccountType.PAYABLE, AccountType.RECEIVABLE)
    return entry.target is Target.JOURNAL_ENTRY or any(
        line.account_type in control for line in entry.lines
    )


def _send(world: World, document_: Document, rate: Decimal, cost: Decimal) -> bool:
    """Post ``document_`` to the sandbox and check its GL lines against the engine's
    expectation; ``False`` when the engine does not make it sendable."""
    books = setup(rates=ExchangeRates([("EUR", "USD", dt.date(2026, 11, 1), rate)]))
    items = dict(books.items)
    items["WIDGET"] = dataclasses.replace(items["WIDGET"], standard_cost=cost)
    books = dataclasses.replace(books, items=items, tax_details={**books.tax_details, VAT.id: VAT})
    result = post_document(document_, books)
    # not sendable, and refused before anything is sent: a credit memo whose tax no line
    # can carry, a bill or invoice that totals zero
    if not (result.ok and all(_has_total(entry) for entry in result.entries)):
        return False
    options = ExportOptions(tax_details=books.tax_details)
    try:
        functions = [
            to_outgoing(entry, tenant=TENANT, options=options).function for entry in result.entries
        ]
    except ExportError:  # refused with its fix (a tax on a line of 0.00): nothing sent
        return False

    async def go() -> set[int]:
        async with world.client() as client:
            results = await client.execute(functions)
        assert all(r.ok for r in results), [r.errors for r in results]
        return {int(r.recordno) for r in results}

    recordnos = asyncio.run(go())
    expected = expected_balances(as_intacct_posts(e) for e in result.entries)
    expected = {k: v for k, v in expected.items() if v != 0}
    assert _booked(world, recordnos) == expected
    return True


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(foreign_documents())
def test_the_engines_base_amounts_are_what_intacct_books(
    case: tuple[Document, Decimal, Decimal],
) -> None:
    document_, rate, cost = case
    assume(_send(_Company.get(), document_, rate, cost))


def test_each_line_rounds_on_its_own_so_the_total_differs_from_the_rounded_total() -> None:
    """EUR 0.05 on 3 lines at 1.1: each line books 0.06 (0.055 rounded up), the bill 0.18 —
    not round(0.15 * 1.1) = 0.17. The engine expects 0.18, as Intacct books it."""
    bill = document(
        T.PURCHASE_INVOICE,
        *(line(n, item="FREIGHT", unit_price="0.05") for n in (1, 2, 3)),
        currency="EUR",
    )
    (entry,) = post_document(bill, setup()).entries
    payable = [ln for ln in entry.lines if ln.account_id == "2000"]
    assert [(ln.amount, ln.trx_amount) for ln in payable] == [(D("0.18"), D("0.15"))]
    assert (D("0.15") * D("1.1")).quantize(D("0.01"), ROUND_HALF_UP) == D("0.17")
    assert _send(_Company.get(), dataclasses.replace(bill, number="FX-TOTAL"), D("1.1"), D("10"))


# --- reconcile: a month of such documents ----------------------------------------------------


def _rounding_month() -> list[Document]:
    """Foreign documents whose lines round up one by one (x.xx5 at 1.1) and a bill that
    clears GRNI at a receipt value no EUR cent converts to exactly at 1.1."""
    sales = {"dimensions": DEPT_SALES}
    day = DAY + dt.timedelta(days=3)
    return [
        document(T.PURCHASE_RECEIPT, line(quantity="6", unit_cost="10.00"), number="PR-FX"),
        document(
            T.PURCHASE_INVOICE,
            line(1, quantity="6", unit_price="9.55"),  # receipt 60.00 USD: no EUR cent hits it
            line(2, item="FREIGHT", unit_price="0.05"),
            line(3, item="FREIGHT", unit_price="0.05"),
            line(4, item="FREIGHT", unit_price="0.15", tax_detail_id=VAT.id, tax_amount="0.05"),
            number="PI-FX",
            supplier_invoice_number="EU-1",
            currency="EUR",
            date=day,
        ),
        document(
            T.SALES_INVOICE,
            *(line(n, quantity="1", unit_price="0.05", **sales) for n in (1, 2, 3)),
            number="SI-FX",
            currency="EUR",
            date=day,
        ),
        document(
            T.SALES_CREDIT_MEMO,
            *(line(n, quantity="1", unit_price="0.05", **sales) for n in (1, 2, 3)),
            number="SC-FX",
            currency="EUR",
            date=day,
        ),
        document(
            T.PURCHASE_CREDIT_MEMO,
            line(1, quantity="1", unit_price="10.55"),
            line(2, item="FREIGHT", unit_price="0.05"),
            number="PC-FX",
            currency="EUR",
            date=day,
        ),
    ]


@pytest.fixture
def fx_world(fresh_url: str) -> Iterator[World]:  # noqa: F811
    sandbox, creds = make_sandbox()
    engine = make_store(fresh_url, _rounding_month())
    yield World(sandbox, creds, engine)
    engine.dispose()


def test_reconcile_is_clean_for_foreign_documents_that_round_line_by_line(
    fx_world: World,
) -> None:
    async def go() -> ReconcileReport:
        async with fx_world.client() as client:
            posted = await post_documents(fx_world.engine, TENANT, client, config=CONFIG)
            assert posted.ok and posted.posted == 5, posted.outcomes
            return await reconcile(fx_world.engine, TENANT, client, "2026-11", config=CONFIG)

    report = asyncio.run(go())
    assert report.differences == [] and report.clean
    # the bill really rounds line by line: GRNI EUR 54.55 → 60.01 (the receipt's 60.00 is
    # between 54.54 → 59.99 and 54.55 → 60.01), PPV 2.75 → 3.03, freight 0.05 → 0.06 twice
    # and 0.15 → 0.17, VAT 0.05 → 0.06: 63.39 in all, where the rounded total would be
    # 57.60 * 1.1 = 63.36
    (bill,) = [r for r in fx_world.records("APBILL") if r.get("RECORDID") == "EU-1"]
    assert D(str(bill["TRX_TOTALENTERED"])) == D("57.60")
    assert D(str(bill["TOTALENTERED"])) == D("63.39")
    assert (D("57.60") * D("1.1")).quantize(D("0.01"), ROUND_HALF_UP) == D("63.36")
    # GRNI in Intacct's GL: receipt Cr 60.00, bill Dr 60.01 (the nearest a EUR amount
    # books), the credit memo's return of one widget Cr 10.00 (EUR 9.09) — as expected
    assert report.actual[BalanceKey("2050", "E1")] == D("-9.99")
