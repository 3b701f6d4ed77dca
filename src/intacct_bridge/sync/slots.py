"""Intacct concurrency slots shared by every worker process on every machine (PostgreSQL).

Intacct refuses a company's request beyond its slots (``GW-0010``). Inside one process
:class:`~intacct_bridge.intacct.limits.CompanyLimiter` counts them; across processes they
live in PostgreSQL as **advisory locks with leases**. A company with N slots has N slot
keys (a 64-bit hash of the database, the gateway, the company and the slot number). A
request takes a free one, on a connection of its own, in one statement:

1. ``pg_try_advisory_lock(key)`` — the **liveness** signal: the lock lives exactly as long
   as its holder's database session, so a holder that is alive keeps it and one that dies
   (SIGKILL included) loses it at once;
2. the slot's **lease** (table ``sync_slot_lease``) must be free too: ``busy_until`` is
   ``NULL`` (its last holder gave it back) or past. Taking the slot sets it to *now + the
   client's request timeout* by PostgreSQL's clock — until when the request could still be
   in flight at the gateway.

Giving a slot back clears its lease and unlocks it (one statement), so a live holder's slot
is free again at once. A holder that dies mid-request cannot clear its lease: its request
may still be running at the gateway, so its slot stays busy until the lease ends (at most
the request timeout after the request started), though its lock is gone. Without the lease
another worker would take the slot while the dead one's request still runs, and Intacct
would refuse the extra request with ``GW-0010`` (the *kill window*). So:

* at most N requests of a company are in flight across all processes using the database,
  also while a killed worker's last requests finish at the gateway;
* a process killed at any instant holds nothing for long: its slots come back when their
  leases end, no clean-up needed. (A *machine* that vanishes keeps its session, and so its
  locks, until TCP keepalive notices; set the server's ``tcp_keepalives_*`` for minutes.)
* a request that finds no free slot waits for a slot of its company to be given back:
  giving back announces the slot (``NOTIFY`` on :data:`CHANNEL`), and each process has one
  listening connection that wakes its waiters for that company, which try again at once.
  A waiter also tries again every :data:`WAIT_MAX` seconds unannounced (a dead holder's
  lease ends without an announcement), and polls as before (5 ms backing off to 100 ms)
  while the listening connection is down.

Session advisory locks are re-entrant, so the process remembers the keys it holds and never
asks for one of them again. If the lock connection breaks, the locks it held are gone (their
leases still protect the requests in flight): new requests wait until this process's
requests still in flight under them have finished, then reconnect.

:func:`limiter_for` is the one place that decides: PostgreSQL → a
:class:`CompanyLimiter` with :class:`PgSlots` (one lock connection per database per process;
the leases in the store's schema); SQLite → the process limiter (the embedded default: one
process owns the database).
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

from intacct_bridge.errors import BridgeError
from intacct_bridge.intacct.limits import CompanyLimiter, LimiterKey, process_limiter

log = logging.getLogger("intacct_bridge.sync.slots")

#: first and last pause between attempts at a free slot (seconds)
POLL_MIN = 0.005
POLL_MAX = 0.1
#: the longest a waiter waits for an announcement before trying again (seconds)
WAIT_MAX = 0.5
#: the channel on which a slot given back is announced (the payload: its advisory-lock key;
#: the give-back statement below names it too)
CHANNEL = "intacct_bridge_slot"
#: the table of the slots' leases (migration 0006)
LEASE_TABLE = "sync_slot_lease"


class SlotLeaseError(BridgeError):
    """The database cannot hold slot leases (not migrated)."""


def advisory_id(namespace: str, key: LimiterKey, slot: int) -> int:
    """The signed 64-bit advisory-lock key of ``slot`` of company ``key``."""
    text_ = f"intacct-bridge-slot|{namespace}|{key[0]}|{key[1]}|{slot}".encode()
    return int.from_bytes(hashlib.blake2b(text_, digest_size=8).digest(), "big", signed=True)


def _namespace(url: URL) -> str:
    # the database and its options (a search_path names another schema: another bridge)
    return f"{url.database or ''}|{url.query.get('options', '')}"


def _holder() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# Take: the lock (liveness), then the lease if it is free (NULL or past), in one statement.
# A lease still running means its last holder died with a request in flight: the lock is
# given back at once and the slot counts as busy.
_TAKE = """
WITH lock AS MATERIALIZED (SELECT pg_try_advisory_lock(%(id)s) AS ok),
taken AS (
    INSERT INTO {table} AS lease (lock_id, holder, busy_until)
    SELECT %(id)s, %(holder)s, clock_timestamp() + make_interval(secs => %(lease)s)
    FROM lock WHERE lock.ok
    ON CONFLICT (lock_id) DO UPDATE
        SET holder = excluded.holder, busy_until = excluded.busy_until
        WHERE lease.busy_until IS NULL OR lease.busy_until <= clock_timestamp()
    RETURNING 1
)
SELECT (SELECT ok FROM lock), EXISTS (SELECT 1 FROM taken)
"""
# Give back: the lease ends (the request is over) and the lock is released. The row stays
# locked until the statement commits, so a taker that sees the lock free waits for it.
_GIVE = """
WITH freed AS (
    UPDATE {table} SET busy_until = NULL WHERE lock_id = %(id)s AND holder = %(holder)s
    RETURNING 1
)
SELECT pg_advisory_unlock(%(id)s), (SELECT count(*) FROM freed),
    pg_notify('intacct_bridge_slot', %(id)s::text)
