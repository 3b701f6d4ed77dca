from __future__ import annotations

from decimal import Decimal

from intacct_bridge.intake.readers import RawRecord, ReadProblem, read_csv, read_jsonl


def test_jsonl_keeps_decimals_exact_and_reports_unreadable_lines() -> None:
    text = "\n".join(
        [
            '{"kind": "item", "id": "W", "name": "n", "base_price": 0.1}',
            "",
            "{not json",
            "[1, 2]",
            '{"id": "X"}',
            '{"kind": "gizmo"}',
        ]
    )
    out = list(read_jsonl(text))
    assert isinstance(out[0], RawRecord) and out[0].line == 1
    assert out[0].data["base_price"] == Decimal("0.1")
    problems = [(p.line, p.field, p.reason[:25]) for p in out[1:] if isinstance(p, ReadProblem)]
    assert problems == [
        (3, "", "invalid JSON (Expecting p"),
        (4, "", "each line must be a JSON "),
        (5, "kind", "missing; say what the rec"),
        (6, "kind", "unknown kind 'gizmo'; use"),
    ]


CSV = """kind,number,date,site_id,customer_id,currency,line.item_id,line.quantity,line.unit_price
sales_invoice,SI-1,2024-01-05,US01,C1,USD,W-100,2,10.50
sales_invoice,SI-1,,,,,G-200,1,3
item,,,,,,,,
sales_invoice,SI-2,2024-01-06,US01,C1,USD,W-100,1,1
sales_invoice,SI-2,2024-01-06,US02,,,W-100,1,1
,,,,,,,,
sales_invoice,SI-1,2024-01-05,,,,"W-100",5,1
"""


def test_csv_groups_consecutive_document_rows_and_remembers_their_lines() -> None:
    out = list(read_csv(CSV))
    records = [r for r in out if isinstance(r, RawRecord)]
    si1, *others = [r for r in records if r.data.get("number") == "SI-1"]
    assert si1.line == 2 and si1.line_rows == [2, 3]
    assert si1.data["lines"] == [
        {"item_id": "W-100", "quantity": "2", "unit_price": "10.50"},
        {"item_id": "G-200", "quantity": "1", "unit_price": "3"},
    ]
    assert si1.locate("lines[1].quantity") == (3, "line.quantity")
    assert si1.locate("customer_id") == (2, "customer_id")
    # rows of a document are read together only when consecutive (files stream): line 8
    # starts another SI-1, which the import refuses as a repeat
    assert [(r.line, r.line_rows) for r in others] == [(8, [8])]
    si2 = next(r for r in records if r.data.get("number") == "SI-2")
    assert si2.problems == [(6, "site_id", "'US02' differs from 'US01' on line 5")]
    item = next(r for r in records if r.kind == "item")
    assert item.line == 4 and item.data == {}


def test_csv_needs_a_kind_column_and_flags_lines_on_master_rows() -> None:
    assert [p.reason for p in read_csv("id,name\nW,n\n") if isinstance(p, ReadProblem)] == [
        "the header has no 'kind' column; add it"
    ]
    (item,) = read_csv("kind,id,name,line.item_id\nitem,W,n,X\n")
    assert isinstance(item, RawRecord)
    assert item.problems == [(2, "line.item_id", "item records have no lines; leave it empty")]


def test_csv_dotted_columns_nest() -> None:
    (customer,) = read_csv("kind,id,name,bill_to.line1,bill_to.city\ncustomer,C,n,1 Main,Lyon\n")
    assert isinstance(customer, RawRecord)
    assert customer.data == {"id": "C", "name": "n", "bill_to": {"line1": "1 Main", "city": "Lyon"}}
