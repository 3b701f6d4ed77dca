"""Limits and faults: concurrency slots, injected failures, commit-then-drop, determinism."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from intacct_bridge.sandbox import FaultPlan, Limits, QuickstartCredentials, Sandbox
from tests.sandbox.envelope import envelope, fn, login
from tests.servers import serve_in_thread


def _create_class(creds: QuickstartCredentials, class_id: str) -> bytes:
    return envelope(
        fn(f"<create><CLASS><CLASSID>{class_id}</CLASSID><NAME>n</NAME></CLASS></create>"),
        sender_id=creds.sender_id,
        sender_password=creds.sender_password,
        authentication=login(creds.user_id, creds.company_id, creds.user_password),
    )


def _classes(sandbox: Sandbox) -> list[str]:
    table = sandbox.backend.companies["DEMO-MFG"].data.table("CLASS")
    return sorted(r.values["CLASSID"] for r in table.records.values())


def test_limits_refuse_impossible_values() -> None:
    with pytest.raises(ValueError, match="failure_rate"):
        Limits(failure_rate=1.5)
    with pytest.raises(ValueError, match="slots"):
        Limits(slots=0)


def test_failure_runs_nothing(sandbox: Sandbox, creds: QuickstartCredentials) -> None:
    sandbox.faults.set_limits(None, failure_rate=1.0)
    with httpx.Client(transport=sandbox.transport()) as client:
        response = client.post(sandbox.endpoint, content=_create_class(creds, "C1"))
    assert response.status_code == 503
    assert _classes(sandbox) == []


def test_commit_then_drop_commits_and_cuts_the_connection(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    sandbox.faults.set_limits("DEMO-MFG", drop_rate=1.0)
    with httpx.Client(transport=sandbox.transport()) as client, pytest.raises(httpx.ReadError):
        client.post(sandbox.endpoint, content=_create_class(creds, "C1"))
    assert _classes(sandbox) == ["C1"]


def test_faults_are_deterministic_under_a_seed() -> None:
    def fates(seed: int) -> list[int]:
        sandbox = Sandbox(faults=FaultPlan(Limits(failure_rate=0.3, drop_rate=0.2), seed=seed))
        creds = sandbox.quickstart()
        codes = []
        with httpx.Client(transport=sandbox.transport()) as client:
            for n in range(40):
                try:
                    codes.append(
                        client.post(
                            sandbox.endpoint, content=_create_class(creds, f"C{n}")
                        ).status_code
                    )
                except httpx.ReadError:
                    codes.append(-1)
        return codes

    first, again, other = fates(7), fates(7), fates(8)
    assert first == again
    assert first != other
    assert {200, 503, -1} <= set(first)


def test_requests_beyond_the_slots_get_429_gw_0010(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    sandbox.faults.set_limits("DEMO-MFG", slots=2, latency_per_request=0.2)

    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=sandbox.transport()) as client:
            return await asyncio.gather(
                *(
                    client.post(sandbox.endpoint, content=_create_class(creds, f"C{n}"))
                    for n in range(3)
                )
            )

    responses = asyncio.run(go())
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 200, 429]
    refused = next(r for r in responses if r.status_code == 429)
    assert b"<errorno>GW-0010</errorno>" in refused.content
    assert refused.headers["retry-after"] == "1"
    assert len(_classes(sandbox)) == 2


@pytest.mark.server
def test_commit_then_drop_over_http(sandbox: Sandbox, creds: QuickstartCredentials) -> None:
    sandbox.faults.set_limits(None, drop_rate=1.0)
    with serve_in_thread(sandbox.asgi_app()) as base, httpx.Client() as client:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.post(f"{base}/ia/xml/xmlgw.phtml", content=_create_class(creds, "C9"))
    assert _classes(sandbox) == ["C9"]
