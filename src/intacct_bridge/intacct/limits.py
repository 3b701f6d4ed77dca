"""Per-company concurrency limits, shared by every client of a process.

Intacct limits the requests a company may have in flight at once (its *slots*; two on the
entry tier) and refuses one more with HTTP 429 / ``GW-0010``. The limit belongs to the
company, not to a client object, so the client takes its slots from one **process-wide**
:class:`CompanyLimiter` (:func:`process_limiter`) unless it is handed another one:

* **Key** — the configured endpoint's host (and port) plus the company ID, case-folded:
  ``("api.intacct.com", "ACME")``. Two clients of one company share its slots whatever
  their user, their entity (``location_id``: the entities of a multi-entity company share
  the company's limit) or their session endpoint; the same company ID at another gateway
  (a sandbox on another port, production vs. a test gateway) is another company.
* **Threads and event loops** — the slots are ``aiologic`` semaphores, which work across
  threads and event loops: clients running in different threads, each with its own event
  loop, still never have more than the slots in flight together.
* **Across processes** — a :class:`SlotProvider` given to the limiter (``provider=``)
  is held too, for every request, after the in-process slot: the sync engine's
  PostgreSQL advisory-lock slots (:mod:`intacct_bridge.sync.slots`) make the limit hold
  across all worker processes on all machines. Each request tells the provider its
  *lease* — how long it may stay in flight at most (the client's request timeout) — so
  that a slot whose holder dies mid-request stays busy while that request may still run
  at the gateway. Without a provider the count is this process's own (the embedded
  default on SQLite).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol
from urllib.parse import urlsplit

import aiologic

#: Intacct's Tier 1 allows two concurrent requests per company (3rd-party guides).
DEFAULT_SLOTS = 2

#: How long a request may stay in flight unless its caller says (seconds; the client's
#: default request timeout).
DEFAULT_LEASE = 60.0

#: ``(endpoint host[:port], COMPANY)`` — what one set of slots belongs to.
LimiterKey = tuple[str, str]


def limiter_key(endpoint: str, company_id: str) -> LimiterKey:
    """The key of ``company_id`` at the gateway ``endpoint`` (a URL)."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    default_port = {"https": 443, "http": 80}.get(parts.scheme.lower())
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != default_port:
        host = f"{host}:{port}"
    return host, company_id.strip().upper()


class SlotProvider(Protocol):
    """Slots shared beyond this process: ``hold(key, slots, lease)`` waits until fewer
    than ``slots`` holders of ``key`` exist anywhere, and holds one for the block — a
    request that lasts at most ``lease`` seconds. If the holder dies inside the block, the
    slot stays taken until ``lease`` seconds after it was taken (the request may still be
    running at the gateway); if it leaves the block, the slot is free at once."""

    def hold(
        self, key: LimiterKey, slots: int, lease: float
    ) -> AbstractAsyncContextManager[None]: ...


class CompanyLimiter:
    """At most ``slots`` requests in flight per company (see the module docstring).

    ``per_company`` (or :meth:`set_slots`) gives some companies other slot counts (by
    company ID, any case). ``provider`` adds slots shared with other processes.
    """

    def __init__(
        self,
        slots: int = DEFAULT_SLOTS,
        per_company: Mapping[str, int] | None = None,
        *,
        provider: SlotProvider | None = None,
    ) -> None:
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self.slots = slots
        self.per_company = {k.upper(): v for k, v in (per_company or {}).items()}
        if any(v < 1 for v in self.per_company.values()):
            raise ValueError("slots must be at least 1")
        self.provider = provider
        self._lock = threading.Lock()
        self._semaphores: dict[LimiterKey, aiologic.Semaphore] = {}
        self._in_flight: dict[LimiterKey, int] = {}
        self._peak: dict[LimiterKey, int] = {}

    def set_slots(self, company_id: str, slots: int) -> None:
        """Give ``company_id`` (at every gateway) ``slots`` slots from now on — for a
        company whose Intacct tier allows more (or fewer) than the default. Raises
        ``ValueError`` while requests of the company hold slots (change it before work
        starts)."""
        if slots < 1:
            raise ValueError("slots must be at least 1")
        company = company_id.strip().upper()
        with self._lock:
            busy = [k for k, n in self._in_flight.items() if k[1] == company and n]
            if busy:
                raise ValueError(
                    f"cannot change the slots of {company} while {len(busy)} of its "
                    "gateways have requests in flight"
                )
            self.per_company[company] = slots
            for key in [k for k in self._semaphores if k[1] == company]:
                del self._semaphores[key]

    def slots_for(self, company_id: str) -> int:
        return self.per_company.get(company_id.strip().upper(), self.slots)

    def _semaphore(self, key: LimiterKey) -> aiologic.Semaphore:
        with self._lock:
            semaphore = self._semaphores.get(key)
            if semaphore is None:
                semaphore = aiologic.Semaphore(self.slots_for(key[1]))
                self._semaphores[key] = semaphore
            return semaphore

    def _count(self, key: LimiterKey, step: int) -> None:
        with self._lock:
            count = self._in_flight.get(key, 0) + step
            self._in_flight[key] = count
            if count > self._peak.get(key, 0):
                self._peak[key] = count

    @asynccontextmanager
    async def slot(
        self, key: LimiterKey | str, *, lease: float = DEFAULT_LEASE
    ) -> AsyncIterator[None]:
        """Hold one of the company's slots for the block (waits for a free one).

        ``key`` is a :func:`limiter_key`; a bare company ID stands for that company at
        no particular gateway. ``lease`` bounds how long the request in the block may be
        in flight (the provider keeps the slot that long if this process dies inside it).
        """
        if isinstance(key, str):
            key = ("", key.strip().upper())
        async with self._semaphore(key):
            if self.provider is None:
                self._count(key, +1)
                try:
                    yield
                finally:
                    self._count(key, -1)
                return
            async with self.provider.hold(key, self.slots_for(key[1]), lease):
                self._count(key, +1)
                try:
                    yield
                finally:
                    self._count(key, -1)

    def in_flight(self, key: LimiterKey) -> int:
        """Requests holding a slot of ``key`` now."""
        with self._lock:
            return self._in_flight.get(key, 0)

    def peak(self, key: LimiterKey) -> int:
        """The most slots of ``key`` ever held at once (this limiter's own view; tests
        judge a limit by the gateway's count, not by this)."""
        with self._lock:
            return self._peak.get(key, 0)


_PROCESS_LIMITER: CompanyLimiter | None = None
_PROCESS_LOCK = threading.Lock()


def process_limiter() -> CompanyLimiter:
    """The limiter every :class:`~intacct_bridge.intacct.client.IntacctClient` of this
    process uses unless it is given its own (created on first use, default slots)."""
    global _PROCESS_LIMITER
    with _PROCESS_LOCK:
        if _PROCESS_LIMITER is None:
            _PROCESS_LIMITER = CompanyLimiter()
        return _PROCESS_LIMITER


__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_SLOTS",
    "CompanyLimiter",
    "LimiterKey",
    "SlotProvider",
    "limiter_key",
    "process_limiter",
]
