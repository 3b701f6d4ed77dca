"""``intacct-bridge pull`` against the sandbox served over HTTP."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from intacct_bridge.cli.main import app
from intacct_bridge.model.sites import Company
from intacct_bridge.sandbox import GATEWAY_PATH
from intacct_bridge.store.repositories import save_record
from tests.servers import serve_in_thread
from tests.sync.world import TENANT, configure, make_sandbox, make_store


def test_pull_reads_the_chart_then_only_changes_and_reports_mismatches(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bridge.db'}"
    store = make_store(url)
    sandbox, creds, clock = make_sandbox()
    runner = CliRunner()
    env = {
        "INTACCT_BRIDGE_DB_URL": url,
        "INTACCT_BRIDGE_SECRET_KEY": store.keyring.keys[0].decode(),
        "INTACCT_BRIDGE_SECRET_KEY_FILE": None,
        "INTACCT_BRIDGE_TENANT": None,
    }
    try:
        with serve_in_thread(sandbox.asgi_app()) as sandbox_url:
            configure(store, creds, endpoint=sandbox_url + GATEWAY_PATH)
            first = runner.invoke(app, ["pull", "--tenant", TENANT], env=env)
            assert first.exit_code == 0, first.output
            assert "GLACCOUNT" in first.output and "full" in first.output
            assert "PROJECT is not available" in first.output
            assert "GLACCOUNT: 45 read, 45 changed" in first.output  # progress, as it goes
            clock.tick()
            again = runner.invoke(
                app, ["pull", "--tenant", TENANT, "--object", "GLACCOUNT"], env=env
            )
            assert again.exit_code == 0, again.output
            assert "incremental" in again.output and "0 record(s) changed" in again.output
            with store.sessions.begin() as session:
                save_record(
                    session,
                    TENANT,
                    Company(id="FR", name="France", currency="EUR", intacct_entity_id="FR1"),
                )
            mismatch = runner.invoke(app, ["pull", "--tenant", TENANT], env=env)
            assert mismatch.exit_code == 1, mismatch.output
            assert "company FR carries Entity ID FR1, which is not an" in mismatch.output
        unknown = runner.invoke(app, ["pull", "--tenant", "nobody"], env=env)
        assert unknown.exit_code == 2 and "nobody" in unknown.output
        assert "Traceback" not in unknown.output
    finally:
        store.engine.dispose()
