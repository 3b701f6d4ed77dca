"""``EmbeddedWorker.start_worker``: each round runs every tenant until idle, the tenants at
the same time; a tenant that cannot synchronise is reported and stops no other."""

from __future__ import annotations

import threading

from intacct_bridge.model.tenancy import Tenant
from intacct_bridge.store.repositories import create_tenant
from intacct_bridge.sync.worker import RunReport
from tests.sync.conftest import TENANT, Bridge, item


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
