"""Intacct slots shared through PostgreSQL advisory locks (sync/slots.py): never more holders
of a company than its slots across sessions, freed at once when a holder's process dies."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import uuid

import pytest

from intacct_bridge.intacct.limits import CompanyLimiter, process_limiter
from intacct_bridge.store.session import create_store_engine
from intacct_bridge.sync.slots import PgSlots, limiter_for
from tests.store.fixtures import PG_URL, PG_URL_ENV

pg_only = pytest.mark.skipif(not PG_URL, reason=f"set {PG_URL_ENV} to run on PostgreSQL")

KEY = ("127.0.0.1:1", "ACME")


@pg_only
def test_two_sessions_never_hold_more_than_the_slots_together() -> None:
    assert PG_URL is not None
    namespace = uuid.uuid4().hex  # parallel test sessions never share a key
    # Two providers = two database sessions, as two worker processes would have.
    limiters = [
        CompanyLimiter(slots=2, provider=PgSlots(PG_URL, namespace=namespace)) for _ in range(2)
    ]
    in_flight = [0]
    peak = [0]

    async def request(limiter: CompanyLimiter) -> None:
        async with limiter.slot(KEY):
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
            await asyncio.sleep(0.02)
            in_flight[0] -= 1

    async def main() -> None:
        await asyncio.gather(*(request(limiters[n % 2]) for n in range(24)))

    try:
        asyncio.run(main())
    finally:
        for limiter in limiters:
            assert isinstance(limiter.provider, PgSlots)
            limiter.provider.close()
    # Each limiter alone admits 2: without the shared slots the peak would be 4.
    assert peak[0] == 2
    assert all(limiter.peak(KEY) <= 2 for limiter in limiters)


HOLDER = textwrap.dedent(
    """
    import asyncio, sys
    from intacct_bridge.sync.slots import PgSlots

    async def main():
        slots = PgSlots(sys.argv[1], namespace=sys.argv[2])
        async with slots.hold(("127.0.0.1:1", "ACME"), 2):
            async with slots.hold(("127.0.0.1:1", "ACME"), 2):
                print("HOLDING", flush=True)
                await asyncio.sleep(60)

    asyncio.run(main())
    """
)


@pg_only
def test_a_killed_process_frees_its_slots_at_once() -> None:
    assert PG_URL is not None
    namespace = uuid.uuid4().hex
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, PG_URL, namespace],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    slots = PgSlots(PG_URL, namespace=namespace)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "HOLDING"

        async def take(timeout: float) -> bool:
            try:
                async with asyncio.timeout(timeout):
                    async with slots.hold(KEY, 2):
                        return True
            except TimeoutError:
                return False

        assert not asyncio.run(take(0.5)), "both slots are held by the other process"
        child.kill()
        child.wait(timeout=10)
        assert asyncio.run(take(5.0)), "the dead process's slots were not freed"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
        slots.close()


def test_sqlite_keeps_the_process_limiter(tmp_path: object) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path}/x.db")
    try:
        assert limiter_for(engine) is process_limiter()
    finally:
        engine.dispose()


@pg_only
def test_postgresql_gets_shared_slots_once_per_database() -> None:
    assert PG_URL is not None
    engine = create_store_engine(PG_URL)
    try:
        limiter = limiter_for(engine)
        assert limiter.provider is not None
        assert limiter_for(engine) is limiter
    finally:
        engine.dispose()


def test_pg_slots_refuse_another_database() -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        PgSlots("sqlite:///x.db")
