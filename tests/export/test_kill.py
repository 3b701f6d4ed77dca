"""``intacct-bridge post`` killed (SIGKILL) in the middle of a run: the next run posts the
rest, and every document is in Intacct exactly once with its RECORDNO."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.secrets import Keyring, KeySource, generate_key
from intacct_bridge.config.store import save_config
from intacct_bridge.export import PostingRunReport, post_documents
from intacct_bridge.model.documents import DocumentType
from intacct_bridge.sandbox import GATEWAY_PATH
from intacct_bridge.secret import Secret
from intacct_bridge.store.session import session_factory
from tests.children import command, environment, kill_once, successes
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
    return successes(session_factory(world.engine), TENANT)


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
        post = command("post", "--tenant", TENANT, "--batch", "3")
        post += ["--interentity-accounts", "1900,2900"]
        post += ["--default-account", "goods_in_transit=1230", "--rate", "EUR/USD=1.1@2026-11-01"]
        kill_once(post, environment(keyring, url), lambda: _successes(bridge) >= 12, within=90)
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
