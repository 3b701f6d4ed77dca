"""REST API fixtures: the bridge's app on a migrated database (SQLite and PostgreSQL), two
tenants with reference data, API keys, and a synchronous client (httpx over ASGI)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.auth.apikeys import create_api_key
from intacct_bridge.auth.model import Scope
from intacct_bridge.config.secrets import Keyring, KeySource, generate_key
from intacct_bridge.store.migrate import upgrade
from intacct_bridge.store.session import create_store_engine, session_factory
from intacct_bridge.web.app import WebSettings, create_app
from tests.store.factories import add_tenant, seed_reference
from tests.store.fixtures import backend, scratch_url

__all__ = ["backend"]

ALL_SCOPES = tuple(Scope)


@pytest.fixture(scope="module")
def engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with scratch_url(backend, tmp_path_factory.mktemp("api")) as url:
        upgrade(url)
        made = create_store_engine(url)
        yield made
        made.dispose()


class Api:
    """One test's tenants (A and B, reference data in both), app and keys.

    ``seen`` keeps every response (body and headers) for the secret scan.
    """

    def __init__(self, engine: Engine) -> None:
        tag = uuid.uuid4().hex[:8]
        self.a, self.b = f"a-{tag}", f"b-{tag}"
        self.engine = engine
        self.sessions: sessionmaker[Session] = session_factory(engine)
        with self.sessions() as db, db.begin():
            for tenant in (self.a, self.b):
                add_tenant(db, tenant)
                seed_reference(db, tenant)
        keyring = Keyring([generate_key()], KeySource("env"))
        self.app = create_app(WebSettings(resume_pending=False), engine=engine, keyring=keyring)
        self.seen: list[str] = []
        self.keys: list[str] = []
        self.key = self.new_key(self.a, *ALL_SCOPES)

    def new_key(self, tenant: str, *scopes: Scope) -> str:
        with self.sessions() as db, db.begin():
            key, _info = create_api_key(
                db, tenant, f"client-{len(self.keys)}", scopes, dt.datetime.now(dt.UTC)
            )
        self.keys.append(key.text)
        return key.text

    def request(
        self, method: str, url: str, *, key: str | None = "default", **options: Any
    ) -> httpx.Response:
        headers = dict(options.pop("headers", {}) or {})
        if key is not None:
            headers.setdefault("Authorization", f"Bearer {self.key if key == 'default' else key}")

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                return await c.request(method, url, headers=headers, **options)

        response = asyncio.run(send())
        self.seen.append(response.text)
        self.seen.extend(f"{name}: {value}" for name, value in response.headers.items())
        return response

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)

    def put(self, url: str, **options: Any) -> httpx.Response:
        return self.request("PUT", url, **options)


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    made = Api(engine)
    yield made
    for text in made.seen:  # no response ever repeats an API key
        for key in made.keys:
            assert key not in text and key.split("_", 2)[2] not in text
