"""A worker process killed (SIGKILL) in the middle of a sync loses nothing and duplicates
nothing: the next worker takes its records over at once and every record is in Intacct
exactly once, linked to the right RECORDNO."""

from __future__ import annotations

import signal
import subprocess
import time

from intacct_bridge.config.store import get_config, save_config
from intacct_bridge.sandbox import GATEWAY_PATH
from intacct_bridge.sync import state
from tests.children import command, environment, kill_once, successes
from tests.servers import serve_in_thread
from tests.sync.conftest import TENANT, Bridge, item

RECORDS = 150


def _successes(bridge: Bridge) -> int:
    return successes(bridge.sessions, TENANT)


def test_a_worker_killed_mid_sync_loses_and_duplicates_nothing(bridge: Bridge) -> None:
    bridge.save(*(item(f"K-{n:04d}") for n in range(RECORDS)))
    bridge.sandbox.faults.set_limits(None, latency_per_request=0.05, latency_per_function=0.004)
    with serve_in_thread(bridge.sandbox.asgi_app()) as base:
        with bridge.sessions.begin() as session:
            config = get_config(session, TENANT, bridge.keyring)
            assert config is not None
            save_config(
                session, TENANT, config.updated(endpoint_url=base + GATEWAY_PATH), bridge.keyring
            )
        kill_once(
            command("sync", "--batch", "10"),
            environment(bridge.keyring, bridge.url),
            lambda: _successes(bridge) >= 30,
            within=60,
        )
        done_before = _successes(bridge)
        assert 30 <= done_before < RECORDS, "the kill must land in the middle of the sync"
        with bridge.sessions() as session:
            held = state.list_states(session, TENANT, state="pending")
        assert len(held) == RECORDS - done_before
        report = bridge.worker(retry=None).run_until_idle(TENANT)
    assert report.errors == 0, report.problems
    assert _successes(bridge) == RECORDS
    in_intacct = bridge.sandbox.admin.records(bridge.creds.company_id, "ITEM")
    ids = [str(row["ITEMID"]) for row in in_intacct]
    assert sorted(ids) == [f"K-{n:04d}" for n in range(RECORDS)]  # each exactly once
    recordnos = {str(row["ITEMID"]): int(str(row["RECORDNO"])) for row in in_intacct}
    with bridge.sessions() as session:
        for got in state.list_states(session, TENANT, kind="item"):
            assert got.record_no == recordnos[got.key]


def test_the_worker_command_sends_changes_as_they_come_and_stops_on_sigterm(
    bridge: Bridge,
) -> None:
    bridge.save(item("A-1"))
    with serve_in_thread(bridge.sandbox.asgi_app()) as base:
        with bridge.sessions.begin() as session:
            config = get_config(session, TENANT, bridge.keyring)
            assert config is not None
            save_config(
                session, TENANT, config.updated(endpoint_url=base + GATEWAY_PATH), bridge.keyring
            )
        child = subprocess.Popen(
            command("worker", "--poll", "0.1"),
            env=environment(bridge.keyring, bridge.url),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while _successes(bridge) < 1:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            bridge.save(item("A-2"))  # a change while the worker runs
            while _successes(bridge) < 2:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            child.send_signal(signal.SIGTERM)
            output, _ = child.communicate(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
                child.communicate()
    assert child.returncode == 0, output
    assert "Worker stopped." in output
    assert sorted(bridge.intacct("ITEM")) == ["A-1", "A-2"]
