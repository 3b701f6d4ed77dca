"""Expected problems are data: each names the document, line, field and fix; nothing posts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from intacct_bridge.model.documents import DocumentType
from intacct_bridge.model.finance import PostingClassKind
from intacct_bridge.posting import PostingProblem, ProblemCode, post_document
from intacct_bridge.posting.entries import Target
from tests.posting.books import CLASSES, DEPT_SALES, document, line, setup

T = DocumentType


def problems_of(
    doc_type: DocumentType,
    *lines: object,
    setup_changes: dict[str, object] | None = None,
    **values: object,
) -> tuple[PostingProblem, ...]:
    result = post_document(document(doc_type, *lines, **values), setup(**(setup_changes or {})))  # type: ignore[arg-type]
    assert result.entries == (), "a document with problems must produce no entry"
    assert not result.ok
    return result.problems


def test_unknown_item_names_the_line_and_the_fix() -> None:
    (problem,) = problems_of(T.SALES_SHIPMENT, line(item="NOPE", unit_cost="1.00"))
    assert problem.code is ProblemCode.UNKNOWN_RECORD
    assert (problem.document, problem.line, problem.field) == ("sales shipment SA-1", 1, "item_id")
    assert "item NOPE" in problem.message and "import the item" in problem.fix
    assert str(problem).startswith("sales shipment SA-1 line 1: item_id: item NOPE is not known")


def test_missing_account_type_names_the_posting_class() -> None:
    classes = {(c.type, c.id): c for c in CLASSES}
    widgets = classes[(PostingClassKind.ITEM, "WIDGETS")]
    classes[(PostingClassKind.ITEM, "WIDGETS")] = replace(
        widgets, lines=tuple(ln for ln in widgets.lines if ln.account_type != "cost_of_goods_sold")
    )
    (problem,) = problems_of(
        T.SALES_SHIPMENT, line(unit_cost="1.00"), setup_changes={"posting_classes": classes}
    )
    assert problem.code is ProblemCode.NO_ACCOUNT
    assert "no cost_of_goods_sold account for item WIDGET" in problem.message
    assert "item posting class WIDGETS" in problem.fix


def test_inactive_and_unknown_accounts() -> None:
    inactive = problems_of(
        T.PURCHASE_INVOICE, line(item="FREIGHT", unit_price="5.00", account_id="9999")
    )
    assert [p.code for p in inactive] == [ProblemCode.INACTIVE_ACCOUNT]
    unknown = problems_of(
        T.PURCHASE_INVOICE, line(item="FREIGHT", unit_price="5.00", account_id="8888")
    )
    assert [p.code for p in unknown] == [ProblemCode.UNKNOWN_ACCOUNT]
    assert "8888" in unknown[0].message


def test_required_dimension_is_found_before_sending() -> None:
    (problem,) = problems_of(
        T.SALES_INVOICE, line(quantity="1", unit_price="10.00"), setup_changes={}
    )
    assert problem.code is ProblemCode.REQUIRED_DIMENSION
    assert problem.field == "dimensions.DEPT"
    assert "account 4000 requires a DEPT dimension" in problem.message


def test_closed_ar_period_stops_invoices_but_not_stock_movements() -> None:
    closed = {("AR", "E1"): dt.date(2026, 11, 30)}
    (problem,) = problems_of(
        T.SALES_INVOICE,
        line(unit_price="10.00", dimensions=DEPT_SALES),
        setup_changes={"closed_through": closed},
    )
    assert problem.code is ProblemCode.CLOSED_PERIOD
    assert "AR is closed through 2026-11-30 in entity E1" in problem.message
    shipment = post_document(
        document(T.SALES_SHIPMENT, line(unit_cost="1.00")), setup(closed_through=closed)
    )
    assert shipment.ok and shipment.entries[0].target is Target.JOURNAL_ENTRY


def test_a_period_closed_for_all_entities_applies_to_each() -> None:
    problems = problems_of(
        T.STOCK_TRANSFER,
        line(unit_cost="1.00"),
        to_site_id="S2",
        setup_changes={"closed_through": {("GL", None): dt.date(2026, 11, 15)}},
    )
    assert {p.code for p in problems} == {ProblemCode.CLOSED_PERIOD}
    assert {p.message for p in problems} == {
        "GL is closed through 2026-11-15 in entity E1",
        "GL is closed through 2026-11-15 in entity E2",
    }


def test_missing_exchange_rate() -> None:
    (problem,) = problems_of(
        T.SALES_INVOICE, line(unit_price="10.00", dimensions=DEPT_SALES), currency="GBP"
    )
    assert problem.code is ProblemCode.NO_EXCHANGE_RATE
    assert "GBP→USD" in problem.message


def test_rate_before_the_first_known_day_is_missing() -> None:
    (problem,) = problems_of(
        T.SALES_INVOICE,
        line(unit_price="10.00", dimensions=DEPT_SALES),
        currency="EUR",
        date=dt.date(2026, 10, 31),
    )
    assert problem.code is ProblemCode.NO_EXCHANGE_RATE


def test_unknown_tax_detail_customer_and_dimension_type() -> None:
    problems = problems_of(
        T.SALES_INVOICE,
        line(unit_price="10.00", tax_detail_id="XX", tax_amount="1.00"),
        line(2, unit_price="10.00", dimensions=(*DEPT_SALES,), tax_detail_id="US-CA"),
        customer_id="GHOST",
    )
    codes = {(p.code, p.field) for p in problems}
    assert (ProblemCode.UNKNOWN_RECORD, "tax_detail_id") in codes
    assert (ProblemCode.UNKNOWN_RECORD, "customer_id") in codes


def test_direct_entry_forbidden_account_in_a_journal_entry() -> None:
    classes = {(c.type, c.id): c for c in CLASSES}
    widgets = classes[(PostingClassKind.ITEM, "WIDGETS")]
    lines = tuple(
        replace(ln, account_id="1100") if ln.account_type == "purchase_accrual" else ln
        for ln in widgets.lines
    )
    classes[(PostingClassKind.ITEM, "WIDGETS")] = replace(widgets, lines=lines)
    problems = problems_of(
        T.PURCHASE_RECEIPT, line(unit_cost="1.00"), setup_changes={"posting_classes": classes}
    )
    assert [p.code for p in problems] == [ProblemCode.DIRECT_ENTRY_FORBIDDEN]


def test_multi_entity_site_without_entity() -> None:
    sites = dict(setup().sites)
    sites["S1"] = replace(sites["S1"], intacct_entity_id=None)
    companies = dict(setup().companies)
    companies["C1"] = replace(companies["C1"], intacct_entity_id=None)
    (problem,) = problems_of(
        T.SALES_SHIPMENT,
        line(unit_cost="1.00"),
        setup_changes={"sites": sites, "companies": companies},
    )
    assert problem.code is ProblemCode.UNKNOWN_ENTITY
    assert "intacct_entity_id" in problem.fix


def test_transfer_between_currencies_is_refused() -> None:
    companies = dict(setup().companies)
    companies["C2"] = replace(companies["C2"], currency="CAD")
    problems = problems_of(
        T.STOCK_TRANSFER,
        line(unit_cost="1.00"),
        to_site_id="S2",
        setup_changes={"companies": companies},
    )
    assert ProblemCode.MIXED_ENTITY_DOCUMENT in {p.code for p in problems}


@pytest.mark.parametrize("field", ["site_id"])
def test_unknown_site(field: str) -> None:
    (problem,) = problems_of(T.SALES_SHIPMENT, line(unit_cost="1.00"), **{field: "NOWHERE"})
    assert (problem.code, problem.field) == (ProblemCode.UNKNOWN_RECORD, field)
