"""``intacct-bridge sandbox …`` book-keeping commands, on a state file and on a running server.

The same script of commands (module close, currencies, tax, AP policy, approvals, numbering,
undeposited funds) gives the same settings in a state file (``--state``) and in a served
sandbox (``--url``, through the admin HTTP API); a refused command exits 1 with the reason
and changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from intacct_bridge.cli.main import app
from intacct_bridge.sandbox import Sandbox
from intacct_bridge.sandbox.persistence import load_state
from tests.servers import serve_in_thread

ENV = "INTACCT_BRIDGE_SANDBOX_STATE"

#: (command, arguments after the company ID, expected output).
SCRIPT: list[tuple[str, list[str], str]] = [
    ("close-period", ["03/31/2025", "--module", "ap"], "module ap closed through 03/31/2025"),
    ("set-base-currency", ["USD"], "base currency USD"),
    ("add-exchange-rate", ["EUR", "USD", "1.1", "--effective", "01/01/2025"],
     "1 EUR = 1.1 USD from 01/01/2025"),
    ("set-currency-accounts", ["--ap", "7200", "--ar", "7200"], "ap 7200, ar 7200"),
    ("set-duplicate-bills", ["refuse"], "duplicate bill numbers: refuse"),
    ("add-tax-solution", ["UK VAT", "--purchase-account", "1400", "--sale-account", "2200"],
     "added tax solution UK VAT"),
    ("add-tax-detail", ["UK Sale 20", "--type", "S", "--percent", "20", "--account", "2200",
                        "--solution", "UK VAT"], "added tax detail UK Sale 20 (20%)"),
    ("set-approvals", ["--bills"], "approval required for APBILL"),
    ("set-numbering", ["VENDOR", "--prefix", "V-", "--width", "4", "--next", "7"],
     "VENDOR IDs numbered (V-0007, …)"),
    ("set-undeposited-account", ["1050"], "undeposited funds account: 1050"),
]  # fmt: skip

EXPECTED = {
    "closes": {"ap": "03/31/2025"},
    "base_currency": "USD",
    "exchange_rates": 1,
    "fx_accounts": {"ap": "7200", "ar": "7200"},
    "duplicate_bills": "refuse",
    "approvals": ["APBILL"],
    "id_numbering": {"VENDOR": {"prefix": "V-", "width": 4, "next": 7}},
    "undeposited_account": "1050",
}


def _run(runner: CliRunner, args: list[str], env: dict[str, str | None], code: int = 0) -> Result:
    result = runner.invoke(app, ["sandbox", *args], env=env)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def _settings(sandbox: Sandbox) -> dict[str, object]:
    found = sandbox.admin.accounting("ACME")
    return {key: found[key] for key in EXPECTED}


@pytest.fixture
def state(tmp_path: Path) -> Path:
    path = tmp_path / "sandbox.json"
    runner = CliRunner()
    env: dict[str, str | None] = {ENV: str(path)}
    _run(runner, ["init-company", "ACME"], env)
    _run(runner, ["seed", "ACME", "demo"], env)
    return path


def test_the_script_edits_a_state_file(state: Path) -> None:
    runner = CliRunner()
    env: dict[str, str | None] = {ENV: str(state)}
    for command, args, said in SCRIPT:
        assert said in _run(runner, [command, "ACME", *args], env).output
    served = Sandbox()
    load_state(served.backend, state)
    assert _settings(served) == EXPECTED
    shown = json.loads(_run(runner, ["accounting", "ACME"], env).output)
    assert {key: shown[key] for key in EXPECTED} == EXPECTED
    details = {row["DETAILID"]: row for row in served.admin.records("ACME", "TAXDETAIL")}
    added = details["UK Sale 20"]
    assert (added["TAXTYPE"], added["VALUE"], added["TAXSOLUTIONID"]) == ("Sale", "20", "UK VAT")


def test_the_script_administers_a_running_server(state: Path) -> None:
    runner = CliRunner()
    sandbox = Sandbox()
    load_state(sandbox.backend, state)
    with serve_in_thread(sandbox.asgi_app()) as base:
        env: dict[str, str | None] = {ENV: None}
        for command, args, said in SCRIPT:
            output = _run(runner, [command, "ACME", *args, "--url", base], env).output
            assert said in output
        shown = json.loads(_run(runner, ["accounting", "ACME", "--url", base], env).output)
        refused = _run(runner, ["set-duplicate-bills", "ACME", "often", "--url", base], env, 1)
    assert _settings(sandbox) == EXPECTED
    assert {key: shown[key] for key in EXPECTED} == EXPECTED
    assert "policy" in refused.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set-duplicate-bills", "ACME", "often"], "policy must be one of allow, warn, refuse"),
        (["close-period", "ACME", "03/31/2025", "--module", "payroll"], "Cannot close module"),
        (["set-currency-accounts", "ACME", "--ap", "9999"], "no GL account '9999'"),
        (["set-numbering", "ACME", "ITEM"], "object must be one of VENDOR"),
        (["approve", "ACME", "GLBATCH", "99"], "There is no GLBATCH with RECORDNO 99"),
        (["set-interentity-accounts", "ACME", "1100", "2100"], "single-entity"),
        (["accounting", "NOPE"], "NOPE"),
    ],
)
def test_a_refused_command_says_why_and_changes_nothing(
    state: Path, args: list[str], message: str
) -> None:
    before = state.read_bytes()
    result = _run(CliRunner(), args, {ENV: str(state)}, code=1)
    assert message in result.output
    assert state.read_bytes() == before
