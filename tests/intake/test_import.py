from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intacct_bridge.intake import ImportFormatError, import_file, import_records, import_text
from intacct_bridge.model import DocumentStatus, Item
from intacct_bridge.model.kinds import record_key
from intacct_bridge.store import repositories as repo
from intacct_bridge.store.errors import UnknownTenantError
from intacct_bridge.store.tables.documents import DocumentLineRow, DocumentRow
from tests.intake.files import DOCUMENTS_CSV, jsonl_line, master_jsonl
from tests.store.factories import add_tenant, invoice, reference_records, shipment


@pytest.fixture
def master(session: Session) -> Session:
    report = import_text(session, master_jsonl(), fmt="jsonl")
    assert report.ok, report.errors
    assert len(report.created) == len(reference_records())
    return session


def _count(session: Session, table: type, tenant_id: str = "default") -> int:
    query = select(func.count()).select_from(table).where(table.tenant_id == tenant_id)
    return int(session.scalar(query) or 0)


def test_master_data_file_round_trips(master: Session) -> None:
    for record in reference_records():
        assert repo.get_record(master, "default", type(record), *record_key(record)) == record


def test_bad_rows_are_all_reported_and_good_documents_imported(
    master: Session, tmp_path: Path
) -> None:
    path = tmp_path / "documents.csv"
    path.write_text(DOCUMENTS_CSV)
    report = import_file(master, path)
    assert sorted(report.created) == ["sales_invoice SI-1", "sales_shipment SH-1"]
    assert sorted(report.rejected) == [
        "sales_invoice SI-2",
        "sales_invoice SI-3",
        "sales_shipment SH-2",
    ]
    assert sorted((e.line, e.field, e.reason) for e in report.errors) == [
        (5, "line.quantity", "'abc' is not a number; write it like 12.50"),
        (6, "customer_id", "unknown customer 'C9'; create it first or fix the ID"),
        (8, "line.unit_cost", "a stock movement needs its unit cost; give it"),
    ]
    # nothing of a rejected document is written, not even its good first row
    for number in ("SI-2", "SI-3"):
        assert repo.get_document(master, "default", "sales_invoice", number) is None
    assert _count(master, DocumentRow) == 2 and _count(master, DocumentLineRow) == 3
    si1 = repo.get_document(master, "default", "sales_invoice", "SI-1")
    assert si1 is not None and si1.status is DocumentStatus.POSTED
    assert si1.lines[0].unit_price == Decimal("10.5") and si1.tax_total == Decimal("1.52")
    assert [(r.type.value, r.id) for r in si1.lines[0].attributes] == [("project", "P1")]


def test_reimport_changes_nothing(master: Session, tmp_path: Path) -> None:
    documents = tmp_path / "documents.csv"
    documents.write_text(DOCUMENTS_CSV)
    import_file(master, documents)
    events = len(repo.list_change_events(master, "default"))
    before = repo.list_documents(master, "default")
    again = import_file(master, documents)
    assert again.written == 0 and sorted(again.unchanged) == [
        "sales_invoice SI-1",
        "sales_shipment SH-1",
    ]
    assert len(again.errors) == 3  # the bad rows are still reported
    again_master = import_text(master, master_jsonl(), fmt="jsonl")
    assert again_master.written == 0 and len(again_master.unchanged) == len(reference_records())
    assert len(repo.list_change_events(master, "default")) == events
    assert repo.list_documents(master, "default") == before


def test_changing_a_posted_document_is_reported_with_the_changed_field(master: Session) -> None:
    import_text(master, jsonl_line(invoice(status="posted")), fmt="jsonl")
    changed = invoice(status="posted", currency="EUR")
    report = import_text(master, "\n" + jsonl_line(changed), fmt="jsonl")
    assert [(e.line, e.field) for e in report.errors] == [(2, "currency")]
    assert "reverse it with a sales credit memo" in report.errors[0].reason
    stored = repo.get_document(master, "default", "sales_invoice", "SI-1")
    assert stored is not None and stored.currency == "USD"


