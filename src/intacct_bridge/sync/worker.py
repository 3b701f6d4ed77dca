"""The job interface of the sync engine, and the embedded in-process worker behind it.

Three verbs, nothing else (docs/decisions/0001-sync-jobs.md):

* :meth:`SyncJobs.enqueue` — make records pending (Synchronise / Force synchronise, or the
  outbox of store changes);
* :meth:`SyncJobs.run_until_idle` — work until nothing is due (``intacct-bridge sync``);
* :meth:`SyncJobs.start_worker` — work forever, polling (``intacct-bridge worker``, later).

:class:`EmbeddedWorker` does it in this process with one asyncio loop: the embedded default
(SQLite + sandbox need nothing else running). The durable state is the database itself —
``sync_state`` rows with a lease per claim and exactly-once control IDs — so a worker killed
at any instant loses nothing (its records stay ``pending``; the lease lapses, or is released
at once when its process is known dead) and duplicates nothing (a re-sent write carries the
same control ID). A multi-process engine (DBOS or procrastinate) can sit behind the same
three verbs later.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httpx
from sqlalchemy import ColumnElement, Engine, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.secrets import Keyring
from intacct_bridge.errors import BridgeError
from intacct_bridge.intacct import CompanyLimiter, IntacctClient, IntacctError, RetryPolicy
from intacct_bridge.intacct.client import ApiSession, IntacctConfig
from intacct_bridge.intacct.errors import IntacctAuthError, IntacctRequestError
from intacct_bridge.store.base import now
from intacct_bridge.store.session import session_factory
from intacct_bridge.store.tables.sync import SyncCursorRow, SyncStateRow
from intacct_bridge.store.tables.tenancy import ChangeEventRow
from intacct_bridge.sync import outbound, state
from intacct_bridge.sync.connect import client_for, load_config
from intacct_bridge.sync.inspect import Finding, inspect_maps, inspect_objects
from intacct_bridge.sync.mappings import OUTBOUND_ORDER, ObjectMap, get_map, map_for_kind
from intacct_bridge.sync.slots import limiter_for

log = logging.getLogger("intacct_bridge.sync")

#: records claimed (and sent) per round; the client splits them into requests of 100
DEFAULT_BATCH = 200
#: rounds in progress at once (one's database work overlaps another's requests)
DEFAULT_LANES = 2
#: batches a round's lanes (all kinds together) hold claimed and not yet sent: those in
#: flight (a full batch fills both slots of the company, a kind's last one may fill one) and
#: one prepared behind them
DEFAULT_AHEAD = 3
#: seconds a claim holds a record before another worker may take it over
DEFAULT_LEASE = 300.0
#: kinds that depend on no other kind: they are sent during every stage of
#: :data:`state.KIND_STAGES` (items refer to no contact; customers and suppliers wait for
#: the contacts they refer to)
INDEPENDENT_KINDS = ("item",)
#: threads doing a worker's database work on PostgreSQL (SQLite: one for the writes, which
#: wait for one another anyway, and one for the reads)
DB_THREADS = 4
#: outbox events read in the first transaction of a run, and in each later one
COLLECT_FIRST = 600
COLLECT_SLICE = 1000

_T = TypeVar("_T")


class SyncRunError(BridgeError):
    """The run could not go on (sign-in refused, configuration missing …); records stay
    pending and nothing is lost."""


@dataclass
class RunReport:
    """What one run did."""

    events: int = 0
    sent: int = 0
    requests: int = 0
    success: int = 0
    unchanged: int = 0
    retrying: int = 0
    errors: int = 0
    #: (error code, message) → records: each cause once, with the records it hit
    problems: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: mapped fields this Intacct company lacks (their objects were not sent)
    findings: list[Finding] = field(default_factory=list)
    #: records still pending with a later next attempt
    waiting: int = 0
    seconds: float = 0.0

    def add(self, applied: outbound.Applied) -> None:
        self.success += applied.success
        self.unchanged += applied.unchanged
        self.retrying += applied.retrying
        self.errors += applied.errors
        for cause, records in applied.problems.items():
            self.problems.setdefault(cause, []).extend(records)


#: progress callback: (kind, records done in this kind so far, records pending in it)
Progress = Callable[[str, int, int], None]


class SyncJobs(Protocol):
    """The engine-neutral job interface (see the module docstring)."""

    def enqueue(
        self,
        tenant_id: str,
        kind: str | None = None,
        keys: Iterable[str] | None = None,
        *,
        force: bool = False,
        recheck: bool = False,
    ) -> int: ...

    def run_until_idle(self, tenant_id: str, *, progress: Progress | None = None) -> RunReport: ...

    def start_worker(
        self,
        tenant_ids: Iterable[str],
        *,
        poll: float = 2.0,
        stop: threading.Event | None = None,
        on_report: Callable[[str, RunReport], None] | None = None,
    ) -> None: ...


def worker_identity() -> str:
    """``host:pid:random`` — who holds a claim (the pid lets a successor see it is dead)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _holder_dead(holder: str) -> bool:
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:30] or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class EmbeddedWorker:
    """The in-process worker (the embedded default)."""

    def __init__(
        self,
        engine: Engine,
        keyring: Keyring | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: CompanyLimiter | None = None,
        retry: RetryPolicy | None = None,
        batch: int = DEFAULT_BATCH,
        lanes: int = DEFAULT_LANES,
        lease: float = DEFAULT_LEASE,
        client_factory: Callable[[IntegrationConfig], IntacctClient] | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = session_factory(engine)
        self.keyring = keyring
        self.transport = transport
        #: every Intacct request of this worker holds a slot of it: shared by all processes
        #: on PostgreSQL (advisory-lock slots), this process's own on SQLite
        self.limiter = limiter if limiter is not None else limiter_for(engine)
        self.retry = retry
        self.batch = batch
        self.lanes = max(1, lanes)
        self.lease = lease
        self.identity = worker_identity()
        self._client_factory = client_factory
        #: the time (tests move it on to make retries due)
        self.clock = clock or now
        #: inspect findings per (tenant, outbound maps): inspected once per worker and map
        self._inspected: dict[tuple[str, tuple[ObjectMap, ...]], list[Finding]] = {}
        #: the API session of each tenant's last round, with the configuration it is for
        self._api_sessions: dict[str, tuple[IntacctConfig, ApiSession]] = {}
        self._inspecting = asyncio.Lock()
        #: the lanes' database work (claim, prepare, apply) runs here, off the event loop,
        #: so that replies are read and the next requests sent while it runs
        self._db: ThreadPoolExecutor | None = None
        self._db_reads: ThreadPoolExecutor | None = None
        self._db_lock = threading.Lock()

    # --- the three verbs ----------------------------------------------------------------------

    def enqueue(
        self,
        tenant_id: str,
        kind: str | None = None,
        keys: Iterable[str] | None = None,
        *,
        force: bool = False,
        recheck: bool = False,
    ) -> int:
        """Synchronise (or, with ``force``, Force synchronise) records; commits. With
        ``recheck`` synchronised records are queued too (see :func:`state.synchronise`)."""
        with self.sessions.begin() as session:
            state.collect_all(session, tenant_id)
            if force:
                return state.force_synchronise(session, tenant_id, kind, keys)
            return state.synchronise(session, tenant_id, kind, keys, recheck=recheck)

    def reset_links(self, tenant_id: str, kind: str, keys: Iterable[str]) -> None:
        """Forget the Intacct link of records (see :func:`state.reset_link`); commits."""
        with self.sessions.begin() as session:
            state.collect_all(session, tenant_id)
            for key in keys:
                state.reset_link(session, tenant_id, kind, key)

    def run_until_idle(self, tenant_id: str, *, progress: Progress | None = None) -> RunReport:
        return asyncio.run(self.run_until_idle_async(tenant_id, progress=progress))

    def start_worker(
        self,
        tenant_ids: Iterable[str],
        *,
        poll: float = 2.0,
        stop: threading.Event | None = None,
        on_report: Callable[[str, RunReport], None] | None = None,
    ) -> None:
        """Run until ``stop`` is set: every tenant until idle — the tenants at the same time,
        each company within its own slots — then wait ``poll`` seconds.

        A tenant whose run fails (configuration missing, sign-in refused) is reported and
        tried again next round; it stops no other tenant.
        """
        from intacct_bridge.sync.warm import warm_up

        tenants = list(dict.fromkeys(tenant_ids))
        stop = stop or threading.Event()
        warm_up()  # the first round starts as fast as the next ones
        while not stop.is_set():
            asyncio.run(self._round(tenants, on_report))
            stop.wait(poll)

    async def _round(
        self, tenants: list[str], on_report: Callable[[str, RunReport], None] | None
    ) -> None:
        async def one(tenant_id: str) -> None:
            try:
                report = await self.run_until_idle_async(tenant_id)
            except BridgeError as error:  # one tenant's problem stops no other tenant
                log.error("sync of tenant %s stopped: %s", tenant_id, error)
                return
            if on_report is not None:
                on_report(tenant_id, report)

        async with asyncio.TaskGroup() as group:
            for tenant_id in tenants:
                group.create_task(one(tenant_id))

    # --- the work ---------------------------------------------------------------------------

    def _client(self, config: IntegrationConfig) -> IntacctClient:
        if self._client_factory is not None:
            return self._client_factory(config)
        return client_for(config, transport=self.transport, limiter=self.limiter, retry=self.retry)

    def _resume(self, tenant_id: str, client: IntacctClient) -> None:
        """Let ``client`` go on with the API session of the tenant's last round, if that
        round's client had the same configuration (a round signs in once, not every round:
        rounds are short while records stream in)."""
        kept = self._api_sessions.get(tenant_id)
        if kept is not None and kept[0] == client.config:
            client.resume(kept[1])

    def _keep(self, tenant_id: str, client: IntacctClient) -> None:
        session = client.api_session
        if session is None:
            self._api_sessions.pop(tenant_id, None)
        else:
            self._api_sessions[tenant_id] = (client.config, session)

    def _take_over_dead_claims(self, session: Session, tenant_id: str) -> None:
        holders = session.scalars(
            select(SyncStateRow.claimed_by)
            .where(SyncStateRow.tenant_id == tenant_id, SyncStateRow.claimed_by.is_not(None))
            .distinct()
        ).all()
        dead = [holder for holder in holders if holder and _holder_dead(holder)]
        state.release_claims(session, tenant_id, dead)

    async def run_until_idle_async(
        self, tenant_id: str, *, progress: Progress | None = None
    ) -> RunReport:
        started = time.perf_counter()
        report = RunReport()
        with self.sessions.begin() as session:
            state.write_lock(session)
            config = load_config(session, tenant_id, self.keyring)
            self._take_over_dead_claims(session, tenant_id)
            idle = not _has_work(session, tenant_id, self.clock())
        if idle:  # the usual case of a polling worker: one query, no client, no lanes
            with self.sessions() as session:
                report.waiting = state.count_states(session, tenant_id, state="pending")
            report.seconds = time.perf_counter() - started
            return report
        ctx = outbound.Context.of(config)
        client = self._client(config)
        self._resume(tenant_id, client)
        self._inspecting = asyncio.Lock()  # bound to this run's event loop
        collected = _Outbox()

        def run_kind(kind: str) -> Coroutine[object, object, None]:
            return self._run_kind(client, tenant_id, kind, ctx, report, progress, collected)

        async def stages() -> None:
            for stage in state.KIND_STAGES:  # a stage's kinds are independent
                async with asyncio.TaskGroup() as kinds:
                    for kind in stage:
                        if kind not in INDEPENDENT_KINDS:
                            kinds.create_task(run_kind(kind))
                await collected.done.wait()  # the next stage starts once the outbox is read

        try:
            try:
                async with asyncio.TaskGroup() as work:
                    # The outbox is read while the first stage already sends.
                    work.create_task(self._collect(tenant_id, report, collected))
                    # Independent kinds are sent all along, so that both slots stay busy
                    # while a stage ends and the next one begins.
                    for kind in INDEPENDENT_KINDS:
                        work.create_task(run_kind(kind))
                    work.create_task(stages())
            except* SyncRunError as group:
                raise group.exceptions[0] from None
        finally:
            report.requests = client.requests_sent
            self._keep(tenant_id, client)
            await client.aclose()
        with self.sessions() as session:
            report.waiting = state.count_states(session, tenant_id, state="pending")
        report.seconds = time.perf_counter() - started
        return report

    async def _collect(self, tenant_id: str, report: RunReport, collected: _Outbox) -> None:
        """Read the outbox in committed slices, letting the senders run in between."""

        def read(limit: int) -> int:
            with self.sessions.begin() as session:
                if _outbox_busy(session, tenant_id):
                    return 0  # another worker is reading it: its records come to the lanes
                return state.collect(session, tenant_id, limit=limit)

        try:
            # A small first slice lets the lanes start sending early; the later slices are
            # short too, so that the lanes' database work never waits long behind them.
            limit = COLLECT_FIRST
            while read_ := await self._in_db(read, limit):
                report.events += read_
                limit = COLLECT_SLICE
                collected.slice_read()
        finally:
            collected.done.set()
            collected.slice_read()

    async def _run_kind(
        self,
        client: IntacctClient,
        tenant_id: str,
        kind: str,
        ctx: outbound.Context,
        report: RunReport,
        progress: Progress | None,
        collected: _Outbox,
    ) -> None:
        def pending() -> int | None:
            with self.sessions() as session:
                objmap = map_for_kind(session, tenant_id, "contact" if kind == "address" else kind)
                if not objmap.direction.sends:
                    return None
                return state.count_states(session, tenant_id, kind=kind, state="pending")

        # Whether the outbox was read to its end BEFORE counting: a count that began earlier
        # may have missed the records the last slice made pending.
        finished = collected.done.is_set()
        total = await self._in_db(pending, reads=True)
        if total is None:
            return
        if not total and finished:
            return
        done = [0]
        if progress is not None:
            progress(kind, 0, total)
        try:
            async with asyncio.TaskGroup() as lanes:
                for _ in range(self.lanes):
                    lanes.create_task(
                        self._lane(
                            client, tenant_id, kind, ctx, report, progress, done, total, collected
                        )
                    )
        except* SyncRunError as group:
            raise group.exceptions[0] from None

    async def _lane(
        self,
        client: IntacctClient,
        tenant_id: str,
        kind: str,
        ctx: outbound.Context,
        report: RunReport,
        progress: Progress | None,
        done: list[int],
        total: int,
        collected: _Outbox,
    ) -> None:
        """Claim, send, record — until nothing of ``kind`` is due. Several lanes run at once
        so that one lane's database work (in the worker's database threads) overlaps another's
        requests in flight: both slots of the company stay busy."""

        def claim() -> list[tuple[str, str]]:
            with self.sessions.begin() as session:
                return outbound.claim(
                    session,
                    tenant_id,
                    kind,
                    self.identity,
                    limit=self.batch,
                    lease=self.lease,
                    at=self.clock(),
                )

        def prepare(claimed: list[tuple[str, str]]) -> list[outbound.Outgoing]:
            with self.sessions() as session:
                return outbound.prepare(session, tenant_id, claimed, ctx)

        def apply(
            batch: list[outbound.Outgoing], failure: BaseException | None
        ) -> outbound.Applied:
            with self.sessions.begin() as session:
                return outbound.apply(
                    session,
                    tenant_id,
                    self.identity,
                    batch,
                    client.config.endpoint,
                    failure=failure,
                    at=self.clock(),
                )

        async def send_claimed(
            claimed: list[tuple[str, str]],
        ) -> tuple[list[outbound.Outgoing], BaseException | None] | None:
            """Prepare and send ``claimed``: the batch and the failure (``None``: none), or
            ``None`` when a finding blocks the kind (the records were given back)."""
            try:
                batch = await self._in_db(prepare, claimed, reads=True)
            except BaseException:
                self._release(tenant_id, claimed)
                raise
            if any(not item.unchanged and item.problem is None for item in batch):
                # Inspected on connecting, i.e. before the first call that writes.
                blocking = [
                    finding
                    for finding in await self._findings(client, tenant_id)
                    if finding.intacct_object == state.KIND_OBJECTS[kind]
                ]
                if blocking:
                    report.findings.extend(f for f in blocking if f not in report.findings)
                    self._release(tenant_id, claimed)  # pending until the map is fixed
                    return None
            failure: BaseException | None = None
            try:
                sent = await outbound.send(client, tenant_id, batch)
                report.sent += sent  # not `+= await`: the other lanes update it meanwhile
            except (IntacctAuthError, IntacctRequestError) as error:
                self._release(tenant_id, claimed)
                raise SyncRunError(
                    f"Intacct refused the sign-in or the request ({error}); the records stay "
                    "pending. Check the connection: intacct-bridge connection test"
                ) from None
            except (IntacctError, httpx.HTTPError) as error:
                failure = error
            except BaseException:
                # another lane failed (cancelled), or a defect: give the records back now
                self._release(tenant_id, claimed)
                raise
            return batch, failure

        while True:
            # Read before the claim: a claim that began before the outbox's last slice was
            # committed may find nothing although that slice made records pending.
            finished = collected.done.is_set()
            # The lanes of all kinds claim and prepare at most `ahead` batches beyond those
            # sent: the first requests of a round go out before every lane has prepared
            # (work the slots could not take yet), and no record is claimed long before
            # a slot can send it.
            async with collected.ahead:
                # A claim committed while this lane was being cancelled is given back at
                # once.
                claimed = await self._in_db(claim, undo=lambda c: self._release(tenant_id, c))
                outcome = await send_claimed(claimed) if claimed else None
            if not claimed:
                if finished:
                    return
                if not collected.done.is_set():
                    await collected.next_slice()  # the outbox is still being read
                continue  # claim once more: the slice read meanwhile may have made some due
            if outcome is None:
                return  # blocked by a finding
            batch, failure = outcome
            # Recorded in a database thread; once it is written, this lane claims again
            # (the other lanes' requests are in flight meanwhile).
            applied = await self._in_db(apply, batch, failure)
            report.add(applied)
            done[0] += len(claimed)
            if progress is not None:
                with self.sessions() as session:
                    left = state.count_states(session, tenant_id, kind=kind, state="pending")
                progress(kind, done[0], max(total, done[0] + left))

    def _db_executor(self, reads: bool) -> ThreadPoolExecutor | None:
        """The database threads (``None``: an in-memory SQLite database, which lives in
        one connection — its work stays on the event loop). On SQLite the reads have a
        thread of their own: they never wait for a write, the writes wait for one another."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return None
        sqlite = url.get_backend_name() == "sqlite"
        with self._db_lock:
            if self._db is None:
                threads = 1 if sqlite else DB_THREADS
                self._db = ThreadPoolExecutor(threads, thread_name_prefix="ib-sync-db")
                self._db_reads = (
                    ThreadPoolExecutor(1, thread_name_prefix="ib-sync-read") if sqlite else self._db
                )
            return self._db_reads if reads else self._db

    async def _in_db(
        self,
        work: Callable[..., _T],
        *args: object,
        undo: Callable[[_T], None] | None = None,
        reads: bool = False,
    ) -> _T:
        """``work(*args)`` in a database thread (``reads``: it only reads). If the caller is
        cancelled meanwhile, the work still runs to its end (its transaction commits or not
        as a whole); ``undo`` then gets its result before the cancellation goes on."""
        executor = self._db_executor(reads)
        if executor is None:
            return work(*args)
        future = asyncio.get_running_loop().run_in_executor(
            executor, functools.partial(work, *args)
        )
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            # the work runs to its end (or still waits for a thread): the run that cancelled
            # this lane ends only after it, so nothing of it (a connection) is left behind
            try:
                result = await future
            except Exception:  # the work failed: nothing to undo
                raise asyncio.CancelledError from None
            if undo is not None:
                undo(result)
            raise

    async def _findings(self, client: IntacctClient, tenant_id: str) -> list[Finding]:
        """Mapped outbound fields the company lacks: inspected on connecting (once per worker,
        and again after the maps change)."""
        with self.sessions() as session:
            maps = tuple(get_map(session, tenant_id, name) for name in OUTBOUND_ORDER)
        cache_key = (tenant_id, maps)
        async with self._inspecting:  # the kinds of a stage ask at the same time: once
            if cache_key not in self._inspected:
                try:
                    self._inspected[cache_key] = await inspect_objects(
                        client, [m for m in maps if m.direction.sends]
                    )
                except (IntacctError, httpx.HTTPError):
                    return []  # not fatal: a real problem shows on the records themselves
        return self._inspected[cache_key]

    def _release(self, tenant_id: str, claimed: list[tuple[str, str]]) -> None:
        with self.sessions.begin() as session:
            state.write_lock(session)
            state.release_keys(session, tenant_id, self.identity, claimed)

    # --- inspect --------------------------------------------------------------------------

    def inspect(self, tenant_id: str) -> list[Finding]:
        """Mapped fields this Intacct company does not have (see :mod:`.inspect`)."""
        return asyncio.run(self.inspect_async(tenant_id))

    async def inspect_async(self, tenant_id: str) -> list[Finding]:
        with self.sessions.begin() as session:
            config = load_config(session, tenant_id, self.keyring)
        client = self._client(config)
        try:
            with self.sessions() as session:
                return await inspect_maps(session, tenant_id, client)
        finally:
            await client.aclose()

    # --- desynchronisation check --------------------------------------------------------------

    def check(self, tenant_id: str) -> tuple[int, int]:
        """Compare every synchronised record with Intacct (see
        :func:`outbound.check_object`); returns (checked, desynchronised)."""
        return asyncio.run(self.check_async(tenant_id))

    async def check_async(self, tenant_id: str) -> tuple[int, int]:
        with self.sessions.begin() as session:
            config = load_config(session, tenant_id, self.keyring)
        client = self._client(config)
        checked = desynced = 0
        try:
            for kinds, kind in (
                (("contact", "address"), "contact"),
                (("item",), "item"),
                (("customer",), "customer"),
                (("supplier",), "supplier"),
            ):
                with self.sessions.begin() as session:
                    state.write_lock(session)
                    objmap = map_for_kind(session, tenant_id, kind)
                    one, two = await outbound.check_object(
                        session,
                        tenant_id,
                        client,
                        kinds,
                        objmap.intacct_object,
                        objmap.key_field,
                    )
                checked += one
                desynced += two
        finally:
            await client.aclose()
        return checked, desynced


def _outbox_busy(session: Session, tenant_id: str) -> bool:
    """PostgreSQL: whether another worker is reading the tenant's outbox now (its cursor
    is locked); otherwise the cursor is locked for this transaction. Several processes
    working for one tenant then never queue up behind one another's reading."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    where = (SyncCursorRow.tenant_id == tenant_id) & (
        SyncCursorRow.consumer == state.OUTBOX_CONSUMER
    )
    if session.scalar(select(SyncCursorRow.consumer).where(where)) is None:
        return False  # no cursor yet: collect creates it (and waits for a concurrent one)
    locked = select(SyncCursorRow.consumer).where(where).with_for_update(skip_locked=True)
    return session.scalar(locked) is None


