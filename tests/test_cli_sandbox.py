"""``intacct-bridge sandbox …``: scripting a state file, and serving it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from intacct_bridge.cli.main import app
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.persistence import load_state
from intacct_bridge.sandbox.seeds import DEMO_ACCOUNTS
from tests.sandbox.envelope import Caller, envelope, fn, login
from tests.servers import free_port, start_sandbox_serve, stop_sandbox_serve

ENV = "INTACCT_BRIDGE_SANDBOX_STATE"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "sandbox.json"


def run(
    runner: CliRunner, state: Path, *args: str, code: int = 0, input: str | None = None
) -> Result:
    result = runner.invoke(app, ["sandbox", *args], env={ENV: str(state)}, input=input)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def _served(state: Path) -> Sandbox:
    """What ``serve --state FILE`` would serve."""
    sandbox = Sandbox()
    load_state(sandbox.backend, state)
    return sandbox


def _caller(sandbox: Sandbox, creds: QuickstartCredentials, location: str | None = None) -> Caller:
    return Caller(httpx.Client(transport=sandbox.transport()), sandbox.endpoint, creds, location)


CREDS = QuickstartCredentials("XT_mfg", "sender-pw", "ACME", "xt_api", "user-pw")


def _script(runner: CliRunner, state: Path) -> None:
    run(runner, state, "init-company", "ACME", "--name", "Acme Mfg", "--mega",
        "-e", "US=Acme US", "-e", "UK=Acme UK")  # fmt: skip
    run(runner, state, "add-user", "ACME", "xt_api", "--password", "user-pw",
        "--first-name", "API", "--last-name", "Alias")  # fmt: skip
    run(runner, state, "authorize-sender", "ACME", "XT_mfg", "--sender-password", "sender-pw")
    run(runner, state, "seed", "ACME", "demo")


def test_scripted_state_is_what_serve_serves(runner: CliRunner, state: Path) -> None:
    _script(runner, state)
    sandbox = _served(state)
    company = sandbox.admin.company("ACME")
    assert company.name == "Acme Mfg"
    assert company.mega
    user = company.users["xt_api"]
    assert (user.user_type, user.admin, user.status, user.roles, user.top_level_access) == (
        "business",
        "full",
        "active",
        ("Admin",),
        True,
    )
    caller = _caller(sandbox, CREDS, "UK")
    assert (
        caller.ok("<getAPISession/>").root.findtext("operation/authentication/locationid") == "UK"
    )
    accounts = caller.ok(
        "<readByQuery><object>GLACCOUNT</object><fields>ACCOUNTNO</fields><query></query>"
        "<pagesize>1000</pagesize></readByQuery>"
    ).data()
    assert [row.findtext("ACCOUNTNO") for row in accounts] == [
        row["ACCOUNTNO"] for row in DEMO_ACCOUNTS
    ]
    text = state.read_text()
    assert "user-pw" not in text
    assert "sender-pw" not in text


def test_seed_from_csv_and_json_files(runner: CliRunner, state: Path, tmp_path: Path) -> None:
    _script(runner, state)
    run(runner, state, "add-dimension", "ACME", "region", "Region")
    csv_file = tmp_path / "regions.csv"
    csv_file.write_text("ID,NAME,DESCRIPTION\nN,North,\nS,South,Southern sales\n", encoding="utf-8")
    result = run(
        runner, state, "seed", "ACME", str(csv_file), "--object", "REGION", "--entity", "UK"
    )
    assert "Seeded 2 REGION record(s) into ACME" in result.output
    json_file = tmp_path / "customers.json"
    json_file.write_text(
        json.dumps(
            [
                {
                    "CUSTOMERID": "C001",
                    "NAME": "Northwind",
                    "DISPLAYCONTACT": {"PRINTAS": "Northwind", "EMAIL1": "ap@nw.test"},
                },
                {
                    "CUSTOMERID": "C002",
                    "NAME": "Contoso",
                    "TERMNAME": "N30",
                    "DISPLAYCONTACT.PRINTAS": "Contoso",
                },
            ]
        )
    )
    run(runner, state, "seed", "ACME", str(json_file), "-o", "customer")
    sandbox = _served(state)
    regions = sandbox.admin.records("ACME", "REGION", entity="UK")
    assert [(r["ID"], r["NAME"], r.get("DESCRIPTION", "")) for r in regions] == [
        ("N", "North", ""),
        ("S", "South", "Southern sales"),
    ]
    assert {r["MEGAENTITYID"] for r in regions} == {"UK"}
    customers = {r["CUSTOMERID"]: r for r in sandbox.admin.records("ACME", "CUSTOMER")}
    assert customers["C001"]["DISPLAYCONTACT.EMAIL1"] == "ap@nw.test"
    assert set(customers) == {"C001", "C002"}


def test_add_entity_sender_and_update_user(runner: CliRunner, state: Path) -> None:
    _script(runner, state)
    run(runner, state, "add-entity", "ACME", "FR", "Acme FR", "--field", "CURRENCY=EUR")
    run(runner, state, "add-sender", "PARTNER", "--password", "partner-pw")
    run(runner, state, "authorize-sender", "ACME", "PARTNER", "--status", "inactive")
    run(runner, state, "update-user", "ACME", "xt_api", "--status", "inactive")
    sandbox = _served(state)
    company = sandbox.admin.company("ACME")
    assert (
        company.data.tables["LOCATIONENTITY"]
        .records[company.data.tables["LOCATIONENTITY"].by_id["FR"]]
        .values["CURRENCY"]
        == "EUR"
    )
    assert company.authorizations == {"XT_mfg": "active", "PARTNER": "inactive"}
    assert _caller(sandbox, CREDS).call("<getAPISession/>").auth_status == "failure"
    run(runner, state, "update-user", "ACME", "xt_api", "--status", "active", "--password", "pw2")
    renewed = QuickstartCredentials("XT_mfg", "sender-pw", "ACME", "xt_api", "pw2")
    assert _caller(_served(state), renewed).ok("<getAPISession/>")
    run(runner, state, "authorize-sender", "ACME", "XT_mfg", "--revoke")
    assert _served(state).admin.company("ACME").authorizations == {"PARTNER": "inactive"}


def test_show_tables_and_json(runner: CliRunner, state: Path) -> None:
    _script(runner, state)
    output = run(runner, state, "show").output
    for expected in ("Senders", "XT_mfg", "ACME", "MEGA (US, UK)", "xt_api", "GLACCOUNT", "45"):
        assert expected in output
    described = json.loads(run(runner, state, "show", "--json").output)
    assert described["companies"][0]["records"]["GLACCOUNT"] == len(DEMO_ACCOUNTS)
    assert described["companies"][0]["users"][0]["user_id"] == "xt_api"


def test_reset(runner: CliRunner, state: Path) -> None:
    _script(runner, state)
    before = state.read_bytes()
    refused = run(runner, state, "reset", input="n\n", code=1)
    assert "Aborted" in refused.output
    assert state.read_bytes() == before
    run(runner, state, "reset", "--yes")
    assert _served(state).admin.describe() == {
        "senders": [],
        "companies": [],
        "policies": [],
        "sessions": 0,
    }


# --- refusals: a message, exit 1 or 2, the file untouched -------------------------------------


def test_refused_changes_leave_the_file_untouched(
    runner: CliRunner, state: Path, tmp_path: Path
) -> None:
    _script(runner, state)
    before = state.read_bytes()
    cases = [
        (("init-company", "ACME"), 1, "Company 'ACME' already exists."),
        (("add-user", "NOPE", "u", "--password", "p"), 1, "Company 'NOPE' does not exist."),
        (("add-user", "ACME", "u", "--password", "p", "-e", "MARS"), 1, "Entity MARS does not"),
        (("add-user", "ACME", "xt_api", "--password", "p"), 1, "already exists"),
        (("authorize-sender", "ACME", "GHOST"), 1, "Sender 'GHOST' does not exist"),
        (("add-entity", "ACME", "US", "Again"), 1, "LOCATIONENTITY row 1"),
        (("add-entity", "ACME", "DE", "Acme DE", "-f", "name=X"), 1, "as location_id and name"),
        (("add-dimension", "ACME", "vendor", "Vendor"), 1, "cannot be a user-defined dimension"),
        (("seed", "ACME", "demo"), 1, "already has GLACCOUNT 1000"),
        (("init-company", "NEW", "-m", "gl", "-m", "payroll"), 1, "Unknown module(s) payroll"),
        (("init-company", "NEW", "-e", "X=Y"), 1, "single-entity"),
        (("init-company", "NEW", "--mega", "-e", "noequals"), 2, "'noequals' is not KEY=VALUE"),
        (("add-user", "ACME", "u", "--password", "p", "--admin", "god"), 2, "'god' is not one of"),
        (("seed", "ACME", "missing.csv", "-o", "GLACCOUNT"), 2, "neither 'demo' nor an existing"),
        (("update-user", "ACME", "xt_api"), 2, "Nothing to change"),
    ]
    for args, code, message in cases:
        result = run(runner, state, *args, code=code)
        assert message in result.output, (args, result.output)
        assert state.read_bytes() == before, args
    rows = tmp_path / "accounts.csv"
    rows.write_text("ACCOUNTNO,TITLE\n9000,Fine\n9001,\n")
    seeded = run(runner, state, "seed", "ACME", str(rows), "-o", "GLACCOUNT", code=1)
    assert "GLACCOUNT row 2: Required field TITLE" in seeded.output
    no_object = run(runner, state, "seed", "ACME", str(rows), code=2)
    assert "--object" in no_object.output
    unknown = run(runner, state, "seed", "ACME", str(rows), "-o", "SPACESHIP", code=1)
    assert "Object 'SPACESHIP' does not exist" in unknown.output
    not_rows = tmp_path / "rows.json"
    not_rows.write_text('{"ACCOUNTNO": "1"}')
    shaped = run(runner, state, "seed", "ACME", str(not_rows), "-o", "GLACCOUNT", code=1)
    assert "must hold a JSON array of row objects" in shaped.output
    assert state.read_bytes() == before


def test_state_is_required_and_must_be_a_sandbox_file(
    runner: CliRunner, state: Path, tmp_path: Path
) -> None:
    missing = runner.invoke(app, ["sandbox", "show"], env={ENV: None})
    assert missing.exit_code == 2
    assert "--state" in missing.output
    absent = run(runner, state, "show", code=1)
    assert "does not exist" in absent.output
    assert not state.exists()
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"format": 1, "companies": "many"}')
    result = run(runner, corrupt, "init-company", "X", code=1)
    assert f"Sandbox state file {corrupt}: invalid content — companies:" in result.output
    assert corrupt.read_text() == '{"format": 1, "companies": "many"}'
    future = tmp_path / "future.json"
    future.write_text('{"format": 9}')
    assert "unsupported format 9" in run(runner, future, "show", code=1).output
    # --state on the command line wins over the environment
    explicit = tmp_path / "explicit.json"
    runner.invoke(app, ["sandbox", "init-company", "E", "--state", str(explicit)], env={ENV: None})
    assert _served(explicit).admin.company("E").company_id == "E"


def test_serve_refuses_a_corrupt_state_file_without_overwriting_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text("{oops")
    result = runner.invoke(app, ["sandbox", "serve", "--port", "1", "--state", str(corrupt)])
    assert result.exit_code == 1
    assert "is not valid JSON" in result.output
    assert corrupt.read_text() == "{oops"


# --- the real server ---------------------------------------------------------------------------


def _start(state: Path, port: int) -> subprocess.Popen[bytes]:
    return start_sandbox_serve(state, port)


def _interrupt(process: subprocess.Popen[bytes]) -> str:
    out = stop_sandbox_serve(process, signal.SIGINT)
    assert process.returncode == 0, out
    return out


def _post(port: int, authentication: str) -> httpx.Response:
    creds = QuickstartCredentials()
    body = envelope(
        fn("<getAPISession/>"),
        sender_id=creds.sender_id,
        sender_password=creds.sender_password,
        authentication=authentication,
    )
    return httpx.post(
        f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml",
        content=body,
        headers={"content-type": "application/xml"},
        timeout=10,
    )


@pytest.mark.server
@pytest.mark.timeout(90)
def test_serve_keeps_state_across_restarts(tmp_path: Path) -> None:
    from lxml import etree

    state = tmp_path / "served.json"
    creds = QuickstartCredentials()
    port = free_port()
    process = _start(state, port)
    try:
        reply = _post(port, login(creds.user_id, creds.company_id, creds.user_password))
        assert reply.status_code == 200
        session_id = etree.fromstring(reply.content).findtext("operation/result/data/api/sessionid")
        assert session_id
        # while it serves the file, the administration commands leave it alone
        busy = CliRunner().invoke(
            app, ["sandbox", "add-sender", "LATE", "--password", "x", "--state", str(state)]
        )
        assert busy.exit_code == 1
        assert f"{state} is in use by intacct-bridge sandbox serve (pid {process.pid}" in (
            busy.output
        )
    finally:
        output = _interrupt(process) if process.poll() is None else ""
    assert f"Saved sandbox state to {state}" in output
    saved = json.loads(state.read_text())
    assert saved["format"] == 1
    assert [c["company_id"] for c in saved["companies"]] == [creds.company_id]
    assert [s["session_id"] for s in saved["sessions"]] == [session_id]
    assert [s["sender_id"] for s in saved["senders"]] == [creds.sender_id]

    # a second server on the same file: the session from the first one still works
    port = free_port()
    process = _start(state, port)
    try:
        again = _post(port, f"<sessionid>{session_id}</sessionid>")
        root = etree.fromstring(again.content)
        assert root.findtext("operation/authentication/status") == "success"
        assert root.findtext("operation/result/status") == "success"
    finally:
        output = _interrupt(process) if process.poll() is None else ""
    assert "Loaded sandbox state from" in output
    assert "Sandbox company" not in output  # no quickstart over a loaded state


# --- custom objects, transport policies, limits and faults ------------------------------------


def _flat(output: str) -> str:
    """CLI output without rich's box drawing and line wrapping."""
    return " ".join(output.translate(str.maketrans("", "", "│╭╮╰╯─")).split())


