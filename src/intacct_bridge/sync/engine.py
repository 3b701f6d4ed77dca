"""Worker processes on PostgreSQL: the bridge's jobs, scheduled and recovered by procrastinate.

The one module that knows the task engine (docs/decisions/0003-task-engine.md). The durable
per-record state stays ours — ``sync_state`` rows, leased ``SKIP LOCKED`` claims,
deterministic control IDs — and procrastinate schedules and recovers *jobs* over it:

======================  ==========================================  ==========================
job                     does                                        locks
======================  ==========================================  ==========================
``dispatch``            periodic (every ``tick`` s): for each       —
                        active tenant with due work, defers the
                        jobs below
``sync``                one round of the tenant's due records       queueing lock per tenant
                        (:meth:`EmbeddedWorker.run_until_idle_async`)  (one queued at a time);
                                                                    none deferred while one
                                                                    runs on a live worker; two
                                                                    that meet share the claims
``post``                the tenant's due documents                  queueing lock and lock per
                        (:func:`intacct_bridge.export.post_documents`)  tenant: one at a time
``pull``                incremental inbound pull                    queueing lock and lock per
                        (:class:`~intacct_bridge.sync.inbound.InboundSync`)  tenant
======================  ==========================================  ==========================

A tenant's jobs go to its own queue (``tenant.<id>``), so ``intacct-bridge worker --tenant A``
listens to ``dispatch`` and ``tenant.A`` only. Each job runs in a thread of its own with its
own event loop, so the engine's loop — heartbeats, the stalled-job sweep — never waits for
a job's database work.

**A killed worker.** Every worker process writes a heartbeat every ``heartbeat`` seconds and
sweeps every ``sweep`` seconds: jobs left ``doing`` by a worker whose heartbeat is older than
``stalled_after`` are put back to ``todo`` (any surviving worker may run them), and the
records that dead worker had claimed are released at once (its claims carry its
procrastinate worker ID: ``host:pid:w<ID>``), on any machine. Nothing is lost (the state is
ours) and nothing is sent twice (control IDs). A live worker taken for dead (its heartbeat
late under load) works on: see :mod:`.engine_jobs`. SIGTERM stops fetching jobs, lets the jobs
in progress finish for ``grace`` seconds, then cancels them: a cancelled round gives its
claimed records back, a cancelled posting run leaves its documents ``pending`` for the next
run to look up before resending.

The per-company Intacct slot limit across processes stays :mod:`.slots` (advisory locks).
On SQLite there is no engine: :class:`EmbeddedWorker` runs in the process.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import os
import socket
import threading
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from sqlalchemy import Engine, exists, func, literal, or_, select, text, union_all, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from intacct_bridge.config.secrets import Keyring
from intacct_bridge.errors import BridgeError
from intacct_bridge.model.documents import DocumentType
from intacct_bridge.store.base import now
from intacct_bridge.store.session import session_factory
from intacct_bridge.store.tables.config import IntegrationConfigRow
from intacct_bridge.store.tables.sync import SyncCursorRow, SyncStateRow
from intacct_bridge.store.tables.tenancy import ChangeEventRow
from intacct_bridge.sync import state
from intacct_bridge.sync.connect import client_for, load_config
from intacct_bridge.sync.warm import warm_up
from intacct_bridge.sync.worker import (
    DEFAULT_BATCH,
    DEFAULT_LEASE,
    EmbeddedWorker,
    Progress,
    RunReport,
    SyncJobs,
    unread_after,
)

if TYPE_CHECKING:
    import procrastinate

    from intacct_bridge.export.service import PostingConfig, PostingRunReport

log = logging.getLogger("intacct_bridge.sync.engine")

T = TypeVar("T")

#: the queue of the periodic dispatcher
DISPATCH_QUEUE = "dispatch"
#: job names (stable: workers of one deployment must agree on them)
DISPATCH_TASK = "intacct_bridge.dispatch"
SYNC_TASK = "intacct_bridge.sync"
POST_TASK = "intacct_bridge.post"
PULL_TASK = "intacct_bridge.pull"
PULL_DISPATCH_TASK = "intacct_bridge.dispatch_pulls"
#: the posting kind in sync_state (export.service.KIND, without importing export here)
_POSTING = "posting"
#: the sync_cursor consumer that remembers up to which change event documents were posted
POSTING_CONSUMER = "posting"
_DOCUMENT_KINDS = tuple(kind.value for kind in DocumentType)
#: seconds: a heartbeat this old is never seen (a year)
_NEVER = 365 * 24 * 3600.0
#: seconds between procrastinate's polls for jobs to abort (every second cost each worker
#: process about 1 % of its CPU, for aborts nobody asks for)
_ABORT_POLL = 30.0


def tenant_queue(tenant_id: str) -> str:
    """The queue of a tenant's jobs."""
    return f"tenant.{tenant_id}"


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """How a worker process runs (every worker of a deployment should use the same)."""

    #: seconds between dispatches (whole seconds; procrastinate's periodic tasks)
    tick: float = 1.0
    #: jobs run at once by this process
    concurrency: int = 4
    #: seconds between heartbeats of this process
    heartbeat: float = 1.0
    #: a worker whose heartbeat is this old is dead: its jobs are retried, its claims freed
    stalled_after: float = 10.0
    #: seconds between stalled-job sweeps
    sweep: float = 1.0
    #: on SIGTERM, seconds the jobs in progress may take before they are cancelled
    grace: float = 10.0
    #: records claimed per round of a sync job
    batch: int = DEFAULT_BATCH
    #: lease of a claim (records of a worker that vanished without its heartbeat noticed)
    lease: float = DEFAULT_LEASE
    #: post the tenants' documents, each with its stored posting configuration
    #: (``config posting show``); ``None``: no posting jobs. The mapping holds the settings
    #: every tenant's run overrides (the worker's ``--post`` options; empty: none)
    posting: Mapping[str, Any] | None = None
    #: minutes between incremental inbound pulls of every tenant (0: none)
    pull_every: int = 0


