"""The served state's write-ahead journal (``sandbox/journal.py``), in-process.

A "crash" here is loading the files while the keeper is still open (nothing was closed or
flushed by a clean stop): what a restart after ``kill -9`` reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from intacct_bridge.cli.main import app
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.journal import SavingAdminChanges, StateKeeper
from intacct_bridge.sandbox.persistence import (
    StateFileError,
    dump_state,
    journal_path,
    load_state,
)
from tests.sandbox.books import batch, create, entry
from tests.sandbox.envelope import Caller
from tests.servers import serve_in_thread


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state.json"


@pytest.fixture
def keeper(sandbox: Sandbox, books: Caller, state: Path) -> Iterator[StateKeeper]:
    keeper = StateKeeper(sandbox.backend, state, sync_interval=0.05)
    keeper.start()
    sandbox.gateway.on_commit = keeper.commit
    yield keeper
    sandbox.gateway.on_commit = None
    keeper.close()


def _comparable(sandbox: Sandbox) -> dict[str, Any]:
    document = dump_state(sandbox.backend)
    document.pop("saved_at")
    document.pop("journal_seq")
    return document


def _restart(state: Path) -> tuple[Sandbox, int]:
    restarted = Sandbox()
    restored = load_state(restarted.backend, state)
    return restarted, restored.replayed


def _vendor(vendor_id: str, name: str) -> str:
    return (
        f"<create><VENDOR><VENDORID>{vendor_id}</VENDORID><NAME>{name}</NAME>"
        f"<DISPLAYCONTACT><PRINTAS>{name}</PRINTAS></DISPLAYCONTACT></VENDOR></create>"
    )


def _work(books: Caller) -> None:
    """Creates, an update, a delete, a uniqueid write, a rolled-back transaction, a GL
    batch (books sequence) and an API session."""
    books.ok(_vendor("J1", "Journal One"))
    books.ok(_vendor("J2", "Journal Zwei \u00dc"))
    number = (
        books.ok(
            "<readByQuery><object>VENDOR</object><fields>RECORDNO</fields>"
            "<query>VENDORID = 'J1'</query></readByQuery>"
        )
        .data()[0]
        .findtext("RECORDNO")
    )
    books.ok(f"<update><VENDOR><RECORDNO>{number}</RECORDNO><NAME>Renamed</NAME></VENDOR></update>")
    books.ok(f"<delete><object>VENDOR</object><keys>{number}</keys></delete>")
    books.call(_vendor("J3", "Unique"), uniqueid=True, controlids=["once"])
    rolled = books.call(_vendor("J4", "Never"), _vendor("J2", "Duplicate"), transaction=True)
    assert [r.findtext("status") for r in rolled.results] == ["aborted", "failure"]
    books.ok(create(batch(entry("6300", 1, "12.50"), entry("2100", -1, "12.50"))))
    books.ok("<getAPISession/>")


def test_replaying_the_journal_rebuilds_exactly_the_state(
    sandbox: Sandbox, books: Caller, keeper: StateKeeper, state: Path
) -> None:
    _work(books)
    restarted, replayed = _restart(state)
    assert replayed >= 7
    assert _comparable(restarted) == _comparable(sandbox)
    # the uniqueid memory survived: the same control ID is refused after the restart
    assert "once" in restarted.backend.companies[books.creds.company_id].data.executed_controlids


def test_reads_write_nothing(sandbox: Sandbox, books: Caller, keeper: StateKeeper) -> None:
    books.ok(_vendor("R1", "Read"))
    size = keeper.journal.stat().st_size
    for _ in range(5):
        books.ok(
            "<readByQuery><object>VENDOR</object><fields>VENDORID</fields><query/></readByQuery>"
        )
    assert keeper.journal.stat().st_size == size


def test_a_snapshot_empties_the_journal_and_old_entries_are_never_applied_twice(
    sandbox: Sandbox, books: Caller, keeper: StateKeeper, state: Path
) -> None:
    _work(books)
    old_journal = keeper.journal.read_bytes()
    keeper.snapshot()
    assert keeper.journal.stat().st_size == 0
    books.ok(_vendor("J9", "After the snapshot"))
    expected = _comparable(sandbox)
    # a crash between writing the snapshot and cutting the journal: both hold the entries
    keeper.journal.write_bytes(old_journal + keeper.journal.read_bytes())
    restarted, _ = _restart(state)
    assert _comparable(restarted) == expected


def test_a_torn_last_line_is_ignored_and_a_damaged_one_is_refused(
    sandbox: Sandbox, books: Caller, keeper: StateKeeper, state: Path
) -> None:
    books.ok(_vendor("T1", "Torn"))
    expected = _comparable(sandbox)
    journal = keeper.journal
    intact = journal.read_bytes()
    journal.write_bytes(intact + b'{"seq": 99, "companies": {"DEMO-MF')  # the kill, mid-write
    restarted, _ = _restart(state)
    assert _comparable(restarted) == expected

    journal.write_bytes(b"not json\n" + intact)
    with pytest.raises(StateFileError, match=r"state.json.journal: line 1: damaged journal entry"):
        load_state(Sandbox().backend, state)


def test_admin_changes_are_on_disk_before_the_reply(
    sandbox: Sandbox, books: Caller, keeper: StateKeeper, state: Path
) -> None:
    application = SavingAdminChanges(sandbox.asgi_app(), keeper)
    with serve_in_thread(application) as base:
        reply = httpx.post(
            f"{base}/sandbox/admin/senders",
            json={"sender_id": "LATE", "password": "late-password-123"},
            timeout=10,
        )
        assert reply.status_code in (200, 201), reply.text
        # no clean stop: the file alone already holds the new sender
        restarted, _ = _restart(state)
        assert "LATE" in restarted.backend.senders


def test_serve_refuses_a_journal_without_its_state_file(state: Path) -> None:
    journal_path(state).write_text('{"seq": 1}\n')
    result = CliRunner().invoke(app, ["sandbox", "serve", "--port", "1", "--state", str(state)])
    assert result.exit_code == 1
    assert f"{journal_path(state)} exists but {state} does not" in result.output


def test_admin_commands_replay_a_journal_left_by_a_crash(
    sandbox: Sandbox, books: Caller, keeper: StateKeeper, state: Path
) -> None:
    books.ok(_vendor("C1", "Crashed"))
    # the crashed server's lock is gone with its process; here the keeper's files remain
    result = CliRunner().invoke(
        app, ["sandbox", "add-sender", "AFTER", "--password", "pw-after-123", "--state", str(state)]
    )
    assert result.exit_code == 0, result.output
    assert not journal_path(state).exists(), "the edit folded the journal into the file"
    restarted, replayed = _restart(state)
    assert replayed == 0
    table = restarted.backend.companies[QuickstartCredentials().company_id].data.table("VENDOR")
    assert "C1" in table.by_id
    assert "AFTER" in restarted.backend.senders


def test_writes_during_a_snapshot_stay_in_the_journal(
    sandbox: Sandbox,
    books: Caller,
    keeper: StateKeeper,
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from intacct_bridge.sandbox import journal

    books.ok(_vendor("S1", "Before"))
    real_write = journal.write_state

    def write_while_busy(target: Path, document: dict[str, Any]) -> None:
        books.ok(_vendor("S2", "During the snapshot"))  # commits while the file is written
        real_write(target, document)

    monkeypatch.setattr(journal, "write_state", write_while_busy)
    keeper.snapshot()
    monkeypatch.setattr(journal, "write_state", real_write)
    lines = keeper.journal.read_bytes().splitlines()
    assert len(lines) == 1 and b"S2" in lines[0], "only the entry after the snapshot is kept"
    books.ok(_vendor("S3", "After"))  # the journal is still appended to after the swap
    restarted, replayed = _restart(state)
    assert replayed == 2
    assert _comparable(restarted) == _comparable(sandbox)
