""" "Create all" on the mapping page: a full pull of the financial setup from Intacct, run in
the background, with its progress polled by htmx.

One pull per tenant at a time: a second click while one runs shows the running one
instead of starting another. On PostgreSQL this holds across the server's worker processes
too: the pull holds a session advisory lock of its tenant on a connection of its own (ended
with the pull, or with the process if it dies), and a worker that cannot take it says a pull
is running in another process. The pull runs on a thread of its own (its own event loop), so
it outlives the request that started it; a full pull is idempotent (an unchanged record
writes nothing), so a pull started meanwhile by ``intacct-bridge pull`` costs time but does
no harm.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import threading
from contextlib import suppress
from dataclasses import dataclass, field

from fastapi import FastAPI
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.errors import BridgeError
from intacct_bridge.intacct import RetryPolicy
from intacct_bridge.intacct.errors import IntacctError
from intacct_bridge.sync.connect import client_for
from intacct_bridge.sync.inbound import InboundSync, ObjectReport
from intacct_bridge.web.console.services import ConsoleServices

log = logging.getLogger("intacct_bridge.web.console")


@dataclass
class PullJob:
    """One tenant's "Create all": what is done so far, and how it ended."""

    tenant_id: str
    started_at: dt.datetime
    objects: list[ObjectReport] = field(default_factory=list)
    finished_at: dt.datetime | None = None
    error: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.finished_at is None

    @property
    def fetched(self) -> int:
        return sum(o.fetched for o in list(self.objects))

    @property
    def changed(self) -> int:
        return sum(o.changed for o in list(self.objects))

    @property
    def rejected(self) -> int:
        return sum(len(o.rejected) for o in list(self.objects))


class PullJobs:
    """The app's "Create all" jobs, one per tenant (on ``app.state.pulls``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, PullJob] = {}

    def get(self, tenant_id: str) -> PullJob | None:
        with self._lock:
            return self._jobs.get(tenant_id)

    def running_elsewhere(self, tenant_id: str, engine: Engine) -> bool:
        """Whether another process runs the tenant's Create all (PostgreSQL only)."""
        job = self.get(tenant_id)
        if job is not None and job.running:
            return False
        held = _take(engine, tenant_id)
        if held is None:
            return engine.dialect.name == "postgresql"
        _give_back(held, tenant_id)
        return False

    def start(
        self,
        tenant_id: str,
        config: IntegrationConfig,
        sessions: sessionmaker[Session],
        services: ConsoleServices,
    ) -> tuple[PullJob | None, bool]:
        """The tenant's job and whether this call started it (``False``: one was running;
        no job: it runs in another process)."""
        with self._lock:
            current = self._jobs.get(tenant_id)
            if current is not None and current.running:
                return current, False
            bind = sessions.kw.get("bind")
            held = _take(bind, tenant_id) if isinstance(bind, Engine) else None
            if held is None and isinstance(bind, Engine) and bind.dialect.name == "postgresql":
                return None, False  # another process runs it
            job = PullJob(tenant_id, dt.datetime.now(dt.UTC))
            self._jobs[tenant_id] = job
        transport = services.transport() if services.transport else None

        async def pull() -> None:
            async with client_for(config, transport=transport, retry=RetryPolicy(attempts=2)) as c:
                report = await InboundSync(sessions, c, tenant_id).pull(
                    full=True, progress=job.objects.append
                )
            job.warnings = list(report.warnings)

        def run() -> None:
            try:
                asyncio.run(pull())
            except (BridgeError, IntacctError) as error:
                job.error = f"Intacct could not be read: {error}"
            except Exception:  # the thread must always finish the job
                log.exception("Create all failed for tenant %s", tenant_id)
                job.error = "The pull failed; the server's log has the details."
            finally:
                if held is not None:
                    _give_back(held, tenant_id)
                job.finished_at = dt.datetime.now(dt.UTC)

        threading.Thread(target=run, name=f"create-all-{tenant_id}", daemon=True).start()
        return job, True


def _key(tenant_id: str) -> int:
    digest = hashlib.sha256(f"intacct-bridge create-all {tenant_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _take(engine: Engine, tenant_id: str) -> Connection | None:
    """On PostgreSQL, a connection holding the tenant's Create all lock (``None`` when
    another session holds it); elsewhere ``None``."""
    if engine.dialect.name != "postgresql":
        return None
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _key(tenant_id)})
        if got.scalar():
            return connection
    except Exception:
        connection.close()
        raise
    connection.close()
    return None


def _give_back(connection: Connection, tenant_id: str) -> None:
    with suppress(Exception):  # a broken connection has lost its lock with its session
        connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _key(tenant_id)})
    connection.close()


def jobs_of(app: FastAPI) -> PullJobs:
    jobs = getattr(app.state, "pulls", None)
    if not isinstance(jobs, PullJobs):
        jobs = app.state.pulls = PullJobs()
    return jobs
