from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from intacct_bridge.model import (
    RULES,
    AttributeRef,
    AttributeTypeKind,
    DimensionRef,
    Document,
    DocumentLine,
    DocumentStatus,
    DocumentType,
    ModelError,
    Party,
)
from tests.store.factories import invoice, shipment


def _line(**overrides: Any) -> DocumentLine:
    fields: dict[str, Any] = {"line_number": 1, "item_id": "W", "quantity": Decimal("1")}
    fields.update(overrides)
    return DocumentLine(**fields)


def _raises(field: str, build: Any) -> ModelError:
    with pytest.raises(ModelError) as caught:
        build()
    assert caught.value.field == field, str(caught.value)
    return caught.value


def test_every_document_type_has_a_rule_and_reversals_point_at_same_party() -> None:
    assert set(RULES) == set(DocumentType)
    for kind, rule in RULES.items():
        if rule.reverses is not None:
            assert RULES[rule.reverses].party is rule.party, kind


def test_invoice_totals_are_exact_decimals() -> None:
    doc = invoice()
    assert doc.lines[0].net_amount == Decimal("21.0")
    assert doc.net_total == Decimal("21.4999995")
    assert doc.tax_total == Decimal("1.52")
    assert doc.status is DocumentStatus.DRAFT and not doc.is_posted
    assert doc.party_id == "C1"


def test_lines_are_sorted_and_line_numbers_unique() -> None:
    doc = invoice(
        lines=(
            _line(line_number=2, unit_price=Decimal(1)),
            _line(line_number=1, unit_price=Decimal(2)),
        )
    )
    assert [line.line_number for line in doc.lines] == [1, 2]
    error = _raises("lines[1]", lambda: invoice(lines=(_line(unit_price=Decimal(1)),) * 2))
    assert "line number 1 appears twice" in str(error)


def test_party_rules() -> None:
    _raises("customer_id", lambda: invoice(customer_id=None))
    _raises("supplier_id", lambda: invoice(supplier_id="S1"))
    for kind in (DocumentType.STOCK_ADJUSTMENT, DocumentType.MISC_STOCK_ISSUE):
        assert RULES[kind].party is Party.NONE
        _raises("customer_id", lambda kind=kind: shipment(type=kind))


def test_priced_documents_need_prices_and_currency_and_take_no_cost() -> None:
    _raises("lines[0].unit_price", lambda: invoice(lines=(_line(),)))
    _raises("currency", lambda: invoice(currency=None))
    _raises(
        "lines[0].unit_cost",
        lambda: invoice(lines=(_line(unit_price=Decimal(1), unit_cost=Decimal(1)),)),
    )


def test_stock_movements_need_cost_and_take_no_price_tax_or_terms() -> None:
    _raises("lines[0].unit_cost", lambda: shipment(lines=(_line(),)))
    _raises(
        "lines[0].unit_price",
        lambda: shipment(lines=(_line(unit_cost=Decimal(1), unit_price=Decimal(2)),)),
    )
    _raises("payment_term_id", lambda: shipment(payment_term_id="N30"))


def test_quantities_positive_except_stock_adjustments() -> None:
    error = _raises(
        "lines[0].quantity",
        lambda: shipment(lines=(_line(quantity=Decimal(-1), unit_cost=Decimal(1)),)),
    )
    assert "greater than zero" in error.reason
    adjustment = shipment(
        type=DocumentType.STOCK_ADJUSTMENT,
        customer_id=None,
        lines=(_line(quantity=Decimal("-3"), unit_cost=Decimal(1)),),
    )
    assert adjustment.lines[0].cost_amount == Decimal("-3")
    _raises("quantity", lambda: _line(quantity=Decimal(0)))


def test_stock_transfer_needs_a_different_receiving_site() -> None:
    base: dict[str, Any] = {"type": DocumentType.STOCK_TRANSFER, "customer_id": None}
    _raises("to_site_id", lambda: shipment(**base))
    _raises("to_site_id", lambda: shipment(**base, to_site_id="WH1"))
    assert shipment(**base, to_site_id="WH2").to_site_id == "WH2"
    _raises("to_site_id", lambda: shipment(to_site_id="WH2"))


def test_purchase_invoice_needs_supplier_invoice_number() -> None:
    fields: dict[str, Any] = {
        "type": DocumentType.PURCHASE_INVOICE,
        "number": "PI-1",
        "date": dt.date(2024, 1, 1),
        "site_id": "US01",
        "supplier_id": "S1",
        "currency": "USD",
        "lines": (_line(unit_price=Decimal(5)),),
    }
    error = _raises("supplier_invoice_number", lambda: Document(**fields))
    assert "supplier's invoice number" in error.reason
    assert Document(**fields, supplier_invoice_number="INV-77").supplier_invoice_number == "INV-77"


def test_reverses_only_on_reversing_types_and_due_date_after_date() -> None:
    _raises("reverses", lambda: invoice(reverses="SI-0"))
    memo = invoice(type=DocumentType.SALES_CREDIT_MEMO, reverses="SI-1")
    assert memo.rule.reverses is DocumentType.SALES_INVOICE
    _raises("due_date", lambda: invoice(due_date=dt.date(2023, 12, 31)))


def test_line_tax_needs_a_tax_detail_and_analytics_are_unique_per_type() -> None:
    _raises("tax_amount", lambda: _line(tax_amount=Decimal("1")))
    project = AttributeRef(type=AttributeTypeKind.PROJECT, id="P1")
    _raises("attributes[1]", lambda: _line(attributes=(project, project)))
    dims = tuple(DimensionRef(type=f"T{i}", id="x") for i in range(21))
    _raises("dimensions", lambda: _line(dimensions=dims))
    line = _line(attributes=(AttributeRef(type="task", id="T1"), project))
    assert [ref.type for ref in line.attributes] == [
        AttributeTypeKind.PROJECT,
        AttributeTypeKind.TASK,
    ]


def test_documents_are_frozen_values() -> None:
    doc = invoice()
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.number = "X"  # type: ignore[misc]
    assert invoice() == doc
    assert isinstance(doc.lines, tuple)
