"""Intacct slots shared through PostgreSQL advisory locks and leases (sync/slots.py): never
more holders of a company than its slots across sessions; a live holder's slot is free again
the moment it gives it back, a dead holder's only when its request's lease has ended."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator

import pytest

from intacct_bridge.intacct.limits import CompanyLimiter, process_limiter
from intacct_bridge.store.migrate import upgrade
from intacct_bridge.store.session import create_store_engine
from intacct_bridge.sync.slots import PgSlots, SlotLeaseError, limiter_for
from tests.store.fixtures import PG_URL, PG_URL_ENV, scratch_pg_url

pg_only = pytest.mark.skipif(not PG_URL, reason=f"set {PG_URL_ENV} to run on PostgreSQL")

KEY = ("127.0.0.1:1", "ACME")


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A scratch schema migrated to head (the leases' table is in the store's schema)."""
    with scratch_pg_url() as url:
        upgrade(url)
        yield url


async def take(slots: PgSlots, timeout: float, lease: float = 60.0) -> bool:
    """Whether a slot of KEY (2 slots) is had within ``timeout`` seconds (given back)."""
    try:
        async with asyncio.timeout(timeout):
            async with slots.hold(KEY, 2, lease):
                return True
    except TimeoutError:
        return False


@pg_only
def test_two_sessions_never_hold_more_than_the_slots_together(pg_url: str) -> None:
    namespace = uuid.uuid4().hex  # parallel test sessions never share a key
    # Two providers = two database sessions, as two worker processes would have.
    limiters = [
        CompanyLimiter(slots=2, provider=PgSlots(pg_url, namespace=namespace)) for _ in range(2)
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
        lease = float(sys.argv[3])
        async with slots.hold(("127.0.0.1:1", "ACME"), 2, lease):
            async with slots.hold(("127.0.0.1:1", "ACME"), 2, lease):
                print("HOLDING", flush=True)
                await asyncio.sleep(60)

    asyncio.run(main())
    """
)


def _holder(url: str, namespace: str, lease: float) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url, namespace, str(lease)],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "HOLDING"
    return child


def _end(child: subprocess.Popen[str]) -> None:
    if child.poll() is None:
        child.kill()
        child.wait()
    if child.stdout is not None:
        child.stdout.close()


@pg_only
def test_a_killed_holder_keeps_its_slots_until_their_leases_end(pg_url: str) -> None:
    """The kill window: a SIGKILLed worker's lock is gone at once, but its request may still
    be running at the gateway until the request timeout — its slot is not taken before."""
    namespace = uuid.uuid4().hex
    lease = 2.5
    child = _holder(pg_url, namespace, lease)
    taken_by_child = time.monotonic()
    slots = PgSlots(pg_url, namespace=namespace)
    try:
        assert not asyncio.run(take(slots, 0.3)), "both slots are held by the other process"
        child.kill()
        child.wait(timeout=10)
        # its session (and advisory locks) are gone, but its leases still run
        assert not asyncio.run(take(slots, 1.0)), "a dead holder's slot was taken mid-lease"
        assert asyncio.run(take(slots, 5.0)), "the dead process's slots never came back"
        assert time.monotonic() - taken_by_child >= lease - 0.2
    finally:
        _end(child)
        slots.close()


@pg_only
def test_a_live_holder_gives_its_slot_back_at_once(pg_url: str) -> None:
    """A long lease costs nothing on the happy path: given back, the slot is free at once
    (here for another session; the lease of 1 hour would otherwise block it)."""
    namespace = uuid.uuid4().hex
    first, second = PgSlots(pg_url, namespace=namespace), PgSlots(pg_url, namespace=namespace)

    async def main() -> float:
        async with first.hold(KEY, 2, 3600.0):
            async with first.hold(KEY, 2, 3600.0):
                assert not await take(second, 0.2)
        began = time.monotonic()
        assert await take(second, 2.0)
        return time.monotonic() - began

    try:
        assert asyncio.run(main()) < 0.5
    finally:
        first.close()
        second.close()


@pg_only
def test_a_database_without_the_lease_table_says_how_to_fix_it() -> None:
    with scratch_pg_url() as url:  # not migrated
        slots = PgSlots(url, namespace=uuid.uuid4().hex)
        try:
            with pytest.raises(SlotLeaseError, match="intacct-bridge db upgrade"):
                asyncio.run(take(slots, 2.0))
        finally:
            slots.close()


def test_sqlite_keeps_the_process_limiter(tmp_path: object) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path}/x.db")
    try:
        assert limiter_for(engine) is process_limiter()
    finally:
        engine.dispose()


@pg_only
def test_postgresql_gets_shared_slots_once_per_database(pg_url: str) -> None:
    engine = create_store_engine(pg_url)
    try:
        limiter = limiter_for(engine)
        assert limiter.provider is not None
        assert limiter_for(engine) is limiter
    finally:
        engine.dispose()


def test_pg_slots_refuse_another_database() -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        PgSlots("sqlite:///x.db")
