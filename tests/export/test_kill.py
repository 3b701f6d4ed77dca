"""``intacct-bridge post`` killed (SIGKILL) in the middle of a run: the next run posts the
rest, and every document is in Intacct exactly once with its RECORDNO."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.secrets import Keyring, KeySource, generate_key
from intacct_bridge.config.store import save_config
from intacct_bridge.export import PostingRunReport, post_documents
from intacct_bridge.model.documents import DocumentType
from intacct_bridge.sandbox import GATEWAY_PATH
from intacct_bridge.secret import Secret
from intacct_bridge.store.session import session_factory
from intacct_bridge.store.tables.sync import SyncStateRow
from tests.export.world import CONFIG, TENANT, World, make_sandbox, make_store, month
from tests.posting.books import document, line
from tests.servers import serve_in_thread
from tests.store.fixtures import backend, fresh_url  # noqa: F401

RECEIPTS = 60


@pytest.fixture
def world(fresh_url: str) -> Iterator[tuple[World, str]]:  # noqa: F811
    sandbox, creds = make_sandbox()
    receipts = [
        document(
            DocumentType.PURCHASE_RECEIPT,
            line(quantity="1", unit_cost="10.00"),
            number=f"R-{n:03d}",
        )
        for n in range(RECEIPTS)
    ]
    engine = make_store(fresh_url, [*month(), *receipts])
    yield World(sandbox, creds, engine), fresh_url
    engine.dispose()


def _successes(world: World) -> int:
    with session_factory(world.engine)() as session:
        query = (
            select(func.count())
            .select_from(SyncStateRow)
            .where(SyncStateRow.tenant_id == TENANT, SyncStateRow.state == "success")
        )
        return int(session.scalar(query) or 0)


def test_post_killed_mid_run_loses_and_duplicates_nothing(world: tuple[World, str]) -> None:
    bridge, url = world
    total = RECEIPTS + 11
    bridge.sandbox.faults.set_limits(None, latency_per_request=0.05, latency_per_function=0.004)
    keyring = Keyring([generate_key()], KeySource("env"))
    with serve_in_thread(bridge.sandbox.asgi_app()) as base:
        config = IntegrationConfig(
            tenant_id=TENANT,
            option_active=True,
            endpoint_url=base + GATEWAY_PATH,
            sender_id=bridge.creds.sender_id,
            sender_password=Secret(bridge.creds.sender_password),
            company_id=bridge.creds.company_id,
            user_id=bridge.creds.user_id,
            user_password=Secret(bridge.creds.user_password),
        )
        with session_factory(bridge.engine).begin() as session:
            save_config(session, TENANT, config, keyring)
        env = {
            **os.environ,
            "INTACCT_BRIDGE_SECRET_KEY": keyring.keys[0].decode(),
            "INTACCT_BRIDGE_DB_URL": url,
        }
        env.pop("INTACCT_BRIDGE_SECRET_KEY_FILE", None)
        command = [sys.executable, "-m", "intacct_bridge.cli.main", "post", "--tenant", TENANT]
        command += ["--batch", "3", "--interentity-accounts", "1900,2900"]
        command += [
            "--default-account",
            "goods_in_transit=1230",
            "--rate",
            "EUR/USD=1.1@2026-11-01",
        ]
        child = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 90
            while _successes(bridge) < 12:
                assert child.poll() is None, child.stderr.read() if child.stderr else ""
                assert time.monotonic() < deadline, "the post made no progress"
                time.sleep(0.02)
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            if child.stderr is not None:
                child.stderr.close()
    done_before = _successes(bridge)
    assert 12 <= done_before < total, "the kill must land in the middle of the run"
    bridge.sandbox.faults.set_limits(None, latency_per_request=0.0, latency_per_function=0.0)

    async def rerun() -> PostingRunReport:
        async with bridge.client() as client:
            return await post_documents(bridge.engine, TENANT, client, config=CONFIG)

    report = asyncio.run(rerun())
    assert report.ok and report.already + report.posted == total
    batches = bridge.records("GLBATCH")
    keys = [str(b["REFERENCENO"]) for b in batches]
    assert len(keys) == len(set(keys))  # nothing twice
    receipts = sorted(k for k in keys if k.startswith("purchase_receipt/R-"))
    assert receipts == [f"purchase_receipt/R-{n:03d}/GLBATCH" for n in range(RECEIPTS)]
    by_key = {str(b["REFERENCENO"]): int(b["RECORDNO"]) for b in batches}
    for outcome in report.outcomes:
        if outcome.intacct_object == "GLBATCH":
            assert outcome.record_no == by_key[f"{outcome.key}/GLBATCH"]