class EngineError(BridgeError):
    """The task engine cannot run (not PostgreSQL, schema missing …); the message says why."""


def _conninfo(engine: Engine) -> str:
    url = make_url(engine.url)
    if url.get_backend_name() != "postgresql":
        raise EngineError(
            "worker processes with the task engine need PostgreSQL; on SQLite the embedded "
            "worker runs in the process (intacct-bridge worker --engine embedded)"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _cron_seconds(tick: float) -> str:
    seconds = max(1, math.ceil(tick))
    if seconds >= 60:
        return f"*/{min(59, seconds // 60)} * * * *"
    return f"* * * * * */{seconds}"


class JobEngine:
    """:class:`~intacct_bridge.sync.worker.SyncJobs` on PostgreSQL through procrastinate.

    ``enqueue`` and ``run_until_idle`` are the embedded worker's (they work in this process);
    :meth:`start_worker` runs this process as one of the deployment's workers.
    """

    def __init__(
        self,
        engine: Engine,
        keyring: Keyring | None,
        *,
        options: EngineOptions | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.engine = engine
        self.keyring = keyring
        self.options = options or EngineOptions()
        self.transport = transport
        self.sessions = session_factory(engine)
        self._conninfo = _conninfo(engine)
        self.local = EmbeddedWorker(engine, keyring, transport=transport, batch=self.options.batch)
        #: the sync worker of each tenant in this process (their inspect cache lives on)
        self._workers: dict[str, EmbeddedWorker] = {}
        self._syncing: set[str] = set()
        self._guard = threading.Lock()
        #: the tenants' jobs (sync, post, pull): the job manager fetches no more of them
        #: than there are threads, so that a job fetched never waits here for a thread
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(1, self.options.concurrency), thread_name_prefix="intacct-job"
        )
        #: the engine's own database work (dispatch, the sweep's claim release): never
        #: behind a tenant's round, which may take minutes
        self._engine_pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=2, thread_name_prefix="intacct-engine"
        )
        self._on_report: Callable[[str, RunReport], None] | None = None
        self.app = self._build_app()

    # --- SyncJobs -----------------------------------------------------------------------------

    def enqueue(
        self,
        tenant_id: str,
        kind: str | None = None,
        keys: Iterable[str] | None = None,
        *,
        force: bool = False,
        recheck: bool = False,
    ) -> int:
        """Make records pending (the next dispatch gives the tenant a sync job)."""
        return self.local.enqueue(tenant_id, kind, keys, force=force, recheck=recheck)

    def run_until_idle(self, tenant_id: str, *, progress: Progress | None = None) -> RunReport:
        return self.local.run_until_idle(tenant_id, progress=progress)

    def start_worker(
        self,
        tenant_ids: Iterable[str],
        *,
        poll: float = 2.0,
        stop: threading.Event | None = None,
        on_report: Callable[[str, RunReport], None] | None = None,
    ) -> None:
        """Work as one of the deployment's worker processes until ``stop`` is set.

        ``tenant_ids`` empty: every tenant's jobs; else only those tenants' (the dispatcher
        still serves every active tenant). ``poll`` is not used: :attr:`EngineOptions.tick`
        paces the dispatcher.
        """
        del poll
        self._on_report = on_report
        warm_up(posting=self.options.posting is not None)  # before the first job, not in it
        asyncio.run(self.run_async(list(dict.fromkeys(tenant_ids)), stop or threading.Event()))

    # --- the worker process -------------------------------------------------------------------

    async def run_async(self, tenants: list[str], stop: threading.Event) -> None:
        """Run procrastinate's worker and the stalled-job sweep until ``stop`` is set."""
        listen: dict[str, Any] = {}
        if tenants:  # else every queue
            listen["queues"] = [DISPATCH_QUEUE, *(tenant_queue(t) for t in tenants)]
        try:
            async with self.app.open_async():
                worker = asyncio.create_task(
                    self.app.run_worker_async(
                        **listen,
                        name=f"{socket.gethostname()[:30]}:{os.getpid()}",
                        concurrency=max(1, self.options.concurrency) + 1,
                        install_signal_handlers=False,
                        update_heartbeat_interval=self.options.heartbeat,
                        # procrastinate's own clean-up at start-up would delete a dead
                        # worker's row before our sweep frees its records' claims (they
                        # would wait for the lease): only the sweep deletes workers
                        stalled_worker_timeout=_NEVER,
                        shutdown_graceful_timeout=self.options.grace,
                        delete_jobs="successful",
                        fetch_job_polling_interval=max(0.5, self.options.tick),
                        # the bridge never asks for a job to be aborted, and an abort asked
                        # by hand arrives by notification: the poll is only the fallback
                        abort_job_polling_interval=_ABORT_POLL,
                    )
                )
                sweeper = asyncio.create_task(self._sweep_forever())
                while not stop.is_set() and not worker.done():
                    await asyncio.sleep(0.1)
                sweeper.cancel()
                if not worker.done():
                    worker.cancel()  # procrastinate's graceful stop (see the module docstring)
                try:
                    await worker
                except asyncio.CancelledError:
                    pass
                try:
                    await sweeper
                except asyncio.CancelledError:
                    pass
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._engine_pool.shutdown(wait=True, cancel_futures=True)

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception as error:  # the database may be away for a moment
                log.warning("stalled-job sweep failed: %s", error)
            await asyncio.sleep(self.options.sweep)

    async def sweep(self) -> int:
        """Put back the jobs of dead workers and free their records' claims; returns the
        number of jobs put back (or ended, when the same job is queued already)."""
        import procrastinate.exceptions
        import procrastinate.jobs

        manager = self.app.job_manager
        # Dead: the workers this sweep deletes. Their jobs (and those of workers another
        # sweep deleted) are left without a worker; a job whose worker still has its row is
        # never put back here, even if its heartbeat went late since the deletion.
        dead = set(await manager.prune_stalled_workers(self.options.stalled_after))
        if dead:
            await self._in_thread(lambda: self._release_claims_async(dead), engine=True)
        stalled = [
            job
            for job in await manager.get_stalled_jobs(
                seconds_since_heartbeat=self.options.stalled_after
            )
            if job.worker_id is None
        ]
        retried = 0
        for job in stalled:
            assert job.id is not None
            try:
                await manager.retry_job(job)
            except procrastinate.exceptions.UniqueViolation:
                # the same job is queued already (its queueing lock): end this one, so that
                # its lock no longer holds the queued one back
                try:
                    await manager.finish_job_by_id_async(
                        job.id, procrastinate.jobs.Status.FAILED, delete_job=False
                    )
                except procrastinate.exceptions.ProcrastinateException:
                    continue  # another worker's sweep ended it first
                log.warning(
                    "job %s %s of a dead worker ended: the same job is queued",
                    job.id,
                    job.call_string,
                )
                retried += 1
                continue
            except procrastinate.exceptions.ProcrastinateException:
                continue  # another worker's sweep put it back first
            retried += 1
            log.warning("job %s %s of a dead worker put back", job.id, job.call_string)
        return retried

    async def _release_claims_async(self, dead: set[int]) -> None:
        suffixes = [f"%:w{worker_id}" for worker_id in sorted(dead)]
        with self.sessions.begin() as session:
            state.write_lock(session)
            session.execute(
                update(SyncStateRow)
                .where(or_(*(SyncStateRow.claimed_by.like(s) for s in suffixes)))
                .values(claimed_by=None, claimed_until=None)
            )

    async def _in_thread(
        self, make: Callable[[], Coroutine[Any, Any, T]], *, engine: bool = False
    ) -> T:
        """Run ``make()`` on an event loop of its own in a thread of the jobs' pool (with
        ``engine``: of the engine's own); cancelling the caller cancels it there (and waits
        until it has unwound)."""
        started: concurrent.futures.Future[tuple[asyncio.AbstractEventLoop, asyncio.Task[T]]]
        started = concurrent.futures.Future()

        def run() -> T:
            async def main() -> T:
                task = asyncio.ensure_future(make())
                started.set_result((asyncio.get_running_loop(), task))
                return await task

            return asyncio.run(main())

        pool = self._engine_pool if engine else self._pool
        future = asyncio.get_running_loop().run_in_executor(pool, run)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            if started.done():
                loop, task = started.result()
                loop.call_soon_threadsafe(task.cancel)
            try:
                await future
            except BaseException:
                pass
            raise

    # --- the app and its jobs -----------------------------------------------------------------

    def _build_app(self) -> procrastinate.App:
        import procrastinate

        from intacct_bridge.sync.engine_jobs import SurvivingJobManager

        app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=self._conninfo),
            periodic_defaults={"max_delay": max(2.0, 2 * self.options.tick)},
        )
        # before the tasks take it; a process runs `concurrency` tenant jobs, and the one
        # more procrastinate runs is the dispatcher's
        app.job_manager = SurvivingJobManager(
            app.connector,
            dispatch_queue=DISPATCH_QUEUE,
            tenant_jobs=max(1, self.options.concurrency),
        )

        @app.periodic(cron=_cron_seconds(self.options.tick), periodic_id="dispatch")
        @app.task(name=DISPATCH_TASK, queue=DISPATCH_QUEUE, pass_context=True)
        async def dispatch(context: procrastinate.JobContext, timestamp: int) -> None:
            del context, timestamp
            await self.dispatch()

        @app.task(name=SYNC_TASK, pass_context=True)
        async def sync(context: procrastinate.JobContext, tenant: str) -> None:
            await self._in_thread(lambda: self._sync(tenant, context.job.worker_id))

        @app.task(name=POST_TASK, pass_context=True)
        async def post(context: procrastinate.JobContext, tenant: str, mark: int = 0) -> None:
            del context
            await self._in_thread(lambda: self._post(tenant, mark))

        @app.task(name=PULL_TASK, pass_context=True)
        async def pull(context: procrastinate.JobContext, tenant: str) -> None:
            del context
            await self._in_thread(lambda: self._pull(tenant))

        if self.options.pull_every > 0:

            @app.periodic(cron=f"*/{min(59, self.options.pull_every)} * * * *", periodic_id="pulls")
            @app.task(name=PULL_DISPATCH_TASK, queue=DISPATCH_QUEUE, pass_context=True)
            async def dispatch_pulls(context: procrastinate.JobContext, timestamp: int) -> None:
                del context, timestamp
                tenants = await self._in_thread(self._active_tenants_async, engine=True)
                for tenant in tenants:
                    await self.defer(PULL_TASK, tenant, lock=True)

        return app

    async def defer(self, task: str, tenant: str, *, lock: bool = False, **args: Any) -> bool:
        """Queue ``task`` for ``tenant`` unless one is queued already; returns whether it was."""
        import procrastinate.exceptions

        kind = task.rsplit(".", 1)[-1]
        options: dict[str, Any] = {
            "queue": tenant_queue(tenant),
            "queueing_lock": f"{kind}:{tenant}",
        }
        if lock:
            options["lock"] = f"{kind}:{tenant}"
        try:
            await self.app.configure_task(task, **options).defer_async(tenant=tenant, **args)
        except procrastinate.exceptions.AlreadyEnqueued:
            return False
        return True

    async def dispatch(self) -> dict[str, list[Any]]:
        """Defer a job for each kind of work that is due, per active tenant."""
        due = await self._in_thread(self._due_async, engine=True)
        for tenant in due["sync"]:
            await self.defer(SYNC_TASK, tenant)
        for tenant, mark in due["post"]:
            await self.defer(POST_TASK, tenant, lock=True, mark=mark)
        return due

    async def _active_tenants_async(self) -> list[str]:
        with self.sessions() as session:
            return self._active_tenants(session)

    @staticmethod
    def _active_tenants(session: Session) -> list[str]:
        query = select(IntegrationConfigRow.tenant_id).where(
            IntegrationConfigRow.option_active.is_(True),
            IntegrationConfigRow.is_active.is_(True),
        )
        return sorted(session.scalars(query))

    async def _due_async(self) -> dict[str, list[Any]]:
        """Which tenants have records or documents due (cheap queries, no Intacct call).

        A few statements for all the tenants at once, whatever their number: it runs at
        every tick in every worker process."""
        due: dict[str, list[Any]] = {"sync": [], "post": []}
        with self.sessions() as session:
            tenants = self._active_tenants(session)
            # A round of a tenant running on a live worker drains what is due (the records
            # stored meanwhile go to the next job, after it). Another job would only start
            # an empty round beside it — most of the workers' CPU while records stream in.
            # Posting is looked at all the same.
            in_hand = self._syncing_elsewhere(session)
            due["sync"] = self._sync_due(session, [t for t in tenants if t not in in_hand])
            if self.options.posting is not None:
                for tenant in tenants:
                    mark = self._posting_due(session, tenant)
                    if mark is not None:
                        due["post"].append((tenant, mark))
        return due

    @staticmethod
    def _sync_due(session: Session, tenants: list[str]) -> list[str]:
        """Those of ``tenants`` with outbox events not read yet or pending records due and
        not claimed: two statements (the cursors, then one probe per tenant in a single
        ``UNION ALL``), each probe the two indexed look-ups of :func:`has_unread_events`
        and the worker's check for due records."""
        if not tenants:
            return []
        moment = now()
        cursors = {
            tenant: (last, gaps)
            for tenant, last, gaps in session.execute(
                select(
                    SyncCursorRow.tenant_id, SyncCursorRow.last_event_id, SyncCursorRow.gaps
                ).where(
                    SyncCursorRow.consumer == state.OUTBOX_CONSUMER,
                    SyncCursorRow.tenant_id.in_(tenants),
                )
            )
        }
        probes = []
        for tenant in tenants:
            # A remembered outbox gap counts only once one of its events has committed
            # (imports and the rounds' own bookkeeping leave many gaps; counting them as
            # due gave every such tenant an empty sync job at every tick for 15 minutes).
            last, gaps = cursors.get(tenant, (0, None))
            unread = exists().where(ChangeEventRow.tenant_id == tenant, unread_after(last, gaps))
            waiting = exists().where(
                SyncStateRow.tenant_id == tenant,
                SyncStateRow.kind != _POSTING,
                SyncStateRow.state == state.SyncState.PENDING.value,
                or_(SyncStateRow.next_attempt_at.is_(None), SyncStateRow.next_attempt_at <= moment),
                or_(SyncStateRow.claimed_until.is_(None), SyncStateRow.claimed_until < moment),
            )
            probes.append(select(literal(tenant).label("tenant")).where(or_(unread, waiting)))
        query = probes[0] if len(probes) == 1 else union_all(*probes)
        return sorted(str(tenant) for tenant in session.scalars(query))

    def _syncing_elsewhere(self, session: Session) -> set[str]:
        """The tenants with a sync job running on a worker whose heartbeat is fresh (a dead
        worker's job does not count: the tenant gets a new job at once, as before)."""
        fresh = max(2.0, 3 * self.options.heartbeat)
        rows = session.execute(
            text(
                "SELECT DISTINCT j.args->>'tenant' FROM procrastinate_jobs j "
                "JOIN procrastinate_workers w ON w.id = j.worker_id "
                "WHERE j.status = 'doing' AND j.task_name = :task "
                "AND w.last_heartbeat > now() - make_interval(secs => :fresh)"
            ),
            {"task": SYNC_TASK, "fresh": fresh},
        )
        return {str(tenant) for (tenant,) in rows if tenant is not None}

    @staticmethod
    def _posting_due(session: Session, tenant: str) -> int | None:
        """The newest document change event if documents changed since the last posting
        run (or one still waits as ``pending``); ``None`` when nothing is due."""
        newest = session.scalar(
            select(func.max(ChangeEventRow.id)).where(
                ChangeEventRow.tenant_id == tenant, ChangeEventRow.kind.in_(_DOCUMENT_KINDS)
            )
        )
        cursor = session.get(SyncCursorRow, (tenant, POSTING_CONSUMER))
        seen = cursor.last_event_id if cursor is not None else 0
        if newest is not None and newest > seen:
            return int(newest)
        waiting = session.scalar(
            select(
                exists().where(
                    SyncStateRow.tenant_id == tenant,
                    SyncStateRow.kind == _POSTING,
                    SyncStateRow.state == state.SyncState.PENDING.value,
                )
            )
        )
        return seen if waiting else None

    def _posted_through(self, tenant: str, mark: int) -> None:
        """Remember that the documents changed up to event ``mark`` were posted (or parked)."""
        from sqlalchemy.dialects.postgresql import insert

        with self.sessions.begin() as session:
            statement = insert(SyncCursorRow).values(
                tenant_id=tenant, consumer=POSTING_CONSUMER, last_event_id=mark, updated_at=now()
            )
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=[SyncCursorRow.tenant_id, SyncCursorRow.consumer],
                    set_={
                        "last_event_id": func.greatest(SyncCursorRow.last_event_id, mark),
                        "updated_at": now(),
                    },
                )
            )

    def _worker_for(self, tenant: str, worker_id: int | None) -> EmbeddedWorker | None:
        """This process's sync worker of ``tenant``; ``None`` if it is busy with the tenant
        already (that round drains what this job would)."""
        with self._guard:
            if tenant in self._syncing:
                return None
            self._syncing.add(tenant)
            worker = self._workers.get(tenant)
            if worker is None:
                worker = EmbeddedWorker(
                    self.engine,
                    self.keyring,
                    transport=self.transport,
                    batch=self.options.batch,
                    lease=self.options.lease,
                )
                self._workers[tenant] = worker
            # the claims name this process's engine worker: a sweep frees them at its death
            worker.identity = f"{socket.gethostname()[:30]}:{os.getpid()}:w{worker_id or 0}"
            return worker

    async def _sync(self, tenant: str, worker_id: int | None) -> None:
        worker = self._worker_for(tenant, worker_id)
        if worker is None:
            return
        reports: list[RunReport] = []
        try:
            # Records stored while a round runs get no job of their own (the dispatcher
            # leaves a tenant alone while its round runs): the job goes on with them, as
            # long as each round reads or sends something.
            while not reports or reports[-1].events or reports[-1].sent:
                reports.append(await worker.run_until_idle_async(tenant))
        except BridgeError as error:  # the tenant's problem: logged; the next dispatch retries
            log.error("sync of tenant %s stopped: %s", tenant, error)
            return
        finally:
            # Whatever ended the round (done, failed, cancelled by SIGTERM at any await),
            # no record stays claimed by it: this process runs one round per tenant.
            with self.sessions.begin() as session:
                state.write_lock(session)
                state.release_claims(session, tenant, [worker.identity])
            with self._guard:
                self._syncing.discard(tenant)
        if self._on_report is not None:
            for report in reports:
                self._on_report(tenant, report)

    async def _connected(self, tenant: str) -> Any:
        with self.sessions.begin() as session:
            config = load_config(session, tenant, self.keyring)
        return client_for(config, transport=self.transport, limiter=self.local.limiter)

    async def _post(self, tenant: str, mark: int) -> PostingRunReport | None:
        from intacct_bridge.export import post_documents

        if self.options.posting is None:
            raise EngineError(
                f"a posting job for tenant {tenant} reached a worker started without posting; "
                "start every worker with the same --post options"
            )
        try:
            config = self._posting_config(tenant, self.options.posting)
            async with await self._connected(tenant) as client:
                report = await post_documents(self.engine, tenant, client, config=config)
        except BridgeError as error:
            log.error("posting of tenant %s stopped: %s", tenant, error)
            return None
        self._posted_through(tenant, mark)
        log.info(
            "tenant %s: %d posted, %d in error, %d pending",
            tenant,
            report.posted,
            len(report.errors),
            len(report.pending),
        )
        return report

    def _posting_config(self, tenant: str, overrides: Mapping[str, Any]) -> PostingConfig:
        """The tenant's posting configuration as ``intacct-bridge post`` reads it: stored
        (else derived from the store), with ``overrides``, and the integration
        configuration's asynchronous mode and transaction level. Raises
        :class:`~intacct_bridge.errors.BridgeError` (a stored configuration or override
        that does not validate names the fix)."""
        from pydantic import ValidationError

        from intacct_bridge.config.posting import effective_config
        from intacct_bridge.export import posting_config_for

        with self.sessions() as session:
            integration = load_config(session, tenant, self.keyring)
            try:
                stored, _ = effective_config(session, tenant, dict(overrides))
            except ValidationError as error:
                raise EngineError(
                    f"the posting configuration of tenant {tenant} with the worker's options "
                    f"is not valid ({error.errors()[0].get('msg', error)}); fix the options "
                    "or run intacct-bridge config posting show"
                ) from None
        return posting_config_for(integration, stored)

    async def _pull(self, tenant: str) -> None:
        from intacct_bridge.sync.inbound import InboundSync

        try:
            async with await self._connected(tenant) as client:
                report = await InboundSync(self.sessions, client, tenant).pull()
        except BridgeError as error:
            log.error("pull of tenant %s stopped: %s", tenant, error)
            return
        for warning in report.warnings:
            log.warning("tenant %s: %s", tenant, warning)


def _conforms(engine: JobEngine) -> SyncJobs:
    return engine  # mypy checks that the engine implements the interface


def uses_engine(engine: Engine) -> bool:
    """Whether worker processes on this database go through the task engine."""
    return engine.dialect.name == "postgresql"


__all__ = [
    "DISPATCH_QUEUE",
    "EngineError",
    "EngineOptions",
    "JobEngine",
    "tenant_queue",
    "uses_engine",
]
