"""Server mode: the sandbox and the bridge each served over HTTP on a free port, the
custom package imported in the sandbox company. A GL account changed in Intacct makes the
sandbox post a Smart Event to the bridge, which reads the account back and stores it."""

from __future__ import annotations

import asyncio
import time

import httpx

from intacct_bridge.config.secrets import Secret
from intacct_bridge.intacct import functions as fn
from intacct_bridge.intacct.client import IntacctClient
from intacct_bridge.model import finance as fi
from intacct_bridge.sandbox import GATEWAY_PATH
from intacct_bridge.setup.package import build_package, inbound_objects
from intacct_bridge.store.repositories import get_record
from intacct_bridge.sync.events import receipts
from intacct_bridge.sync.inbound import InboundSync
from intacct_bridge.web.app import WebSettings, create_app
from intacct_bridge.web.smart_events import PATH
from tests.servers import serve_in_thread
from tests.sync.world import (
    TENANT,
    WEBHOOK_SECRET,
    Store,
    configure,
    intacct_config,
    make_sandbox,
)


def _title(store: Store, number: str) -> str | None:
    with store.sessions() as session:
        found = get_record(session, TENANT, fi.Account, number)
    return None if found is None else found.name


def test_a_gl_account_changed_in_intacct_reaches_the_bridge(store: Store) -> None:
    sandbox, creds, clock = make_sandbox()
    app = create_app(WebSettings(resume_pending=False), engine=store.engine, keyring=store.keyring)
    with serve_in_thread(sandbox.asgi_app()) as sandbox_url, serve_in_thread(app) as bridge_url:
        endpoint, hook = sandbox_url + GATEWAY_PATH, bridge_url + PATH
        configure(store, creds, endpoint=endpoint, webhook_url=hook)
        package = build_package(
            tenant_id=TENANT,
            company_id=creds.company_id,
            webhook_url=hook,
            webhook_secret=Secret(WEBHOOK_SECRET),
            objects=inbound_objects(projects=False),
        )
        sandbox.admin.import_package(creds.company_id, package)

        async def create_all_then_change() -> None:
            async with IntacctClient(intacct_config(creds, endpoint)) as intacct:
                await InboundSync(store.sessions, intacct, TENANT).pull()
                clock.tick()
                await intacct.call(
                    fn.update("GLACCOUNT", {"ACCOUNTNO": "6200", "TITLE": "Utilities and energy"})
                )

        asyncio.run(create_all_then_change())
        assert sandbox.admin.deliveries(creds.company_id, wait=10)
        deadline = time.monotonic() + 15
        while _title(store, "6200") != "Utilities and energy" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _title(store, "6200") == "Utilities and energy"
        [delivery] = sandbox.admin.deliveries(creds.company_id)
        assert (delivery["topic"], delivery["status"], delivery["http_status"]) == (
            "SET_GLACCOUNT",
            "delivered",
            202,
        )
        # the same post again (a replay) and a forged one are refused over HTTP too
        replay = httpx.post(hook, data=delivery["payload"])
        forged = httpx.post(hook, data={**delivery["payload"], "token": "guess"})
        assert (replay.status_code, replay.json()["error"]) == (409, "replayed")
        assert (forged.status_code, forged.json()["error"]) == (401, "unauthenticated")
        health = httpx.get(bridge_url + "/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
    with store.sessions() as session:
        outcomes = [(r.outcome, r.intacct_object, r.event) for r in receipts(session)]
    assert outcomes == [
        ("applied", "GLACCOUNT", "set"),
        ("replayed", "GLACCOUNT", "set"),
        ("refused", "GLACCOUNT", "set"),
    ]


def test_the_same_post_sent_eight_times_at_once_is_applied_once(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.sync.world import ClientCalls

    sandbox, creds, _clock = make_sandbox()
    configure(store, creds, endpoint=sandbox.endpoint)
    calls = ClientCalls(sandbox)
    app = create_app(
        WebSettings(resume_pending=False), engine=store.engine, keyring=store.keyring, clients=calls
    )
    row = next(
        r for r in sandbox.admin.records(creds.company_id, "GLACCOUNT") if r["ACCOUNTNO"] == "3000"
    )
    form = {
        "tenant": TENANT,
        "token": WEBHOOK_SECRET,
        "company": creds.company_id,
        "object": "GLACCOUNT",
        "key": str(row["RECORDNO"]),
        "id": "3000",
        "event": "add",
        "modified": str(row["WHENMODIFIED"]),
        "format": "1",
    }
    with serve_in_thread(app) as bridge_url, ThreadPoolExecutor(8) as pool:
        statuses = sorted(
            pool.map(lambda _: httpx.post(bridge_url + PATH, data=form).status_code, range(8))
        )
        deadline = time.monotonic() + 15
        while _title(store, "3000") is None and time.monotonic() < deadline:
            time.sleep(0.05)
    assert statuses == [202] + [409] * 7
    assert _title(store, "3000") == "Common stock"
    with store.sessions() as session:
        outcomes = sorted(r.outcome for r in receipts(session))
    assert outcomes == ["applied"] + ["replayed"] * 7
    assert calls.opened == 1
