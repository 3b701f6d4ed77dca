"""Issue 10's acceptance for workers, on PostgreSQL: three ``intacct-bridge worker``
processes synchronise 5,000 records against a sandbox served in its own process (a small
latency, 2 slots) while one of them is SIGKILLed twice and restarted. Every record reaches
Intacct exactly once, linked to the right RECORDNO; the sandbox never refused a request for
concurrency (GW-0010) and never saw more requests of the company at once than its slots —
before, during and after the kills.

The slots are shared through PostgreSQL (sync/slots.py): each process alone would keep to
2, so three of them without the shared count put up to 6 requests at the gateway at once
and this test fails (checked by making ``limiter_for`` return the process limiter). A
killed worker's slots stay busy until its requests' leases end (the request timeout, 4 s
here): without the leases its freed lock lets another worker in while its last request
still runs at the gateway, and this test fails with GW-0010 refusals (checked by making the
lease statement ignore a running lease).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from intacct_bridge.config.store import get_config, save_config
from intacct_bridge.model.items import Item
from intacct_bridge.sandbox import GATEWAY_PATH, QuickstartCredentials, Sandbox
from intacct_bridge.store.bulk import save_batch
from intacct_bridge.store.tables.sync import SlotLeaseRow, SyncStateRow
from intacct_bridge.sync.state import SyncState
from tests.servers import free_port, start_sandbox_serve, stop_sandbox_serve
from tests.store.fixtures import PG_URL, PG_URL_ENV, scratch_pg_url
from tests.sync.conftest import TENANT, Bridge, configure

pytestmark = pytest.mark.skipif(not PG_URL, reason=f"set {PG_URL_ENV} to run on PostgreSQL")

RECORDS = 5000
#: records per round and request (a full request); with the latency below a request takes
#: 0.6 s at the gateway: the workers mostly wait for slots (the limit is what is tested), and
#: the others try the slot of a killed worker while its last request still runs
BATCH = 100
SLOTS = 2
WORKERS = 3
#: the workers' request timeout, and so how long a killed worker's slot stays busy
REQUEST_TIMEOUT = 4.0


@pytest.fixture
def pg_bridge(tmp_path: Path) -> Iterator[Bridge]:
    with scratch_pg_url() as url:
        made = configure(Sandbox(seed=1), QuickstartCredentials(), url)
        try:
            yield made
        finally:
            made.engine.dispose()


def _states(bridge: Bridge) -> dict[str, int]:
    with bridge.sessions() as session:
        query = (
            select(SyncStateRow.state, func.count())
            .where(SyncStateRow.tenant_id == TENANT)
            .group_by(SyncStateRow.state)
        )
        return {str(state): int(count) for state, count in session.execute(query)}


def _start_worker(bridge: Bridge) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "INTACCT_BRIDGE_SECRET_KEY": bridge.keyring.keys[0].decode(),
        "INTACCT_BRIDGE_DB_URL": bridge.url,
        "INTACCT_BRIDGE_REQUEST_TIMEOUT": str(REQUEST_TIMEOUT),
    }
    env.pop("INTACCT_BRIDGE_SECRET_KEY_FILE", None)
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "intacct_bridge.cli.main", "worker"),
            *("--poll", "0.2", "--batch", str(BATCH), "--tenant", TENANT),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(bridge: Bridge, done: int, workers: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 80
    while _states(bridge).get(SyncState.SUCCESS.value, 0) < done:
        for worker in workers:
            if worker.poll() is not None:
                err = worker.stderr.read().decode() if worker.stderr else ""
                raise AssertionError(f"a worker exited ({worker.returncode}): {err}")
        assert time.monotonic() < deadline, f"no progress: {_states(bridge)}"
        time.sleep(0.05)


def _in_flight(bridge: Bridge, workers: list[subprocess.Popen[bytes]]) -> int:
    """The index of a worker with a request at the gateway now (waits for one): its slot's
    lease names its pid and was taken 0.15 to 0.4 s ago — its request has been sent and is still
    being served (it takes 0.6 s)."""
    deadline = time.monotonic() + 60
    lease = dt.timedelta(seconds=REQUEST_TIMEOUT)
    query = select(SlotLeaseRow.holder, SlotLeaseRow.busy_until, func.now()).where(
        SlotLeaseRow.busy_until > func.now()
    )
    while True:
        with bridge.sessions() as session:
            held = {
                str(holder).split(":")[1]: now_ - (until - lease)
                for holder, until, now_ in session.execute(query)
            }
        for index in (1, 0, 2):  # the second worker if it is one of them
            since = held.get(str(workers[index].pid))
            if since is not None and since <= dt.timedelta(seconds=0.4):
                wait = 0.15 - since.total_seconds()
                if wait > 0:
                    time.sleep(wait)
                return index
        assert time.monotonic() < deadline, f"no worker holds a slot: {_states(bridge)}"
        time.sleep(0.002)


def test_three_worker_processes_share_the_work_and_the_slots(pg_bridge: Bridge) -> None:
    bridge = pg_bridge
    creds = bridge.creds
    with bridge.sessions.begin() as session:
        items = [Item(id=f"WK-{n:05d}", name=f"Worker item {n}") for n in range(RECORDS)]
        assert not [r for r in save_batch(session, TENANT, items) if isinstance(r, Exception)]
    port = free_port()
    sandbox = start_sandbox_serve(
        None,
        port,
        "--slots",
        str(SLOTS),
        "--latency-request",
        "0.5",
        "--latency-function",
        "0.001",
    )
    base = f"http://127.0.0.1:{port}"
    workers: list[subprocess.Popen[bytes]] = []
    try:
        with bridge.sessions.begin() as session:
            config = get_config(session, TENANT, bridge.keyring)
            assert config is not None
            save_config(
                session, TENANT, config.updated(endpoint_url=base + GATEWAY_PATH), bridge.keyring
            )
        workers = [_start_worker(bridge) for _ in range(WORKERS)]
        # Two SIGKILLs, each of a worker in the middle of a request: once a third of the
        # records is in (the second worker), and again at once (a worker then at the gateway).
        _wait_for(bridge, RECORDS // 3, workers)
        for _kill in range(2):
            victim = _in_flight(bridge, workers)
            workers[victim].send_signal(signal.SIGKILL)
            workers[victim].wait(timeout=10)
            assert workers[victim].returncode == -signal.SIGKILL
            stderr = workers[victim].stderr
            if stderr is not None:
                stderr.close()
            workers[victim] = _start_worker(bridge)
        _wait_for(bridge, RECORDS, workers)
        limits = httpx.get(f"{base}/sandbox/admin/limits", timeout=10).json()
        listed = httpx.get(
            f"{base}/sandbox/admin/companies/{creds.company_id}/records/ITEM", timeout=30
        ).json()["records"]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:  # pragma: no cover
                worker.kill()
                worker.wait()
            if worker.stderr is not None:
                worker.stderr.close()
        stop_sandbox_serve(sandbox, signal.SIGTERM)

    assert _states(bridge) == {SyncState.SUCCESS.value: RECORDS}
    # Exactly once in Intacct, each linked to its own RECORDNO.
    ids = [str(row["ITEMID"]) for row in listed if str(row["ITEMID"]).startswith("WK-")]
    assert sorted(ids) == [f"WK-{n:05d}" for n in range(RECORDS)]
    recordnos = {str(row["ITEMID"]): int(row["RECORDNO"]) for row in listed}
    with bridge.sessions() as session:
        rows = session.execute(
            select(SyncStateRow.key, SyncStateRow.record_no).where(
                SyncStateRow.tenant_id == TENANT, SyncStateRow.kind == "item"
            )
        )
        links = {str(key): record_no for key, record_no in rows}
    assert links == {key: recordnos[key] for key in ids}
    # The company's slots held exactly across the three processes, the kills included: a
    # killed worker's slot stayed busy while its last request could still be at the gateway.
    company = creds.company_id.upper()
    assert limits["outcomes"].get("rate_limited", 0) == 0, limits
    assert limits["peak_in_flight"][company] == SLOTS, limits  # requests overlapped