def test_jsonl_errors_name_the_line_and_the_nested_field(master: Session) -> None:
    good = jsonl_line(shipment())
    bad = jsonl_line(shipment(number="SH-9")).replace('"W-100"', '"NOPE"')
    text = "\n".join([good, bad, "{oops", good])
    report = import_text(master, text, fmt="jsonl")
    assert report.created == ["sales_shipment SH-1"]
    errors = sorted(report.errors, key=lambda e: e.line)
    assert [(e.line, e.field) for e in errors] == [(2, "lines[0].item_id"), (3, ""), (4, "")]
    assert "appears again (first on line 1)" in errors[2].reason


def test_repeats_are_found_after_the_seen_keys_went_to_disk(
    master: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intacct_bridge.intake import service

    monkeypatch.setattr(service, "_SEEN_IN_MEMORY", 2)  # keys spill to disk every 2 records
    numbers = [f"SH-{n}" for n in range(1, 6)]
    lines = [jsonl_line(shipment(number=number)) for number in numbers]
    report = import_text(master, "\n".join([*lines, lines[0], lines[3]]), fmt="jsonl")
    assert report.created == [f"sales_shipment {number}" for number in numbers]
    assert [(e.line, e.reason.split(" (")[1]) for e in report.errors] == [
        (6, "first on line 1); keep one"),
        (7, "first on line 4); keep one"),
    ]


def test_csv_master_data_with_lists_and_nesting(session: Session) -> None:
    text = (
        "kind,id,name,company_id,roles,financial_site_id,currency,bill_to.line1\n"
        "company,C,Comp,,,,USD,\n"
        "site,F,Fin,C,financial|business,,,\n"
        "site,W,Whs,C,stock,F,,\n"
    )
    report = import_text(session, text, fmt="csv")
    assert report.ok, report.errors
    assert report.created == ["company C", "site F", "site W"]


def test_two_tenants_import_the_same_file_side_by_side(session: Session) -> None:
    add_tenant(session, "alpha")
    add_tenant(session, "beta")
    for tenant in ("alpha", "beta"):
        assert import_text(session, master_jsonl(), fmt="jsonl", tenant_id=tenant).ok
        assert import_text(session, DOCUMENTS_CSV, fmt="csv", tenant_id=tenant).created
    item = Item(
        id="W-100", name="Renamed in beta", standard_cost=Decimal("4.1"), posting_class_id="STD"
    )
    assert import_records(session, [item], tenant_id="beta").updated == ["item W-100"]
    alpha = repo.get_record(session, "alpha", Item, "W-100")
    assert alpha is not None and alpha.name == "Widget"
    assert _count(session, DocumentRow, "alpha") == _count(session, DocumentRow, "beta") == 2
    assert repo.list_documents(session, "default") == []


def test_unknown_tenant_and_format_fail_the_whole_import(session: Session, tmp_path: Path) -> None:
    with pytest.raises(UnknownTenantError):
        import_text(session, master_jsonl(), fmt="jsonl", tenant_id="ghost")
    path = tmp_path / "data.txt"
    path.write_text("")
    with pytest.raises(ImportFormatError, match=r"name it \.jsonl or \.csv"):
        import_file(session, path)


def test_a_draft_is_replaced_then_posted_by_later_imports(master: Session) -> None:
    draft = invoice(status="draft")
    assert import_text(master, jsonl_line(draft), fmt="jsonl").created == ["sales_invoice SI-1"]
    changed = invoice(status="draft", reference="PO-7")
    assert import_text(master, jsonl_line(changed), fmt="jsonl").updated == ["sales_invoice SI-1"]
    posted = invoice(status="posted", reference="PO-7")
    report = import_text(master, jsonl_line(posted), fmt="jsonl")
    assert report.posted == ["sales_invoice SI-1"] and report.ok
    assert repo.get_document(master, "default", "sales_invoice", "SI-1") == posted
    actions = [e.action for e in repo.list_change_events(master, "default") if e.key == "SI-1"]
    assert actions == ["created", "updated", "posted"]
    again = import_text(master, jsonl_line(posted), fmt="jsonl")
    assert again.unchanged == ["sales_invoice SI-1"] and again.written == 0