"""


class PgSlots:
    """A :class:`~intacct_bridge.intacct.limits.SlotProvider` on PostgreSQL advisory locks
    and leases (see the module docstring). Thread-safe; any event loop.

    ``schema`` is where the lease table is (default: the connection's search path).
    """

    def __init__(
        self, url: str | URL, *, namespace: str | None = None, schema: str | None = None
    ) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() != "postgresql":
            raise ValueError("advisory-lock slots need PostgreSQL")
        self._conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        self.namespace = _namespace(parsed) if namespace is None else namespace
        self.schema = schema
        #: who takes the slots (written into the leases)
        self.holder = _holder()
        self._lock = threading.Lock()
        self._connection: Any = None
        self._held: set[int] = set()
        #: slots held under a connection that broke (their requests are still in flight)
        self._orphans: set[int] = set()
        self._statements: dict[tuple[str, str | None], Any] = {}
        #: waiters per slot key: their event loop and the event that wakes them
        self._waiters: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self._waiters_lock = threading.Lock()
        self._listener: threading.Thread | None = None
        self._listening = threading.Event()
        self._stopping = threading.Event()

    def _connect(self) -> Any:
        import psycopg

        return psycopg.connect(self._conninfo, autocommit=True, application_name="ib-slots")

    def _statement(self, template: str, schema: str | None) -> Any:
        from psycopg import sql

        found = self._statements.get((template, schema))
        if found is None:
            table = (
                sql.Identifier(schema, LEASE_TABLE)
                if schema is not None
                else sql.Identifier(LEASE_TABLE)
            )
            found = self._statements[(template, schema)] = sql.SQL(template).format(table=table)
        return found

    def _try(self, ids: list[int], schema: str | None, lease: float) -> int | None:
        """Take the first free slot of ``ids`` (``None``: all busy)."""
        import psycopg

        with self._lock:
            if self._connection is None:
                if self._orphans:
                    return None  # wait for the requests of the broken connection to end
                self._connection = self._connect()
            take = self._statement(_TAKE, schema)
            for lock_id in ids:
                if lock_id in self._held:
                    continue  # re-entrant: PostgreSQL would say yes again
                params = {"id": lock_id, "holder": self.holder, "lease": lease}
                try:
                    row = self._connection.execute(take, params).fetchone()
                    if row is not None and row[0] and not row[1]:
                        # its last holder died with a request that may still be in flight
                        self._connection.execute("SELECT pg_advisory_unlock(%s)", (lock_id,))
                        continue
                except psycopg.errors.UndefinedTable:
                    raise SlotLeaseError(
                        f"the database has no {LEASE_TABLE} table for the Intacct slots; "
                        "run: intacct-bridge db upgrade"
                    ) from None
                except psycopg.OperationalError as error:
                    log.error("the slot connection broke (%s); reconnecting when idle", error)
                    self._broken()
                    return None
                if row is not None and row[0]:
                    self._held.add(lock_id)
                    return lock_id
            return None

    def _broken(self) -> None:
        connection, self._connection = self._connection, None
        self._orphans |= self._held
        self._held = set()
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken: closing is best effort
                pass

    def _release(self, lock_id: int, schema: str | None) -> None:
        import psycopg

        with self._lock:
            if lock_id in self._orphans:
                # its lock died with the old session; its lease lapses by itself
                self._orphans.discard(lock_id)
                return
            self._held.discard(lock_id)
            if self._connection is None:
                return
            try:
                self._connection.execute(
                    self._statement(_GIVE, schema), {"id": lock_id, "holder": self.holder}
                )
            except psycopg.OperationalError as error:
                log.error("the slot connection broke (%s); reconnecting when idle", error)
                self._broken()

    def hold(self, key: LimiterKey, slots: int, lease: float) -> AbstractAsyncContextManager[None]:
        return self.hold_in(self.namespace, self.schema, key, slots, lease)

    @asynccontextmanager
    async def hold_in(
        self, namespace: str, schema: str | None, key: LimiterKey, slots: int, lease: float
    ) -> AsyncIterator[None]:
        """:meth:`hold` in another namespace and lease schema (one connection serves
        several schemas)."""
        ids = [advisory_id(namespace, key, slot) for slot in range(slots)]
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        pause = POLL_MIN
        self._wait_on(ids, waiter)
        try:
            while True:
                waiter[1].clear()  # before trying: an announcement from now on wakes us
                lock_id = self._try(ids, schema, lease)
                if lock_id is not None:
                    break
                self._listen()
                timeout = WAIT_MAX if self._listening.is_set() else pause
                try:
                    await asyncio.wait_for(waiter[1].wait(), timeout)
                except TimeoutError:
                    pass
                pause = min(pause * 2, POLL_MAX)
        finally:
            self._wait_on(ids, waiter, stop=True)
        try:
            yield
        finally:
            self._release(lock_id, schema)

    # --- announcements of slots given back ---------------------------------------------------

    def _wait_on(
        self,
        ids: list[int],
        waiter: tuple[asyncio.AbstractEventLoop, asyncio.Event],
        *,
        stop: bool = False,
    ) -> None:
        with self._waiters_lock:
            for lock_id in ids:
                waiting = self._waiters.setdefault(lock_id, set())
                if stop:
                    waiting.discard(waiter)
                    if not waiting:
                        del self._waiters[lock_id]
                else:
                    waiting.add(waiter)

    def _announced(self, lock_id: int) -> None:
        with self._waiters_lock:
            waiting = list(self._waiters.get(lock_id, ()))
        for loop, event in waiting:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # that waiter's event loop has closed meanwhile
                pass

    def _listen(self) -> None:
        """Start this process's listening thread (once)."""
        with self._lock:
            if self._listener is None and not self._stopping.is_set():
                self._listener = threading.Thread(
                    target=self._listen_forever, name="ib-slots-listen", daemon=True
                )
                self._listener.start()

    def _listen_forever(self) -> None:
        import psycopg

        while not self._stopping.is_set():
            try:
                with psycopg.connect(
                    self._conninfo, autocommit=True, application_name="ib-slots-listen"
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    while not self._stopping.is_set():
                        for note in connection.notifies(timeout=1.0):
                            try:
                                self._announced(int(note.payload))
                            except ValueError:
                                continue  # not ours
            except psycopg.Error as error:
                log.warning("slot announcements unavailable (%s); polling meanwhile", error)
            finally:
                self._listening.clear()
            self._stopping.wait(1.0)

    def close(self) -> None:
        """Give every slot back (closing the session frees its locks; the leases of
        requests still in flight lapse by themselves)."""
        self._stopping.set()
        with self._lock:
            self._broken()
            self._orphans = set()


@dataclass(frozen=True)
class _InNamespace:
    """A provider: one shared :class:`PgSlots` connection, in one namespace and schema."""

    slots: PgSlots
    namespace: str
    schema: str | None

    def hold(self, key: LimiterKey, slots: int, lease: float) -> AbstractAsyncContextManager[None]:
        return self.slots.hold_in(self.namespace, self.schema, key, slots, lease)


#: one lock connection per PostgreSQL server and database, for the process's life
_CONNECTIONS: dict[str, PgSlots] = {}
#: one limiter per database URL (schema options included)
_SHARED: dict[str, CompanyLimiter] = {}
_SHARED_LOCK = threading.Lock()


def limiter_for(engine: Engine) -> CompanyLimiter:
    """The limiter for Intacct requests of a process working on ``engine``'s database:
    shared slots on PostgreSQL (one set per database and schema per process, one lock
    connection per database, the leases in the engine's schema), the process limiter
    otherwise."""
    if engine.dialect.name != "postgresql":
        return process_limiter()
    url = engine.url.render_as_string(hide_password=False)
    server = engine.url.difference_update_query(["options"]).render_as_string(hide_password=False)
    with _SHARED_LOCK:
        limiter = _SHARED.get(url)
        if limiter is None:
            with engine.connect() as connection:
                schema = connection.scalar(text("SELECT current_schema()"))
            slots = _CONNECTIONS.get(server)
            if slots is None:
                slots = _CONNECTIONS[server] = PgSlots(server)
            provider = _InNamespace(slots, _namespace(engine.url), schema)
            limiter = _SHARED[url] = CompanyLimiter(provider=provider)
        return limiter


@atexit.register
def _close_connections() -> None:
    with _SHARED_LOCK:
        for connection in _CONNECTIONS.values():
            connection.close()


__all__ = [
    "CHANNEL",
    "LEASE_TABLE",
    "POLL_MAX",
    "POLL_MIN",
    "WAIT_MAX",
    "PgSlots",
    "SlotLeaseError",
    "advisory_id",
    "limiter_for",
]
