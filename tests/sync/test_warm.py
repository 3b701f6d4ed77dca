"""A worker process warms up before its first job: what a round imports on first use is
loaded, and the mappers configured, before any job runs (sync/warm.py)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from sqlalchemy import inspect
import intacct_bridge.sync.engine  # what a worker process has loaded before its first job
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.sync.warm import ROUND_MODULES, warm_up
missing = [name for name in ROUND_MODULES if name not in sys.modules]
assert missing, "nothing left to warm: the test would prove nothing"
assert not inspect(SyncStateRow).configured, "mappers configured before the warm-up"
warm_up()
assert not [name for name in ROUND_MODULES if name not in sys.modules]
assert inspect(SyncStateRow).configured
print(" ".join(missing))
"""


def test_warm_up_loads_what_the_first_round_would() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    # the HTTP transport and its event-loop backend: what the first round would import
    assert set(done.stdout.split()) >= {"httpcore", "anyio._backends._asyncio"}
