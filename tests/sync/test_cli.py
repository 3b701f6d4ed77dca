"""``intacct-bridge mapping …``, ``status`` and ``sync`` through Typer's CliRunner, on a
sandbox state file set up by ``intacct-bridge setup sandbox``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID
from intacct_bridge.store.repositories import save_record
from intacct_bridge.store.session import create_store_engine, session_factory
from tests.setup.test_cli import Cli, text
from tests.sync.conftest import contact, customer, item, supplier


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    made = Cli(tmp_path)
    made.env["COLUMNS"] = "220"  # the fields grid is wide; no wrapping in the assertions
    made("init")
    made("setup", "sandbox", "--state", str(made.state))
    return made


def _save(cli: Cli, *records: object) -> None:
    engine = create_store_engine(cli.db)
    try:
        with session_factory(engine).begin() as session:
            for record in records:
                save_record(session, DEFAULT_TENANT_ID, record)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def test_sync_status_and_a_noop_rerun(cli: Cli) -> None:
    _save(cli, contact(), item("W-1"), customer("C1", primary_contact="Ann Smith"), supplier("V1"))
    first = cli("sync", "--state", str(cli.state))
    assert "Sent 4 record(s)" in first.output and "0 in error" in first.output
    sandbox = cli.sandbox()
    company = next(iter(sandbox.backend.companies))
    assert [r["ITEMID"] for r in sandbox.admin.records(company, "ITEM")] == ["W-1"]
    again = cli("sync", "--state", str(cli.state))
    assert "Sent 0 record(s) in 0 request(s)" in again.output
    counts = json.loads(cli("status", "--json").output)["counts"]
    assert counts["item"]["success"] == 1 and counts["customer"]["success"] == 1
    assert counts["contact"]["success"] == 1 and counts["supplier"]["success"] == 1
    table = cli("status").output
    assert "Synchronised" in table and "item" in table


def test_errors_are_listed_once_with_the_fix_and_force_resends(cli: Cli) -> None:
    from intacct_bridge.model.finance import Ledger, PaymentTerm

    _save(cli, PaymentTerm(ledger=Ledger.AR, id="N45", due_days=45))
    _save(cli, customer("C1", payment_term_id="N45"), customer("C2", payment_term_id="N45"))
    failed = cli("sync", "--state", str(cli.state), code=1)
    out = text(failed)
    assert out.count("reference") == 1 and "customer C1, customer C2" in out
    assert "TERMNAME" in out and "Fix:" in out
    errors = cli("status", "--errors").output
    assert "CUSTOMER C1" in errors and "CUSTOMER C2" in errors
    refused = cli("sync", "--state", str(cli.state), "--kind", "customer", "--record", "C1", code=2)
    assert "Force synchronise" in text(refused)
    sandbox = cli.sandbox()
    company = next(iter(sandbox.backend.companies))
    sandbox.admin.seed(company, "ARTERM", [{"NAME": "N45", "DUEDATE": 45}])
    cli.save(sandbox)
    fixed = cli("sync", "--state", str(cli.state), "--force")
    assert "Queued 2 record(s)" in fixed.output and "Sent 2 record(s)" in fixed.output


def test_mapping_commands(cli: Cli) -> None:
    listed = cli("mapping", "list").output
    assert "GLACCOUNT" in listed and "Outbound" in listed and "Inbound" in listed
    shown = cli("mapping", "show", "GLACCOUNT").output
    assert "REQUIREPROJECT" in shown and "required_project" in shown
    found = cli("mapping", "inspect", "--state", str(cli.state), code=1).output
    assert "GLACCOUNT.REQUIREPROJECT" in found
    assert "intacct-bridge mapping remove-field GLACCOUNT REQUIREPROJECT" in found
    cli("mapping", "remove-field", "GLACCOUNT", "REQUIREPROJECT")
    data = json.loads(cli("mapping", "show", "GLACCOUNT", "--json").output)
    assert "REQUIREPROJECT" not in [row["id"] for row in data["fields"]]
    assert data["removed"] == ["REQUIREPROJECT"]
    after = cli("mapping", "inspect", "--state", str(cli.state), code=1).output
    assert "REQUIREPROJECT" not in after and "REQUIRETASK" in after
    cli("mapping", "set-field", "ITEM", "GLGROUP", "posting_class_id")
    cli("mapping", "set", "VENDOR", "--direction", "Not sent")
    vendor = json.loads(cli("mapping", "show", "VENDOR", "--json").output)
    assert vendor["direction"] == "Not sent" and vendor["customised"]
    cli("mapping", "reset", "GLACCOUNT")
    assert "REQUIREPROJECT" in cli("mapping", "show", "GLACCOUNT").output
    bad = cli("mapping", "set", "ITEM", "--direction", "Inbound", code=2)
    assert "ITEM cannot be synchronised 'Inbound'" in text(bad)
    unknown = cli("mapping", "show", "WIDGET", code=2)
    assert "not a mapped Intacct object" in text(unknown)


def test_bad_requests_get_one_line_and_change_nothing(cli: Cli, tmp_path: Path) -> None:
    _save(cli, item("W-1"))
    unknown_kind = cli("sync", "--state", str(cli.state), "--kind", "widget", "--all", code=2)
    assert "'widget' is not a synchronised kind" in text(unknown_kind)
    unknown_record = cli(
        "sync", "--state", str(cli.state), "--kind", "item", "--record", "NOPE", code=2
    )
    assert "no sync state for item 'NOPE'" in text(unknown_record)
    no_kind = cli("sync", "--record", "W-1", code=2)
    assert "--record needs --kind" in text(no_kind)
    unknown_tenant = cli("status", "--tenant", "nobody", code=2)
    assert "nobody" in text(unknown_tenant)
    counts = json.loads(cli("status", "--json").output)["counts"]
    assert counts["item"] == dict.fromkeys(counts["item"], 0)  # nothing was queued or sent
    sandbox = cli.sandbox()
    assert sandbox.admin.records(next(iter(sandbox.backend.companies)), "ITEM") == []
    (tmp_path / "other").mkdir()
    other = Cli(tmp_path / "other")
    other.env["INTACCT_BRIDGE_SECRET_KEY_FILE"] = cli.env["INTACCT_BRIDGE_SECRET_KEY_FILE"]
    other("init")
    unconfigured = other("sync", code=2)
    assert "no Intacct configuration" in text(unconfigured)
