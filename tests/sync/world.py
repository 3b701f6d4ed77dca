"""A bridge store and a seeded sandbox company, wired together for the inbound tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.secrets import Keyring, KeySource, Secret, generate_key
from intacct_bridge.config.store import save_config
from intacct_bridge.intacct.client import IntacctClient, IntacctConfig
from intacct_bridge.model.tenancy import Tenant
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.seeds import seed_demo
from intacct_bridge.store.migrate import upgrade
from intacct_bridge.store.repositories import create_tenant
from intacct_bridge.store.session import create_store_engine, session_factory
from intacct_bridge.store.tables.tenancy import ChangeEventRow

TENANT = "acme"
WEBHOOK_SECRET = "s3cret-webhook-token-for-tests"


class Clock:
    """The sandbox's clock, moved by hand (WHENMODIFIED has one-second resolution)."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, seconds: int = 60) -> None:
        self.now += dt.timedelta(seconds=seconds)


@dataclass
class Store:
    """A migrated database with tenant ``acme``; counts the statements that write."""

    engine: Engine
    sessions: sessionmaker[Session]
    keyring: Keyring
    writes: list[str] = field(default_factory=list)

    def change_events(self) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(ChangeEventRow)) or 0)

    @contextmanager
    def counting_writes(self) -> Iterator[list[str]]:
        """The INSERT/UPDATE/DELETE statements run inside the block."""
        seen: list[str] = []

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            verb = statement.lstrip().split(" ", 1)[0].upper()
            if verb in ("INSERT", "UPDATE", "DELETE"):
                seen.append(statement.split("\n", 1)[0][:80])

        event.listen(self.engine, "before_cursor_execute", before)
        try:
            yield seen
        finally:
            event.remove(self.engine, "before_cursor_execute", before)


def make_store(url: str) -> Store:
    upgrade(url)
    engine = create_store_engine(url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        create_tenant(session, Tenant(id=TENANT, name="Acme"))
    return Store(engine, sessions, Keyring([generate_key()], KeySource("env")))


def make_sandbox(
    *, mega: bool = False, modules: set[str] | None = None, seed: bool = True
) -> tuple[Sandbox, QuickstartCredentials, Clock]:
    sandbox = Sandbox(seed=7)
    clock = Clock()
    sandbox.backend.clock = clock
    creds = sandbox.quickstart(mega=mega, modules=modules)
    if seed:
        seed_demo(sandbox.admin, creds.company_id)
    return sandbox, creds, clock


def intacct_config(creds: QuickstartCredentials, endpoint: str) -> IntacctConfig:
    return IntacctConfig(
        sender_id=creds.sender_id,
        sender_password=creds.sender_password,
        company_id=creds.company_id,
        user_id=creds.user_id,
        user_password=creds.user_password,
        endpoint=endpoint,
    )


def client(sandbox: Sandbox, creds: QuickstartCredentials) -> IntacctClient:
    """A bridge client on the in-process sandbox."""
    return IntacctClient(intacct_config(creds, sandbox.endpoint), transport=sandbox.transport())


def configure(
    store: Store,
    creds: QuickstartCredentials,
    *,
    endpoint: str,
    webhook_url: str = "http://127.0.0.1:9/intacct/smart-events",
    tenant: str = TENANT,
    secret: str = WEBHOOK_SECRET,
) -> IntegrationConfig:
    """Save the tenant's integration configuration (binds it to the company)."""
    config = IntegrationConfig(
        tenant_id=tenant,
        option_active=True,
        endpoint_url=endpoint,
        sender_id=creds.sender_id,
        sender_password=Secret(creds.sender_password),
        company_id=creds.company_id,
        user_id=creds.user_id,
        user_password=Secret(creds.user_password),
        webhook_url=webhook_url,
        webhook_secret=Secret(secret),
    )
    with store.sessions.begin() as session:
        save_config(session, tenant, config, store.keyring, rebind=True)
    return config


@dataclass
class ClientCalls:
    """A client factory on the in-process sandbox that counts the clients it opens."""

    sandbox: Sandbox
    opened: int = 0
    requests: int = 0

    @asynccontextmanager
    async def __call__(self, config: IntegrationConfig) -> AsyncIterator[IntacctClient]:
        self.opened += 1
        transport: httpx.AsyncBaseTransport = self.sandbox.transport()
        async with IntacctClient(config.intacct_config(), transport=transport) as opened:
            try:
                yield opened
            finally:
                self.requests += opened.requests_sent


class Http:
    """A synchronous client for an ASGI app (httpx ``ASGITransport``; background tasks
    finish before a call returns)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=("203.0.113.9", 4711))
            async with httpx.AsyncClient(transport=transport, base_url="http://bridge") as c:
                return await c.request(method, path, **kw)

        import asyncio

        return asyncio.run(go())

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)
