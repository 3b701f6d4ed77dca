"""``intacct-bridge demo-data`` from the command line (Typer's CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from intacct_bridge.cli.main import app
from intacct_bridge.demo import DemoGenerator, to_jsonl
from intacct_bridge.model import Customer, DocumentType
from intacct_bridge.store import repositories as repo
from intacct_bridge.store.session import create_store_engine

runner = CliRunner()
SIZES = ["--items", "20", "--customers", "5", "--suppliers", "3"]


@pytest.fixture
def db_url(fresh_url: str) -> str:
    """An empty store at the current schema (SQLite would migrate itself, PostgreSQL not)."""
    code, out, _ = _invoke("db", "upgrade", "--db", fresh_url)
    assert code == 0, out
    return fresh_url


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _expected(seed: int, documents: int, month: str = "2025-03") -> str:
    generator = DemoGenerator(
        seed, items=20, customers=5, suppliers=3, documents=documents, month=month
    )
    return "".join(to_jsonl(record) + "\n" for record in generator.records())


def test_writes_json_lines_to_stdout_by_default() -> None:
    code, out, err = _invoke("demo-data", "--seed", "4", "--documents", "40", *SIZES)
    assert code == 0, err
    assert out == _expected(4, 40)
    lines = [json.loads(line) for line in out.splitlines()]
    assert sum(1 for line in lines if "number" in line) == 40
    assert all("kind" in line for line in lines)
    # deterministic from the command line too
    assert _invoke("demo-data", "--seed", "4", "--documents", "40", *SIZES)[1] == out
    assert _invoke("demo-data", "--seed", "5", "--documents", "40", *SIZES)[1] != out


def test_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "demo.jsonl"
    code, out, err = _invoke(
        "demo-data", "--documents", "25", "--month", "2024-11", "--out", str(target), *SIZES
    )
    assert code == 0, err
    assert target.read_text(encoding="utf-8") == _expected(1, 25, "2024-11")
    records = len(_expected(1, 25, "2024-11").splitlines())
    assert out == f"wrote {records:,} records ({records - 25:,} master, 25 documents) to {target}\n"
    assert not list(tmp_path.glob(".*")), "a temporary file was left behind"


def test_imports_into_the_store_and_again_changes_nothing(db_url: str) -> None:
    args = ("demo-data", "--seed", "9", "--documents", "120", "--import", "--db", db_url)
    code, out, err = _invoke(*args, *SIZES)
    assert code == 0, out + err
    generator = DemoGenerator(9, items=20, customers=5, suppliers=3, documents=120)
    total = generator.total_records
    assert "demo data imported into tenant default" in out
    assert _row(out, "total") == [str(total), "0", "0", "0", "0"]
    assert _row(out, "customer") == ["5", "0", "0", "0", "0"]
    invoices = generator.document_counts()[DocumentType.SALES_INVOICE]
    assert _row(out, "sales_invoice") == [str(invoices), "0", "0", "0", "0"]
    code, out, err = _invoke(*args, *SIZES)
    assert code == 0, out + err
    assert _row(out, "total") == ["0", "0", "0", str(total), "0"]
    engine = create_store_engine(db_url)
    with Session(engine) as session:
        assert len(repo.list_documents(session, "default")) == 120
        customers = repo.list_records(session, "default", Customer)
        assert [c.id for c in customers] == [f"C{10001 + i}" for i in range(5)]
    engine.dispose()


def test_imports_and_writes_the_same_stream(db_url: str, tmp_path: Path) -> None:
    target = tmp_path / "demo.jsonl"
    args = ("--documents", "30", "--import", "--out", str(target), "--db", db_url)
    code, out, err = _invoke("demo-data", *args, *SIZES)
    assert code == 0, out + err
    assert target.read_text(encoding="utf-8") == _expected(1, 30)
    assert _row(out, "total")[0] == str(len(_expected(1, 30).splitlines()))


def test_import_with_stdout_output_keeps_the_summary_off_stdout(db_url: str) -> None:
    code, out, err = _invoke(
        "demo-data", "--documents", "10", "--import", "--out", "-", "--db", db_url, *SIZES
    )
    assert code == 0, err
    assert out == _expected(1, 10)
    assert "demo data imported" in err


def test_unknown_tenant_and_bad_sizes_are_refused(db_url: str) -> None:
    code, _, err = _invoke(
        "demo-data", "--documents", "5", "--import", "--tenant", "acme", "--db", db_url, *SIZES
    )
    assert code == 2 and "unknown tenant 'acme'" in err
    code, _, err = _invoke("demo-data", "--month", "2025-13", *SIZES)
    assert code == 2 and "month '2025-13' is not a month; write it as YYYY-MM" in err
    code, _, err = _invoke("demo-data", "--items", "3")
    assert code == 2 and "--items" in err


def test_progress_goes_to_stderr(tmp_path: Path) -> None:
    target = tmp_path / "demo.jsonl"
    code, out, err = _invoke(
        "demo-data", "--documents", "300", "--progress", "--out", str(target), *SIZES
    )
    assert code == 0, err
    assert "generating" in err
    assert out.startswith("wrote ")
    assert target.read_text(encoding="utf-8") == _expected(1, 300)


def _row(table: str, kind: str) -> list[str]:
    """The numbers of one row of the Rich summary table."""
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip("│┃ ").split("│")]
        if cells and cells[0] == kind:
            return [cell.replace(",", "") for cell in cells[1:]]
    raise AssertionError(f"no row {kind!r} in:\n{table}")


def test_lines_option_gives_longer_documents() -> None:
    args = ("demo-data", "--seed", "4", "--documents", "200", *SIZES)
    code, out, err = _invoke(*args, "--lines", "5")
    assert code == 0, err
    generator = DemoGenerator(4, items=20, customers=5, suppliers=3, documents=200, lines=5)
    assert out == "".join(to_jsonl(record) + "\n" for record in generator.records())
    documents = [json.loads(line) for line in out.splitlines() if '"number"' in line]
    # 20 items only: a document never repeats an item, so fewer than 5 lines on average
    assert sum(len(doc["lines"]) for doc in documents) / len(documents) > 3.5
    code, _, err = _invoke(*args, "--lines", "0")
    assert code == 2 and "--lines" in err
