"""The task engine's job manager for our workers: a worker taken for dead lives on.

procrastinate decides a worker is dead when its heartbeat is older than ``stalled_after``;
under heavy load a live worker's heartbeat can be that late. A sweep then deletes its
worker row and puts its jobs back (sync/engine.py), and procrastinate's own worker would
die of it: finishing a job that is no longer its own raises, and fetching the next job
names a worker row that is gone. Neither may stop a worker process — what a job did is
decided by our own records' claims and control IDs, not by the engine's job row — so this
manager logs one line for each and carries on:

* finishing a job the engine no longer has as ``doing`` (put back, or run and ended by
  another worker) is ignored;
* the heartbeat registers the worker again when its row is gone;
* fetching a job with a worker row that is gone registers the worker again and fetches.

It also keeps a worker process to its share of the tenants' jobs: procrastinate runs one
job more than ``concurrency`` (room for the dispatcher's), and a process that fetched its
tenant jobs first would otherwise take that room too — one more tenant's round waiting in
it for a thread (a whole round long) while another process sits idle. With
:attr:`SurvivingJobManager.tenant_jobs` set, a process running that many tenant jobs
fetches from the dispatch queue only.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

import procrastinate.exceptions
import procrastinate.jobs
import procrastinate.manager
import psycopg.errors

log = logging.getLogger("intacct_bridge.sync.engine")

#: procrastinate's message when a job to finish is not ``doing`` (or ``todo``) any more
_NOT_DOING = 'not in "doing"'

_REVIVE = (
    "INSERT INTO procrastinate_workers (id, last_heartbeat) OVERRIDING SYSTEM VALUE "
    "VALUES (%(worker_id)s, now()) ON CONFLICT (id) DO UPDATE SET last_heartbeat = now() "
    "RETURNING (xmax = 0) AS revived"
)


def _cause(error: BaseException) -> BaseException | None:
    return error.__cause__


class SurvivingJobManager(procrastinate.manager.JobManager):
    """procrastinate's job manager, except that a worker taken for dead is not killed, and
    that a process runs at most :attr:`tenant_jobs` jobs outside ``dispatch_queue``."""

    def __init__(
        self,
        connector: procrastinate.BaseConnector,
        *,
        dispatch_queue: str = "",
        tenant_jobs: int | None = None,
    ) -> None:
        super().__init__(connector)
        #: the queue of the jobs that do not count (the dispatcher's)
        self.dispatch_queue = dispatch_queue
        #: the most jobs of other queues this process runs at once (``None``: no cap)
        self.tenant_jobs = tenant_jobs
        #: the IDs of the jobs of other queues this process fetched and has not finished
        self._running: set[int] = set()

    async def finish_job(
        self, job: procrastinate.jobs.Job, status: procrastinate.jobs.Status, delete_job: bool
    ) -> None:
        try:
            await super().finish_job(job, status, delete_job)
        except procrastinate.exceptions.ConnectorException as error:
            cause = _cause(error)
            if not isinstance(cause, psycopg.errors.RaiseException) or _NOT_DOING not in str(cause):
                raise
            log.warning(
                "job %s %s ended here (%s) but was put back meanwhile (this worker was taken "
                "for dead): ignored, its records' claims decide what was done",
                job.id,
                job.call_string,
                status.value,
            )
        finally:
            self._running.discard(job.id or 0)

    async def retry_job(
        self,
        job: procrastinate.jobs.Job,
        retry_at: datetime.datetime | None = None,
        priority: int | None = None,
        queue: str | None = None,
        lock: str | None = None,
    ) -> None:
        try:
            await super().retry_job(job, retry_at, priority, queue, lock)
        finally:
            self._running.discard(job.id or 0)

    async def update_heartbeat(self, worker_id: int) -> None:
        await self._revive(worker_id)

    async def fetch_job(
        self, queues: Iterable[str] | None, worker_id: int
    ) -> procrastinate.jobs.Job | None:
        if self.tenant_jobs is not None and len(self._running) >= self.tenant_jobs:
            queues = [self.dispatch_queue]  # this process's share is running: dispatch only
        try:
            job = await super().fetch_job(queues, worker_id)
        except procrastinate.exceptions.ConnectorException as error:
            if not isinstance(_cause(error), psycopg.errors.ForeignKeyViolation):
                raise
            await self._revive(worker_id)
            job = await super().fetch_job(queues, worker_id)
        if job is not None and job.id is not None and job.queue != self.dispatch_queue:
            self._running.add(job.id)
        return job

    @property
    def running(self) -> int:
        """The jobs outside the dispatch queue this process runs now."""
        return len(self._running)

    async def _revive(self, worker_id: int) -> None:
        """The heartbeat; registers the worker again (same ID) if a sweep deleted it."""
        row = await self.connector.execute_query_one_async(query=_REVIVE, worker_id=worker_id)
        if row["revived"]:
            log.warning(
                "engine worker %s was taken for dead (its heartbeat was late) and its jobs "
                "put back: registered again, working on",
                worker_id,
            )


__all__ = ["SurvivingJobManager"]
