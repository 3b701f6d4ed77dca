"""``EmbeddedWorker.start_worker``: each round runs every tenant until idle, the tenants at
the same time; a tenant that cannot synchronise is reported and stops no other."""

from __future__ import annotations

import threading

from intacct_bridge.model.tenancy import Tenant
from intacct_bridge.store.repositories import create_tenant
from intacct_bridge.sync.worker import RunReport
from tests.sync.conftest import TENANT, Bridge, customer, item, supplier


def test_a_round_serves_every_tenant_and_one_failing_tenant_stops_no_other(
    bridge: Bridge,
) -> None:
    with bridge.sessions.begin() as session:
        create_tenant(session, Tenant(id="unconfigured", name="No Intacct yet"))
    bridge.save(item("R-1"), item("R-2"))
    stop = threading.Event()
    reports: dict[str, RunReport] = {}

    def said(tenant_id: str, report: RunReport) -> None:
        reports[tenant_id] = report
        stop.set()  # one round is enough

    bridge.worker().start_worker(["unconfigured", TENANT], poll=0.05, stop=stop, on_report=said)
    assert list(reports) == [TENANT]  # the unconfigured tenant was logged, not reported
    assert reports[TENANT].success == 2
    assert sorted(bridge.intacct("ITEM")) == ["R-1", "R-2"]


def test_the_rounds_of_a_tenant_sign_in_once_and_again_when_the_session_is_gone(
    bridge: Bridge,
) -> None:
    worker = bridge.worker()
    sessions = bridge.sandbox.backend.sessions
    bridge.save(item("S-1"))
    assert worker.run_until_idle(TENANT).success == 1
    assert len(sessions) == 1
    bridge.save(item("S-2"))
    assert worker.run_until_idle(TENANT).success == 1
    assert len(sessions) == 1  # the second round went on with the first one's session
    sessions.clear()  # Intacct forgot it (expired, or signed out)
    bridge.save(item("S-3"))
    report = worker.run_until_idle(TENANT)
    assert (report.success, report.errors) == (1, 0)  # refused once, signed in, sent again
    assert len(sessions) == 1
    assert sorted(bridge.intacct("ITEM")) == ["S-1", "S-2", "S-3"]
    # another worker (another process) signs in on its own
    other = bridge.worker()
    bridge.save(item("S-4"))
    assert other.run_until_idle(TENANT).success == 1
    assert len(sessions) == 2


def test_a_rounds_lanes_hold_few_batches_claimed_and_unsent(bridge: Bridge) -> None:
    """Six lanes (three kinds, two each) claim and prepare at most DEFAULT_AHEAD batches
    beyond those sent: records are not claimed long before a slot can take them, and the
    first requests go out before every lane has prepared. Watched until the first batch is
    recorded (later, batches sent and being recorded are claimed too)."""
    from sqlalchemy import func, select

    from intacct_bridge.store.tables.sync import SyncStateRow
    from intacct_bridge.sync.worker import DEFAULT_AHEAD

    batch = 10
    bridge.save(
        *(item(f"A-{n:03d}") for n in range(120)),
        *(customer(f"AC{n:03d}") for n in range(120)),
        *(supplier(f"AV{n:03d}") for n in range(120)),
    )
    bridge.sandbox.faults.set_limits(bridge.creds.company_id, latency_per_request=0.3)
    most = [0]
    stop = threading.Event()
    company = bridge.creds.company_id

    def replies() -> int:
        seen = bridge.sandbox.faults.describe()
        return int(seen["requests"].get(company, 0)) - int(seen["in_flight"].get(company, 0))

    def watch() -> None:
        # until the first write is answered (the sign-in and the inspect come before):
        # then a lane gives its place to the next, while its batch is being recorded
        claimed = select(func.count()).where(SyncStateRow.claimed_by.is_not(None))
        while not stop.is_set() and replies() <= 2:
            with bridge.sessions() as session:
                most[0] = max(most[0], int(session.scalar(claimed) or 0))
            stop.wait(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        report = bridge.worker(batch=batch).run_until_idle(TENANT)
    finally:
        stop.set()
        watcher.join()
    assert (report.success, report.errors) == (360, 0)
    assert report.requests == 2 + 36  # signed in, inspected, then the writes
    assert batch < most[0] <= DEFAULT_AHEAD * batch
