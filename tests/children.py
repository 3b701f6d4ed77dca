"""``intacct-bridge`` commands run as child processes, for the tests that kill one mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.config.secrets import Keyring
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.sync.state import SyncState


def command(*args: str) -> list[str]:
    """The command line of ``intacct-bridge ARGS`` in this interpreter."""
    return [sys.executable, "-m", "intacct_bridge.cli.main", *args]


def environment(keyring: Keyring, db_url: str) -> dict[str, str]:
    """This process's environment with the bridge's secret key and database URL in it."""
    env = {
        **os.environ,
        "INTACCT_BRIDGE_SECRET_KEY": keyring.keys[0].decode(),
        "INTACCT_BRIDGE_DB_URL": db_url,
    }
    env.pop("INTACCT_BRIDGE_SECRET_KEY_FILE", None)
    return env


def successes(sessions: sessionmaker[Session], tenant_id: str) -> int:
    """How many records of the tenant are synchronised (sync state ``success``)."""
    with sessions() as session:
        query = (
            select(func.count())
            .select_from(SyncStateRow)
            .where(
                SyncStateRow.tenant_id == tenant_id,
                SyncStateRow.state == SyncState.SUCCESS.value,
            )
        )
        return int(session.scalar(query) or 0)


def kill_once(
    args: list[str], env: dict[str, str], reached: Callable[[], bool], *, within: float
) -> None:
    """Run ``args`` and kill it (SIGKILL) as soon as ``reached()``; the test fails if the
    child ends first (with its error output) or ``within`` seconds pass."""
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + within
        while not reached():
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, f"{' '.join(args[3:])}: no progress in {within:g} s"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stderr is not None:
            child.stderr.close()
