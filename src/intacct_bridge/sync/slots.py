"""Intacct concurrency slots shared by every worker process on every machine (PostgreSQL).

Intacct refuses a company's request beyond its slots (``GW-0010``). Inside one process
:class:`~intacct_bridge.intacct.limits.CompanyLimiter` counts them; across processes the
count lives in PostgreSQL as **advisory locks**: a company with N slots has N advisory
keys (a 64-bit hash of the database, the gateway, the company and the slot number), and a
request holds one of them — taken with ``pg_try_advisory_lock`` on a connection of its
own, given back with ``pg_advisory_unlock`` — for exactly its duration. So:

* at most N requests of a company are in flight across all processes using the database;
* a process killed at any instant (SIGKILL included) frees its slots at once: PostgreSQL
  ends its session and with it its advisory locks — nothing to clean up. (A *machine* that
  vanishes keeps its session until TCP keepalive notices; set the server's
  ``tcp_keepalives_*`` for minutes, not hours.)
* a request that finds no free slot polls again, backing off from 5 ms to 100 ms.

Session advisory locks are re-entrant, so the process remembers the keys it holds and never
asks for one of them again. If the lock connection breaks, the locks it held are gone:
new requests wait until this process's requests still in flight under them have finished,
then reconnect (never more than N in flight, even then).

:func:`limiter_for` is the one place that decides: PostgreSQL → a
:class:`CompanyLimiter` with :class:`PgSlots` (one per database per process); SQLite → the
process limiter (the embedded default: one process owns the database).
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

from intacct_bridge.intacct.limits import CompanyLimiter, LimiterKey, process_limiter

log = logging.getLogger("intacct_bridge.sync.slots")

#: first and last pause between attempts at a free slot (seconds)
POLL_MIN = 0.005
POLL_MAX = 0.1


def advisory_id(namespace: str, key: LimiterKey, slot: int) -> int:
    """The signed 64-bit advisory-lock key of ``slot`` of company ``key``."""
    text = f"intacct-bridge-slot|{namespace}|{key[0]}|{key[1]}|{slot}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big", signed=True)


def _namespace(url: URL) -> str:
    # the database and its options (a search_path names another schema: another bridge)
    return f"{url.database or ''}|{url.query.get('options', '')}"


class PgSlots:
    """A :class:`~intacct_bridge.intacct.limits.SlotProvider` on PostgreSQL advisory locks
    (see the module docstring). Thread-safe; any event loop."""

    def __init__(self, url: str | URL, *, namespace: str | None = None) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() != "postgresql":
            raise ValueError("advisory-lock slots need PostgreSQL")
        self._conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        self.namespace = _namespace(parsed) if namespace is None else namespace
        self._lock = threading.Lock()
        self._connection: Any = None
        self._held: set[int] = set()
        #: slots held under a connection that broke (their requests are still in flight)
        self._orphans: set[int] = set()

    def _connect(self) -> Any:
        import psycopg

        return psycopg.connect(self._conninfo, autocommit=True, application_name="ib-slots")

    def _try(self, ids: list[int]) -> int | None:
        """Take the first free slot of ``ids`` (``None``: all busy)."""
        import psycopg

        with self._lock:
            if self._connection is None:
                if self._orphans:
                    return None  # wait for the requests of the broken connection to end
                self._connection = self._connect()
            for lock_id in ids:
                if lock_id in self._held:
                    continue  # re-entrant: PostgreSQL would say yes again
                try:
                    row = self._connection.execute(
                        "SELECT pg_try_advisory_lock(%s)", (lock_id,)
                    ).fetchone()
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

    def _release(self, lock_id: int) -> None:
        import psycopg

        with self._lock:
            if lock_id in self._orphans:
                self._orphans.discard(lock_id)  # its lock died with the old session
                return
            self._held.discard(lock_id)
            if self._connection is None:
                return
            try:
                self._connection.execute("SELECT pg_advisory_unlock(%s)", (lock_id,))
            except psycopg.OperationalError as error:
                log.error("the slot connection broke (%s); reconnecting when idle", error)
                self._broken()

    def hold(self, key: LimiterKey, slots: int) -> AbstractAsyncContextManager[None]:
        return self.hold_in(self.namespace, key, slots)

    @asynccontextmanager
    async def hold_in(self, namespace: str, key: LimiterKey, slots: int) -> AsyncIterator[None]:
        """:meth:`hold` in another namespace (one connection serves several schemas)."""
        ids = [advisory_id(namespace, key, slot) for slot in range(slots)]
        pause = POLL_MIN
        while (lock_id := self._try(ids)) is None:
            await asyncio.sleep(pause)
            pause = min(pause * 2, POLL_MAX)
        try:
            yield
        finally:
            self._release(lock_id)

    def close(self) -> None:
        """Give every slot back (closing the session frees its locks)."""
        with self._lock:
            self._broken()
            self._orphans = set()


@dataclass(frozen=True)
class _InNamespace:
    """A provider: one shared :class:`PgSlots` connection, in one namespace."""

    slots: PgSlots
    namespace: str

    def hold(self, key: LimiterKey, slots: int) -> AbstractAsyncContextManager[None]:
        return self.slots.hold_in(self.namespace, key, slots)


#: one lock connection per PostgreSQL server and database, for the process's life
_CONNECTIONS: dict[str, PgSlots] = {}
#: one limiter per database URL (schema options included)
_SHARED: dict[str, CompanyLimiter] = {}
_SHARED_LOCK = threading.Lock()


def limiter_for(engine: Engine) -> CompanyLimiter:
    """The limiter for Intacct requests of a process working on ``engine``'s database:
    shared slots on PostgreSQL (one set per database and schema per process, one lock
    connection per database), the process limiter otherwise."""
    if engine.dialect.name != "postgresql":
        return process_limiter()
    url = engine.url.render_as_string(hide_password=False)
    server = engine.url.difference_update_query(["options"]).render_as_string(hide_password=False)
    with _SHARED_LOCK:
        limiter = _SHARED.get(url)
        if limiter is None:
            connection = _CONNECTIONS.get(server)
            if connection is None:
                connection = _CONNECTIONS[server] = PgSlots(server)
            provider = _InNamespace(connection, _namespace(engine.url))
            limiter = _SHARED[url] = CompanyLimiter(provider=provider)
        return limiter


@atexit.register
def _close_connections() -> None:
    with _SHARED_LOCK:
        for connection in _CONNECTIONS.values():
            connection.close()


__all__ = ["POLL_MAX", "POLL_MIN", "PgSlots", "advisory_id", "limiter_for"]
