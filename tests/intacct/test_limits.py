"""The per-company concurrency limit, judged by the sandbox, not by the limiter itself.

The sandbox gets latency, so requests of concurrent tasks overlap at the gateway; it then
reports what it saw: requests refused with GW-0010 (``outcomes["rate_limited"]``) and the
most requests of the company it ever had at once, refused ones included
(``peak_in_flight``). A client that breaks the limit fails these tests:
``test_the_judge_catches_a_broken_limiter`` shows it with a limiter of 1,000 slots.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

import pytest

from intacct_bridge.intacct import (
    CompanyLimiter,
    IntacctClient,
    IntacctConfig,
    functions,
    limiter_key,
    process_limiter,
)
from intacct_bridge.sandbox import GATEWAY_PATH, Sandbox
from tests.servers import serve_in_thread

COMPANY = "DEMO-MFG"
#: Long enough for the requests of concurrent tasks to overlap at the sandbox.
LATENCY = 0.05


def _class(tag: str, n: int) -> functions.Function:
    return functions.create(
        "CLASS",
        {"CLASSID": f"{tag}{n:03d}", "NAME": f"Class {n}"},
        key_field="CLASSID",
        controlid=functions.write_controlid("t1", "CLASS", f"{tag}{n:03d}", 1),
    )


async def _burst(client: IntacctClient, tag: str, count: int) -> None:
    """``count`` creates, each in its own request, all started at once."""
    results = await asyncio.gather(*(client.execute([_class(tag, n)]) for n in range(count)))
    failed = [r[0].errors for r in results if not r[0].ok]
    assert not failed, failed[:3]


def _classes(sandbox: Sandbox) -> int:
    return len(sandbox.backend.companies[COMPANY].data.table("CLASS").records)


def _strict_sandbox(sandbox: Sandbox, slots: int = 2) -> None:
    sandbox.faults.set_limits(COMPANY, slots=slots, latency_per_request=LATENCY)


def test_one_client_never_gets_a_gw_0010(sandbox: Sandbox, config: IntacctConfig) -> None:
    _strict_sandbox(sandbox)

    async def go() -> None:
        async with IntacctClient(config, transport=sandbox.transport()) as client:
            await _burst(client, "A", 30)

    asyncio.run(go())
    assert _classes(sandbox) == 30
    assert sandbox.faults.outcomes.get("rate_limited", 0) == 0
    # the requests did overlap: the sandbox saw both slots in use
    assert sandbox.faults.peak_in_flight(COMPANY) == 2


def test_two_clients_of_one_process_share_the_companys_slots(
    sandbox: Sandbox, config: IntacctConfig
) -> None:
    """Each client used to make its own limiter: 2 clients x 2 slots against 2 slots."""
    _strict_sandbox(sandbox)

    async def go() -> None:
        async with (
            IntacctClient(config, transport=sandbox.transport()) as first,
            IntacctClient(replace(config, batch_size=7), transport=sandbox.transport()) as second,
        ):
            assert first.limiter is second.limiter is process_limiter()
            await asyncio.gather(_burst(first, "A", 20), _burst(second, "B", 20))

    asyncio.run(go())
    assert _classes(sandbox) == 40
    assert sandbox.faults.outcomes.get("rate_limited", 0) == 0
    assert sandbox.faults.peak_in_flight(COMPANY) == 2


@pytest.mark.server
def test_two_clients_over_http_share_the_slots_of_a_served_sandbox(
    sandbox: Sandbox, config: IntacctConfig
) -> None:
    _strict_sandbox(sandbox)
    with serve_in_thread(sandbox.asgi_app()) as base:
        served = replace(config, endpoint=f"{base}{GATEWAY_PATH}")

        async def go() -> None:
            async with IntacctClient(served) as first, IntacctClient(served) as second:
                await asyncio.gather(_burst(first, "A", 12), _burst(second, "B", 12))

        asyncio.run(go())
    assert _classes(sandbox) == 24
    assert sandbox.faults.outcomes.get("rate_limited", 0) == 0
    assert sandbox.faults.peak_in_flight(COMPANY) == 2


def test_clients_in_other_threads_and_event_loops_share_the_slots(
    sandbox: Sandbox, config: IntacctConfig
) -> None:
    _strict_sandbox(sandbox)
    errors: list[BaseException] = []

    def worker(tag: str) -> None:
        async def go() -> None:
            async with IntacctClient(config, transport=sandbox.transport()) as client:
                await _burst(client, tag, 12)

        try:
            asyncio.run(go())
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(tag,)) for tag in "ABC"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert _classes(sandbox) == 36
    assert sandbox.faults.outcomes.get("rate_limited", 0) == 0
    assert sandbox.faults.peak_in_flight(COMPANY) == 2


def test_peak_concurrency_seen_by_a_roomy_sandbox_stays_within_the_slots(
    sandbox: Sandbox, config: IntacctConfig
) -> None:
    """With room for 50 at the gateway, nothing is refused; the sandbox's peak is then
    the client's concurrency, and it must not pass the limiter's slots."""
    _strict_sandbox(sandbox, slots=50)
    limiter = CompanyLimiter(slots=3)

    async def go() -> None:
        async with (
            IntacctClient(config, transport=sandbox.transport(), limiter=limiter) as first,
            IntacctClient(config, transport=sandbox.transport(), limiter=limiter) as second,
        ):
            await asyncio.gather(_burst(first, "A", 15), _burst(second, "B", 15))

    asyncio.run(go())
    assert _classes(sandbox) == 30
    assert sandbox.faults.peak_in_flight(COMPANY) == 3


@pytest.mark.parametrize("sandbox_slots", [2, 50])
def test_the_judge_catches_a_broken_limiter(
    sandbox: Sandbox, config: IntacctConfig, sandbox_slots: int
) -> None:
    """The same burst with a limiter of 1,000 slots: the sandbox refuses requests (2
    slots) or sees far more than 2 in flight (50 slots). This is what the tests above
    would see if the client's limit broke."""
    _strict_sandbox(sandbox, slots=sandbox_slots)
    broken = CompanyLimiter(slots=1000)
    quick = replace(config, retry=replace(config.retry, attempts=2))

    async def go() -> None:
        async with IntacctClient(quick, transport=sandbox.transport(), limiter=broken) as client:
            await asyncio.gather(
                *(client.execute([_class("A", n)]) for n in range(20)), return_exceptions=True
            )

    asyncio.run(go())
    if sandbox_slots == 2:
        assert sandbox.faults.outcomes.get("rate_limited", 0) > 0
        assert sandbox.faults.peak_in_flight(COMPANY) > 2
    else:
        assert sandbox.faults.outcomes.get("rate_limited", 0) == 0
        assert sandbox.faults.peak_in_flight(COMPANY) > 2


