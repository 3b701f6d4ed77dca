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
    # Each process keeps its own per-company limit (docs/decisions/0001-sync-jobs.md), so two
    # workers may exceed the company's 2 slots; the client retries the 429s it then gets.
    reports: list[RunReport] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            reports.append(bridge.worker(batch=10, retry=None).run_until_idle(TENANT))
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert sum(r.success for r in reports) == RECORDS, reports
    assert sum(r.sent for r in reports) == RECORDS  # no record sent by both
    assert all(r.errors == 0 for r in reports)
    assert len(bridge.intacct("ITEM")) == RECORDS - 20
    assert len(bridge.intacct("CUSTOMER")) == 20
