"""Imports as real processes: two at once, and one killed half-way then run again.

Each test runs ``intacct-bridge import`` in child processes against a real database (SQLite
file or PostgreSQL scratch schema), with small batches so that the processes interleave.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from intacct_bridge.demo import DemoGenerator, write_jsonl
from intacct_bridge.intake import import_file, import_text
from intacct_bridge.model import Document
from intacct_bridge.store import repositories as repo
from intacct_bridge.store.errors import DatabaseBusyError
from intacct_bridge.store.migrate import upgrade
from intacct_bridge.store.session import SQLITE_BEGIN, create_store_engine
from intacct_bridge.store.tables.documents import DocumentLineRow, DocumentRow
from intacct_bridge.store.tables.tenancy import ChangeEventRow
from tests.intake.files import jsonl_line, master_jsonl
from tests.store.factories import invoice, shipment

SUMMARY = re.compile(
    r"(\d[\d,]*) created, (\d[\d,]*) updated, (\d[\d,]*) posted, (\d[\d,]*) unchanged"
)


def _demo(tmp_path: Path, documents: int) -> tuple[Path, int, dict[str, int]]:
    """A demo file; its record count and each document's line count by number."""
    generator = DemoGenerator(7, items=20, customers=6, suppliers=4, documents=documents)
    path = tmp_path / "demo.jsonl"
    with path.open("w", encoding="utf-8") as out:
        count = write_jsonl(generator.records(), out)
    lines = {
        record.number: len(record.lines)
        for record in generator.records()
        if isinstance(record, Document)
    }
    return path, count, lines


def _import(path: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTACCT_BRIDGE_")}
    command = [sys.executable, "-m", "intacct_bridge.cli.main", "import", str(path), "--db", url]
    return subprocess.Popen(
        [*command, "--no-progress", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, int, int]:
    """Wait; return (exit code, created, unchanged) from the summary line."""
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, out + err
    match = SUMMARY.search(out)
    assert match is not None, out + err
    created, updated, posted, unchanged = (int(n.replace(",", "")) for n in match.groups())
    assert updated == posted == 0
    return process.returncode, created, unchanged


def _stored_lines(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        query = (
            select(DocumentRow.number, func.count(DocumentLineRow.line_number))
            .join(DocumentLineRow, DocumentLineRow.document_id == DocumentRow.id)
            .group_by(DocumentRow.number)
        )
        return {number: int(count) for number, count in session.execute(query)}


def _events(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(ChangeEventRow)) or 0)


def test_two_imports_of_one_file_at_once_both_end_correctly(fresh_url: str, tmp_path: Path) -> None:
    path, total, lines = _demo(tmp_path, documents=300)
    upgrade(fresh_url)
    first, second = (_import(path, fresh_url, "--batch-size", "20") for _ in range(2))
    (_, created_a, unchanged_a), (_, created_b, unchanged_b) = _finish(first), _finish(second)
    assert created_a + unchanged_a == total and created_b + unchanged_b == total
    assert created_a + created_b == total  # every record written once, by one of them
    engine = create_store_engine(fresh_url)
    try:
        assert _stored_lines(engine) == lines
        assert _events(engine) == total  # one change event per record: nothing twice
    finally:
        engine.dispose()


def test_a_killed_import_keeps_its_batches_and_a_rerun_resumes(
    fresh_url: str, tmp_path: Path
) -> None:
    path, total, lines = _demo(tmp_path, documents=1500)
    upgrade(fresh_url)
    engine = create_store_engine(fresh_url)
    try:
        process = _import(path, fresh_url, "--batch-size", "10")
        deadline = time.monotonic() + 120
        stored: dict[str, int] = {}
        while not stored and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
            stored = _stored_lines(engine)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        stored = _stored_lines(engine)
        assert 0 < len(stored) < len(lines), "the import must be killed half-way"
        # what was committed stays, and every stored document is whole
        assert all(stored[number] == lines[number] for number in stored)
        kept = _events(engine)

        _, created, unchanged = _finish(_import(path, fresh_url))
        assert unchanged == kept and created == total - kept
        assert _stored_lines(engine) == lines
        assert _events(engine) == total
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_two_imports_into_a_new_sqlite_file_share_the_migration(
    fresh_url: str, tmp_path: Path
) -> None:
    """Neither process finds the schema half-made: the second waits for the first."""
    path, total, _ = _demo(tmp_path, documents=30)
    first, second = (_import(path, fresh_url) for _ in range(2))
    (_, created_a, _), (_, created_b, _) = _finish(first), _finish(second)
    assert created_a + created_b == total


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_import_waits_for_a_writer_then_says_clearly_when_it_gives_up(
    fresh_url: str, tmp_path: Path
) -> None:
    path, total, _ = _demo(tmp_path, documents=20)
    upgrade(fresh_url)
    holder = create_store_engine(fresh_url)
    impatient = create_store_engine(fresh_url, connect_args={"timeout": 0.2})
    try:
        # another writer holds the lock longer than the import waits: a clear error
        with holder.connect().execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}) as locker:
            with locker.begin():
                with Session(impatient) as session, pytest.raises(DatabaseBusyError) as caught:
                    import_file(session, path)
        assert "run the same import again to carry on" in str(caught.value)
        # the writer lets go within the wait: the import waits and then runs
        locker = holder.connect().execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
        transaction = locker.begin()
        release = threading.Timer(1.0, lambda: (transaction.commit(), locker.close()))
        release.start()
        with Session(holder) as session:
            report = import_file(session, path)
        release.join()
        assert report.ok and report.count("created") == total
    finally:
        holder.dispose()
        impatient.dispose()


def test_a_record_written_by_another_session_meanwhile_is_no_false_error(
    fresh_url: str, tmp_path: Path
) -> None:
    """Another writer inserts a document the import is about to insert and commits it while
    the import waits: the import must not report a duplicate key, only an unchanged record."""
    upgrade(fresh_url)
    engine = create_store_engine(fresh_url)
    try:
        with Session(engine) as session:
            assert import_text(session, master_jsonl(), fmt="jsonl").ok
        path = tmp_path / "documents.jsonl"
        path.write_text(jsonl_line(invoice()) + "\n" + jsonl_line(shipment()) + "\n")
        other = Session(engine)
        repo.save_document(other, "default", invoice())
        other.flush()  # inserted, not committed: the import will wait for it
        release = threading.Timer(1.0, other.commit)
        release.start()
        with Session(engine) as session:
            report = import_file(session, path)
        release.join()
        other.close()
        assert report.ok, report.errors
        assert report.unchanged == ["sales_invoice SI-1"]
        assert report.created == ["sales_shipment SH-1"]
    finally:
        engine.dispose()
