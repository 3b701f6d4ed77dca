"""Limits and faults through the admin API (``/sandbox/admin/limits``), felt at the gateway."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.admin_api import create_admin_app
from tests.sandbox.envelope import envelope, fn, login


class Api:
    def __init__(self, sandbox: Sandbox) -> None:
        self.app = sandbox.asgi_app()

    def __call__(self, method: str, path: str, **kw: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as c:
                return await c.request(method, f"/sandbox/admin{path}", **kw)

        return asyncio.run(go())


@pytest.fixture
def api(sandbox: Sandbox) -> Api:
    return Api(sandbox)


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


DEFAULTS = {
    "slots": 2,
    "latency_per_request": 0.0,
    "latency_per_function": 0.0,
    "failure_rate": 0.0,
    "timeout_rate": 0.0,
    "drop_rate": 0.0,
    "timeout_seconds": 0.5,
}


def test_get_shows_defaults_companies_and_outcomes(
    sandbox: Sandbox, creds: QuickstartCredentials, api: Api
) -> None:
    described = api("GET", "/limits").json()
    assert described == {
        "seed": 1234,
        "default": DEFAULTS,
        "companies": {},
        "outcomes": {},
        "in_flight": {},
        "peak_in_flight": {},
        "busy_seconds": {},
        "requests": {},
        "functions": {},
    }
    with httpx.Client(transport=sandbox.transport()) as client:
        assert client.post(sandbox.endpoint, content=_create_class(creds, "C1")).status_code == 200
    described = api("GET", "/limits").json()
    assert described["outcomes"] == {"serve": 1}
    assert described["peak_in_flight"] == {"DEMO-MFG": 1}


def test_put_failure_rate_then_the_gateway_answers_503(
    sandbox: Sandbox, creds: QuickstartCredentials, api: Api
) -> None:
    reply = api("PUT", "/limits", json={"failure_rate": 1})
    assert reply.status_code == 200, reply.text
    assert reply.json()["default"] == {**DEFAULTS, "failure_rate": 1.0}
    with httpx.Client(transport=sandbox.transport()) as client:
        codes = [
            client.post(sandbox.endpoint, content=_create_class(creds, f"C{n}")).status_code
            for n in range(3)
        ]
    assert codes == [503, 503, 503]
    assert _classes(sandbox) == []
    assert api("GET", "/limits").json()["outcomes"] == {"fail": 3}
    # back to normal, and only the changed field moves
    assert api("PUT", "/limits", json={"failure_rate": 0}).json()["default"] == DEFAULTS


def test_put_company_slots_then_the_gateway_answers_429(
    sandbox: Sandbox, creds: QuickstartCredentials, api: Api
) -> None:
    reply = api("PUT", "/companies/DEMO-MFG/limits", json={"slots": 1, "latency_per_request": 0.3})
    assert reply.status_code == 200, reply.text
    assert reply.json() == {
        "company_id": "DEMO-MFG",
        "limits": {**DEFAULTS, "slots": 1, "latency_per_request": 0.3},
    }

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=sandbox.transport()) as client:
            return await asyncio.gather(
                *(
                    client.post(sandbox.endpoint, content=_create_class(creds, f"C{n}"))
                    for n in range(3)
                )
            )

    responses = asyncio.run(burst())
    assert sorted(r.status_code for r in responses) == [200, 429, 429]
    refused = next(r for r in responses if r.status_code == 429)
    assert b"<errorno>GW-0010</errorno>" in refused.content
    assert len(_classes(sandbox)) == 1
    described = api("GET", "/limits").json()
    assert described["default"] == DEFAULTS  # the default did not move
    assert described["companies"]["DEMO-MFG"]["slots"] == 1
    assert described["outcomes"] == {"rate_limited": 2, "serve": 1}
    # the refused requests arrived while the first was in flight: the peak shows two
    assert described["peak_in_flight"] == {"DEMO-MFG": 2}
    # dropping the company's own limits puts it back on the default
    dropped = api("DELETE", "/companies/DEMO-MFG/limits").json()
    assert dropped == {"company_id": "DEMO-MFG", "removed": True, "limits": DEFAULTS}
    assert api("GET", "/limits").json()["companies"] == {}
    assert api("DELETE", "/companies/DEMO-MFG/limits").json()["removed"] is False


@pytest.mark.parametrize(
    ("path", "body", "status", "needle"),
    [
        ("/limits", {"failure_rate": 1.5}, 422, "failure_rate: Input should be less than or"),
        ("/limits", {"drop_rate": -0.1}, 422, "drop_rate: Input should be greater than or"),
        ("/limits", {"slots": 0}, 422, "slots: Input should be greater than or equal to 1"),
        ("/limits", {"slots": 1.5}, 422, "slots: Input should be a valid integer"),
        ("/limits", {"slots": True}, 422, "slots: Input should be a valid integer"),
        ("/limits", {"failure_rate": "0.5"}, 422, "failure_rate: Input should be a valid number"),
        ("/limits", {"colour": "red"}, 422, "colour: unknown field. Remove 'colour'."),
        ("/limits", {"slots": None}, 422, "slots cannot be null"),
        ("/limits", {}, 422, "changes no limit"),
        (
            "/limits",
            {"failure_rate": 0.6, "drop_rate": 0.6},
            422,
            "failure_rate + timeout_rate + drop_rate must not exceed 1",
        ),
        ("/companies/NOPE/limits", {"slots": 3}, 404, "Company 'NOPE' does not exist."),
        ("/limits/reseed", {"seed": "x"}, 422, "seed: Input should be a valid integer"),
        ("/limits/reseed", {}, 422, "seed: Field required"),
    ],
)
def test_refusals_are_clear_and_change_nothing(
    creds: QuickstartCredentials, api: Api, path: str, body: Any, status: int, needle: str
) -> None:
    before = api("GET", "/limits").json()
    method = "POST" if path.endswith("reseed") else "PUT"
    reply = api(method, path, json=body)
    assert reply.status_code == status, reply.text
    assert needle in reply.json()["error"]
    assert api("GET", "/limits").json() == before


def test_reseed_makes_faults_repeatable(
    sandbox: Sandbox, creds: QuickstartCredentials, api: Api
) -> None:
    api("PUT", "/limits", json={"failure_rate": 0.5})

    def codes() -> list[int]:
        with httpx.Client(transport=sandbox.transport()) as client:
            return [
                client.post(sandbox.endpoint, content=_create_class(creds, f"C{n}")).status_code
                for n in range(30)
            ]

    assert api("POST", "/limits/reseed", json={"seed": 42}).json()["seed"] == 42
    first = codes()
    api("POST", "/limits/reseed", json={"seed": 42})
    assert codes() == first
    assert {200, 503} <= set(first)
    assert api("POST", "/limits/reseed", json={"seed": None}).json()["seed"] is None


def test_an_admin_app_without_a_fault_plan_says_so(sandbox: Sandbox) -> None:
    app = create_admin_app(sandbox.backend)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as c:
            return await c.get("/limits")

    reply = asyncio.run(go())
    assert reply.status_code == 404
    assert "no fault plan" in reply.json()["error"]


def test_the_python_api_refuses_what_the_http_api_refuses(sandbox: Sandbox) -> None:
    plan = sandbox.faults
    before = plan.describe()
    with pytest.raises(ValueError, match="unknown limit\\(s\\) colour"):
        plan.set_limits(None, colour=1)
    with pytest.raises(ValueError, match="latency_per_request must be a number of seconds"):
        plan.set_limits("DEMO-MFG", latency_per_request=float("nan"))
    with pytest.raises(ValueError, match="must not exceed 1"):
        plan.set_limits(None, timeout_rate=0.5, drop_rate=0.7)
    assert plan.describe() == before