def test_add_custom_object_then_records_through_the_gateway(
    runner: CliRunner, state: Path, tmp_path: Path
) -> None:
    _script(runner, state)
    result = run(
        runner, state, "add-custom-object", "ACME", "sage_dmo_audit_trail", "Sage DMO audit trail",
        "--field", "tenant:text(40):required", "-f", "version:number",
        "-f", "state:picklist(ok,mismatch):required", "-f", "checked_on:date",
        "-f", "active:boolean:optional", "-f", "amount:decimal",
    )  # fmt: skip
    assert (
        "Added custom object sage_dmo_audit_trail (Sage DMO audit trail) to company ACME: id, "
        "name, tenant (text, required), version (number), state (picklist, required)"
    ) in result.output
    rows = tmp_path / "audit.json"
    rows.write_text(json.dumps([{"name": "acme", "tenant": "acme-prod", "state": "ok"}]))
    run(runner, state, "seed", "ACME", str(rows), "-o", "sage_dmo_audit_trail")
    sandbox = _served(state)
    (definition,) = sandbox.admin.custom_objects("ACME")
    assert [(f["name"], f["type"], f["length"], f["required"]) for f in definition["fields"]] == [
        ("tenant", "text", 40, True),
        ("version", "number", None, False),
        ("state", "picklist", None, True),
        ("checked_on", "date", None, False),
        ("active", "boolean", None, False),
        ("amount", "decimal", None, False),
    ]
    assert definition["fields"][2]["values"] == ["ok", "mismatch"]
    caller = _caller(sandbox, CREDS)
    row = caller.ok(
        "<readByName><object>sage_dmo_audit_trail</object><keys>acme</keys>"
        "<fields>id,name,tenant,state</fields></readByName>"
    ).data()[0]
    assert [child.tag for child in row] == ["id", "name", "tenant", "state"]
    assert row.findtext("tenant") == "acme-prod"
    assert "sage_dmo_audit_trail" in run(runner, state, "show").output


