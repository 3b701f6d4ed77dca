from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from intacct_bridge.intake.structure import MAX_ISSUES, StructureError, structure
from intacct_bridge.model import (
    AttributeTypeKind,
    Customer,
    Document,
    PostingClass,
    Site,
    SiteRole,
)
from intacct_bridge.model.canonical import to_plain
from intacct_bridge.model.kinds import KINDS_BY_NAME
from tests.store.factories import invoice, reference_records


def _issues(cls: type, data: dict[str, object], **options: bool) -> dict[str, str]:
    with pytest.raises(StructureError) as caught:
        structure(cls, data, **options)
    return {issue.field: issue.reason for issue in caught.value.issues}


def test_plain_form_of_every_record_structures_back_to_the_same_value() -> None:
    for record in [*reference_records(), invoice()]:
        plain = to_plain(record)
        assert isinstance(plain, dict)
        assert structure(type(record), plain) == record


def test_mapping_forms_for_attributes_dimensions_and_posting_class_lines() -> None:
    doc = structure(
        Document,
        {
            "type": "sales_invoice",
            "number": "SI-9",
            "date": "2024-03-01",
            "site_id": "US01",
            "customer_id": "C1",
            "currency": "USD",
            "lines": [
                {
                    "line_number": 1,
                    "item_id": "W",
                    "quantity": "2",
                    "unit_price": Decimal("1.5"),
                    "attributes": {"project": "P1"},
                    "dimensions": {"DEPT": "D10"},
                }
            ],
        },
    )
    assert doc.date == dt.date(2024, 3, 1)
    assert doc.lines[0].attributes[0].type is AttributeTypeKind.PROJECT
    assert doc.lines[0].dimensions[0].id == "D10"
    pc = structure(
        PostingClass,
        {"type": "item", "id": "STD", "name": "n", "lines": {"stock": "1200", "revenue": "4000"}},
    )
    assert pc.account_for("revenue") == "4000"


def test_a_repeated_reference_is_checked_every_time_it_is_refused() -> None:
    # good references are built once and shared (frozen values); a bad one is never kept
    def line(number: int, dimensions: dict[str, str]) -> dict[str, object]:
        return {
            "line_number": number,
            "item_id": "W",
            "quantity": "1",
            "unit_price": "1",
            "attributes": {"project": "P1"},
            "dimensions": dimensions,
        }

    def document(*lines: dict[str, object]) -> dict[str, object]:
        return {
            "type": "sales_invoice",
            "number": "SI-9",
            "date": "2024-03-01",
            "site_id": "US01",
            "customer_id": "C1",
            "currency": "USD",
            "lines": list(lines),
        }

    good = structure(Document, document(line(1, {"DEPT": "D10"}), line(2, {"DEPT": "D10"})))
    assert good.lines[0].dimensions == good.lines[1].dimensions
    assert good.lines[0].attributes[0].id == "P1"
    for _ in range(2):
        with pytest.raises(StructureError) as refused:
            structure(Document, document(line(1, {"DEPT": "D10"}), line(2, {"DEPT": " D10"})))
        assert [issue.field for issue in refused.value.issues] == ["lines[1].dimensions.DEPT.id"]


def test_every_bad_field_is_reported_with_its_path() -> None:
    issues = _issues(
        Document,
        {
            "type": "sales_invoice",
            "number": "SI-9",
            "date": "05/01/2024",
            "site_id": "US01",
            "customer_id": "C1",
            "currency": "USD",
            "colour": "red",
            "lines": [
                {"item_id": "W", "quantity": "two", "unit_price": "1"},
                {
                    "line_number": 2,
                    "item_id": 7,
                    "quantity": "1",
                    "unit_price": "1",
                    "attributes": {"planet": "Mars"},
                },
            ],
        },
    )
    assert issues == {
        "date": "'05/01/2024' is not a date; write it as YYYY-MM-DD",
        "colour": "unknown field; expected one of: type, number, date, site_id, lines, status, "
        "customer_id, supplier_id, to_site_id, currency, payment_term_id, due_date, "
        "tax_solution_id, supplier_invoice_number, reverses, reference, description",
        "lines[0].line_number": "is required; give a value",
        "lines[0].quantity": "'two' is not a number; write it like 12.50",
        "lines[1].item_id": 'must be text; write it in quotes ("7")',
        "lines[1].attributes.planet.type": "'planet' is not allowed; use one of: "
        + ", ".join(kind.value for kind in AttributeTypeKind),
    }


