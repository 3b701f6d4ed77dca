"""The sandbox's state: senders, companies, sessions, read cursors and transport policies.

A :class:`SandboxBackend` is an ordinary object — create as many as you like (one per
test); nothing is global. It is driven through the gateway (the XML API) and through
:mod:`intacct_bridge.sandbox.admin` (what an administrator does in Intacct's screens).
"""

from __future__ import annotations

import random
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx

from intacct_bridge.sandbox.callbacks import CallbackRules
from intacct_bridge.sandbox.tenancy import Company, Sender
from intacct_bridge.xmlsafe import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from intacct_bridge.sandbox.asyncrequests import AsyncRunner, TransportPolicy
    from intacct_bridge.sandbox.smartevents import Dispatcher

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Session:
    """An API session returned by getAPISession (or implied by a login)."""

    session_id: str
    company_id: str
    user_id: str
    location_id: str
    expires_at: datetime


@dataclass
class Cursor:
    """A readByQuery result set being paged through with readMore."""

    result_id: str
    company_id: str
    object_name: str
    recordnos: list[int]
    fields: tuple[str, ...] | None
    pagesize: int
    position: int
    expires_at: datetime
    location_id: str = ""


@dataclass
class SandboxSettings:
    """Knobs of the emulator; all have faithful defaults."""

    #: ``modern`` (control failure XMLGW_JPP0002, HTTP 401) or ``legacy``
    #: (authentication failure XL03000006) for a bad user/company/password.
    login_failure_style: str = "modern"
    max_body_bytes: int = DEFAULT_MAX_BYTES
    #: Budget of one reply (the functions' ``<data>``, ``<key>`` and ``<listtype>``); a
    #: function whose output would exceed it fails instead (*inferred*, see docs/sandbox.md).
    max_reply_bytes: int = 16 * 1024 * 1024
    #: Functions in one request; more is a control failure (*inferred*).
    max_functions: int = 10_000
    #: Lifetime of a readByQuery resultId, renewed by each readMore.
    cursor_ttl_seconds: int = 900
    #: Public base URL used in RECORD_URL deep links.
    public_base: str = "https://www.intacct.com"
    #: Bearer token the admin API (``/sandbox/admin``) requires; ``None`` = open.
    admin_token: str | None = None
    #: The URLs the sandbox may call (Smart Events, async responses); ``None`` = any.
    callbacks: CallbackRules | None = None


@dataclass
class SandboxBackend:
    """All state of one sandbox instance."""

    settings: SandboxSettings = field(default_factory=SandboxSettings)
    clock: Clock = system_clock
    seed: int | None = None
    senders: dict[str, Sender] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    cursors: dict[str, Cursor] = field(default_factory=dict)
    #: Transport policies for asynchronous requests, by policy ID (saved in the state file).
    policies: dict[str, TransportPolicy] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed) if self.seed is not None else None
        self._dispatcher: Dispatcher | None = None
        self._async_runner: AsyncRunner | None = None
        #: httpx transport for posting asynchronous responses (``None`` = the network).
        self.async_transport: httpx.BaseTransport | None = None
        #: httpx transport for Smart Event deliveries (``None`` = the real network).
        self.smart_event_transport: httpx.BaseTransport | None = None

    def async_runner(self, start: Callable[[], AsyncRunner]) -> AsyncRunner:
        """The background runner of asynchronous (policyid) requests; the gateway hands in
        ``start``, which makes it on first use (the runner drives the gateway, a layer
        above the backend)."""
        with self.lock:
            if self._async_runner is None:
                self._async_runner = start()
            return self._async_runner

    def existing_async_runner(self) -> AsyncRunner | None:
        return self._async_runner

    def dispatcher(self) -> Dispatcher:
        """The Smart Event delivery thread of this backend (started on first use)."""
        with self.lock:
            if self._dispatcher is None:
                from intacct_bridge.sandbox.smartevents import Dispatcher

                self._dispatcher = Dispatcher(self.smart_event_transport)
            return self._dispatcher

    # --- time and ids ----------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock()

    def token(self, nbytes: int = 24) -> str:
        """An opaque identifier; deterministic when the backend has a seed."""
        if self._random is not None:
            return self._random.getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()
        return secrets.token_hex(nbytes)

    @property
    def public_base(self) -> str:
        return self.settings.public_base

    # --- sessions --------------------------------------------------------------------------

    def open_session(self, company: Company, user_id: str, location_id: str) -> Session:
        session = Session(
            session_id=self.token(20) + "..",
            company_id=company.company_id,
            user_id=user_id,
            location_id=location_id,
            expires_at=self.now() + timedelta(seconds=company.session_timeout),
        )
        self.sessions[session.session_id] = session
        return session

    def touch_session(self, session: Session, company: Company) -> None:
        """Sliding timeout: each use pushes the expiry out again."""
        session.expires_at = self.now() + timedelta(seconds=company.session_timeout)

    def live_session(self, session_id: str) -> Session | None:
        session = self.sessions.get(session_id)
        if session is None:
            return None
        if session.expires_at <= self.now():
            del self.sessions[session_id]
            return None
        return session

    # --- cursors ---------------------------------------------------------------------------

    def open_cursor(self, cursor: Cursor) -> None:
        self._expire_cursors()
        self.cursors[cursor.result_id] = cursor

    def live_cursor(self, result_id: str, company_id: str) -> Cursor | None:
        self._expire_cursors()
        cursor = self.cursors.get(result_id)
        if cursor is None or cursor.company_id != company_id:
            return None
        return cursor

    def _expire_cursors(self) -> None:
        now = self.now()
        for key in [k for k, c in self.cursors.items() if c.expires_at <= now]:
            del self.cursors[key]

    def reset(self) -> None:
        """Forget everything (companies, senders, sessions, cursors, transport policies)."""
        with self.lock:
            self.policies.clear()
            self.senders.clear()
            self.companies.clear()
            self.sessions.clear()
            self.cursors.clear()