def has_unread_events(session: Session, tenant_id: str) -> bool:
    """Whether the tenant's outbox has events not read yet (one indexed look-up). A
    remembered gap (events of transactions still open when the outbox was read) counts only
    once one of its events has committed: until then there is nothing to read."""
    cursor = session.get(SyncCursorRow, (tenant_id, state.OUTBOX_CONSUMER))
    after = unread_after(cursor.last_event_id if cursor is not None else 0, cursor and cursor.gaps)
    unread = select(ChangeEventRow.id).where(ChangeEventRow.tenant_id == tenant_id, after)
    return session.scalar(unread.limit(1)) is not None


def unread_after(last_event_id: int, gaps: Any) -> ColumnElement[bool]:
    """The condition on a tenant's change events that its outbox cursor has not read: after
    ``last_event_id``, or in one of its remembered ``gaps``."""
    after = ChangeEventRow.id > last_event_id
    if gaps:
        after = or_(after, *(ChangeEventRow.id.between(gap[0], gap[1]) for gap in gaps))
    return after


def _has_work(session: Session, tenant_id: str, moment: dt.datetime) -> bool:
    """Whether a run of ``tenant_id`` has anything to do: outbox events not read yet, or
    pending records due and not claimed (two indexed look-ups)."""
    if has_unread_events(session, tenant_id):
        return True
    due = select(SyncStateRow.key).where(
        SyncStateRow.tenant_id == tenant_id,
        SyncStateRow.state == state.SyncState.PENDING.value,
        or_(SyncStateRow.next_attempt_at.is_(None), SyncStateRow.next_attempt_at <= moment),
        or_(SyncStateRow.claimed_until.is_(None), SyncStateRow.claimed_until < moment),
    )
    return session.scalar(due.limit(1)) is not None


