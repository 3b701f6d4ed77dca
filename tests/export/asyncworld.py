"""Server mode for the asynchronous export: the bridge's app and a MEGA sandbox company each
served over HTTP on a free port; the sandbox's callback allowlist permits exactly the bridge's
callback URL, and its transport policy posts there with the tenant's webhook secret."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from intacct_bridge.config.models import IntegrationConfig, TransactionLevel
from intacct_bridge.config.secrets import Keyring, KeySource, Secret, generate_key
from intacct_bridge.config.store import save_config
from intacct_bridge.export import PostingConfig, PostingRunReport, post_tenant
from intacct_bridge.intacct import RetryPolicy
from intacct_bridge.sandbox import GATEWAY_PATH, QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.backend import SandboxSettings
from intacct_bridge.sandbox.callbacks import CallbackRules
from intacct_bridge.store.session import session_factory
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.web.app import WebSettings, create_app
from intacct_bridge.web.async_results import PATH
from tests.export.world import CONFIG, TENANT, make_store, seed_books
from tests.servers import serve_in_thread

SECRET = "async-webhook-secret-for-tests"
POLICY = "BRIDGE_ASYNC"


class Recorder:
    """ASGI wrapper that keeps the bodies posted to the callback path (to replay them)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        self.bodies.append(body)
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:  # the body was read: wait for the real disconnect
                message: dict[str, Any] = await receive()
                return message
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


@dataclass
class AsyncWorld:
    sandbox: Sandbox
    creds: QuickstartCredentials
    engine: Any
    keyring: Keyring
    bridge_url: str
    endpoint: str
    recorder: Recorder
    base: PostingConfig = field(default_factory=lambda: CONFIG)

    @property
    def callback_url(self) -> str:
        return self.bridge_url + PATH

    def configure(
        self,
        *,
        asynchronous: bool = True,
        timeout: int = 300,
        level: TransactionLevel = TransactionLevel.TOP_LEVEL,
    ) -> None:
        config = IntegrationConfig(
            tenant_id=TENANT,
            option_active=True,
            endpoint_url=self.endpoint,
            sender_id=self.creds.sender_id,
            sender_password=Secret(self.creds.sender_password),
            company_id=self.creds.company_id,
            user_id=self.creds.user_id,
            user_password=Secret(self.creds.user_password),
            policy_id=POLICY,
            asynchronous=asynchronous,
            async_timeout=timeout,
            transaction_level=level,
            webhook_url=self.bridge_url + "/intacct/smart-events",
            webhook_secret=Secret(SECRET),
        )
        with session_factory(self.engine).begin() as session:
            save_config(session, TENANT, config, self.keyring, rebind=True)

    def set_policy(self, *, user: str = TENANT, password: str = SECRET) -> None:
        host = self.bridge_url.removeprefix("http://")
        self.sandbox.admin.add_policy(
            POLICY, self.creds.sender_id, f"http://{user}:{password}@{host}{PATH}"
        )

    def post(self) -> PostingRunReport:
        quick = RetryPolicy(initial=0.01, maximum=0.05, budget=30)
        return asyncio.run(
            post_tenant(self.engine, TENANT, keyring=self.keyring, config=self.base, retry=quick)
        )

    def wait(self) -> list[dict[str, Any]]:
        """Wait until the sandbox has run every asynchronous request and posted its result."""
        return self.sandbox.admin.async_deliveries(wait=20)

    def objects(self) -> dict[str, str]:
        """Per document, the Intacct object it was posted as."""
        with session_factory(self.engine)() as session:
            rows = session.scalars(
                select(SyncStateRow).where(
                    SyncStateRow.tenant_id == TENANT, SyncStateRow.kind == "posting"
                )
            )
            return {r.key: r.intacct_object for r in rows}

    def once_each(self, documents: int) -> None:
        """Every document is in Intacct exactly once, as the RECORDNO the bridge holds."""
        found = self.in_intacct()
        states = self.states()
        objects = self.objects()
        assert len(states) == documents
        for key, (state, recordno, _version, _code) in states.items():
            assert state == "success", (key, state)
            obj = objects[key]
            value = f"{key}/{obj}" if obj in ("GLBATCH", "APBILL") else key.split("/", 1)[1]
            assert found.get(f"{obj}:{value}") == [str(recordno)], (key, found.get(value))

    def states(self) -> dict[str, tuple[str, int | None, int, str | None]]:
        """Per document: (state, RECORDNO, version, error code)."""
        with session_factory(self.engine)() as session:
            rows = session.scalars(
                select(SyncStateRow).where(
                    SyncStateRow.tenant_id == TENANT, SyncStateRow.kind == "posting"
                )
            )
            return {r.key: (r.state, r.record_no, r.version, r.error_code) for r in rows}

    def records(self, object_name: str) -> list[dict[str, Any]]:
        table = self.sandbox.backend.companies[self.creds.company_id].data.table(object_name)
        return [
            {**r.values, "RECORDNO": no, "_ENTITY": r.entity} for no, r in table.records.items()
        ]

    def in_intacct(self) -> dict[str, list[str]]:
        """Per bridge key, the RECORDNOs of the Intacct records that carry it."""
        found: dict[str, list[str]] = {}
        for obj, field_name in (
            ("GLBATCH", "REFERENCENO"),
            ("APBILL", "DOCNUMBER"),
            ("ARINVOICE", "RECORDID"),
            ("APADJUSTMENT", "RECORDID"),
            ("ARADJUSTMENT", "RECORDID"),
        ):
            for record in self.records(obj):
                key = str(record.get(field_name) or "")
                found.setdefault(f"{obj}:{key}", []).append(str(record["RECORDNO"]))
        return found

    def callback(
        self, body: bytes, *, user: str = TENANT, password: str = SECRET
    ) -> httpx.Response:
        return httpx.post(
            self.callback_url,
            content=body,
            auth=(user, password),
            headers={"content-type": "text/xml"},
        )


@contextmanager
def async_world(url: str) -> Iterator[AsyncWorld]:
    """The store (tenant ``acme`` with the export month), the bridge app and the sandbox,
    both served; the sandbox may call the bridge's callback URL and nothing else."""
    engine = make_store(url)
    keyring = Keyring([generate_key()], KeySource("env"))
    app = Recorder(create_app(WebSettings(resume_pending=False), engine=engine, keyring=keyring))
    with ExitStack() as stack:
        bridge_url = stack.enter_context(serve_in_thread(app))  # type: ignore[arg-type]
        rules = CallbackRules([bridge_url + PATH])
        sandbox = Sandbox(seed=11, settings=SandboxSettings(callbacks=rules))
        creds = sandbox.quickstart(mega=True)
        sandbox.admin.add_entity(creds.company_id, "E1", "One")
        sandbox.admin.add_entity(creds.company_id, "E2", "Two")
        seed_books(sandbox, creds.company_id)
        sandbox_url = stack.enter_context(serve_in_thread(sandbox.asgi_app()))
        world = AsyncWorld(
            sandbox, creds, engine, keyring, bridge_url, sandbox_url + GATEWAY_PATH, app
        )
        world.configure()
        world.set_policy()
        try:
            yield world
        finally:
            world.wait()
            engine.dispose()
