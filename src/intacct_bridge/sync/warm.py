"""Work a worker process would do in the first round of its first jobs, done at start-up.

A worker started and left idle has imported the engine, not what a round uses: the HTTP
client's transport and its event-loop backend are imported when the first client is made,
and the ORM's mappers are configured on the first query that needs them. Paid in the first
round, that is over a CPU-second per process — while every tenant switched on at once waits
for its first request (measured: about a second between a job's start and its first outbox
slice). :func:`warm_up` pays it before the process takes jobs. It sends nothing and writes
nothing.
"""

from __future__ import annotations

import asyncio
import importlib

import httpx
from sqlalchemy.orm import configure_mappers

#: what a round imports on first use (a posting run adds the export package)
ROUND_MODULES = (
    "anyio._backends._asyncio",
    "httpcore",
    "intacct_bridge.intacct.client",
    "intacct_bridge.sync.inspect",
    "intacct_bridge.sync.outbound",
)


async def _transport() -> None:
    async with httpx.AsyncClient():  # loads the transport and its backend, opens nothing
        pass


def warm_up(*, posting: bool = False) -> None:
    """Import what a round uses, configure the mappers and load the HTTP transport."""
    for name in ROUND_MODULES:
        importlib.import_module(name)
    if posting:
        importlib.import_module("intacct_bridge.export")
    configure_mappers()
    asyncio.run(_transport())


__all__ = ["ROUND_MODULES", "warm_up"]