class _Outbox:
    """How far a run has read its tenant's outbox: lanes that find nothing to claim wait
    for the next slice read (records may have become pending), not on a timer. It also
    holds the run's allowance of batches claimed and unsent, which its lanes share."""

    def __init__(self, ahead: int = DEFAULT_AHEAD) -> None:
        #: set once the outbox is read to its end
        self.done = asyncio.Event()
        self._slice = asyncio.Event()
        #: held by a lane from its claim until its batch is sent (see :data:`DEFAULT_AHEAD`)
        self.ahead = asyncio.Semaphore(ahead)

    def slice_read(self) -> None:
        self._slice.set()
        self._slice = asyncio.Event()

    async def next_slice(self) -> None:
        await self._slice.wait()


def _conforms(worker: EmbeddedWorker) -> SyncJobs:
    return worker  # mypy checks that the embedded worker implements the interface


def next_due(session: Session, tenant_id: str) -> dt.datetime | None:
    """When the earliest waiting record is due again (``None``: nothing waits)."""
    query = select(func.min(SyncStateRow.next_attempt_at)).where(
        SyncStateRow.tenant_id == tenant_id, SyncStateRow.state == state.SyncState.PENDING.value
    )
    return session.scalar(query)


__all__ = [
    "DEFAULT_BATCH",
    "DEFAULT_LANES",
    "EmbeddedWorker",
    "Progress",
    "RunReport",
    "SyncJobs",
    "SyncRunError",
    "has_unread_events",
    "next_due",
    "unread_after",
    "worker_identity",
]
