""" "Create all" on the mapping page: a full pull of the financial setup from Intacct, run in
the background, with its progress polled by htmx.

One pull per tenant at a time in this process: a second click while one runs shows the
running one instead of starting another. The pull runs on a thread of its own (its own
event loop), so it outlives the request that started it; a full pull is idempotent (an
unchanged record writes nothing), so a pull started meanwhile by ``intacct-bridge pull`` or
another server process costs time but does no harm.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from dataclasses import dataclass, field

from fastapi import FastAPI
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

    def start(
        self,
        tenant_id: str,
        config: IntegrationConfig,
        sessions: sessionmaker[Session],
        services: ConsoleServices,
    ) -> tuple[PullJob, bool]:
        """The tenant's job and whether this call started it (``False``: one was running)."""
        with self._lock:
            current = self._jobs.get(tenant_id)
            if current is not None and current.running:
                return current, False
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
                job.finished_at = dt.datetime.now(dt.UTC)

        threading.Thread(target=run, name=f"create-all-{tenant_id}", daemon=True).start()
        return job, True


def jobs_of(app: FastAPI) -> PullJobs:
    jobs = getattr(app.state, "pulls", None)
    if not isinstance(jobs, PullJobs):
        jobs = app.state.pulls = PullJobs()
    return jobs
