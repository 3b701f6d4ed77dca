"""Asynchronous requests: policy validation, acknowledgement, the posted response."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from intacct_bridge.intacct import IntacctAuthError, IntacctClient, IntacctConfig, functions
from intacct_bridge.intacct.envelope import parse_response
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.admin import AdminError


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

    with pytest.raises(IntacctAuthError) as caught:
        asyncio.run(go())
    assert caught.value.errorno == "XL03000006"
    assert caught.value.description2 == "NOPE is not a valid transport policy."
    assert posted == []


def test_policy_of_another_sender_is_refused(
    sandbox: Sandbox, config: IntacctConfig, creds: QuickstartCredentials
) -> None:
    sandbox.admin.create_sender("OTHER", "pw")
    sandbox.admin.add_policy("THEIRS", "OTHER", "https://other.test/async")

    async def go() -> None:
        async with IntacctClient(config, transport=sandbox.transport()) as client:
            await client.submit_async([_create(1)], policy_id="THEIRS")

    with pytest.raises(IntacctAuthError, match="THEIRS is not a valid transport policy"):
        asyncio.run(go())


def test_policy_setup_is_validated(sandbox: Sandbox, creds: QuickstartCredentials) -> None:
    with pytest.raises(AdminError, match="http"):
        sandbox.admin.add_policy("P1", creds.sender_id, "ftp://nope")
    with pytest.raises(AdminError, match="does not exist"):
        sandbox.admin.add_policy("P1", "GHOST", "https://x.test/a")
