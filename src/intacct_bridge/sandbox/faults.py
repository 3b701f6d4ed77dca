"""Limits and faults in front of the gateway: concurrency slots, latency, failures.

The real Intacct gateway is slow, rate limited and sometimes fails; the sandbox can be
made to behave the same way, per company or globally, so that reliability and
performance work can be measured:

* **slots** — concurrent requests per company (default 2); one more gets HTTP 429 with
  ``GW-0010``;
* **latency** — a fixed time per request plus a time per function: the least time a
  request takes, the sandbox's own processing included (it runs first, then the rest of
  the time is slept *outside* the backend lock, so requests of different slots overlap as
  on the real service, and the modelled time is what a client sees, however fast the
  machine running the sandbox);
* **failure_rate** — the request is refused with HTTP 502/503 before anything runs;
* **timeout_rate** — the request hangs ``timeout_seconds`` and the connection is cut;
  nothing runs;
* **drop_rate** — *commit then drop*: the request's work is committed, then the
  connection is cut before the reply — the ambiguous outcome;
* a seedable random source: the same seed and the same request order give the same
  faults.

Set them in Python (``sandbox.faults.set_limits(...)``), with ``intacct-bridge sandbox
serve --slots … --failure-rate …`` (the defaults), or through the admin API
(``GET/PUT /sandbox/admin/limits``, ``PUT /sandbox/admin/companies/{id}/limits``,
``POST /sandbox/admin/limits/reseed``).
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
import time
from dataclasses import asdict, dataclass, field, fields, replace
from enum import Enum
from typing import Any

from lxml import etree
from starlette.concurrency import run_in_threadpool

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.gateway import Gateway, GatewayReply, _children, _local
from intacct_bridge.xmlsafe import text_of

#: Bodies up to this size are parsed on the event loop (server mode); larger ones in a
#: worker thread, so that one big request does not stall the other connections.
_PARSE_INLINE_BYTES = 64 * 1024

#: What :meth:`Gateway.parse` made of a request body: its document or the refusal.
Parsed = etree._Element | errors.ControlError


@dataclass(frozen=True)
class Limits:
    """Limits and fault rates for one company (or the default for all)."""

    slots: int = 2
    latency_per_request: float = 0.0
    latency_per_function: float = 0.0
    failure_rate: float = 0.0
    timeout_rate: float = 0.0
    drop_rate: float = 0.0
    timeout_seconds: float = 0.5

    def __post_init__(self) -> None:
        if self.slots < 1:
            raise ValueError("slots must be at least 1")
        for name in ("failure_rate", "timeout_rate", "drop_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1; got {rate}")
        total = self.failure_rate + self.timeout_rate + self.drop_rate
        if total > 1.0 + 1e-9:
            raise ValueError(
                "failure_rate + timeout_rate + drop_rate must not exceed 1 (they are the "
                f"shares of requests that fail, hang or drop); got {total:g}"
            )
        for name in ("latency_per_request", "latency_per_function", "timeout_seconds"):
            seconds = getattr(self, name)
            if not (math.isfinite(seconds) and seconds >= 0):
                raise ValueError(f"{name} must be a number of seconds, not negative; got {seconds}")

    def latency(self, functions: int) -> float:
        return self.latency_per_request + self.latency_per_function * functions

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


#: The names :meth:`FaultPlan.set_limits` accepts.
LIMIT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Limits))


class Fate(Enum):
    SERVE = "serve"
    FAIL = "fail"
    TIMEOUT = "timeout"
    DROP = "drop"


class ConnectionDropped(Exception):
    """The adapter must cut the connection without a reply."""


@dataclass
class FaultPlan:
    """Which limits apply to which company, and the seeded source of faults."""

    default: Limits = field(default_factory=Limits)
    per_company: dict[str, Limits] = field(default_factory=dict)
    seed: int | None = None
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    in_flight: dict[str, int] = field(default_factory=dict)
    #: The most requests of each company ever at the gateway at once, refused ones
    #: included. See :meth:`peak_in_flight`.
    peaks: dict[str, int] = field(default_factory=dict)
    #: Counts of what happened, by fate (for tests and the admin API).
    outcomes: dict[str, int] = field(default_factory=dict)
    #: Per company, the seconds its admitted requests spent at the gateway, added up (two
    #: requests for one second: 2.0). Divided by its slots and a run's seconds: how busy
    #: the company's slots were — an idle slot shows here whatever the client's CPU.
    busy_seconds: dict[str, float] = field(default_factory=dict)
    #: Per company, the admitted requests and the functions in them (full requests or not).
    requests: dict[str, int] = field(default_factory=dict)
    functions: dict[str, int] = field(default_factory=dict)
    #: when each company's number of requests in flight last changed (``time.monotonic``)
    _changed: dict[str, float] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def reseed(self, seed: int | None) -> None:
        with self._lock:
            self.seed = seed
            self._rng = random.Random(seed)

    def limits_for(self, company_id: str) -> Limits:
        return self.per_company.get(company_id.upper(), self.default)

    def set_limits(self, company_id: str | None, **changes: float | int) -> Limits:
        """Change the limits of one company (or the default when ``company_id`` is None).

        A company without limits of its own starts from the current default (later changes
        of the default do not reach it). Raises ``ValueError`` for an unknown name or an
        impossible value, and then changes nothing.
        """
        unknown = sorted(set(changes) - set(LIMIT_NAMES))
        if unknown:
            raise ValueError(
                f"unknown limit(s) {', '.join(unknown)}; known: {', '.join(LIMIT_NAMES)}"
            )
        with self._lock:
            if company_id is None:
                self.default = replace(self.default, **changes)  # type: ignore[arg-type]
                return self.default
            key = company_id.upper()
            current = self.per_company.get(key, self.default)
            self.per_company[key] = replace(current, **changes)  # type: ignore[arg-type]
            return self.per_company[key]

    def clear_limits(self, company_id: str) -> bool:
        """Drop a company's own limits (it follows the default again); ``False`` if it had
        none."""
        with self._lock:
            return self.per_company.pop(company_id.upper(), None) is not None

    def peak_in_flight(self, company_id: str | None = None) -> int:
        """The most requests of ``company_id`` that were ever at the gateway at once, or
        the highest figure of any company when ``company_id`` is None.

        A request counts from its arrival until its reply, and one refused with GW-0010
        counts too (at the moment it arrived, while the others were in flight): a client
        that sends more requests at once than the company's slots shows a peak above the
        slots even though the extra ones were refused. Tests of clients use it, with
        ``outcomes["rate_limited"]``, as the sandbox's own judgement of a concurrency
        limit: ``peak_in_flight(company) <= slots``."""
        with self._lock:
            if company_id is None:
                return max(self.peaks.values(), default=0)
            return self.peaks.get(company_id.upper(), 0)

    def reset_counters(self) -> None:
        """Forget outcome counters, peaks and busy figures (requests in flight are kept)."""
        with self._lock:
            self.outcomes.clear()
            self.peaks = {k: v for k, v in self.in_flight.items() if v}
            self.busy_seconds.clear()
            self.requests.clear()
            self.functions.clear()
            moment = time.monotonic()
            self._changed = dict.fromkeys(self._changed, moment)

    def describe(self) -> dict[str, Any]:
        """A JSON-able view: seed, default and per-company limits, outcome counters (by
        fate, and ``rate_limited``), the requests in flight per company and the peak of
        requests at the gateway per company, refused ones included (``peak_in_flight``)."""
        with self._lock:
            return {
                "seed": self.seed,
                "default": self.default.as_dict(),
                "companies": {
                    company: limits.as_dict()
                    for company, limits in sorted(self.per_company.items())
                },
                "outcomes": dict(sorted(self.outcomes.items())),
                "in_flight": {k: v for k, v in sorted(self.in_flight.items()) if v},
                "peak_in_flight": dict(sorted(self.peaks.items())),
                "busy_seconds": {k: round(v, 3) for k, v in sorted(self.busy_seconds.items())},
                "requests": dict(sorted(self.requests.items())),
                "functions": dict(sorted(self.functions.items())),
            }

    def _busy(self, company: str) -> None:
        """Add the time since the last change of ``company``'s requests in flight (lock
        held, before the change)."""
        moment = time.monotonic()
        count = self.in_flight.get(company, 0)
        if count:
            since = self._changed.get(company, moment)
            self.busy_seconds[company] = self.busy_seconds.get(company, 0.0) + count * (
                moment - since
            )
        self._changed[company] = moment

    def _fate(self, limits: Limits) -> Fate:
        with self._lock:
            draw = self._rng.random()
        if draw < limits.failure_rate:
            return Fate.FAIL
        draw -= limits.failure_rate
        if draw < limits.timeout_rate:
            return Fate.TIMEOUT
        draw -= limits.timeout_rate
        if draw < limits.drop_rate:
            return Fate.DROP
        return Fate.SERVE

    def _enter(self, company: str, limits: Limits) -> bool:
        with self._lock:
            count = self.in_flight.get(company, 0)
            if count + 1 > self.peaks.get(company, 0):
                self.peaks[company] = count + 1  # this request is here, admitted or not
            if count >= limits.slots:
                return False
            self._busy(company)
            self.in_flight[company] = count + 1
            self.requests[company] = self.requests.get(company, 0) + 1
            return True

    def _leave(self, company: str) -> None:
        with self._lock:
            self._busy(company)
            self.in_flight[company] = max(self.in_flight.get(company, 1) - 1, 0)

    def _served(self, company: str, functions: int) -> None:
        with self._lock:
            self.functions[company] = self.functions.get(company, 0) + functions

    def _count(self, what: str) -> None:
        with self._lock:
            self.outcomes[what] = self.outcomes.get(what, 0) + 1


@dataclass(frozen=True)
class _Admitted:
    """A request past the slots check: its company, limits, fate and parsed document."""

    company: str
    limits: Limits
    fate: Fate
    latency: float
    parsed: Parsed


class FrontDoor:
    """Applies a :class:`FaultPlan` around :meth:`Gateway.handle`; used by both adapters."""

    def __init__(self, gateway: Gateway, plan: FaultPlan) -> None:
        self.gateway = gateway
        self.plan = plan

    def _company_of(self, parsed: Parsed) -> str:
        """The company a request is for, read from its parsed document: the login's
        ``companyid`` or the company of its ``sessionid``; ``""`` (a bucket of its own)
        when the request names none or could not be parsed."""
        if isinstance(parsed, errors.ControlError):
            return ""
        for operation in _children(parsed)[1:2]:
            parts = _children(operation)
            if not parts or _local(parts[0]) != "authentication":
                return ""
            for item in _children(parts[0]):
                name = _local(item)
                if name == "login":
                    for field_ in _children(item):
                        if _local(field_) == "companyid":
                            return text_of(field_).upper()
                    return ""
                if name == "sessionid":
                    session = self.gateway.backend.sessions.get(text_of(item))
                    return session.company_id.upper() if session is not None else ""
        return ""

    @staticmethod
    def _functions_in(parsed: Parsed) -> int:
        if isinstance(parsed, errors.ControlError):
            return 0
        return sum(
            1
            for operation in _children(parsed)[1:]
            for content in _children(operation)
            if _local(content) == "content"
            for function in _children(content)
            if _local(function) == "function"
        )

    def _failure_reply(self) -> GatewayReply:
        return GatewayReply(
            503,
            b"<html><body><h1>503 Service Unavailable</h1></body></html>",
            content_type="text/html",
        )

    def _prepare(self, body: bytes) -> _Admitted | GatewayReply:
        parsed = self.gateway.parse(body)
        company = self._company_of(parsed)
        limits = self.plan.limits_for(company)
        if not self.plan._enter(company, limits):
            self.plan._count("rate_limited")
            reply = self.gateway.reply_for(errors.rate_limited())
            reply.headers["retry-after"] = "1"
            return reply
        fate = self.plan._fate(limits)
        self.plan._count(fate.value)
        functions = self._functions_in(parsed)
        self.plan._served(company, functions)
        latency = limits.latency(functions)
        return _Admitted(company, limits, fate, latency, parsed)

    def _finish(self, admitted: _Admitted, body: bytes, endpoint: str) -> GatewayReply:
        if admitted.fate is Fate.FAIL:
            return self._failure_reply()
        reply = self.gateway.handle(body, endpoint=endpoint, parsed=admitted.parsed)
        if admitted.fate is Fate.DROP:
            raise ConnectionDropped("commit then drop")
        return reply

    def serve(self, body: bytes, endpoint: str) -> GatewayReply:
        """Synchronous path (sync httpx clients): sleeps block the calling thread."""
        began = time.monotonic()
        admitted = self._prepare(body)
        if isinstance(admitted, GatewayReply):
            return admitted
        try:
            if admitted.fate is Fate.TIMEOUT:
                time.sleep(admitted.limits.timeout_seconds)
                raise ConnectionDropped("timed out")
            try:
                return self._finish(admitted, body, endpoint)
            finally:  # the reply (or the dropped connection) after the modelled latency
                if (rest := admitted.latency - (time.monotonic() - began)) > 0:
                    time.sleep(rest)
        finally:
            self.plan._leave(admitted.company)

    async def serve_async(
        self, body: bytes, endpoint: str, *, threaded: bool = False
    ) -> GatewayReply:
        """Async path: sleeps yield to the event loop; with ``threaded`` the gateway runs in
        a worker thread (server mode) so the event loop keeps serving other requests."""
        began = time.monotonic()
        if threaded and len(body) > _PARSE_INLINE_BYTES:
            admitted = await run_in_threadpool(self._prepare, body)
        else:
            admitted = self._prepare(body)
        if isinstance(admitted, GatewayReply):
            return admitted
        try:
            if admitted.fate is Fate.TIMEOUT:
                await asyncio.sleep(admitted.limits.timeout_seconds)
                raise ConnectionDropped("timed out")
            try:
                if not threaded:
                    return self._finish(admitted, body, endpoint)
                return await run_in_threadpool(self._finish, admitted, body, endpoint)
            finally:  # the reply (or the dropped connection) after the modelled latency
                if (rest := admitted.latency - (time.monotonic() - began)) > 0:
                    await asyncio.sleep(rest)
        finally:
            self.plan._leave(admitted.company)