def test_the_slots_belong_to_the_company_at_its_gateway() -> None:
    # entity, user and case do not matter; another gateway host (or port) is another company
    assert limiter_key("https://api.intacct.com/ia/xml/xmlgw.phtml", "acme") == (
        "api.intacct.com",
        "ACME",
    )
    assert limiter_key("https://API.intacct.com:443/x", "ACME ") == ("api.intacct.com", "ACME")
    assert limiter_key("http://127.0.0.1:8123/x", "ACME") == ("127.0.0.1:8123", "ACME")
    assert limiter_key("http://127.0.0.1:8124/x", "ACME") != limiter_key(
        "http://127.0.0.1:8123/x", "ACME"
    )


def test_companies_do_not_wait_for_each_other() -> None:
    limiter = CompanyLimiter(slots=1, per_company={"big": 3})
    acme, big = ("h", "ACME"), ("h", "BIG")

    async def go() -> tuple[int, int]:
        gate = asyncio.Event()

        async def hold(key: tuple[str, str]) -> None:
            async with limiter.slot(key):
                await gate.wait()

        tasks = [asyncio.create_task(hold(acme)) for _ in range(2)]
        tasks += [asyncio.create_task(hold(big)) for _ in range(4)]
        await asyncio.sleep(0.05)
        seen = limiter.in_flight(acme), limiter.in_flight(big)
        gate.set()
        await asyncio.gather(*tasks)
        return seen

    assert asyncio.run(go()) == (1, 3)
    assert limiter.in_flight(acme) == limiter.in_flight(big) == 0


def test_a_cancelled_waiter_gives_no_slot_away() -> None:
    limiter = CompanyLimiter(slots=1)
    key = ("h", "ACME")

    async def go() -> None:
        async with limiter.slot(key):
            waiter = asyncio.create_task(limiter.slot(key).__aenter__())
            await asyncio.sleep(0.01)
            waiter.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiter
        # the slot is free again: one holder at a time still
        async with limiter.slot(key):
            assert limiter.in_flight(key) == 1

    asyncio.run(go())
    assert limiter.in_flight(key) == 0


def test_a_company_can_be_given_more_slots_before_work_starts(
    sandbox: Sandbox, config: IntacctConfig
) -> None:
    _strict_sandbox(sandbox, slots=3)
    limiter = CompanyLimiter()
    limiter.set_slots("demo-mfg", 3)

    async def go() -> None:
        async with IntacctClient(config, transport=sandbox.transport(), limiter=limiter) as c:
            await _burst(c, "A", 15)
            async with limiter.slot(limiter_key(config.endpoint, COMPANY)):
                with pytest.raises(ValueError, match="in flight"):
                    limiter.set_slots(COMPANY, 1)

    asyncio.run(go())
    assert sandbox.faults.outcomes.get("rate_limited", 0) == 0
    assert sandbox.faults.peak_in_flight(COMPANY) == 3


def test_slots_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CompanyLimiter(slots=0)
    with pytest.raises(ValueError, match="at least 1"):
        CompanyLimiter(per_company={"ACME": 0})
    with pytest.raises(ValueError, match="at least 1"):
        CompanyLimiter().set_slots("ACME", 0)
