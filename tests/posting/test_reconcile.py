"""Reconciliation's pure half: expected balances per key, and every difference listed."""

from __future__ import annotations

from decimal import Decimal

from intacct_bridge.model.documents import DocumentType
from intacct_bridge.posting import post_document
from intacct_bridge.posting.reconcile import BalanceKey, compare, expected_balances
from tests.posting.books import DEPT_SALES, document, line, setup

T = DocumentType


def _entries() -> list[object]:
    docs = [
        document(T.PURCHASE_RECEIPT, line(quantity="10", unit_cost="10.00")),
        document(
            T.SALES_INVOICE,
            line(quantity="2", unit_price="50.00", dimensions=DEPT_SALES),
            number="SI-9",
        ),
    ]
    return [entry for doc in docs for entry in post_document(doc, setup()).entries]


def test_expected_balances_by_account_entity_and_department() -> None:
    balances = expected_balances(_entries(), by=("DEPARTMENTID",))  # type: ignore[arg-type]
    assert balances[BalanceKey("1220", "E1")] == Decimal("100.00")
    assert balances[BalanceKey("2050", "E1")] == Decimal("-100.00")
    assert balances[BalanceKey("4000", "E1", (("DEPARTMENTID", "SALES"),))] == Decimal("-100.00")
    assert balances[BalanceKey("1100", "E1")] == Decimal("100.00")
    assert sum(balances.values()) == 0


def test_compare_lists_each_difference_and_nothing_else() -> None:
    expected = expected_balances(_entries())  # type: ignore[arg-type]
    assert compare(expected, dict(expected)) == []
    actual = dict(expected)
    actual[BalanceKey("1220", "E1")] = Decimal("90.00")
    del actual[BalanceKey("2050", "E1")]
    actual[BalanceKey("9000", "E2")] = Decimal("5.00")
    differences = compare(expected, actual)
    assert [(d.key.account_id, d.expected, d.actual, d.difference) for d in differences] == [
        ("1220", Decimal("100.00"), Decimal("90.00"), Decimal("-10.00")),
        ("2050", Decimal("-100.00"), Decimal("0"), Decimal("100.00")),
        ("9000", Decimal("0"), Decimal("5.00"), Decimal("5.00")),
    ]