def test_add_custom_object_refusals(runner: CliRunner, state: Path) -> None:
    _script(runner, state)
    before = state.read_bytes()
    cases = [
        (("NOPE", "audit", "Audit"), 1, "Company 'NOPE' does not exist."),
        (("ACME", "vendor", "Vendor"), 1, "already the standard object VENDOR"),
        (("ACME", "audit", "Audit", "-f", "tenant"), 2, "'tenant' is not NAME:TYPE[:required]"),
        (("ACME", "audit", "Audit", "-f", "a:money"), 1, "type must be one of text, number"),
        (("ACME", "audit", "Audit", "-f", "a:text(x)"), 2, "is a whole number, e.g. text(80)"),
        (("ACME", "audit", "Audit", "-f", "a:date(3)"), 2, "only text(LENGTH) and picklist"),
        (("ACME", "audit", "Audit", "-f", "a:text:maybe"), 2, "'required' or 'optional'"),
        (("ACME", "audit", "Audit", "-f", "id:text"), 1, "'id' is a system field"),
    ]
    for args, code, message in cases:
        result = run(runner, state, "add-custom-object", *args, code=code)
        assert message in _flat(result.output), (args, result.output)
        assert state.read_bytes() == before, args


def test_add_policy_is_saved_in_the_state_file(runner: CliRunner, state: Path) -> None:
    _script(runner, state)
    result = run(runner, state, "add-policy", "BRIDGE_ASYNC", "XT_mfg", "http://127.0.0.1:9/r")
    assert "Added transport policy BRIDGE_ASYNC for sender XT_mfg" in result.output
    again = run(runner, state, "add-policy", "BRIDGE_ASYNC", "XT_mfg", "https://bridge.test/r")
    assert "Replaced transport policy BRIDGE_ASYNC" in again.output
    policy = _served(state).backend.policies["BRIDGE_ASYNC"]
    assert (policy.sender_id, policy.response_url) == ("XT_mfg", "https://bridge.test/r")
    assert json.loads(state.read_text())["policies"] == [
        {
            "policy_id": "BRIDGE_ASYNC",
            "sender_id": "XT_mfg",
            "response_url": "https://bridge.test/r",
        }
    ]
    assert "BRIDGE_ASYNC" in run(runner, state, "show").output
    before = state.read_bytes()
    ghost = run(runner, state, "add-policy", "P2", "GHOST", "https://x.test/r", code=1)
    assert "Sender 'GHOST' does not exist." in ghost.output
    ftp = run(runner, state, "add-policy", "P2", "XT_mfg", "ftp://x.test/r", code=1)
    assert "must be an http(s) URL" in ftp.output
    assert state.read_bytes() == before


