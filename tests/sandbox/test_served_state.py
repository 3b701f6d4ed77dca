"""``intacct-bridge sandbox serve --state FILE`` keeps every acknowledged write.

Real server processes on free ports: acknowledged creates over HTTP, then SIGTERM, SIGINT
or SIGKILL, then a restart on the same file — every acknowledged record is there, and the
file always parses.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from lxml import etree
from typer.testing import CliRunner

from intacct_bridge.cli.main import app
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.persistence import journal_path, load_state
from tests.sandbox.envelope import envelope, fn, login
from tests.servers import free_port, start_sandbox_serve, stop_sandbox_serve

pytestmark = [pytest.mark.server, pytest.mark.timeout(180)]

CREDS = QuickstartCredentials()


def _vendor(number: int, prefix: str = "V") -> str:
    return fn(
        f"<create><VENDOR><VENDORID>{prefix}{number:05d}</VENDORID>"
        f"<NAME>Vendor {number} Müller \u2013 Łódź</NAME>"
        f"<DISPLAYCONTACT><PRINTAS>Vendor {number}</PRINTAS></DISPLAYCONTACT></VENDOR></create>"
    )


def _post(port: int, functions: str) -> bytes:
    body = envelope(
        functions,
        sender_id=CREDS.sender_id,
        sender_password=CREDS.sender_password,
        authentication=login(CREDS.user_id, CREDS.company_id, CREDS.user_password),
    )
    reply = httpx.post(f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml", content=body, timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.content


def _create(port: int, numbers: range, prefix: str = "V") -> list[str]:
    """Create vendors one request each; the IDs whose success the server acknowledged."""
    acknowledged: list[str] = []
    for number in numbers:
        root = etree.fromstring(_post(port, _vendor(number, prefix)))
        assert root.findtext("operation/result/status") == "success", etree.tostring(root)
        acknowledged.append(f"{prefix}{number:05d}")
    return acknowledged


def _stored_vendors(state: Path) -> set[str]:
    sandbox = Sandbox()
    load_state(sandbox.backend, state)
    table = sandbox.backend.companies[CREDS.company_id].data.table("VENDOR")
    return set(table.by_id)


def _count_over_http(port: int) -> int:
    root = etree.fromstring(
        _post(port, fn("<readByQuery><object>VENDOR</object><fields>VENDORID</fields>"
                       "<query></query><pagesize>1</pagesize></readByQuery>"))
    )  # fmt: skip
    data = root.find("operation/result/data")
    assert data is not None
    return int(data.get("totalcount", "0"))


def test_sigterm_saves_every_acknowledged_write(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    port = free_port()
    process = start_sandbox_serve(state, port)
    try:
        acknowledged = _create(port, range(1, 41))
    finally:
        output = stop_sandbox_serve(process, signal.SIGTERM)
    assert process.returncode == 0, output
    assert f"Saved sandbox state to {state}" in output
    assert not journal_path(state).exists(), "a clean stop leaves one file"
    assert set(acknowledged) <= _stored_vendors(state)

    port = free_port()
    process = start_sandbox_serve(state, port)
    try:
        assert _count_over_http(port) == 40
    finally:
        stop_sandbox_serve(process, signal.SIGTERM)


def test_sigkill_loses_no_acknowledged_write_and_the_files_load(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    port = free_port()
    process = start_sandbox_serve(state, port)
    acknowledged: list[str] = []
    try:
        acknowledged = _create(port, range(1, 31))
        # a batch in one request, and a uniqueid write
        root = etree.fromstring(_post(port, "".join(_vendor(n, "B") for n in range(1, 21))))
        assert [r.findtext("status") for r in root.iterfind("operation/result")] == ["success"] * 20
        acknowledged += [f"B{n:05d}" for n in range(1, 21)]
    finally:
        process.kill()
        process.communicate()
    assert journal_path(state).exists()
    json.loads(state.read_text())  # the snapshot is intact
    assert set(acknowledged) <= _stored_vendors(state)

    port = free_port()
    process = start_sandbox_serve(state, port)
    try:
        assert _count_over_http(port) == 50
        more = _create(port, range(31, 36))
    finally:
        output = stop_sandbox_serve(process, signal.SIGTERM)
    assert "Recovered" in output and "journaled change(s)" in output
    assert set(acknowledged + more) <= _stored_vendors(state)
    assert not journal_path(state).exists()


def test_sigkill_under_concurrent_writers_keeps_every_acknowledged_write(tmp_path: Path) -> None:
    """Several clients write at once; the server is killed while they are writing. Every
    create a client saw acknowledged is in the restored state."""
    state = tmp_path / "state.json"
    port = free_port()
    process = start_sandbox_serve(state, port, "--slots", "8")
    acknowledged: list[list[str]] = [[] for _ in range(4)]

    def writer(index: int) -> None:
        prefix = "ABCD"[index]
        for number in range(1, 1000):
            try:
                root = etree.fromstring(_post(port, _vendor(number, prefix)))
            except (httpx.HTTPError, AssertionError):
                return  # the server is gone: this write was never acknowledged
            if root.findtext("operation/result/status") == "success":
                acknowledged[index].append(f"{prefix}{number:05d}")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    while sum(len(a) for a in acknowledged) < 60:
        threads[0].join(0.05)
    process.kill()
    process.communicate()
    for thread in threads:
        thread.join(30)
    everything = [vendor for part in acknowledged for vendor in part]
    assert len(everything) >= 60
    assert set(everything) <= _stored_vendors(state)


def test_kill_during_a_save_never_corrupts(tmp_path: Path) -> None:
    """SIGKILL while the state file is being written (the moment its temporary file
    appears): the file always loads, with every record."""
    state = tmp_path / "state.json"
    port = free_port()
    process = start_sandbox_serve(state, port)
    try:
        body = "".join(_vendor(n, "S") for n in range(1, 2001))
        root = etree.fromstring(_post(port, body))
        assert root.findtext("operation/result/status") == "success"
    finally:
        stop_sandbox_serve(process, signal.SIGTERM)
    expected = _stored_vendors(state)
    assert len(expected) == 2000
    hits = 0
    for _ in range(3):
        for leftover in tmp_path.glob(".state.json.*.tmp"):
            leftover.unlink()
        killed = subprocess.Popen(
            _serve_command(state, free_port()),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and killed.poll() is None:
            if any(tmp_path.glob(".state.json.*.tmp")):  # the start-up save is under way
                hits += 1
                break
            time.sleep(0.001)
        killed.kill()
        killed.wait()
        assert _stored_vendors(state) == expected
    assert hits, "no kill landed during a save; the test did not test anything"


def _serve_command(state: Path, port: int) -> list[str]:
    script = Path(sys.executable).with_name("intacct-bridge")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "intacct_bridge.cli.main"]
    return [*base, "sandbox", "serve", "--port", str(port), "--state", str(state)]


def test_serve_refuses_a_state_file_in_a_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "s.json"
    result = CliRunner().invoke(app, ["sandbox", "serve", "--port", "1", "--state", str(missing)])
    assert result.exit_code == 1
    assert f"the directory {missing.parent} does not exist" in result.output
    assert not (tmp_path / "nonexistent").exists()


def test_admin_commands_refuse_a_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "s.json"
    result = CliRunner().invoke(
        app, ["sandbox", "add-sender", "S1", "--password", "pw", "--state", str(missing)]
    )
    assert result.exit_code == 1
    assert f"the directory {missing.parent} does not exist" in result.output
    assert not (tmp_path / "nope").exists()
