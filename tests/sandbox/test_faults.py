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


def _burst(sandbox: Sandbox, bodies: list[bytes]) -> list[httpx.Response]:
    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=sandbox.transport()) as client:
            return await asyncio.gather(
                *(client.post(sandbox.endpoint, content=body) for body in bodies)
            )

    return asyncio.run(go())


def _utf16(body: bytes) -> bytes:
    text = body.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return text.encode("utf-16")


def test_the_company_is_found_in_a_utf16_request(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    # The company has one slot, the default two: if the fault layer could not read the
    # company of a UTF-16 body, both requests would share the default and both be served.
    sandbox.faults.set_limits("DEMO-MFG", slots=1, latency_per_request=0.2)
    responses = _burst(sandbox, [_utf16(_create_class(creds, f"C{n}")) for n in range(2)])
    assert sorted(r.status_code for r in responses) == [200, 429]
    assert sandbox.faults.outcomes == {"rate_limited": 1, "serve": 1}
    assert sandbox.faults.peak_in_flight("DEMO-MFG") == 2  # the refused one was there too
    assert sandbox.faults.peak_in_flight("") == 0
    assert len(_classes(sandbox)) == 1


def test_the_company_of_a_session_request_is_its_sessions(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    with httpx.Client(transport=sandbox.transport()) as client:
        reply = client.post(
            sandbox.endpoint,
            content=envelope(
                fn("<getAPISession/>"),
                sender_id=creds.sender_id,
                sender_password=creds.sender_password,
                authentication=login(creds.user_id, creds.company_id, creds.user_password),
            ),
        )
    session_id = reply.text.split("<sessionid>")[1].split("</sessionid>")[0]
    sandbox.faults.set_limits("DEMO-MFG", slots=1, latency_per_request=0.2)
    by_session = envelope(
        fn("<create><CLASS><CLASSID>S1</CLASSID><NAME>n</NAME></CLASS></create>"),
        sender_id=creds.sender_id,
        sender_password=creds.sender_password,
        authentication=f"<sessionid>{session_id}</sessionid>",
    )
    responses = _burst(sandbox, [by_session, _create_class(creds, "L1")])
    assert sorted(r.status_code for r in responses) == [200, 429]
    assert sandbox.faults.peak_in_flight("demo-mfg") == 2


def test_peak_in_flight_counts_refused_requests_too(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    """One slot, three requests at once: two are refused, and the peak shows that the
    client had more requests out than the slots (what a limit test must be able to see)."""
    sandbox.faults.set_limits("DEMO-MFG", slots=1, latency_per_request=0.2)
    responses = _burst(sandbox, [_create_class(creds, f"C{n}") for n in range(3)])
    assert sorted(r.status_code for r in responses) == [200, 429, 429]
    assert sandbox.faults.peak_in_flight("DEMO-MFG") == 2
    assert sandbox.faults.in_flight["DEMO-MFG"] == 0


def test_peak_in_flight_is_the_sandboxs_own_count_of_overlapping_requests(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    sandbox.faults.set_limits(None, slots=5, latency_per_request=0.2)
    assert sandbox.faults.peak_in_flight() == 0
    responses = _burst(sandbox, [_create_class(creds, f"C{n}") for n in range(3)])
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert sandbox.faults.peak_in_flight("DEMO-MFG") == 3
    assert sandbox.faults.peak_in_flight() == 3
    assert sandbox.faults.peak_in_flight("OTHER") == 0
    assert sandbox.faults.describe()["peak_in_flight"] == {"DEMO-MFG": 3}
    assert sandbox.faults.in_flight["DEMO-MFG"] == 0
    # one at a time: the peak is a high-water mark, until the counters are reset
    sandbox.faults.reset_counters()
    assert sandbox.faults.outcomes == {}
    with httpx.Client(transport=sandbox.transport()) as client:
        assert client.post(sandbox.endpoint, content=_create_class(creds, "X")).status_code == 200
    assert sandbox.faults.peak_in_flight("DEMO-MFG") == 1


def test_busy_seconds_add_up_the_time_each_companys_requests_spent_at_the_gateway(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    """Three requests of 0.2 s, two slots: about 0.6 slot-seconds busy, whatever the
    overlap; the refused one counts nowhere but in the outcomes."""
    sandbox.faults.set_limits("DEMO-MFG", slots=2, latency_per_request=0.2)
    responses = _burst(sandbox, [_create_class(creds, f"C{n}") for n in range(3)])
    served = sum(r.status_code == 200 for r in responses)
    described = sandbox.faults.describe()
    assert described["requests"] == {"DEMO-MFG": served}
    assert described["functions"] == {"DEMO-MFG": served}
    assert 0.2 * served <= described["busy_seconds"]["DEMO-MFG"] < 0.2 * served + 0.5
    sandbox.faults.reset_counters()
    assert sandbox.faults.describe()["busy_seconds"] == {}


def test_an_unparsable_request_is_refused_once_and_counted_without_a_company(
    sandbox: Sandbox,
) -> None:
    with httpx.Client(transport=sandbox.transport()) as client:
        reply = client.post(sandbox.endpoint, content=b"<request><control>")
    assert reply.status_code == 200  # as Intacct: a control failure in a 200 reply
    assert b"<errorno>XL03000003</errorno>" in reply.content
    assert sandbox.faults.describe()["peak_in_flight"] == {"": 1}


@pytest.mark.server
def test_a_large_request_over_http_is_parsed_off_the_event_loop_and_counted(
    sandbox: Sandbox, creds: QuickstartCredentials
) -> None:
    """Bodies over 64 KB are parsed in a worker thread by the server; the company is still
    found and the request served once."""
    functions = "".join(
        fn(f"<create><CLASS><CLASSID>B{n:04d}</CLASSID><NAME>{'n' * 80}</NAME></CLASS></create>")
        for n in range(400)
    )
    body = envelope(
        functions,
        sender_id=creds.sender_id,
        sender_password=creds.sender_password,
        authentication=login(creds.user_id, creds.company_id, creds.user_password),
    )
    assert len(body) > 64 * 1024
    sandbox.faults.set_limits("DEMO-MFG", slots=1)
    with serve_in_thread(sandbox.asgi_app()) as base, httpx.Client(timeout=30) as client:
        reply = client.post(f"{base}/ia/xml/xmlgw.phtml", content=body)
    assert reply.status_code == 200
    # control, authentication and the 400 functions
    assert reply.text.count("<status>success</status>") == 402
    assert sandbox.faults.outcomes == {"serve": 1}
    assert sandbox.faults.peak_in_flight("DEMO-MFG") == 1
    assert len(_classes(sandbox)) == 400
