"""Console fixtures: one migrated database per module and backend, and a World per test
(two tenants, users, the app, a sandbox company configured for tenant A)."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from intacct_bridge.auth.model import Role
from intacct_bridge.auth.passwords import PasswordHasher
from intacct_bridge.auth.ratelimit import LoginRateLimiter
from intacct_bridge.auth.users import create_user, grant
from intacct_bridge.auth.web import AuthServices
from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.config.secrets import Keyring, KeySource, Secret, generate_key
from intacct_bridge.config.store import save_config
from intacct_bridge.demo import DemoGenerator
from intacct_bridge.export.service import KIND as POSTING_KIND
from intacct_bridge.intacct import RetryPolicy
from intacct_bridge.intake import import_records
from intacct_bridge.model.documents import DocumentStatus
from intacct_bridge.posting.recipes import RECIPES
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.store.base import now
from intacct_bridge.store.migrate import upgrade
from intacct_bridge.store.repositories import list_documents, save_record
from intacct_bridge.store.session import create_store_engine, session_factory
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.sync.worker import EmbeddedWorker
from intacct_bridge.web.app import WebSettings, create_app
from intacct_bridge.web.console.services import ConsoleServices
from tests.auth.conftest import PASSWORD, FakeClock, add_tenants
from tests.store.fixtures import backend, dispose_engine, scratch_url

__all__ = ["PASSWORD", "backend"]

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with scratch_url(backend, tmp_path_factory.mktemp("console")) as url:
        upgrade(url)
        made = create_store_engine(url)
        yield made
        dispose_engine(made)


class World:
    """Tenants A and B (names unique per test), users, the app, the sandbox behind A."""

    def __init__(self, engine: Engine) -> None:
        tag = uuid.uuid4().hex[:8]
        self.a, self.b = f"a-{tag}", f"b-{tag}"
        self.admin, self.viewer, self.both = f"admin-{tag}", f"viewer-{tag}", f"both-{tag}"
        self.engine = engine
        self.sessions = session_factory(engine)
        self.keyring = Keyring([generate_key()], KeySource("env"))
        self.clock = FakeClock()
        self.sandbox = Sandbox(seed=4321)
        self.creds = self.sandbox.quickstart(
            QuickstartCredentials(
                company_id=f"CO-{tag}".upper(),
                sender_password=f"sender-pw-{tag}-Zq8",
                user_password=f"user-pw-{tag}-Xk3",
            )
        )
        self.auth = AuthServices(
            self.sessions,
            hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
            limiter=LoginRateLimiter(max_failures=3, clock=self.clock),
            clock=self.clock,
        )
        with self.auth.transaction() as db:
            add_tenants(db, self.a, self.b)
            hasher = self.auth.hasher
            now = self.clock()
            create_user(db, hasher, self.admin, PASSWORD, [self.a], Role.ADMIN, now)
            create_user(db, hasher, self.viewer, PASSWORD, [self.a], Role.VIEWER, now)
            create_user(db, hasher, self.both, PASSWORD, [self.a], Role.ADMIN, now)
            grant(db, self.both, [self.b], Role.ADMIN)
            for tenant in (self.a, self.b):
                save_config(db, tenant, self.config(tenant), self.keyring)
        self.app = create_app(
            WebSettings(resume_pending=False), engine=engine, keyring=self.keyring
        )
        self.app.state.auth = self.auth
        self.app.state.console = ConsoleServices(
            worker=self.worker, transport=self.sandbox.transport
        )
        #: every response body seen, for the secret scan
        self.seen: list[str] = []

    def config(self, tenant: str, **changes: Any) -> IntegrationConfig:
        values: dict[str, Any] = {
            "tenant_id": tenant,
            "option_active": True,
            "endpoint_url": self.sandbox.endpoint,
            "sender_id": self.creds.sender_id,
            "sender_password": Secret(self.creds.sender_password),
            "company_id": self.creds.company_id if tenant == self.a else f"OTHER-{tenant}",
            "user_id": self.creds.user_id,
            "user_password": Secret(self.creds.user_password),
            "webhook_url": "https://bridge.example.com/intacct/smart-events",
            "webhook_secret": Secret(f"webhook-secret-{tenant}-0123456789"),
        }
        values.update(changes)
        return IntegrationConfig.model_validate(values)

    @property
    def secrets(self) -> list[str]:
        return [
            self.creds.sender_password,
            self.creds.user_password,
            f"webhook-secret-{self.a}-0123456789",
            f"webhook-secret-{self.b}-0123456789",
            PASSWORD,
        ]

    def worker(self) -> EmbeddedWorker:
        return EmbeddedWorker(
            self.engine,
            self.keyring,
            transport=self.sandbox.transport(),
            retry=RetryPolicy(attempts=1),
        )

    def save(self, tenant: str, *records: Any) -> None:
        with self.sessions.begin() as session:
            for record in records:
                save_record(session, tenant, record)

    def client(self) -> Browser:
        return Browser(self)

    def signed_in(self, name: str) -> Browser:
        browser = self.client()
        response = browser.post("/console/sign-in", data={"username": name, "password": PASSWORD})
        assert response.status_code == 303, response.text
        return browser


class Browser:
    """httpx over ASGI, keeping cookies, never following redirects; records every page."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=world.app), base_url="http://testserver"
        )

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        response = asyncio.run(self.http.request(method, url, **options))
        self.world.seen.append(response.text)
        return response

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)

    def csrf(self, url: str) -> str:
        """The CSRF token of the form on page ``url``."""
        page = self.get(url)
        assert page.status_code == 200, page.text
        found = CSRF.search(page.text)
        assert found is not None, "the page has no form with a CSRF token"
        return found.group(1)


LINK = "https://www.intacct.com/ia/acct/x.phtml?.r="
REFUSED = "Intacct refused the document"


def demo_documents(world: World, documents: int = 40) -> list[Any]:
    """The demo's master data and some documents in tenant A; the posted ones."""
    generator = DemoGenerator(seed=3, items=12, customers=4, suppliers=3, documents=documents)
    with world.sessions.begin() as session:
        report = import_records(session, generator.master_data(), tenant_id=world.a)
        assert report.ok, report.errors[:3]
        report = import_records(
            session, [d for d in generator.documents() if d.reverses is None], tenant_id=world.a
        )
        assert report.ok, report.errors[:3]
        return [d for d in list_documents(session, world.a) if d.status is DocumentStatus.POSTED]


def record_posting(world: World, document: Any, state: str, recordno: int | None) -> None:
    """What ``intacct-bridge post`` records for a document (its posting state row)."""
    stamp = now()
    with world.sessions.begin() as session:
        session.add(
            SyncStateRow(
                tenant_id=world.a,
                kind=POSTING_KIND,
                key=f"{document.type.value}/{document.number}",
                intacct_object=RECIPES[document.type].target.value,
                state=state,
                version=1,
                attempts=1,
                record_no=recordno,
                intacct_id=None if recordno is None else str(recordno),
                url=None
                if recordno is None
                else f"https://www.intacct.com/ia/acct/x.phtml?.r={recordno}",
                last_message="Intacct refused the document: closed period"
                if state == "error"
                else None,
                created_at=stamp,
                updated_at=stamp,
                synced_at=stamp if state == "success" else None,
            )
        )


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine)
