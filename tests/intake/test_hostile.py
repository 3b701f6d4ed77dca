"""One hostile row never stops a file: it becomes a row error naming its line and field, and
every good row around it is imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from intacct_bridge.intake import ImportFormatError, import_file, import_text
from intacct_bridge.store import repositories as repo
from tests.intake.files import jsonl_line, master_jsonl
from tests.store.factories import shipment


@pytest.fixture
def master(session: Session) -> Session:
    assert import_text(session, master_jsonl(), fmt="jsonl").ok
    return session


def _plain_shipment(number: str, **header: object) -> dict[str, object]:
    plain = json.loads(jsonl_line(shipment(number=number)))
    plain.update(header)
    return plain


def _good(number: str, **header: object) -> bytes:
    return json.dumps(_plain_shipment(number, **header), ensure_ascii=False).encode() + b"\n"


def _stored(session: Session) -> list[str]:
    return sorted(d.number for d in repo.list_documents(session, "default"))


def _errors(report: object) -> list[tuple[int, str, str]]:
    errors = getattr(report, "errors", [])
    return sorted((e.line, e.field, e.reason) for e in errors)


def test_hostile_json_lines_become_row_errors_and_good_rows_import(
    master: Session, tmp_path: Path
) -> None:
    huge = _plain_shipment("SH-HUGE")
    lines = huge["lines"]
    assert isinstance(lines, list)
    body = json.dumps(huge).replace('"quantity": "2"', '"quantity": ' + "7" * 5000)
    assert "7" * 5000 in body
    surrogate = json.dumps(_plain_shipment("SH-SURR", description="\ud800"))
    assert "\\ud800" in surrogate
    latin1 = _good("SH-LATIN", description="caf\u00e9").replace("caf\u00e9".encode(), b"caf\xe9")
    rows = [
        _good("SH-1"),
        body.encode() + b"\n",  # line 2: a 5,000-digit number
        b"[" * 100_000 + b"\n",  # line 3: nested 100,000 deep
        surrogate.encode() + b"\n",  # line 4: a lone surrogate
        latin1,  # line 5: a Latin-1 byte inside a string
        _good("SH-5"),
        b"{" + b'"kind": "sales_shipment", "x": "' + b"a" * 200_000 + b'"}\n',  # line 7: too long
        _good("SH-7"),
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b"".join(rows))
    report = import_file(master, path, max_line_bytes=150_000)
    errors = _errors(report)
    assert [(line, field) for line, field, _ in errors] == [
        (2, "lines[0].quantity"),
        (3, ""),
        (4, "description"),
        (5, "description"),
        (7, ""),
    ]
    reasons = [reason for _, _, reason in errors]
    assert "a number of 5,000 digits is too long" in reasons[0]
    assert "nested too deeply" in reasons[1]
    assert "\\ud800" in reasons[2] and "surrogate" in reasons[2]
    assert "byte 0xE9 at column" in reasons[3] and "save the file as UTF-8" in reasons[3]
    assert "over the limit of 150,000" in reasons[4]
    assert _stored(master) == ["SH-1", "SH-5", "SH-7"]
    assert report.count("created") == 3 and report.error_count == 5


def test_line_separators_inside_json_strings_do_not_split_lines(
    master: Session, tmp_path: Path
) -> None:
    text = "one\u2028two\u2029three\u0085four"
    path = tmp_path / "separators.jsonl"
    path.write_bytes(_good("SH-1", description=text) + b"{oops\n" + _good("SH-3"))
    report = import_file(master, path)
    assert [(e.line, e.field) for e in report.errors] == [(2, "")]  # the line number is right
    stored = repo.get_document(master, "default", "sales_shipment", "SH-1")
    assert stored is not None and stored.description == text
    assert _stored(master) == ["SH-1", "SH-3"]


CSV_HEADER = (
    "kind,number,date,site_id,customer_id,description,line.item_id,line.quantity,line.unit_cost\n"
)


def _csv_row(number: str, description: str = "") -> str:
    return f"sales_shipment,{number},2024-01-05,WH1,C1,{description},W-100,2,4.1\n"


def test_hostile_csv_rows_become_row_errors_and_good_rows_import(
    master: Session, tmp_path: Path
) -> None:
    text = (
        CSV_HEADER
        + _csv_row("SH-1")
        + _csv_row("SH-2", '"' + "x" * 140_000 + '"')  # line 3: over csv's 131,072 limit
        + _csv_row("SH-3")
    )
    data = (
        text.encode() + _csv_row("SH-4", "caf\u00e9").encode("latin-1") + _csv_row("SH-5").encode()
    )
    path = tmp_path / "hostile.csv"
    path.write_bytes(data)
    report = import_file(master, path)
    errors = _errors(report)
    assert [(line, field) for line, field, _ in errors] == [(3, "description"), (5, "description")]
    assert "longer than 131,072 characters" in errors[0][2]
    assert "byte 0xE9" in errors[1][2]
    assert _stored(master) == ["SH-1", "SH-3", "SH-5"]


def test_a_document_split_across_a_csv_file_is_refused_with_the_fix(master: Session) -> None:
    text = CSV_HEADER + _csv_row("SH-1") + _csv_row("SH-2") + _csv_row("SH-1")
    report = import_text(master, text, fmt="csv")
    assert [(e.line, e.field) for e in report.errors] == [(4, "")]
    assert "keep a document's rows together" in report.errors[0].reason
    assert _stored(master) == ["SH-1", "SH-2"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_utf16_or_utf32_file_is_one_clear_error_and_imports_nothing(
    master: Session, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "wide.jsonl"
    path.write_bytes(_good("SH-1").decode().encode(encoding))
    with pytest.raises(
        ImportFormatError, match=r"wide\.jsonl is UTF-(16|32) text; save it as UTF-8"
    ):
        import_file(master, path)
    assert _stored(master) == []


def test_a_utf8_bom_and_crlf_line_endings_are_fine(master: Session, tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _good("SH-1").replace(b"\n", b"\r\n") + _good("SH-2"))
    assert import_file(master, path).ok
    assert _stored(master) == ["SH-1", "SH-2"]


def test_a_bad_row_inside_a_csv_document_refuses_the_whole_document(
    master: Session, tmp_path: Path
) -> None:
    long_cell = '"' + "x" * 140_000 + '"'
    text = (
        CSV_HEADER
        + _csv_row("SH-1")
        + _csv_row("SH-1", long_cell).replace("W-100,2", "W-100,3")  # line 3
        + _csv_row("SH-2")
        + _csv_row("SH-3")
    )
    data = text.encode() + _csv_row("SH-3", "caf\u00e9").encode("latin-1")  # line 6
    path = tmp_path / "documents.csv"
    path.write_bytes(data + _csv_row("SH-4").encode())
    report = import_file(master, path)
    assert sorted((e.line, e.field, e.record) for e in report.errors) == [
        (3, "description", "sales_shipment SH-1"),
        (6, "description", "sales_shipment SH-3"),
    ]
    # nothing of SH-1 or SH-3 is written, not even their good rows
    assert _stored(master) == ["SH-2", "SH-4"]
