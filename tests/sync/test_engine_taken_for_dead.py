"""A live worker taken for dead (its heartbeat late, as under heavy load) keeps working.

Another worker's sweep deletes its engine worker row, frees its claims and puts its job back;
another worker runs that job and ends it while the first still runs it. Before, the first
worker's process died of it: procrastinate refused to finish a job no longer ``doing``
(logged as a task exception) and its next fetch named a worker row that was gone. Now the
finish is logged in one line and ignored, the worker registers again and works on, and every
record reaches Intacct exactly once (the outcome is our claims', not the engine's job row).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import procrastinate.jobs
import pytest
from sqlalchemy import func, select, text

from intacct_bridge.model.items import Item
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.sync.engine import SYNC_TASK, EngineOptions, JobEngine
from intacct_bridge.sync.state import SyncState
from tests.store.fixtures import PG_URL, PG_URL_ENV
from tests.sync.conftest import TENANT, Bridge

pytestmark = pytest.mark.skipif(not PG_URL, reason=f"set {PG_URL_ENV} to run on PostgreSQL")

RECORDS = 30
#: the first round's one request stays at the gateway this long: the sweep and the other
#: worker's end of the job land while it runs
LATENCY = 5.0


def _wait(what: str, check: Callable[[], bool], failures: list[BaseException]) -> None:
    deadline = time.monotonic() + 60
    while not check():
        assert not failures, f"the worker died: {failures!r}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _scalar(bridge: Bridge, query: str) -> object:
    with bridge.engine.connect() as connection:
        return connection.execute(text(query)).scalar()


def _claimed(bridge: Bridge) -> int:
    return int(str(_scalar(bridge, "SELECT count(*) FROM sync_state WHERE claimed_by IS NOT NULL")))


def test_a_worker_taken_for_dead_works_on(
    pg_bridge: Bridge, caplog: pytest.LogCaptureFixture
) -> None:
    bridge = pg_bridge
    bridge.save(*(Item(id=f"TD-{n:03d}", name=f"Item {n}") for n in range(RECORDS)))
    bridge.sandbox.faults.set_limits(bridge.creds.company_id, latency_per_request=LATENCY)
    transport = bridge.sandbox.transport()
    # its own sweep never takes anyone for dead, and no heartbeat of its own lands in the
    # test's window: the other worker's sweep decides alone, at once
    runner = JobEngine(
        bridge.engine,
        bridge.keyring,
        transport=transport,
        options=EngineOptions(heartbeat=60, stalled_after=86_400, batch=RECORDS, grace=1),
    )
    other = JobEngine(
        bridge.engine, bridge.keyring, transport=transport, options=EngineOptions(stalled_after=60)
    )
    stop = threading.Event()
    failures: list[BaseException] = []

    def work() -> None:
        try:
            runner.start_worker([TENANT], stop=stop)
        except BaseException as error:  # the defect: the worker process ends
            failures.append(error)

    async def take_for_dead() -> int:
        async with other.app.open_async():  # ready before the runner's request is out
            # the runner in the middle of its sync job: the records claimed, a request out
            # (it stays LATENCY seconds), and its round's other lane done with the outbox —
            # else that lane would claim the freed records again at once, under the same
            # (live) worker, and the claims would not look freed
            company = bridge.creds.company_id
            _wait(
                "the runner's claims and request",
                lambda: (
                    _claimed(bridge) > 0
                    and bool(bridge.sandbox.faults.describe()["in_flight"].get(company))
                ),
                failures,
            )
            time.sleep(0.5)
            job_id = _scalar(
                bridge,
                "SELECT id FROM procrastinate_jobs WHERE status = 'doing' "
                f"AND task_name = '{SYNC_TASK}'",
            )
            assert isinstance(job_id, int)
            # its heartbeat is late: the other worker's sweep takes it for dead
            with bridge.engine.begin() as connection:
                connection.execute(
                    text(
                        "UPDATE procrastinate_workers "
                        "SET last_heartbeat = now() - interval '1 hour'"
                    )
                )
            put_back = await other.sweep()
            # the other worker ran the job put back, and ended it
            await other.app.job_manager.finish_job_by_id_async(
                job_id, procrastinate.jobs.Status.SUCCEEDED, delete_job=True
            )
            return put_back

    thread = threading.Thread(target=work, name="taken-for-dead")
    thread.start()
    try:
        assert asyncio.run(take_for_dead()) >= 1
        assert _claimed(bridge) == 0
        bridge.sandbox.faults.set_limits(bridge.creds.company_id, latency_per_request=0.0)
        # the runner's round ends: the job it no longer has is ignored, in one line
        _wait("the ignored finish", lambda: "put back meanwhile" in caplog.text, failures)
        # and it works on (registered again): every record synchronised
        more = [Item(id=f"TD-{n:03d}", name=f"Item {n}") for n in range(RECORDS, RECORDS + 5)]
        bridge.save(*more)
        with bridge.sessions() as session:
            done = select(func.count()).where(SyncStateRow.state == SyncState.SUCCESS.value)

            def synchronised() -> bool:
                session.expire_all()
                return session.scalar(done) == RECORDS + 5

            _wait("every record synchronised", synchronised, failures)
        assert thread.is_alive()
        assert _scalar(bridge, "SELECT count(*) FROM procrastinate_workers") == 1
        assert "registered again" in caplog.text
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not failures, failures
    assert not thread.is_alive()
    ids = sorted(key for key in bridge.intacct("ITEM") if key.startswith("TD-"))
    assert ids == [f"TD-{n:03d}" for n in range(RECORDS + 5)]
