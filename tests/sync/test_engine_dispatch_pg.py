"""The dispatcher's set-based look at all tenants agrees with the worker's own, per tenant.

:meth:`JobEngine._sync_due` answers for every tenant in two statements (it runs at every
tick in every worker process); :func:`intacct_bridge.sync.worker._has_work` is what a round
checks first for its one tenant. Both must call the same tenants due, in every state a
tenant's records go through — else a tenant gets no job (its records wait), or an empty job
at every tick. And a worker process keeps to its share of the tenants' jobs, so that a job it
fetched never waits in it for a thread while another process has room.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import procrastinate.jobs
import pytest
from sqlalchemy import update

from intacct_bridge.store.base import now
from intacct_bridge.store.tables.sync import SyncCursorRow, SyncStateRow
from intacct_bridge.sync import state
from intacct_bridge.sync.engine import DISPATCH_QUEUE, JobEngine, tenant_queue
from intacct_bridge.sync.worker import _has_work
from tests.store.fixtures import PG_URL, PG_URL_ENV
from tests.sync.conftest import TENANT, Bridge, item

pytestmark = pytest.mark.skipif(not PG_URL, reason=f"set {PG_URL_ENV} to run on PostgreSQL")

NOBODY = "nobody"


def _agree(bridge: Bridge) -> list[str]:
    with bridge.sessions() as session:
        found = JobEngine._sync_due(session, [TENANT, NOBODY])
        expected = [TENANT] if _has_work(session, TENANT, now()) else []
    assert found == expected
    return found


def _states(bridge: Bridge, **values: object) -> None:
    with bridge.sessions.begin() as session:
        session.execute(update(SyncStateRow).where(SyncStateRow.tenant_id == TENANT).values(values))


def test_the_dispatcher_calls_due_the_tenants_a_round_would_work_for(pg_bridge: Bridge) -> None:
    bridge = pg_bridge
    assert _agree(bridge) == []  # nothing stored
    bridge.save(item("D-1"), item("D-2"))
    assert _agree(bridge) == [TENANT]  # outbox events not read yet
    with bridge.sessions.begin() as session:
        state.collect_all(session, TENANT)
    assert _agree(bridge) == [TENANT]  # read: two records pending, due, not claimed
    later = now() + dt.timedelta(minutes=5)
    _states(bridge, claimed_by="someone", claimed_until=later)
    assert _agree(bridge) == []  # claimed by a round
    _states(bridge, claimed_by=None, claimed_until=now() - dt.timedelta(seconds=1))
    assert _agree(bridge) == [TENANT]  # the claim lapsed
    _states(bridge, claimed_until=None, next_attempt_at=later)
    assert _agree(bridge) == []  # waiting for a later attempt
    _states(bridge, next_attempt_at=None, state=state.SyncState.SUCCESS.value)
    assert _agree(bridge) == []  # done
    bridge.save(item("D-3"))
    with bridge.sessions.begin() as session:
        state.collect_all(session, TENANT)
        cursor = session.get(SyncCursorRow, (TENANT, state.OUTBOX_CONSUMER))
        assert cursor is not None
        last = cursor.last_event_id
    _states(bridge, state=state.SyncState.SUCCESS.value)
    assert _agree(bridge) == []
    with bridge.sessions.begin() as session:  # a remembered gap holding a committed event
        session.execute(
            update(SyncCursorRow)
            .where(SyncCursorRow.tenant_id == TENANT)
            .values(gaps=[[last, last]], last_event_id=last + 10)
        )
    assert _agree(bridge) == [TENANT]
    with bridge.sessions.begin() as session:  # a gap of events not committed: not due
        session.execute(
            update(SyncCursorRow)
            .where(SyncCursorRow.tenant_id == TENANT)
            .values(gaps=[[last + 1, last + 5]])
        )
    assert _agree(bridge) == []


def test_a_worker_fetches_no_more_tenant_jobs_than_its_concurrency(pg_bridge: Bridge) -> None:
    engine = JobEngine(pg_bridge.engine, pg_bridge.keyring)
    manager = engine.app.job_manager
    limit = engine.options.concurrency
    tenants = [f"t{n}" for n in range(limit + 2)]

    async def run() -> tuple[list[str], str | None, int]:
        async with engine.app.open_async():
            worker_id = await manager.register_worker()
            for tenant in tenants:
                assert await engine.defer("intacct_bridge.sync", tenant)
            await engine.app.configure_task(
                "intacct_bridge.dispatch", queue=DISPATCH_QUEUE
            ).defer_async(timestamp=0)
            fetched = []
            for _ in range(limit):
                job = await manager.fetch_job(None, worker_id)
                assert job is not None
                fetched.append(str(job.queue))
            # its share is running: only the dispatcher's job comes, then nothing
            extra = await manager.fetch_job(None, worker_id)
            assert extra is not None
            none = await manager.fetch_job(None, worker_id)
            assert none is None
            # one tenant job ends: the next tenant's job comes
            running = await manager.list_jobs_async(status="doing")
            done = next(job for job in running if job.queue != DISPATCH_QUEUE)
            await manager.finish_job(done, procrastinate.jobs.Status.SUCCEEDED, delete_job=True)
            following = await manager.fetch_job(None, worker_id)
            return fetched, extra.queue, 0 if following is None else 1

    fetched, extra_queue, more = asyncio.run(run())
    assert fetched == [tenant_queue(t) for t in tenants[:limit]]
    assert extra_queue == DISPATCH_QUEUE
    assert more == 1
