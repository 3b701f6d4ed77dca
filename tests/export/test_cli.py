"""``intacct-bridge post`` and ``intacct-bridge reconcile`` on a sandbox state file set up
by ``intacct-bridge setup sandbox``."""

from __future__ import annotations

from pathlib import Path

import pytest

from intacct_bridge.model.tenancy import DEFAULT_TENANT_ID
from intacct_bridge.store.repositories import save_document, save_record
from intacct_bridge.store.session import create_store_engine, session_factory
from tests.export.world import master_records, month, seed_books
from tests.setup.conftest import Cli, text

OPTIONS = (
    "--default-account",
    "goods_in_transit=1230",
    "--default-account",
    "rounding=7100",
    "--default-account",
    "misc_receipt_offset=5600",
    "--interentity-accounts",
    "1900,2900",
    "--rate",
    "EUR/USD=1.1@2026-11-01",
)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.chdir(tmp_path)
    made = Cli(tmp_path)
    made.env["COLUMNS"] = "200"
    made("init")
    made("setup", "sandbox", "--state", str(made.state), "--entity", "E1=One", "--entity", "E2=Two")
    sandbox = made.sandbox()
    seed_books(sandbox, "DEMO-MFG")
    made.save(sandbox)
    engine = create_store_engine(made.db)
    try:
        with session_factory(engine).begin() as session:
            for record in master_records():
                save_record(session, DEFAULT_TENANT_ID, record)  # type: ignore[arg-type]
            for document in month():
                save_document(session, DEFAULT_TENANT_ID, document)
    finally:
        engine.dispose()
    return made


def test_dry_run_post_and_reconcile(cli: Cli) -> None:
    state = ("--state", str(cli.state))
    dry = cli("post", *state, "--dry-run", "--closed", "AP=2026-11-30", *OPTIONS, code=1)
    out = text(dry)
    assert "error purchase_invoice/PI-1" in out and "AP is closed through 2026-11-30" in out
    assert cli.sandbox().backend.companies["DEMO-MFG"].data.table("APBILL").records == {}

    posted = cli("post", *state, *OPTIONS)
    assert "11 documents: 11 posted, 0 already in Intacct" in text(posted)
    status = text(cli("status", "--json"))  # posting states count with the sync states
    assert '"posting": {' in status and '"success": 11' in status
    again = cli("post", *state, *OPTIONS)
    assert "0 posted, 11 already in Intacct" in text(again)

    clean = cli("reconcile", "--period", "2026-11", *state, *OPTIONS)
    assert "0 differences; 11 documents posted, 0 not posted, 0 with problems" in text(clean)
    # without the EUR rate the bridge cannot compute the EUR invoice: it and the balances
    # it touches are listed, exit 1
    off = text(cli("reconcile", "--period", "2026-11", *state, *OPTIONS[:8], code=1))
    assert "problem sales_invoice/SI-2" in off and "exchange rate" in off
    assert "2 differences" in off and "1 with problems" in off


def test_bad_options_name_the_fix(cli: Cli) -> None:
    state = ("--state", str(cli.state))
    bad = cli("post", *state, "--default-account", "nonsense=1", code=2)
    assert "TYPE must be one of" in text(bad)
    period = cli("reconcile", "--period", "11/2026", *state, code=2)
    assert "is not YYYY-MM" in text(period)
    rate = cli("post", *state, "--rate", "EUR/USD=abc@2026-11-01", code=2)
    assert "FROM/TO=RATE@YYYY-MM-DD" in text(rate)


def test_stored_configuration_is_what_post_and_reconcile_use(cli: Cli) -> None:
    state = ("--state", str(cli.state))
    shown = text(cli("config", "posting", "show"))
    assert "derived from the store" in shown and "Stock journal: INVJ" in shown
    cli("config", "posting", "set", *OPTIONS, "--stock-journal", "INVJ", code=2)  # unknown
    stored = text(cli("config", "posting", "set", *OPTIONS))
    assert "Stored the posting configuration of tenant default" in stored
    as_json = text(cli("config", "posting", "show", "--json"))
    assert '"source": "stored"' in as_json and '"rate": "1.1"' in as_json

    posted = text(cli("post", *state))
    assert "Posting configuration: stored for this tenant" in posted
    assert "11 documents: 11 posted, 0 already in Intacct" in posted
    clean = text(cli("reconcile", "--period", "2026-11", *state))
    assert "0 differences; 11 documents posted" in clean
    # an option overrides the stored value for one run only
    off = text(
        cli("reconcile", "--period", "2026-11", *state, "--rate", "EUR/USD=2@2026-11-01", code=1)
    )
    assert "0 differences" not in off
    assert "0 differences" in text(cli("reconcile", "--period", "2026-11", *state))

    removed = text(cli("config", "posting", "reset"))
    assert "Removed the stored posting configuration" in removed
    assert "derived from the store" in text(cli("config", "posting", "show"))


def test_bad_posting_settings_name_the_field_and_fix(cli: Cli) -> None:
    unknown = text(cli("config", "posting", "set", "--default-account", "rounding=7999", code=2))
    assert "default_accounts.rounding" in unknown and "intacct-bridge pull --full" in unknown
    batch = text(cli("config", "posting", "set", "--batch", "500", code=2))
    assert "batch_size" in batch
    leave = text(cli("config", "posting", "set", "--leave-off", "projects", code=2))
    assert "--leave-off 'projects'" in leave and "project" in leave
    policy = text(cli("config", "posting", "set", "--revenue-recognition", "never", code=2))
    assert "revenue_recognition" in policy
    rate = text(cli("config", "posting", "set", "--rate", "EUR/USD=-1@2026-11-01", code=2))
    assert "positive rate" in rate
    # nothing was stored by the refused commands
    assert "derived from the store" in text(cli("config", "posting", "show"))


def test_openitems_and_the_level_warning(cli: Cli) -> None:
    state = ("--state", str(cli.state))
    # AR closed: the sales documents stay unposted while the rest goes at the top level
    first = cli("post", *state, "--closed", "AR=2026-11-30", *OPTIONS, code=1)
    assert "Warning" not in text(first)
    cli("config", "set", "--transaction-level", "entity_level")
    warned = text(cli("post", *state, "--closed", "AR=2026-11-30", *OPTIONS, code=1))
    assert "Warning:" in warned and "future posts only" in warned
    assert "future posts only" in text(cli("status"))
    cli("post", *state, *OPTIONS)
    assert "Warning" not in text(cli("post", *state, *OPTIONS))

    items = text(cli("openitems"))
    assert "6 open item(s): 6 notPaid, 0 partiallyPaid, 0 paid" in items
    pulled = text(cli("openitems", "--pull", *state, "--status", "notPaid", "--json"))
    assert '"document": "sales_invoice/SI-1"' in pulled and '"status": "notPaid"' in pulled
    assert "--status 'owed'" in text(cli("openitems", "--status", "owed", code=2))