def _serve_and_probe(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[Result, dict[str, Any]]:
    """Run ``sandbox serve ARGS`` with uvicorn replaced by a probe of the app it would serve:
    the admin API's view of the limits and policies, and one gateway request."""
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(application: Any, **kw: Any) -> None:
        async def probe() -> None:
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://sb") as client:
                seen["limits"] = (await client.get("/sandbox/admin/limits")).json()
                seen["policies"] = (await client.get("/sandbox/admin/policies")).json()
                creds = QuickstartCredentials()
                body = envelope(
                    fn("<getAPISession/>"),
                    sender_id=creds.sender_id,
                    sender_password=creds.sender_password,
                    authentication=login(creds.user_id, creds.company_id, creds.user_password),
                )
                seen["status"] = (
                    await client.post("/ia/xml/xmlgw.phtml", content=body)
                ).status_code

        asyncio.run(probe())
        seen["uvicorn"] = kw

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = runner.invoke(app, ["sandbox", "serve", *args], env={ENV: None})
    return result, seen


def test_serve_limit_and_fault_options_set_the_default_limits(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, seen = _serve_and_probe(
        runner, monkeypatch, "--port", "8099", "--slots", "5", "--latency-request", "0.01",
        "--latency-function", "0.002", "--failure-rate", "1", "--timeout-rate", "0",
        "--drop-rate", "0", "--fault-seed", "77",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert seen["limits"]["seed"] == 77
    assert seen["limits"]["default"] == {
        "slots": 5,
        "latency_per_request": 0.01,
        "latency_per_function": 0.002,
        "failure_rate": 1.0,
        "timeout_rate": 0.0,
        "drop_rate": 0.0,
        "timeout_seconds": 0.5,
    }
    assert seen["status"] == 503  # every request fails, as asked
    assert seen["uvicorn"]["port"] == 8099
    assert (
        "Limits and faults: 5 slot(s) per company, latency 0.01s + 0.002s per function"
        in result.output
    )
    assert "failure rate 1" in result.output


def test_serve_without_fault_options_keeps_the_faithful_defaults(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, state: Path
) -> None:
    _script(runner, state)
    run(runner, state, "add-policy", "BRIDGE_ASYNC", "XT_mfg", "https://bridge.test/r")
    result, seen = _serve_and_probe(runner, monkeypatch, "--state", str(state))
    assert result.exit_code == 0, result.output
    assert seen["limits"]["default"]["slots"] == 2
    assert seen["limits"]["default"]["failure_rate"] == 0.0
    assert seen["limits"]["seed"] is None
    assert "Limits and faults:" not in result.output
    # the policy was loaded from the state file, and written back when the server stopped
    assert [p["policy_id"] for p in seen["policies"]["policies"]] == ["BRIDGE_ASYNC"]
    assert [p["policy_id"] for p in json.loads(state.read_text())["policies"]] == ["BRIDGE_ASYNC"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--slots", "0"), "Invalid value for '--slots'"),
        (("--failure-rate", "1.5"), "Invalid value for '--failure-rate'"),
        (("--drop-rate", "-0.1"), "Invalid value for '--drop-rate'"),
        (("--latency-request", "-1"), "Invalid value for '--latency-request'"),
        (("--fault-seed", "seven"), "Invalid value for '--fault-seed'"),
        (("--latency-function", "nan"), "Invalid value for '--latency-function'"),
        (
            ("--failure-rate", "0.6", "--drop-rate", "0.6"),
            "failure_rate + timeout_rate + drop_rate must not exceed 1",
        ),
    ],
)
def test_serve_refuses_impossible_limits(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], needle: str
) -> None:
    result, seen = _serve_and_probe(runner, monkeypatch, *args)
    assert result.exit_code == 2
    assert needle in _flat(result.output), result.output
    assert seen == {}  # never served


# --- the door: a listener reachable from other machines, and the CLI against a server ----------

TOKEN = "a-long-admin-token-0123456789"


def _command() -> list[str]:
    script = Path(sys.executable).with_name("intacct-bridge")
    return [str(script)] if script.exists() else [sys.executable, "-m", "intacct_bridge.cli.main"]


def _serve(*args: str, port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``sandbox serve ARGS`` on ``port``, once /healthz answers through 127.0.0.1."""
    process = subprocess.Popen(
        [*_command(), "sandbox", "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"serve exited early ({process.returncode}): {out}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError("serve did not start")


def _free_port_any() -> int:
    with socket.socket() as sock:
        sock.bind(("0.0.0.0", 0))
        return int(sock.getsockname()[1])


@pytest.mark.server
@pytest.mark.timeout(60)
def test_a_public_listener_without_an_admin_token_does_not_start() -> None:
    port = _free_port_any()
    for args, message in [
        ((), "--admin-token TOKEN (or INTACCT_BRIDGE_SANDBOX_ADMIN_TOKEN=TOKEN"),
        (("--admin-token", "short"), "too short"),
    ]:
        process = subprocess.run(
            [*_command(), "sandbox", "serve", "--host", "0.0.0.0", "--port", str(port), *args],
            capture_output=True,
            timeout=30,
            env={k: v for k, v in os.environ.items() if k != "INTACCT_BRIDGE_SANDBOX_ADMIN_TOKEN"},
        )
        output = (process.stdout + process.stderr).decode()
        assert process.returncode == 1, output
        assert message in output
        assert "--no-admin-api" in output
        assert "Traceback" not in output
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)


@pytest.mark.server
@pytest.mark.timeout(90)
def test_a_public_listener_needs_the_token_and_never_shows_it() -> None:
    port = _free_port_any()
    process = _serve(
        "--host", "0.0.0.0", port=port, env={"INTACCT_BRIDGE_SANDBOX_ADMIN_TOKEN": TOKEN}
    )
    base = f"http://127.0.0.1:{port}/sandbox/admin"
    try:
        anonymous = httpx.get(f"{base}/state", timeout=10)
        wrong = httpx.get(f"{base}/state", headers={"authorization": "Bearer nope"}, timeout=10)
        near = httpx.get(
            f"{base}/state", headers={"authorization": f"Bearer {TOKEN[:-1]}"}, timeout=10
        )
        takeover = httpx.post(
            f"{base}/companies/DEMO-MFG/users", json={"user_id": "evil", "password": "x"}
        )
        reset = httpx.post(f"{base}/reset", timeout=10)
        allowed = httpx.get(
            f"{base}/state", headers={"authorization": f"Bearer {TOKEN}"}, timeout=10
        )
        gateway = _post(port, login("xt_api", "DEMO-MFG", "sandbox-user-password"))
    finally:
        output = _interrupt(process)
    for refused in (anonymous, wrong, near, takeover, reset):
        assert refused.status_code == 401
        assert TOKEN not in refused.text
    assert allowed.status_code == 200
    (company,) = allowed.json()["companies"]
    assert [u["user_id"] for u in company["users"]] == ["xt_api"]
    assert b"<status>success</status>" in gateway.content
    assert "(bearer token required)" in output
    assert "allowed to: loopback" in output
    assert TOKEN not in output


@pytest.mark.server
@pytest.mark.timeout(90)
def test_a_public_listener_may_serve_the_gateway_without_the_admin_api() -> None:
    port = _free_port_any()
    process = _serve("--host", "0.0.0.0", "--no-admin-api", port=port)
    try:
        admin = httpx.get(f"http://127.0.0.1:{port}/sandbox/admin/state", timeout=10)
        gateway = _post(port, login("xt_api", "DEMO-MFG", "sandbox-user-password"))
    finally:
        output = _interrupt(process)
    assert admin.status_code == 404
    assert b"<status>success</status>" in gateway.content
    assert "Admin API: off" in output


def _same_script(runner: CliRunner, target: list[str], tmp_path: Path) -> list[str]:
    """The administration commands, against a file or a server; their outputs."""
    rows = tmp_path / "classes.json"
    rows.write_text('[{"CLASSID": "C1", "NAME": "One"}, {"CLASSID": "C2", "NAME": "Two"}]')
    package = tmp_path / "package.xml"
    from tests.sandbox.test_smartevents import package as make_package

    package.write_bytes(make_package("http://127.0.0.1:9/hook"))
    steps: list[tuple[list[str], int]] = [
        (["init-company", "ACME", "--mega", "-e", "US=Acme US"], 0),
        (["set-modules", "ACME", "-m", "gl", "-m", "ap", "-m", "ar"], 0),
        (["add-entity", "ACME", "UK", "Acme UK", "--field", "CURRENCY=GBP"], 0),
        (["add-sender", "XT_mfg", "--password", "sender-pw"], 0),
        (["add-sender", "XT_mfg", "--password", "other-pw"], 1),
        (["add-sender", "XT_mfg", "--password", "sender-pw", "--rekey"], 0),
        (["add-user", "ACME", "xt_api", "--password", "user-pw", "-e", "US"], 0),
        (["add-user", "ACME", "xt_api", "--password", "user-pw2", "--replace"], 0),
        (["update-user", "ACME", "xt_api", "--status", "active"], 0),
        (["authorize-sender", "ACME", "XT_mfg"], 0),
        (["authorize-sender", "ACME", "XT_mfg", "--sender-password", "changed"], 1),
        (["authorize-sender", "ACME", "NEW", "--sender-password", "new-pw"], 0),
        (["authorize-sender", "ACME", "NEW", "--revoke"], 0),
        (["add-dimension", "ACME", "region", "Region"], 0),
        (["add-custom-object", "ACME", "audit", "Audit", "-f", "tenant:text(80):required"], 0),
        (["add-policy", "P1", "XT_mfg", "http://127.0.0.1:9/async"], 0),
        (["add-policy", "P1", "XT_mfg", "http://127.0.0.1:9/async2"], 0),
        (["import-package", "ACME", str(package)], 0),
        (["seed", "ACME", str(rows), "-o", "CLASS"], 0),
        (["seed", "ACME", str(rows), "-o", "CLASS"], 1),
        (["seed", "ACME", "demo"], 0),
        (["expire-sessions", "--company", "ACME"], 0),
        (["add-user", "NOPE", "u", "--password", "p"], 1),
        (["show"], 0),
    ]
    outputs: list[str] = []
    for args, code in steps:
        result = runner.invoke(app, ["sandbox", *args, *target], env={ENV: None})
        assert result.exit_code == code, (args, result.output)
        assert "Traceback" not in result.output
        outputs.append(result.output)
    return outputs


@pytest.mark.server
@pytest.mark.timeout(120)
def test_the_cli_administers_a_running_server_like_a_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    state = tmp_path / "file.json"
    in_file = _same_script(runner, ["--state", str(state)], tmp_path)
    port = free_port()
    served = tmp_path / "served.json"
    process = _serve("--state", str(served), "--no-quickstart", port=port)
    url = f"http://127.0.0.1:{port}"
    try:
        on_server = _same_script(runner, ["--url", url], tmp_path)
        described = runner.invoke(app, ["sandbox", "show", "--json", "--url", url], env={ENV: None})
        reply = httpx.post(
            f"{url}/ia/xml/xmlgw.phtml",
            content=envelope(
                fn("<getAPISession/>"),
                sender_id="XT_mfg",
                sender_password="sender-pw",
                authentication=login("xt_api", "ACME", "user-pw2"),
            ),
            timeout=10,
        )
    finally:
        _interrupt(process)
    assert [text.replace(url, "WHERE") for text in on_server] == [
        text.replace(str(state), "WHERE") for text in in_file
    ]
    assert "Sender 'XT_mfg' already exists. To change its password, re-key it" in in_file[4]
    assert "already exists with a different password" in in_file[10]
    assert json.loads(described.output) == _served(state).admin.describe()
    # what the server changed, it saved: the file written at stop matches the scripted file
    saved, scripted = _served(served).admin.describe(), _served(state).admin.describe()
    assert saved == {**scripted, "sessions": 1}  # plus the session of the login above
    assert reply.status_code == 200
    assert b"<status>success</status>" in reply.content  # the re-keyed, replaced credentials
    assert b"<status>success</status>" in reply.content  # the re-keyed, replaced credentials


@pytest.mark.server
@pytest.mark.timeout(90)
def test_remote_cli_needs_the_token_and_drives_the_clock(runner: CliRunner) -> None:
    port = free_port()
    process = _serve("--admin-token", TOKEN, port=port)
    url = f"http://127.0.0.1:{port}"
    creds = QuickstartCredentials()
    try:
        no_token = runner.invoke(app, ["sandbox", "show", "--url", url], env={ENV: None})
        reply = _post(port, login(creds.user_id, creds.company_id, creds.user_password))
        from lxml import etree

        session_id = etree.fromstring(reply.content).findtext("operation/result/data/api/sessionid")
        env = {ENV: None, "INTACCT_BRIDGE_SANDBOX_ADMIN_TOKEN": TOKEN}
        clock = runner.invoke(app, ["sandbox", "advance-clock", "4000", "--url", url], env=env)
        after = _post(port, f"<sessionid>{session_id}</sessionid>")
        other = _post(port, login(creds.user_id, creds.company_id, creds.user_password))
        other_id = etree.fromstring(other.content).findtext("operation/result/data/api/sessionid")
        expire = runner.invoke(
            app,
            ["sandbox", "expire-sessions", "--session-id", str(other_id), "--url", url],
            env=env,
        )
        gone = _post(port, f"<sessionid>{other_id}</sessionid>")
        quick = runner.invoke(
            app,
            ["sandbox", "add-sender", creds.sender_id, "--password", "new-sender-pw", "--rekey"],
            env={**env, "INTACCT_BRIDGE_SANDBOX_URL": url},
        )
        old_sender = _post(port, login(creds.user_id, creds.company_id, creds.user_password))
    finally:
        output = _interrupt(process)
    assert no_token.exit_code == 1
    assert "--admin-token or INTACCT_BRIDGE_SANDBOX_ADMIN_TOKEN" in no_token.output
    assert clock.exit_code == 0, clock.output
    assert "4000 s ahead of the real time" in clock.output
    assert b"<status>failure</status>" in after.content  # the session timed out (3600 s)
    assert expire.output.strip() == "Expired 1 session(s)"
    assert b"<status>failure</status>" in gone.content
    assert quick.output.strip() == f"Sender {creds.sender_id} re-keyed (active)"
    assert b"<status>failure</status>" in old_sender.content
    assert TOKEN not in output + no_token.output + clock.output


def test_cli_refusals_for_the_remote_and_clock_options(runner: CliRunner, state: Path) -> None:
    both = runner.invoke(
        app, ["sandbox", "show", "--url", "http://127.0.0.1:9"], env={ENV: str(state)}
    )
    assert both.exit_code == 2
    assert "not both" in both.output
    clock = runner.invoke(app, ["sandbox", "advance-clock", "60"], env={ENV: str(state)})
    assert clock.exit_code == 2
    assert "--url" in clock.output
    port = free_port()  # nothing listens there
    down = runner.invoke(
        app, ["sandbox", "show", "--url", f"http://127.0.0.1:{port}"], env={ENV: None}
    )
    assert down.exit_code == 1
    assert "Cannot reach the sandbox admin API" in down.output
    assert "Traceback" not in down.output
    odd = runner.invoke(app, ["sandbox", "show", "--url", "ftp://x"], env={ENV: None})
    assert odd.exit_code == 2


@pytest.mark.server
@pytest.mark.timeout(90)
def test_serve_allows_only_the_callbacks_it_is_told(runner: CliRunner, state: Path) -> None:
    _script(runner, state)
    run(runner, state, "add-policy", "OLD", "XT_mfg", "http://10.1.2.3/async")  # file: no rules
    port = free_port()
    process = _serve(
        "--state", str(state), "--allow-callback", "https://bridge.example/intacct/", port=port
    )
    base = f"http://127.0.0.1:{port}/sandbox/admin"
    try:
        policy = {"policy_id": "P", "sender_id": "XT_mfg"}
        inside = httpx.post(
            f"{base}/policies",
            json={**policy, "response_url": "https://bridge.example/intacct/async"},
            timeout=10,
        )
        outside = [
            httpx.post(f"{base}/policies", json={**policy, "response_url": url}, timeout=10)
            for url in ("http://127.0.0.1:9/async", "https://bridge.example/admin")
        ]
        remote = runner.invoke(
            app,
            ["sandbox", "add-policy", "Q", "XT_mfg", "http://10.0.0.1/", "--url", base],
            env={ENV: None},
        )
    finally:
        output = _interrupt(process)
    assert "allowed to: https://bridge.example/intacct/" in output
    assert "Warning: transport policy OLD calls http://10.1.2.3/async" in output
    assert inside.status_code == 201
    for refused in outside:
        assert refused.status_code == 422
        assert "--allow-callback" in refused.json()["error"]
    assert remote.exit_code == 1
    assert "The response URL is not allowed" in remote.output
    saved = {p.policy_id for p in _served(state).backend.policies.values()}
    assert saved == {"OLD", "P"}
