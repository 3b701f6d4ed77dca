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
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.secrets import Keyring
from intacct_bridge.errors import BridgeError
from intacct_bridge.intacct import CompanyLimiter, IntacctClient, IntacctError, RetryPolicy
from intacct_bridge.intacct.errors import IntacctAuthError, IntacctRequestError
from intacct_bridge.store.base import now
from intacct_bridge.store.session import session_factory
from intacct_bridge.store.tables.sync import SyncStateRow
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
#: seconds a claim holds a record before another worker may take it over
DEFAULT_LEASE = 300.0


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
        self._inspecting = asyncio.Lock()

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
        tenants = list(dict.fromkeys(tenant_ids))
        stop = stop or threading.Event()
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
        ctx = outbound.Context.of(config)
        client = self._client(config)
        self._inspecting = asyncio.Lock()  # bound to this run's event loop
        collected = asyncio.Event()
        try:
            for number, stage in enumerate(state.KIND_STAGES):  # a stage's kinds are independent
                try:
                    async with asyncio.TaskGroup() as kinds:
                        if number == 0:
                            # The outbox is read while the first stage already sends; the
                            # next stage starts once it is read to the end.
                            kinds.create_task(self._collect(tenant_id, report, collected))
                        for kind in stage:
                            kinds.create_task(
                                self._run_kind(
                                    client, tenant_id, kind, ctx, report, progress, collected
                                )
                            )
                except* SyncRunError as group:
                    raise group.exceptions[0] from None
        finally:
            report.requests = client.requests_sent
            await client.aclose()
        with self.sessions() as session:
            report.waiting = state.count_states(session, tenant_id, state="pending")
        report.seconds = time.perf_counter() - started
        return report

    async def _collect(self, tenant_id: str, report: RunReport, collected: asyncio.Event) -> None:
        """Read the outbox in committed slices, letting the senders run in between."""
        try:
            while True:
                with self.sessions.begin() as session:
                    read = state.collect(session, tenant_id, limit=2000)
                if not read:
                    return
                report.events += read
                await asyncio.sleep(0)
        finally:
            collected.set()

    async def _run_kind(
        self,
        client: IntacctClient,
        tenant_id: str,
        kind: str,
        ctx: outbound.Context,
        report: RunReport,
        progress: Progress | None,
        collected: asyncio.Event,
    ) -> None:
        with self.sessions() as session:
            if not map_for_kind(
                session, tenant_id, "contact" if kind == "address" else kind
            ).direction.sends:
                return
            total = state.count_states(session, tenant_id, kind=kind, state="pending")
        if not total and collected.is_set():
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
        collected: asyncio.Event,
    ) -> None:
        """Claim, send, record — until nothing of ``kind`` is due. Several lanes run at once
        so that one lane's database work overlaps another's requests in flight."""
        while True:
            with self.sessions.begin() as session:
                claimed = outbound.claim(
                    session,
                    tenant_id,
                    kind,
                    self.identity,
                    limit=self.batch,
                    lease=self.lease,
                    at=self.clock(),
                )
            if not claimed:
                if collected.is_set():
                    return
                await asyncio.sleep(0.05)  # the outbox is still being read
                continue
            with self.sessions() as session:
                batch = outbound.prepare(session, tenant_id, claimed, ctx)
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
                    return
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
            with self.sessions.begin() as session:
                applied = outbound.apply(
                    session,
                    tenant_id,
                    self.identity,
                    batch,
                    client.config.endpoint,
                    failure=failure,
                    at=self.clock(),
                )
            report.add(applied)
            done[0] += len(claimed)
            if progress is not None:
                with self.sessions() as session:
                    left = state.count_states(session, tenant_id, kind=kind, state="pending")
                progress(kind, done[0], max(total, done[0] + left))

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
            for kind, key in claimed:
                row = session.get(SyncStateRow, (tenant_id, kind, key))
                if row is not None and row.claimed_by == self.identity:
                    row.claimed_by = None
                    row.claimed_until = None

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
    "next_due",
    "worker_identity",
]
