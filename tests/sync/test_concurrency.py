"""Two workers at once on the same tenant: each record is claimed, and sent, by one of them."""

from __future__ import annotations

import threading

from intacct_bridge.sync.worker import RunReport
from tests.sync.conftest import TENANT, Bridge, customer, item

RECORDS = 120


def test_two_workers_at_once_never_send_a_record_twice(bridge: Bridge) -> None:
    bridge.save(
        *(item(f"P-{n:03d}") for n in range(RECORDS - 20)),
        *(customer(f"C{n:03d}") for n in range(20)),
    )
    bridge.sandbox.faults.set_limits(None, latency_per_request=0.01)
    reports: list[RunReport] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            reports.append(bridge.worker(batch=10).run_until_idle(TENANT))
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert sum(r.success for r in reports) == RECORDS
    assert sum(r.sent for r in reports) == RECORDS  # no record sent by both
    assert all(r.errors == 0 for r in reports)
    assert len(bridge.intacct("ITEM")) == RECORDS - 20
    assert len(bridge.intacct("CUSTOMER")) == 20
