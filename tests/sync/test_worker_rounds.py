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
