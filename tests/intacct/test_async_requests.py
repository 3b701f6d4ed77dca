"""Asynchronous requests: policy validation, acknowledgement, the posted response."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from intacct_bridge.errors import is_transient
from intacct_bridge.intacct import (
    IntacctAuthError,
    IntacctClient,
    IntacctConfig,
    IntacctPolicyError,
    functions,
)
from intacct_bridge.intacct.envelope import parse_response
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.admin import AdminError
from tests.servers import serve_in_thread


@pytest.fixture
def posted(sandbox: Sandbox, creds: QuickstartCredentials) -> list[bytes]:
    received: list[bytes] = []

    def handle(request: httpx.Request) -> httpx.Response:
        received.append(request.content)
        return httpx.Response(200)

    sandbox.backend.async_transport = httpx.MockTransport(handle)
    sandbox.admin.add_policy("BRIDGE_ASYNC", creds.sender_id, "https://bridge.test/async")
    return received


def _create(number: int, version: int = 1) -> functions.Function:
    return functions.create(
        "CLASS",
        {"CLASSID": f"A{number}", "NAME": f"Async {number}"},
        controlid=functions.write_controlid("t", "CLASS", f"A{number}", version),
    )


def test_async_request_is_acknowledged_then_its_response_posted(
    sandbox: Sandbox, config: IntacctConfig, posted: list[bytes]
) -> None:
    work = [_create(1), _create(2), _create(1, version=2)]

    async def go() -> str:
        async with IntacctClient(config, transport=sandbox.transport()) as client:
            return await client.submit_async(work, policy_id="BRIDGE_ASYNC")

    control_id = asyncio.run(go())
    log = sandbox.admin.async_deliveries(wait=5)
    assert [(d["control_id"], d["status"]) for d in log] == [(control_id, "delivered")]
    (body,) = posted
    response = parse_response(body)
    assert response.control_id == control_id
    by_id = response.by_controlid()
    statuses = [by_id[f.controlid].status for f in work]
    assert statuses == ["success", "success", "failure"]
    assert by_id[work[2].controlid].errors[0].errorno == "BL34000061"
    table = sandbox.backend.companies["DEMO-MFG"].data.table("CLASS")
    assert sorted(r.values["CLASSID"] for r in table.records.values()) == ["A1", "A2"]


def test_unknown_policy_is_refused_as_intacct_does(
    sandbox: Sandbox, config: IntacctConfig, posted: list[bytes]
) -> None:
    async def go() -> None:
        async with IntacctClient(config, transport=sandbox.transport()) as client:
            await client.submit_async([_create(1)], policy_id="NOPE")

    with pytest.raises(IntacctPolicyError) as caught:
        asyncio.run(go())
    # its own error, not a credentials one: the fix is the policy, and the message says so
    assert not isinstance(caught.value, IntacctAuthError)
    assert caught.value.errorno == "XL03000006"
    assert caught.value.policy_id == "NOPE"
    assert caught.value.description2 == "NOPE is not a valid transport policy."
    assert "credentials are fine" in str(caught.value)
    assert "intacct-bridge sandbox add-policy" in str(caught.value)
    assert not is_transient(caught.value)
    assert posted == []


def test_policy_of_another_sender_is_refused(
    sandbox: Sandbox, config: IntacctConfig, creds: QuickstartCredentials
) -> None:
    sandbox.admin.create_sender("OTHER", "pw")
    sandbox.admin.add_policy("THEIRS", "OTHER", "https://other.test/async")

    async def go() -> None:
        async with IntacctClient(config, transport=sandbox.transport()) as client:
            await client.submit_async([_create(1)], policy_id="THEIRS")

    with pytest.raises(IntacctPolicyError, match="THEIRS is not a valid transport policy"):
        asyncio.run(go())


def test_policy_setup_is_validated(sandbox: Sandbox, creds: QuickstartCredentials) -> None:
    with pytest.raises(AdminError, match="http"):
        sandbox.admin.add_policy("P1", creds.sender_id, "ftp://nope")
    with pytest.raises(AdminError, match="does not exist"):
        sandbox.admin.add_policy("P1", "GHOST", "https://x.test/a")


@pytest.mark.server
@pytest.mark.timeout(60)
def test_async_round_trip_to_a_local_receiver_over_http(
    sandbox: Sandbox, config: IntacctConfig, creds: QuickstartCredentials
) -> None:
    """Server mode end to end: the sandbox and a response receiver each listen on a real
    port; the policy is registered through the admin API; the bridge's client submits; the
    receiver gets the full ``<response>`` the sandbox POSTs back."""
    received: list[tuple[str, bytes]] = []
    arrived = threading.Event()

    async def receive(request: Request) -> Response:
        received.append((request.headers.get("content-type", ""), await request.body()))
        arrived.set()
        return PlainTextResponse("thanks")

    receiver = Starlette(routes=[Route("/intacct/async", receive, methods=["POST"])])
    with serve_in_thread(sandbox.asgi_app()) as base, serve_in_thread(receiver) as inbox:
        registered = httpx.post(
            f"{base}/sandbox/admin/policies",
            json={
                "policy_id": "BRIDGE_ASYNC",
                "sender_id": creds.sender_id,
                "response_url": f"{inbox}/intacct/async",
            },
            timeout=10,
        )
        assert registered.status_code == 201, registered.text
        work = [_create(1), _create(2), _create(1, version=2)]

        async def submit() -> str:
            served = replace(config, endpoint=f"{base}/ia/xml/xmlgw.phtml")
            async with IntacctClient(served) as client:
                return await client.submit_async(work, policy_id="BRIDGE_ASYNC")

        control_id = asyncio.run(submit())
        assert arrived.wait(15), "the sandbox never posted the response"
        log = httpx.get(f"{base}/sandbox/admin/async/requests?wait=5", timeout=10).json()

    ((content_type, body),) = received
    assert content_type.startswith("text/xml")
    response = parse_response(body)
    assert response.control_id == control_id
    by_id = response.by_controlid()
    assert [by_id[f.controlid].status for f in work] == ["success", "success", "failure"]
    assert by_id[work[0].controlid].recordno
    assert by_id[work[2].controlid].errors[0].errorno == "BL34000061"
    assert [(d["control_id"], d["status"], d["http_status"]) for d in log["requests"]] == [
        (control_id, "delivered", 200)
    ]
    table = sandbox.backend.companies[creds.company_id].data.table("CLASS")
    assert sorted(r.values["CLASSID"] for r in table.records.values()) == ["A1", "A2"]


def test_async_requests_over_500k_characters_are_refused(
    sandbox: Sandbox, config: IntacctConfig, posted: list[bytes]
) -> None:
    from intacct_bridge.intacct import IntacctRequestError

    big = functions.create("CLASS", {"CLASSID": "BIG", "NAME": "x", "DESCRIPTION": "é" * 500_001})

    async def go() -> None:
        async with IntacctClient(config, transport=sandbox.transport()) as client:
            await client.submit_async([big], policy_id="BRIDGE_ASYNC")

    with pytest.raises(IntacctRequestError, match="the limit is 500000"):
        asyncio.run(go())
    assert sandbox.admin.async_deliveries() == []
