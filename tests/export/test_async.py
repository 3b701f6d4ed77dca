"""Asynchronous posting end to end, in server mode: the bridge submits under the tenant's
transport policy, the sandbox runs the requests later and posts each response to the bridge's
callback URL (its allowlist permits it), and the callback is matched by control ID. Exactly
once through lost, duplicated and forged callbacks."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from intacct_bridge.export.callbacks import prune_async_requests
from intacct_bridge.store.session import session_factory
from tests.export.asyncworld import SECRET, AsyncWorld, async_world
from tests.store.fixtures import backend, fresh_url  # noqa: F401

DOCUMENTS = 11


@pytest.fixture
def world(fresh_url: str) -> Iterator[AsyncWorld]:  # noqa: F811
    """On SQLite and PostgreSQL (the main path)."""
    with async_world(fresh_url) as made:
        yield made


@pytest.fixture
def lite(tmp_path: Path) -> Iterator[AsyncWorld]:
    """On SQLite only (the failure paths; the store code is the same)."""
    with async_world(f"sqlite:///{tmp_path / 'bridge.db'}") as made:
        yield made


def _settled(world: AsyncWorld) -> dict[str, tuple[str, int | None, int, str | None]]:
    deadline = time.monotonic() + 20
    states = world.states()
    while any(s[0] == "pending" for s in states.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
        states = world.states()
    return states


def _once_each(world: AsyncWorld) -> None:
    world.once_each(DOCUMENTS)


def test_posts_go_asynchronously_and_the_callback_records_them(world: AsyncWorld) -> None:
    report = world.post()
    assert report.errors == [] and report.pending == [] and report.posted == 0
    # awaiting, or already recorded by a callback that came while the run went on
    assert len(report.outcomes) == DOCUMENTS
    assert all(o.awaiting or o.state == "success" for o in report.outcomes), report.outcomes
    deliveries = world.wait()
    assert deliveries and {d["status"] for d in deliveries} == {"delivered"}
    assert {d["http_status"] for d in deliveries} == {200}
    states = _settled(world)
    assert {s[0] for s in states.values()} == {"success"}
    _once_each(world)
    again = world.post()
    assert again.already == DOCUMENTS and again.awaiting == [] and again.posted == 0
    assert world.wait() == deliveries  # nothing was sent again


def test_a_duplicated_callback_changes_nothing(lite: AsyncWorld) -> None:
    world = lite
    world.post()
    world.wait()
    before = _settled(world)
    assert world.recorder.bodies
    for body in list(world.recorder.bodies):
        answer = world.callback(body)
        assert answer.status_code == 200 and answer.json()["status"] == "duplicate"
    assert world.states() == before
    _once_each(world)
    # housekeeping forgets old requests; a callback for one is then unknown: still no change
    sessions = session_factory(world.engine)
    assert prune_async_requests(sessions, dt.timedelta(0)) == 3
    late = world.callback(world.recorder.bodies[0])
    assert (late.status_code, late.json()["error"]) == (404, "unknown_control_id")
    assert world.states() == before


def test_forged_callbacks_change_nothing(lite: AsyncWorld) -> None:
    world = lite
    # the callback cannot reach the bridge yet (wrong password on the policy): the documents
    # wait, and every forged callback is refused while they do
    world.set_policy(password="not-the-secret")
    world.post()
    world.wait()
    waiting = world.states()
    assert {s[0] for s in waiting.values()} == {"pending"}
    [*bodies] = world.recorder.bodies
    assert bodies and all(b.startswith(b"<?xml") or b"<response" in b for b in bodies)
    body = bodies[0]
    refused = [
        world.callback(body, password="guess"),
        world.callback(body, user="other", password=SECRET),
        world.callback(body, password=SECRET[:-1]),
        httpx.post(world.callback_url, content=body),
    ]
    assert [r.status_code for r in refused] == [401, 401, 401, 401]
    assert {r.json()["error"] for r in refused} == {"unauthenticated"}
    unknown = body.replace(b"<controlid>async-", b"<controlid>async-ffff", 1)
    assert unknown != body
    answer = world.callback(unknown)
    assert (answer.status_code, answer.json()["error"]) == (404, "unknown_control_id")
    company = world.creds.company_id.encode()
    elsewhere = body.replace(b"<companyid>" + company, b"<companyid>OTHER-CO", 1)
    assert elsewhere != body
    answer = world.callback(elsewhere)
    assert (answer.status_code, answer.json()["error"]) == (403, "wrong_company")
    malformed = world.callback(b"<response><control><status>success")
    assert (malformed.status_code, malformed.json()["error"]) == (400, "malformed")
    assert world.states() == waiting
    # the genuine response, authenticated, is applied
    for body in bodies[::3]:  # each request's first delivery (3 attempts each)
        assert world.callback(body).json()["status"] in ("applied", "duplicate")
    assert {s[0] for s in world.states().values()} == {"success"}
    _once_each(world)


def test_a_lost_callback_is_resolved_by_the_document_key_never_posted_twice(
    lite: AsyncWorld,
) -> None:
    world = lite
    world.configure(timeout=4)
    world.set_policy(password="not-the-secret")  # every callback is lost
    first = world.post()
    submitted = time.monotonic()  # every request's deadline is before submitted + 4 s
    assert len(first.awaiting) == DOCUMENTS
    deliveries = world.wait()
    assert {d["status"] for d in deliveries} == {"failed"}
    # within the timeout, a run waits for the callback and sends nothing
    waiting = world.post()
    assert len(waiting.awaiting) == DOCUMENTS and world.wait() == deliveries
    time.sleep(max(0.0, submitted + 4.1 - time.monotonic()))
    resolved = world.post()
    assert resolved.ok and resolved.posted == DOCUMENTS, resolved.outcomes
    assert world.wait() == deliveries  # found by key: nothing sent again
    _once_each(world)


def test_the_policy_password_is_masked_in_the_sandbox_s_lists(lite: AsyncWorld) -> None:
    lite.post()
    deliveries = lite.wait()
    shown = [p["response_url"] for p in lite.sandbox.admin.policies()] + [
        str(d["url"]) for d in deliveries
    ]
    assert shown and all(SECRET not in url and ":***@" in url for url in shown)


def test_dropped_acknowledgements_and_repeated_runs_still_post_once(lite: AsyncWorld) -> None:
    # half the replies are dropped after the sandbox took the request: the client resends
    # the same request (same control IDs), Intacct runs it again and refuses the repeated
    # documents as already recorded, and calls back each time
    world = lite
    world.sandbox.faults.set_limits(world.creds.company_id, drop_rate=0.5)
    report = world.post()
    assert report.errors == [] and report.posted == 0
    world.sandbox.faults.set_limits(world.creds.company_id, drop_rate=0.0)
    deliveries = world.wait()
    assert len(deliveries) > 3  # some requests ran more than once
    states = _settled(world)
    assert {s[0] for s in states.values()} == {"success"}, states
    _once_each(world)


def test_a_request_intacct_never_took_is_resent_after_the_timeout(lite: AsyncWorld) -> None:
    world = lite
    world.configure(timeout=2)
    # every submission fails before the sandbox takes it: no run, no callback
    world.sandbox.faults.set_limits(world.creds.company_id, failure_rate=1.0)
    first = world.post()
    submitted = time.monotonic()
    assert len(first.awaiting) == DOCUMENTS and world.wait() == []
    assert world.in_intacct() == {}
    world.sandbox.faults.set_limits(world.creds.company_id, failure_rate=0.0)
    time.sleep(max(0.0, submitted + 2.1 - time.monotonic()))
    again = world.post()  # looked up by key (not there), then sent again
    # awaiting, or already recorded by a callback that came while the run went on
    assert len(again.outcomes) == DOCUMENTS
    assert all(o.awaiting or o.state == "success" for o in again.outcomes), again.outcomes
    world.wait()
    assert {s[0] for s in _settled(world).values()} == {"success"}
    _once_each(world)


def test_at_entity_level_each_asynchronous_request_is_signed_in_to_one_session(
    lite: AsyncWorld,
) -> None:
    # batches of 4 (the test configuration) over documents of entity E1 and the top level:
    # every request goes in one session, and each record belongs to the session it was
    # sent in
    from intacct_bridge.config.models import TransactionLevel

    world = lite
    world.configure(level=TransactionLevel.ENTITY_LEVEL)
    report = world.post()
    assert report.errors == [] and report.pending == [] and report.warnings == []
    # awaiting, or already recorded by a callback that came while the run went on
    assert len(report.outcomes) == DOCUMENTS
    assert all(o.awaiting or o.state == "success" for o in report.outcomes)
    world.wait()
    assert {s[0] for s in _settled(world).values()} == {"success"}
    _once_each(world)
    company = world.sandbox.backend.companies[world.creds.company_id]
    owners = {
        str(r.values.get("DOCNUMBER") or r.values.get("REFERENCENO") or r.values.get("RECORDID")): (
            r.entity
        )
        for name in ("GLBATCH", "APBILL", "ARINVOICE")
        for r in company.data.table(name).records.values()
    }
    assert owners["stock_adjustment/SA-1/GLBATCH"] == "E1" and owners["SI-1"] == "E1"
    assert owners["stock_transfer/ST-1/GLBATCH"] is None  # over two entities: top level
    assert world.post().already == DOCUMENTS
