"""Demo data goes through the intake into the store without a single bad row."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intacct_bridge.demo import to_jsonl
from intacct_bridge.intake import import_file, import_records, import_text
from intacct_bridge.intake.readers import RawRecord, read_jsonl
from intacct_bridge.intake.service import _structure
from intacct_bridge.model import Document, DocumentType
from intacct_bridge.model.kinds import record_key
from intacct_bridge.store import repositories as repo
from intacct_bridge.store.tables.documents import DocumentLineRow, DocumentRow
from tests.demo.company import imported_jsonl, imported_records, small_generator, small_records


def test_every_line_reads_back_as_the_value_written() -> None:
    records = small_records()
    text = "".join(to_jsonl(record) + "\n" for record in records)
    raws = list(read_jsonl(text))
    assert len(raws) == len(records) == text.count("\n")
    for raw, record in zip(raws, records, strict=True):
        assert isinstance(raw, RawRecord), raw
        assert _structure(raw) == record, to_jsonl(record)


def test_lines_are_plain_json_with_exact_numbers() -> None:
    text = imported_jsonl()
    assert "e+" not in text.lower() and "NaN" not in text
    first_invoice = next(line for line in text.splitlines() if '"kind":"sales_invoice"' in line)
    assert '"lines":[{"item_id":' in first_invoice  # line numbers are implied by position
    assert '"attributes":{' in first_invoice and '"dimensions":{' in first_invoice


def test_import_into_the_store_then_reimport_changes_nothing(
    session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "demo.jsonl"
    path.write_text(imported_jsonl(), encoding="utf-8")
    records = imported_records()
    assert {r.type for r in records if isinstance(r, Document)} == set(DocumentType)
    report = import_file(session, path)
    assert report.errors == []
    assert report.rejected == []
    assert len(report.created) == len(records)
    assert report.written == len(records)
    events = len(repo.list_change_events(session, "default"))

    again = import_file(session, path)
    assert again.errors == [] and again.written == 0
    assert len(again.unchanged) == len(records)
    assert len(repo.list_change_events(session, "default")) == events

    # what is stored is what was generated
    documents = [r for r in records if isinstance(r, Document)]
    stored = {(d.type, d.number): d for d in repo.list_documents(session, "default")}
    assert stored == {(d.type, d.number): d for d in documents}
    lines = session.scalar(select(func.count()).select_from(DocumentLineRow))
    assert lines == sum(len(d.lines) for d in documents)
    for record in records:
        if not isinstance(record, Document):
            key = record_key(record)
            assert repo.get_record(session, "default", type(record), *key) == record


def test_python_values_import_the_same_way(session: Session) -> None:
    generator = small_generator(items=20, customers=5, suppliers=3, documents=60)
    report = import_records(session, generator.records())
    assert report.ok and report.written == generator.total_records
    # the same company written as text is already there, record for record
    text = "".join(to_jsonl(record) + "\n" for record in generator.records())
    again = import_text(session, text, fmt="jsonl")
    assert again.ok and again.written == 0
    count = session.scalar(select(func.count()).select_from(DocumentRow))
    assert count == 60
