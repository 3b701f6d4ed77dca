"""Golden tests: each document type and movement in, the exact entry out, balanced.

Expected rows are computed by hand from the reference's posting model (posting-model.md §2.3
and the worked month in §3) for the company in :mod:`tests.posting.books`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from intacct_bridge.model.documents import DocumentType
from intacct_bridge.posting import Entry, Side, Target, post_document
from tests.posting.books import DEPT_SALES, D, document, line, setup, shape

T = DocumentType


def only_entry(doc_type: DocumentType, *lines_: object, **values: object) -> Entry:
    result = post_document(document(doc_type, *lines_, **values), setup())  # type: ignore[arg-type]
    assert result.problems == ()
    (entry,) = result.entries
    assert entry.is_balanced
    return entry


def test_purchase_receipt_debits_stock_and_credits_grni_at_cost() -> None:
    entry = only_entry(T.PURCHASE_RECEIPT, line(quantity="100", unit_cost="10.00"))
    assert entry.target is Target.JOURNAL_ENTRY
    assert entry.journal_id == "INVJ"
    assert shape(entry) == [
        ("1220", "Dr", "1000.00", "1000.00", "E1"),
        ("2050", "Cr", "1000.00", "1000.00", "E1"),
    ]
    assert [ln.source_line for ln in entry.lines] == [1, 1]


def test_purchase_return_reverses_the_receipt() -> None:
    entry = only_entry(T.PURCHASE_RETURN, line(quantity="3", unit_cost="10.00"))
    assert shape(entry) == [
        ("2050", "Dr", "30.00", "30.00", "E1"),
        ("1220", "Cr", "30.00", "30.00", "E1"),
    ]


def test_purchase_invoice_clears_grni_at_receipt_value_with_price_variance() -> None:
    entry = only_entry(T.PURCHASE_INVOICE, line(quantity="100", unit_price="10.50"))
    assert entry.target is Target.AP_BILL
    assert entry.reference == "INV-778"
    assert entry.party_id == "SUP1"
    assert shape(entry) == [
        ("2050", "Dr", "1000.00", "1000.00", "E1"),
        ("5300", "Dr", "50.00", "50.00", "E1"),
        ("2000", "Cr", "1050.00", "1050.00", "E1"),
    ]


def test_favourable_price_variance_is_a_credit() -> None:
    entry = only_entry(T.PURCHASE_INVOICE, line(quantity="100", unit_price="9.80"))
    assert shape(entry) == [
        ("2050", "Dr", "1000.00", "1000.00", "E1"),
        ("5300", "Cr", "20.00", "20.00", "E1"),
        ("2000", "Cr", "980.00", "980.00", "E1"),
    ]


def test_receipt_cost_of_the_company_beats_the_standard_cost() -> None:
    doc = document(T.PURCHASE_INVOICE, line(quantity="10", unit_price="10.50"))
    result = post_document(doc, setup(receipt_costs={("C1", "WIDGET"): D("10.25")}))
    assert shape(result.entries[0]) == [
        ("2050", "Dr", "102.50", "102.50", "E1"),
        ("5300", "Dr", "2.50", "2.50", "E1"),
        ("2000", "Cr", "105.00", "105.00", "E1"),
    ]


def test_purchase_invoice_with_recoverable_vat() -> None:
    entry = only_entry(
        T.PURCHASE_INVOICE,
        line(quantity="10", unit_price="10.00", tax_detail_id="UK-PURCH-20", tax_amount="20.00"),
    )
    assert shape(entry) == [
        ("2050", "Dr", "100.00", "100.00", "E1"),
        ("1400", "Dr", "20.00", "20.00", "E1"),
        ("2000", "Cr", "120.00", "120.00", "E1"),
    ]
    assert entry.lines_of(entry.lines[1].account_type)[0].tax_detail_id == "UK-PURCH-20"


def test_reverse_charge_books_both_sides_and_the_supplier_is_paid_net() -> None:
    entry = only_entry(
        T.PURCHASE_INVOICE,
        line(quantity="10", unit_price="10.00", tax_detail_id="EU-RC-20", tax_amount="20.00"),
    )
    assert shape(entry) == [
        ("2050", "Dr", "100.00", "100.00", "E1"),
        ("1400", "Dr", "20.00", "20.00", "E1"),
        ("2210", "Cr", "20.00", "20.00", "E1"),
        ("2000", "Cr", "100.00", "100.00", "E1"),
    ]


def test_non_stock_purchase_goes_to_expense() -> None:
    entry = only_entry(T.PURCHASE_INVOICE, line(item="FREIGHT", unit_price="45.00"))
    assert shape(entry) == [
        ("5500", "Dr", "45.00", "45.00", "E1"),
        ("2000", "Cr", "45.00", "45.00", "E1"),
    ]


def test_line_account_overrides_the_posting_class_for_expenses() -> None:
    entry = only_entry(
        T.PURCHASE_INVOICE, line(item="FREIGHT", unit_price="45.00", account_id="5400")
    )
    assert shape(entry)[0] == ("5400", "Dr", "45.00", "45.00", "E1")


def test_purchase_credit_memo_is_an_ap_adjustment_mirroring_the_invoice() -> None:
    entry = only_entry(
        T.PURCHASE_CREDIT_MEMO, line(quantity="5", unit_price="10.50"), reverses="PU-1"
    )
    assert entry.target is Target.AP_ADJUSTMENT
    assert entry.reverses == "PU-1"
    assert shape(entry) == [
        ("2050", "Cr", "50.00", "50.00", "E1"),
        ("5300", "Cr", "2.50", "2.50", "E1"),
        ("2000", "Dr", "52.50", "52.50", "E1"),
    ]


def test_purchase_credit_memo_below_receipt_value_reclassifies_the_variance() -> None:
    # 5 returned @ 9.50 against a receipt value of 10.00: Cr GRNI 50, Dr PPV 2.50, Dr AP 47.50
    # — both signs, which Intacct's APADJUSTMENT refuses. The adjustment carries the line's
    # net on GRNI; a journal entry moves the variance to PPV.
    result = post_document(
        document(T.PURCHASE_CREDIT_MEMO, line(quantity="5", unit_price="9.50"), reverses="PU-1"),
        setup(),
    )
    assert result.problems == ()
    adjustment, reclass = result.entries
    assert adjustment.target is Target.AP_ADJUSTMENT and adjustment.is_balanced
    assert shape(adjustment) == [
        ("2050", "Cr", "47.50", "47.50", "E1"),
        ("2000", "Dr", "47.50", "47.50", "E1"),
    ]
    assert reclass.target is Target.JOURNAL_ENTRY and reclass.is_balanced
    assert reclass.journal_id == "INVJ"
    assert reclass.key == f"purchase_credit_memo/{adjustment.document_number}/GLBATCH"
    assert shape(reclass) == [
        ("5300", "Dr", "2.50", "2.50", "E1"),
        ("2050", "Cr", "2.50", "2.50", "E1"),
    ]
    assert [ln.source_line for ln in reclass.lines] == [1, 1]
    # together: exactly the lines of the credit memo
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in result.entries:
        for ln in entry.lines:
            totals[ln.account_id] += ln.signed_amount
    assert dict(totals) == {"2050": D("-50.00"), "5300": D("2.50"), "2000": D("47.50")}


def test_mixed_sign_credit_memo_in_a_closed_gl_period_is_a_problem() -> None:
    result = post_document(
        document(T.PURCHASE_CREDIT_MEMO, line(quantity="5", unit_price="9.50")),
        setup(closed_through={("GL", None): dt.date(2026, 11, 30)}),
    )
    assert result.entries == ()
    assert [p.code.value for p in result.problems] == ["closed_period"]


def test_sales_shipment_books_cost_of_sales() -> None:
    entry = only_entry(T.SALES_SHIPMENT, line(quantity="40", unit_cost="10.00"))
    assert shape(entry) == [
        ("5000", "Dr", "400.00", "400.00", "E1"),
        ("1220", "Cr", "400.00", "400.00", "E1"),
    ]
    assert entry.lines[0].dimension("CUSTOMERID") == "CUST1"
    assert entry.lines[0].dimension("ITEMID") == "WIDGET"


def test_sales_invoice_with_sales_tax() -> None:
    entry = only_entry(
        T.SALES_INVOICE,
        line(
            quantity="40",
            unit_price="25.00",
            tax_detail_id="US-CA",
            tax_amount="80.00",
            dimensions=DEPT_SALES,
        ),
    )
    assert entry.target is Target.AR_INVOICE
    assert shape(entry) == [
        ("4000", "Cr", "1000.00", "1000.00", "E1"),
        ("2200", "Cr", "80.00", "80.00", "E1"),
        ("1100", "Dr", "1080.00", "1080.00", "E1"),
    ]
    revenue = entry.lines[0]
    assert revenue.dimension("DEPARTMENT") == "SALES"
    assert entry.lines[2].dimension("CUSTOMERID") == "CUST1"
    assert entry.lines[2].source_line is None


def test_sales_return_receipt_puts_stock_back() -> None:
    entry = only_entry(T.SALES_RETURN_RECEIPT, line(quantity="5", unit_cost="10.00"))
    assert shape(entry) == [
        ("1220", "Dr", "50.00", "50.00", "E1"),
        ("5000", "Cr", "50.00", "50.00", "E1"),
    ]


def test_sales_credit_memo_is_an_ar_adjustment_to_sales_returns() -> None:
    entry = only_entry(
        T.SALES_CREDIT_MEMO,
        line(quantity="5", unit_price="25.00", tax_detail_id="US-CA", tax_amount="10.00"),
    )
    assert entry.target is Target.AR_ADJUSTMENT
    assert shape(entry) == [
        ("4600", "Dr", "125.00", "125.00", "E1"),
        ("2200", "Dr", "10.00", "10.00", "E1"),
        ("1100", "Cr", "135.00", "135.00", "E1"),
    ]


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ("-2", [("1220", "Cr", "20.00", "20.00", "E1"), ("5400", "Dr", "20.00", "20.00", "E1")]),
        ("3", [("1220", "Dr", "30.00", "30.00", "E1"), ("5400", "Cr", "30.00", "30.00", "E1")]),
    ],
)
def test_stock_adjustment_loss_and_gain(quantity: str, expected: list[object]) -> None:
    entry = only_entry(T.STOCK_ADJUSTMENT, line(quantity=quantity, unit_cost="10.00"))
    assert shape(entry) == expected


def test_miscellaneous_receipt_and_issue() -> None:
    receipt = only_entry(T.MISC_STOCK_RECEIPT, line(quantity="4", unit_cost="10.00"))
    assert shape(receipt) == [
        ("1220", "Dr", "40.00", "40.00", "E1"),
        ("5600", "Cr", "40.00", "40.00", "E1"),
    ]
    # no misc-issue account anywhere: falls back to the item's stock adjustment account
    issue = only_entry(T.MISC_STOCK_ISSUE, line(quantity="1", unit_cost="10.00"))
    assert shape(issue) == [
        ("5400", "Dr", "10.00", "10.00", "E1"),
        ("1220", "Cr", "10.00", "10.00", "E1"),
    ]


def test_stock_transfer_across_entities_goes_through_goods_in_transit() -> None:
    entry = only_entry(T.STOCK_TRANSFER, line(quantity="10", unit_cost="10.00"), to_site_id="S2")
    assert shape(entry) == [
        ("1230", "Dr", "100.00", "100.00", "E1"),
        ("1220", "Cr", "100.00", "100.00", "E1"),
        ("1220", "Dr", "100.00", "100.00", "E2"),
        ("1230", "Cr", "100.00", "100.00", "E1"),
    ]


def test_service_lines_are_not_stock_movements() -> None:
    doc = document(T.SALES_SHIPMENT, line(item="FREIGHT", unit_cost="5.00"))
    result = post_document(doc, setup())
    assert result.ok and result.entries == ()


def test_foreign_currency_sales_invoice_converts_each_line() -> None:
    entry = only_entry(
        T.SALES_INVOICE,
        line(quantity="3", unit_price="33.33", dimensions=DEPT_SALES),
        currency="EUR",
    )
    assert (entry.currency, entry.base_currency, entry.exchange_rate) == ("EUR", "USD", D("1.1"))
    assert shape(entry) == [
        ("4000", "Cr", "109.99", "99.99", "E1"),
        ("1100", "Dr", "109.99", "99.99", "E1"),
    ]


def test_foreign_currency_purchase_invoice_clears_grni_in_base_currency() -> None:
    entry = only_entry(T.PURCHASE_INVOICE, line(quantity="10", unit_price="10.00"), currency="EUR")
    assert shape(entry) == [
        ("2050", "Dr", "100.00", "90.91", "E1"),
        ("5300", "Dr", "10.00", "9.09", "E1"),
        ("2000", "Cr", "110.00", "100.00", "E1"),
    ]


def test_single_entity_company_lines_carry_no_entity() -> None:
    doc = document(T.SALES_SHIPMENT, line(quantity="1", unit_cost="10.00"))
    (entry,) = post_document(doc, setup(multi_entity=False)).entries
    assert {ln.entity_id for ln in entry.lines} == {None}


def test_amounts_round_half_up_to_cents() -> None:
    entry = only_entry(T.PURCHASE_RECEIPT, line(quantity="3", unit_cost="0.335"))
    assert shape(entry)[0][2] == "1.01"


def test_the_worked_month_gives_the_reference_trial_balance() -> None:
    """posting-model.md §3.3, with credit memos on a sales-returns account of their own."""
    sales = {"tax_detail_id": "US-CA", "dimensions": DEPT_SALES}
    month = [
        (T.PURCHASE_RECEIPT, line(quantity="100", unit_cost="10.00"), {}),
        (T.PURCHASE_INVOICE, line(quantity="100", unit_price="10.50"), {}),
        (T.SALES_SHIPMENT, line(quantity="40", unit_cost="10.00"), {}),
        (T.SALES_INVOICE, line(quantity="40", unit_price="25.00", tax_amount="80.00", **sales), {}),
        (T.SALES_RETURN_RECEIPT, line(quantity="5", unit_cost="10.00"), {}),
        (
            T.SALES_CREDIT_MEMO,
            line(quantity="5", unit_price="25.00", tax_amount="10.00", **sales),
            {},
        ),
        (T.STOCK_ADJUSTMENT, line(quantity="-2", unit_cost="10.00"), {}),
        (T.STOCK_TRANSFER, line(quantity="10", unit_cost="10.00"), {"to_site_id": "S2"}),
    ]
    balances: dict[tuple[str, str | None], Decimal] = defaultdict(Decimal)
    for doc_type, source, values in month:
        result = post_document(document(doc_type, source, **values), setup())
        assert result.ok, result.problems
        for entry in result.entries:
            for ln in entry.lines:
                balances[(ln.account_id, ln.entity_id)] += ln.signed_amount
    nonzero = {key: value for key, value in balances.items() if value != 0}
    assert nonzero == {
        ("1220", "E1"): D("530.00"),
        ("1100", "E1"): D("945.00"),
        ("2000", "E1"): D("-1050.00"),
        ("2200", "E1"): D("-70.00"),
        ("4000", "E1"): D("-1000.00"),
        ("4600", "E1"): D("125.00"),
        ("5000", "E1"): D("350.00"),
        ("5300", "E1"): D("50.00"),
        ("5400", "E1"): D("20.00"),
        # the transfer: E2 holds the stock; Intacct adds due-to/due-from between E1 and E2
        ("1220", "E2"): D("100.00"),
    }
    assert sum(balances.values()) == 0
    assert balances[("1220", "E1")] + balances[("1220", "E2")] == D("630.00")


def test_entries_only_post_on_their_own_side_totals() -> None:
    entry = only_entry(T.PURCHASE_RECEIPT, line(quantity="2", unit_cost="1.00"))
    assert entry.total(Side.DEBIT) == entry.total(Side.CREDIT) == D("2.00")
    assert entry.key == "purchase_receipt/PU-1/GLBATCH"
    assert entry.date == dt.date(2026, 11, 10)


def test_ap_closed_before_gl_refuses_a_bill_by_default_naming_the_policy() -> None:
    closed = {("AP", None): dt.date(2026, 11, 15)}  # AP closed, GL open
    result = post_document(
        document(T.PURCHASE_INVOICE, line(quantity="100", unit_price="10.50")),
        setup(closed_through=closed),
    )
    assert result.entries == ()
    (problem,) = result.problems
    assert problem.code.value == "closed_period" and problem.field == "date"
    assert "AP is closed through 2026-11-15 in entity E1" in problem.message
    assert "first_open_date to post it on 2026-11-16" in problem.fix


def test_ap_closed_before_gl_posts_the_bill_on_the_first_open_day_by_policy() -> None:
    from intacct_bridge.posting import ClosedPeriodPolicy

    closed = {("AP", None): dt.date(2026, 11, 15)}
    policy = ClosedPeriodPolicy.FIRST_OPEN_DATE
    doc = document(T.PURCHASE_INVOICE, line(quantity="100", unit_price="10.50"))
    result = post_document(doc, setup(closed_through=closed, closed_period_policy=policy))
    assert result.problems == ()
    (entry,) = result.entries
    assert entry.date == dt.date(2026, 11, 10)  # the bill keeps its date …
    assert entry.posting_date == entry.gl_date == dt.date(2026, 11, 16)  # … GL on the 16th
    assert shape(entry) == [
        ("2050", "Dr", "1000.00", "1000.00", "E1"),
        ("5300", "Dr", "50.00", "50.00", "E1"),
        ("2000", "Cr", "1050.00", "1050.00", "E1"),
    ]
    # stock movements are GL documents: the AP close does not move them
    receipt = post_document(
        document(T.PURCHASE_RECEIPT, line(quantity="1", unit_cost="1.00")),
        setup(closed_through=closed, closed_period_policy=policy),
    )
    assert receipt.entries[0].posting_date is None
    # the first open day must be open in the GL too
    gl_closed = {**closed, ("GL", None): dt.date(2026, 11, 20)}
    refused = post_document(doc, setup(closed_through=gl_closed, closed_period_policy=policy))
    assert [p.code.value for p in refused.problems] == ["closed_period"]


def _on_shipment(**changes: object) -> object:
    """The test company recognising revenue on shipment: WIDGET priced 25.00, accrued
    revenue (shipped not invoiced) on account 1150."""
    from intacct_bridge.model.finance import Account
    from intacct_bridge.model.items import Item
    from intacct_bridge.posting.roles import AccountType
    from intacct_bridge.posting.setup import RevenueRecognition

    base = setup()
    items = {
        **base.items,
        "WIDGET": Item(
            id="WIDGET",
            name="Widget",
            standard_cost=D("10.00"),
            base_price=D("25.00"),
            posting_class_id="WIDGETS",
        ),
    }
    values: dict[str, object] = {
        "revenue_recognition": RevenueRecognition.ON_SHIPMENT,
        "items": items,
        "accounts": {**base.accounts, "1150": Account(id="1150", name="Shipped not invoiced")},
        "default_accounts": {
            **base.default_accounts,
            AccountType.SHIPPED_NOT_INVOICED: "1150",
        },
    }
    values.update(changes)
    return setup(**values)


def test_revenue_on_shipment_accrues_revenue_at_the_item_price() -> None:
    result = post_document(
        document(T.SALES_SHIPMENT, line(quantity="40", unit_cost="10.00", dimensions=DEPT_SALES)),
        _on_shipment(),  # type: ignore[arg-type]
    )
    assert result.problems == ()
    (entry,) = result.entries
    assert entry.target is Target.JOURNAL_ENTRY and entry.is_balanced
    assert shape(entry) == [
        ("5000", "Dr", "400.00", "400.00", "E1"),
        ("1220", "Cr", "400.00", "400.00", "E1"),
        ("1150", "Dr", "1000.00", "1000.00", "E1"),
        ("4000", "Cr", "1000.00", "1000.00", "E1"),
    ]


def test_revenue_on_shipment_the_invoice_clears_the_accrual_and_books_the_difference() -> None:
    entry = post_document(
        document(
            T.SALES_INVOICE,
            line(
                quantity="40",
                unit_price="26.00",
                tax_detail_id="US-CA",
                tax_amount="83.20",
                dimensions=DEPT_SALES,
            ),
            line(2, item="FREIGHT", unit_price="15.00", dimensions=DEPT_SALES),
        ),
        _on_shipment(),  # type: ignore[arg-type]
    ).entries[0]
    assert entry.target is Target.AR_INVOICE and entry.is_balanced
    assert shape(entry) == [
        ("1150", "Cr", "1000.00", "1000.00", "E1"),
        ("4000", "Cr", "40.00", "40.00", "E1"),
        ("2200", "Cr", "83.20", "83.20", "E1"),
        ("4200", "Cr", "15.00", "15.00", "E1"),
        ("1100", "Dr", "1138.20", "1138.20", "E1"),
    ]


def test_revenue_on_shipment_an_invoice_below_the_item_price_reclassifies_the_discount() -> None:
    # 40 @ 24.00 against 1,000.00 accrued: Cr SNI 1,000, Dr revenue 40 — an AR invoice takes
    # no negative line, so the invoice carries SNI at 960 and a journal entry moves 40.
    result = post_document(
        document(T.SALES_INVOICE, line(quantity="40", unit_price="24.00", dimensions=DEPT_SALES)),
        _on_shipment(),  # type: ignore[arg-type]
    )
    assert result.problems == ()
    invoice, reclass = result.entries
    assert shape(invoice) == [
        ("1150", "Cr", "960.00", "960.00", "E1"),
        ("1100", "Dr", "960.00", "960.00", "E1"),
    ]
    assert reclass.target is Target.JOURNAL_ENTRY and reclass.is_balanced
    assert shape(reclass) == [
        ("4000", "Dr", "40.00", "40.00", "E1"),
        ("1150", "Cr", "40.00", "40.00", "E1"),
    ]


def test_revenue_on_shipment_needs_the_item_price() -> None:
    from intacct_bridge.model.items import Item

    unpriced = {
        "WIDGET": Item(
            id="WIDGET", name="Widget", standard_cost=D("10.00"), posting_class_id="WIDGETS"
        )
    }
    result = post_document(
        document(T.SALES_SHIPMENT, line(quantity="40", unit_cost="10.00", dimensions=DEPT_SALES)),
        _on_shipment(items=unpriced),  # type: ignore[arg-type]
    )
    assert result.entries == ()
    (problem,) = result.problems
    assert (problem.code.value, problem.line, problem.field) == ("no_price", 1, "item_id")
    assert "give item WIDGET a base price" in problem.fix


def test_revenue_on_invoice_stays_the_default() -> None:
    (entry,) = post_document(
        document(T.SALES_SHIPMENT, line(quantity="40", unit_cost="10.00", dimensions=DEPT_SALES)),
        setup(),
    ).entries
    assert [row[0] for row in shape(entry)] == ["5000", "1220"]


def test_foreign_currency_mixed_sign_credit_memo_reclassifies_in_base_currency() -> None:
    # 5 @ EUR 9.00 (rate 1.1) against a receipt value of USD 50.00: the adjustment in EUR,
    # the reclassification of the variance in USD (base amounts move between accounts)
    result = post_document(
        document(T.PURCHASE_CREDIT_MEMO, line(quantity="5", unit_price="9.00"), currency="EUR"),
        setup(),
    )
    assert result.problems == ()
    adjustment, reclass = result.entries
    assert adjustment.currency == "EUR" and adjustment.is_balanced
    assert shape(adjustment) == [
        ("2050", "Cr", "49.50", "45.00", "E1"),
        ("2000", "Dr", "49.50", "45.00", "E1"),
    ]
    assert (reclass.currency, reclass.exchange_rate) == ("USD", Decimal(1))
    assert shape(reclass) == [
        ("5300", "Dr", "0.50", "0.50", "E1"),
        ("2050", "Cr", "0.50", "0.50", "E1"),
    ]
