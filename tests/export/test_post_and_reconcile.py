"""Export end to end: a month of documents posted to the sandbox, exactly once, then
reconciled against its general ledger — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from intacct_bridge.export import post_documents, reconcile
from tests.export.world import CONFIG, TENANT, World, make_sandbox, make_store
from tests.store.fixtures import backend, fresh_url  # noqa: F401


@pytest.fixture
def world(fresh_url: str) -> Iterator[World]:  # noqa: F811
    sandbox, creds = make_sandbox()
    engine = make_store(fresh_url)
    yield World(sandbox, creds, engine)
    engine.dispose()


def _post(world: World, **kw: object):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with world.client() as client:
            return await post_documents(world.engine, TENANT, client, config=CONFIG, **kw)

    return asyncio.run(go())


def _reconcile(world: World, period: str = "2026-11"):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with world.client() as client:
            return await reconcile(world.engine, TENANT, client, period, config=CONFIG)

    return asyncio.run(go())


def test_month_posts_once_and_reconciles(world: World) -> None:
    report = _post(world)
    assert [o for o in report.outcomes if o.state != "success"] == []
    assert report.posted == 10
    recon = _reconcile(world)
    assert recon.differences == []
    assert recon.actual == recon.expected
    # both sides hold the month: stock, GRNI, AP, AR, revenue, tax … per entity
    assert {(k.account_id, k.entity_id) for k in recon.actual} >= {
        ("1220", "E1"),
        ("2050", "E1"),
        ("2000", "E1"),
        ("1100", "E1"),
        ("4000", "E1"),
        ("2200", "E1"),
        ("1400", "E1"),
    }
    assert recon.clean
    assert len(recon.posted) == 10
