"""Acceptance: with transient errors and commit-then-drop enabled, 1,000 creates end with
exactly 1,000 records and none twice — in-process and over HTTP."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from intacct_bridge.intacct import IntacctClient, IntacctConfig, functions
from intacct_bridge.sandbox import Sandbox
from tests.servers import serve_in_thread

COUNT = 1000


def _creates() -> list[functions.Function]:
    return [
        functions.create(
            "CLASS",
            {"CLASSID": f"K{n:04d}", "NAME": f"Class {n}"},
            key_field="CLASSID",
            controlid=functions.write_controlid("t1", "CLASS", f"K{n:04d}", 1),
        )
        for n in range(COUNT)
    ]


def _check(sandbox: Sandbox, recordnos: list[str]) -> None:
    table = sandbox.backend.companies["DEMO-MFG"].data.table("CLASS")
    ids = [r.values["CLASSID"] for r in table.records.values()]
    assert sorted(ids) == [f"K{n:04d}" for n in range(COUNT)]  # all there, none twice
    assert len(set(recordnos)) == COUNT
    for n, recordno in enumerate(recordnos):
        assert table.records[int(recordno)].values["CLASSID"] == f"K{n:04d}"


async def _run(config: IntacctConfig, **kw: object) -> list[str]:
    async with IntacctClient(replace(config, batch_size=25), **kw) as client:  # type: ignore[arg-type]
        results = await client.execute(_creates())
    failed = [r.errors for r in results if not r.ok]
    assert not failed, failed[:3]
    return [r.recordno for r in results]


def test_thousand_creates_exactly_once_in_process(sandbox: Sandbox, config: IntacctConfig) -> None:
    sandbox.faults.reseed(11)
    sandbox.faults.set_limits(None, failure_rate=0.15, drop_rate=0.15)
    recordnos = asyncio.run(_run(config, transport=sandbox.transport()))
    _check(sandbox, recordnos)
    assert sandbox.faults.outcomes["drop"] > 0
    assert sandbox.faults.outcomes["fail"] > 0


@pytest.mark.server
def test_thousand_creates_exactly_once_over_http(sandbox: Sandbox, config: IntacctConfig) -> None:
    sandbox.faults.reseed(12)
    sandbox.faults.set_limits(None, failure_rate=0.1, drop_rate=0.1)
    with serve_in_thread(sandbox.asgi_app()) as base:
        recordnos = asyncio.run(_run(replace(config, endpoint=f"{base}/ia/xml/xmlgw.phtml")))
    _check(sandbox, recordnos)
    assert sandbox.faults.outcomes["drop"] > 0
