"""The Smart Event receiver, in-process: accepted posts update the store; forged, replayed,
foreign-tenant and malformed posts are refused, logged, and change nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from sqlalchemy.orm import Session

from intacct_bridge.config.models import IntegrationConfig
from intacct_bridge.intacct import functions as fn
from intacct_bridge.intacct.client import IntacctClient, RetryPolicy
from intacct_bridge.model import finance as fi
from intacct_bridge.model.tenancy import Tenant
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.store.repositories import create_tenant, get_record
from intacct_bridge.sync.events import OutboundChange, process_pending, receipts, receive
from intacct_bridge.sync.inbound import InboundSync
from intacct_bridge.web.app import WebSettings, create_app
from intacct_bridge.web.smart_events import PATH
from tests.sync.world import (
    TENANT,
    WEBHOOK_SECRET,
    ClientCalls,
    Clock,
    Http,
    Store,
    client,
    configure,
    make_sandbox,
)


@dataclass
class World:
    store: Store
    sandbox: Sandbox
    creds: QuickstartCredentials
    clock: Clock
    clients: ClientCalls
    http: Http
    outbound: list[OutboundChange] = field(default_factory=list)

    def recordno(self, object_name: str, id_field: str, value: str) -> str:
        rows = self.sandbox.admin.records(self.creds.company_id, object_name)
        return str(next(r for r in rows if r[id_field] == value)["RECORDNO"])

    def modified(self, object_name: str, id_field: str, value: str) -> str:
        rows = self.sandbox.admin.records(self.creds.company_id, object_name)
        return str(next(r for r in rows if r[id_field] == value)["WHENMODIFIED"])

    def form(self, **changes: str) -> dict[str, str]:
        """A post exactly as the package makes Intacct send it (for account 6500)."""
        fields = {
            "tenant": TENANT,
            "token": WEBHOOK_SECRET,
            "company": self.creds.company_id,
            "object": "GLACCOUNT",
            "key": self.recordno("GLACCOUNT", "ACCOUNTNO", "6500"),
            "id": "6500",
            "event": "set",
            "modified": self.modified("GLACCOUNT", "ACCOUNTNO", "6500"),
            "format": "1",
        }
        fields.update(changes)
        return fields

    def account(self, number: str) -> fi.Account:
        with self.store.sessions() as session:
            found = get_record(session, TENANT, fi.Account, number)
        assert found is not None
        return found

    def outcomes(self) -> list[str]:
        with self.store.sessions() as session:
            return [row.outcome for row in receipts(session)]

    def pull(self) -> None:
        """The first synchronisation ("create all")."""

        async def first_pull() -> None:
            async with client(self.sandbox, self.creds) as intacct:
                await InboundSync(self.store.sessions, intacct, TENANT).pull()

        asyncio.run(first_pull())

    def change_title(self, number: str, title: str) -> None:
        self.clock.tick()

        async def change() -> None:
            async with client(self.sandbox, self.creds) as intacct:
                await intacct.call(fn.update("GLACCOUNT", {"ACCOUNTNO": number, "TITLE": title}))

        asyncio.run(change())


@pytest.fixture
def world(store: Store) -> Iterator[World]:
    sandbox, creds, clock = make_sandbox()
    configure(store, creds, endpoint=sandbox.endpoint)

    calls = ClientCalls(sandbox)
    seen: list[OutboundChange] = []

    def on_outbound(session: Session, change: OutboundChange) -> str:
        seen.append(change)
        return f"{change.intacct_object} {change.intacct_id} desynchronized"

    app = create_app(
        WebSettings(resume_pending=False),
        engine=store.engine,
        keyring=store.keyring,
        clients=calls,
        on_outbound=on_outbound,
    )
    yield World(store, sandbox, creds, clock, calls, Http(app), seen)


def post_form(world: World, fields: dict[str, str]) -> tuple[int, dict[str, object]]:
    response = world.http.post(
        PATH,
        content=urlencode(fields).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    return response.status_code, response.json()


def test_health(world: World) -> None:
    response = world.http.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["secret_key"]) == ("ok", "ok", "loaded")


def test_health_reports_an_unmigrated_database(tmp_path: object) -> None:
    from intacct_bridge.store.session import create_store_engine

    engine = create_store_engine(f"sqlite:///{tmp_path}/empty.db")
    app = create_app(WebSettings(resume_pending=False), engine=engine, keyring=None)
    response = Http(app).get("/health")
    engine.dispose()
    assert response.status_code == 503
    assert response.json()["database"] == "not migrated"


def test_a_smart_event_fetches_the_record_and_updates_the_store(world: World) -> None:
    world.pull()
    world.change_title("6500", "Bank charges and interest")
    events = world.store.change_events()
    status, body = post_form(world, world.form())
    assert status == 202 and body["status"] == "accepted"
    assert world.account("6500").name == "Bank charges and interest"
    assert world.store.change_events() == events + 1
    assert world.outcomes() == ["applied"]
    assert world.clients.opened == 1
    with world.store.sessions() as session:
        [receipt] = receipts(session, TENANT)
    assert (receipt.intacct_object, receipt.event, receipt.intacct_id) == (
        "GLACCOUNT",
        "set",
        "6500",
    )
    assert receipt.detail.startswith("updated") and WEBHOOK_SECRET not in receipt.detail


def test_json_and_xml_bodies_are_accepted_too(world: World) -> None:
    world.pull()
    world.change_title("6500", "Bank charges (JSON)")
    response = world.http.post(PATH, json=world.form())
    assert response.status_code == 202
    assert world.account("6500").name == "Bank charges (JSON)"
    world.change_title("6500", "Bank charges (XML)")
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in world.form().items())
    response = world.http.post(
        PATH, content=f"<event>{fields}</event>".encode(), headers={"content-type": "text/xml"}
    )
    assert response.status_code == 202
    assert world.account("6500").name == "Bank charges (XML)"


def test_a_replayed_post_is_refused_and_changes_nothing(world: World) -> None:
    world.pull()
    world.change_title("6500", "Bank charges")
    form = world.form()
    assert post_form(world, form)[0] == 202
    events = world.store.change_events()
    status, body = post_form(world, form)
    assert status == 409 and body["error"] == "replayed"
    assert world.outcomes() == ["applied", "replayed"]
    assert world.clients.opened == 1
    assert world.store.change_events() == events
    # a later change of the same record is a new event, not a replay
    world.change_title("6500", "Bank charges again")
    assert post_form(world, world.form())[0] == 202
    assert world.account("6500").name == "Bank charges again"


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"token": "guessed"}, 401),
        ({"token": ""}, 401),
        ({"tenant": "nobody"}, 401),
        ({"tenant": "Not A Tenant!"}, 401),
    ],
)
def test_a_forged_post_is_refused_and_changes_nothing(
    world: World, changes: dict[str, str], status: int
) -> None:
    world.change_title("6500", "Forged title")
    events = world.store.change_events()
    got, body = post_form(world, world.form(**changes))
    assert got == status and body["error"] == "unauthenticated"
    assert "token" in str(body["message"]) and WEBHOOK_SECRET not in json.dumps(body)
    assert world.store.change_events() == events
    assert world.clients.opened == 0
    assert world.outcomes() == ["refused"]


def test_a_post_for_a_company_bound_to_another_tenant_is_refused(world: World) -> None:
    other = "other-secret-token"
    with world.store.sessions.begin() as session:
        create_tenant(session, Tenant(id="other", name="Other", intacct_company_id=None))
    other_creds = QuickstartCredentials(company_id="OTHER-CO")
    configure(
        world.store, other_creds, endpoint=world.sandbox.endpoint, tenant="other", secret=other
    )
    world.change_title("6500", "Foreign title")
    events = world.store.change_events()
    # tenant "other" authenticates, but the company is acme's
    status, body = post_form(world, world.form(tenant="other", token=other))
    assert status == 403 and body["error"] == "foreign_tenant"
    # tenant acme authenticates, but the post comes from the company bound to "other"
    status, body = post_form(world, world.form(company="OTHER-CO"))
    assert status == 403 and body["error"] == "foreign_tenant"
    assert world.store.change_events() == events and world.clients.opened == 0
    assert world.outcomes() == ["refused", "refused"]


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b"<event><tenant>&lol2;</tenant></event>"
)


@pytest.mark.parametrize(
    ("content_type", "body", "status", "error"),
    [
        ("text/xml", b"<event><tenant>acme</tenant>", 400, "malformed"),
        ("application/xml", BOMB, 400, "malformed"),
        ("application/xml", b"<event><tenant><x>1</x></tenant></event>", 400, "malformed"),
        ("application/json", b'{"tenant": ', 400, "malformed"),
        ("application/json", b'["tenant", "acme"]', 400, "malformed"),
        ("application/json", b'{"tenant": {"nested": 1}}', 400, "malformed"),
        ("application/json", b'{"tenant": NaN}', 400, "malformed"),
        ("application/x-www-form-urlencoded", b"tenant=acme&tenant=other", 400, "malformed"),
        ("application/x-www-form-urlencoded", b"\xff\xfe=1", 400, "malformed"),
        ("application/x-www-form-urlencoded", b"x=" + b"a" * 20_000, 413, "too_large"),
        (
            "application/x-www-form-urlencoded",
            b"&".join(b"f%d=1" % i for i in range(40)),
            400,
            "malformed",
        ),
        ("image/png", b"\x89PNG", 415, "unsupported_media_type"),
    ],
)
def test_a_malformed_post_is_refused(
    world: World, content_type: str, body: bytes, status: int, error: str
) -> None:
    events = world.store.change_events()
    response = world.http.post(PATH, content=body, headers={"content-type": content_type})
    assert response.status_code == status
    assert response.json()["error"] == error
    assert world.store.change_events() == events and world.clients.opened == 0
    assert world.outcomes() == ["refused"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"object": "PAYROLL"}, "unknown object"),
        ({"event": "explode"}, "unknown event"),
        ({"key": "1 OR 1=1"}, "not a RECORDNO"),
        ({"modified": ""}, "no 'modified' field"),
    ],
)
def test_an_authenticated_post_with_bad_fields_is_refused(
    world: World, changes: dict[str, str], message: str
) -> None:
    events = world.store.change_events()
    status, body = post_form(world, world.form(**changes))
    assert status == 400 and body["error"] == "malformed" and message in str(body["message"])
    assert world.store.change_events() == events and world.clients.opened == 0


def test_a_declared_oversized_body_is_refused_before_it_is_read(world: World) -> None:
    response = world.http.post(
        PATH,
        content=b"tenant=acme",
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": "99999999"},
    )
    assert response.status_code == 413 and response.json()["error"] == "too_large"


def test_an_outbound_object_is_handed_to_the_sync_state_seam(world: World) -> None:
    form = world.form(object="ITEM", key="900", id="W-100", modified="03/02/2026 09:05:00")
    status, _body = post_form(world, form)
    assert status == 202
    assert [(c.intacct_object, c.recordno, c.intacct_id, c.event) for c in world.outbound] == [
        ("ITEM", "900", "W-100", "set")
    ]
    assert world.outcomes() == ["desynchronized"]
    assert world.clients.opened == 0


def test_a_deleted_record_is_marked_deleted(world: World) -> None:
    world.pull()
    recordno = world.recordno("GLACCOUNT", "ACCOUNTNO", "7200")
    modified = world.modified("GLACCOUNT", "ACCOUNTNO", "7200")

    async def delete() -> None:
        async with client(world.sandbox, world.creds) as intacct:
            await intacct.call(fn.delete("GLACCOUNT", [recordno]))

    asyncio.run(delete())
    form = world.form(key=recordno, id="7200", event="delete", modified=modified)
    assert post_form(world, form)[0] == 202
    assert not world.account("7200").is_active
    assert world.outcomes() == ["deleted"]


@dataclass
class Flaky:
    """A client factory on a sandbox whose gateway answers 503 until ``healed``."""

    sandbox: Sandbox
    healed: bool = False

    @asynccontextmanager
    async def __call__(self, config: IntegrationConfig) -> AsyncIterator[IntacctClient]:
        limits = 0.0 if self.healed else 1.0
        self.sandbox.faults.set_limits(None, failure_rate=limits)
        settings = config.intacct_config(retry=RetryPolicy(attempts=1, initial=0.0, budget=1.0))
        async with IntacctClient(settings, transport=self.sandbox.transport()) as opened:
            yield opened


def test_a_transient_failure_is_kept_and_applied_later(store: Store) -> None:
    sandbox, creds, _clock = make_sandbox()
    configure(store, creds, endpoint=sandbox.endpoint)
    flaky = Flaky(sandbox)
    app = create_app(
        WebSettings(resume_pending=False), engine=store.engine, keyring=store.keyring, clients=flaky
    )
    rows = sandbox.admin.records(creds.company_id, "GLACCOUNT")
    row = next(r for r in rows if r["ACCOUNTNO"] == "1000")
    form = {
        "tenant": TENANT,
        "token": WEBHOOK_SECRET,
        "company": creds.company_id,
        "object": "GLACCOUNT",
        "key": str(row["RECORDNO"]),
        "id": "1000",
        "event": "add",
        "modified": str(row["WHENMODIFIED"]),
    }
    response = Http(app).post(PATH, data=form)
    assert response.status_code == 202
    with store.sessions() as session:
        [receipt] = receipts(session)
        assert receipt.outcome == "accepted" and "503" in receipt.detail
        assert get_record(session, TENANT, fi.Account, "1000") is None
    flaky.healed = True
    done = asyncio.run(process_pending(store.sessions, store.keyring, clients=flaky))
    assert list(done.values()) == ["applied"]
    with store.sessions() as session:
        assert get_record(session, TENANT, fi.Account, "1000") is not None


def test_an_accepted_event_not_applied_before_a_stop_is_applied_at_start_up(store: Store) -> None:
    """The process stopped between accepting a post and applying it: the next start applies
    it (the app's lifespan), once."""
    sandbox, creds, _clock = make_sandbox()
    configure(store, creds, endpoint=sandbox.endpoint)
    row = next(
        r for r in sandbox.admin.records(creds.company_id, "GLJOURNAL") if r["SYMBOL"] == "GJ"
    )
    form = {
        "tenant": TENANT,
        "token": WEBHOOK_SECRET,
        "company": creds.company_id,
        "object": "GLJOURNAL",
        "key": str(row["RECORDNO"]),
        "id": "GJ",
        "event": "add",
        "modified": str(row["WHENMODIFIED"]),
    }
    receive(store.sessions, store.keyring, form, digest="0" * 64)
    calls = ClientCalls(sandbox)
    app = create_app(
        WebSettings(retry_interval=0), engine=store.engine, keyring=store.keyring, clients=calls
    )

    async def start_and_stop() -> None:
        async with app.router.lifespan_context(app):
            pass

    asyncio.run(start_and_stop())
    with store.sessions() as session:
        assert [r.outcome for r in receipts(session)] == ["applied"]
        assert get_record(session, TENANT, fi.Journal, "GJ") is not None
    asyncio.run(start_and_stop())  # nothing left to do
    assert calls.opened == 1


def test_a_post_while_the_integration_is_switched_off_is_refused(world: World) -> None:
    from intacct_bridge.config.store import get_config, save_config

    with world.store.sessions.begin() as session:
        config = get_config(session, TENANT, world.store.keyring)
        assert config is not None
        save_config(session, TENANT, config.updated(active=False), world.store.keyring)
    status, body = post_form(world, world.form())
    assert status == 403 and body["error"] == "integration_inactive"
    assert world.clients.opened == 0 and world.outcomes() == ["refused"]


def test_old_finished_receipts_are_pruned_pending_ones_kept(store: Store) -> None:
    import datetime as dt

    from intacct_bridge.store.tables.inbound import SmartEventReceiptRow
    from intacct_bridge.sync.events import prune_receipts

    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=100)
    with store.sessions.begin() as session:
        for number, outcome in enumerate(["applied", "refused", "accepted"]):
            session.add(
                SmartEventReceiptRow(
                    tenant_id=TENANT,
                    body_hash="0" * 64,
                    dedupe_key=str(number),
                    received_at=old,
                    outcome=outcome,
                    detail="",
                )
            )
    sandbox, _creds, _clock = make_sandbox(seed=False)
    assert prune_receipts(store.sessions, dt.timedelta(days=120)) == 0
    app = create_app(
        WebSettings(receipt_days=90, resume_pending=False),
        engine=store.engine,
        keyring=store.keyring,
        clients=ClientCalls(sandbox),
    )

    async def start_and_stop() -> None:
        async with app.router.lifespan_context(app):
            pass

    asyncio.run(start_and_stop())  # pruning runs at start-up
    with store.sessions() as session:
        assert [r.outcome for r in receipts(session)] == ["accepted"]