def test_model_rules_are_reported_after_conversion_with_the_full_path() -> None:
    issues = _issues(
        Document,
        {
            "type": "sales_invoice",
            "number": "SI-9",
            "date": "2024-01-01",
            "site_id": "US01",
            "customer_id": "C1",
            "currency": "USD",
            "lines": [{"line_number": 1, "item_id": "W", "quantity": "1"}],
        },
    )
    assert issues == {"lines[0].unit_price": "a priced line needs its unit price; give it"}
    issues = _issues(
        Document,
        {
            "type": "sales_invoice",
            "number": "SI-9",
            "date": "2024-01-01",
            "site_id": "US01",
            "customer_id": "C1",
            "currency": "USD",
            "lines": [
                {"line_number": 1, "item_id": "W", "quantity": "1.1234567", "unit_price": "1"}
            ],
        },
    )
    assert issues == {
        "lines[0].quantity": "1.1234567 has more than 6 decimal places; "
        "round it to 6 decimal places"
    }


def test_suggestions_nulls_booleans_and_csv_lists() -> None:
    issues = _issues(Customer, {"id": "C", "nme": "x", "bill_to": {"line1": "x"}})
    assert issues["nme"] == "unknown field; did you mean 'name'?"
    assert issues["name"] == "is required; give a value"
    assert _issues(Customer, {"id": "C", "name": "x", "bill_to": None}) == {
        "bill_to": "must not be null; leave the field out to use its default"
    }
    site = structure(
        Site,
        {
            "id": "S",
            "name": "n",
            "company_id": "C",
            "roles": "stock | business",
            "is_active": "no",
            "financial_site_id": "F",
        },
        split_lists=True,
    )
    assert site.roles == (SiteRole.BUSINESS, SiteRole.STOCK) and site.is_active is False
    assert "roles" in _issues(
        Site,
        {"id": "S", "name": "n", "company_id": "C", "roles": "stock", "financial_site_id": "F"},
    )


def test_kinds_by_name_cover_every_master_kind() -> None:
    assert {
        "item",
        "customer",
        "supplier",
        "contact",
        "account",
        "journal",
        "payment_term",
        "tax_detail",
        "tax_solution",
        "attribute_type",
        "attribute",
        "dimension_type",
        "dimension",
        "bank_account",
        "entity",
        "posting_class",
        "company",
        "site",
    } == set(KINDS_BY_NAME)


def test_a_row_of_countless_unknown_fields_reports_a_bounded_number_of_problems() -> None:
    data: dict[str, object] = {"x" * 10_000: 1}
    data.update({f"field{n}": n for n in range(100_000)})
    issues = _issues(Customer, data)
    assert len(issues) == MAX_ISSUES + 1
    assert issues[""] == f"more than {MAX_ISSUES} problems; fix these and import again"
    assert "x" * 100 in issues and all(len(field) <= 100 for field in issues)


def test_a_document_of_countless_bad_lines_reports_a_bounded_number_of_problems() -> None:
    plain = to_plain(invoice())
    assert isinstance(plain, dict)
    plain["lines"] = [{"line_number": "x", "item_id": 1, "quantity": "?"}] * 100_000
    issues = _issues(Document, plain)
    assert len(issues) == MAX_ISSUES + 1 and "lines[0].quantity" in issues
