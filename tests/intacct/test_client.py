"""The Intacct client against the sandbox: sessions, batching, exactly-once, paging, errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from intacct_bridge.intacct import (
    IntacctAuthError,
    IntacctBusinessError,
    IntacctClient,
    IntacctConfig,
    IntacctTransportError,
    RetryPolicy,
    functions,
)
from intacct_bridge.sandbox import Sandbox
from tests.intacct.conftest import Recorder, create_vendor, vendors_in


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_batches_map_results_by_controlid(
    sandbox: Sandbox, config: IntacctConfig, recorder: Recorder
) -> None:
    async def go() -> list[str]:
        async with IntacctClient(replace(config, batch_size=100), transport=recorder) as client:
            results = await client.execute([create_vendor(n) for n in range(250)])
            return [r.recordno for r in results if r.ok]

    recordnos = run(go())
    assert len(recordnos) == 250
    assert len(set(recordnos)) == 250
    # one login + 3 write requests of at most 100 functions
    assert recorder.count == 4
    assert vendors_in(sandbox) == [f"V{n:05d}" for n in range(250)]
    table = sandbox.backend.companies["DEMO-MFG"].data.table("VENDOR")
    for n, recordno in enumerate(recordnos):
        assert table.records[int(recordno)].values["VENDORID"] == f"V{n:05d}"


def test_every_request_validates_against_the_official_schema(
    sandbox: Sandbox,
    config: IntacctConfig,
    recorder: Recorder,
    validate_request: Callable[[bytes], None],
) -> None:
    async def go() -> None:
        async with IntacctClient(config, transport=recorder) as client:
            await client.execute([create_vendor(1)])
            await client.execute([functions.update("VENDOR", {"VENDORID": "V00001", "NAME": "X"})])
            await client.execute([functions.read_by_name("VENDOR", ["V00001"])])
            [row async for row in client.iter_read_by_query("VENDOR", "STATUS = 'T'")]
            [
                row
                async for row in client.iter_query(
                    "VENDOR",
                    ["VENDORID"],
                    filter=functions.condition("equalto", "STATUS", "active"),
                )
            ]
            await client.execute(
                [
                    functions.inspect("VENDOR", detail=True),
                    functions.lookup("VENDOR"),
                    functions.get_dimensions(),
                ]
            )
            await client.execute([functions.delete("VENDOR", [1])])

    run(go())
    assert len(recorder.bodies) >= 8
    for body in recorder.bodies:
        validate_request(body)


def test_same_write_twice_is_recorded_once_and_resolved(
    sandbox: Sandbox, config: IntacctConfig, recorder: Recorder
) -> None:
    async def go() -> tuple[str, str, str]:
        async with IntacctClient(config, transport=recorder) as client:
            first = await client.call(create_vendor(7))
            second = await client.call(create_vendor(7))
            third = await client.call(create_vendor(7))
            return first.recordno, second.recordno, third.recordno

    first, second, third = run(go())
    assert first == second == third
    assert vendors_in(sandbox) == ["V00007"]


def test_transient_failures_and_dropped_replies_never_duplicate(
    sandbox: Sandbox, config: IntacctConfig, recorder: Recorder
) -> None:
    recorder.fail_first = 3
    recorder.drop_every = 3

    async def go() -> list[str]:
        async with IntacctClient(replace(config, batch_size=20), transport=recorder) as client:
            results = await client.execute([create_vendor(n) for n in range(300)])
            assert all(r.ok for r in results), [r.errors for r in results if not r.ok][:3]
            return [r.recordno for r in results]

    recordnos = run(go())
    assert vendors_in(sandbox) == [f"V{n:05d}" for n in range(300)]
    assert len(set(recordnos)) == 300
    assert all(recordnos)


def test_rate_limit_is_retried(sandbox: Sandbox, config: IntacctConfig, recorder: Recorder) -> None:
    recorder.rate_limit_first = 2

    async def go() -> None:
        async with IntacctClient(config, transport=recorder) as client:
            await client.call(create_vendor(1))

    run(go())
    assert vendors_in(sandbox) == ["V00001"]


def test_retries_are_bounded(sandbox: Sandbox, config: IntacctConfig, recorder: Recorder) -> None:
    recorder.fail_first = 100

    async def go() -> None:
        policy = RetryPolicy(attempts=3, initial=0.001, maximum=0.001, budget=5)
        async with IntacctClient(replace(config, retry=policy), transport=recorder) as client:
            await client.call(create_vendor(1))

    with pytest.raises(IntacctTransportError, match="HTTP 502") as caught:
        run(go())
    assert recorder.count == 3
    assert (caught.value.http_status, caught.value.reason) == (502, "http")


def test_wrong_sender_password_is_an_auth_error(config: IntacctConfig, recorder: Recorder) -> None:
    async def go() -> None:
        async with IntacctClient(replace(config, sender_password="bad"), transport=recorder) as c:
            await c.call(functions.get_dimensions())

    with pytest.raises(IntacctAuthError) as caught:
        run(go())
    assert caught.value.errorno == "XL03000006"
    assert caught.value.description2 == "Incorrect Intacct XML Partner ID or password."
    assert recorder.count == 1  # terminal: not retried


def test_business_error_carries_intacct_details(config: IntacctConfig, recorder: Recorder) -> None:
    async def go() -> None:
        async with IntacctClient(config, transport=recorder) as client:
            await client.call(functions.create("VENDOR", {"VENDORID": "V1"}))

    with pytest.raises(IntacctBusinessError) as caught:
        run(go())
    error = caught.value
    assert error.errorno == "BL01001973"
    assert "NAME" in error.description2
    assert error.controlid.startswith("w-")
    assert not error.transient


def test_expired_session_is_renewed_transparently(
    sandbox: Sandbox, config: IntacctConfig, recorder: Recorder
) -> None:
    async def go() -> None:
        async with IntacctClient(config, transport=recorder) as client:
            await client.call(create_vendor(1))
            sandbox.backend.sessions.clear()  # every session expires on the server
            await client.call(create_vendor(2))

    run(go())
    assert vendors_in(sandbox) == ["V00001", "V00002"]
    logins = [b for b in recorder.bodies if b"<getAPISession" in b]
    assert len(logins) == 2


def test_read_by_query_pager_streams_every_row_once(
    sandbox: Sandbox, config: IntacctConfig, recorder: Recorder
) -> None:
    sandbox.admin.seed(
        "DEMO-MFG",
        "CLASS",
        [
            {
                "CLASSID": f"C{n:04d}",
                "NAME": f"Class {n}",
                "STATUS": "inactive" if n % 5 == 0 else "active",
            }
            for n in range(2600)
        ],
    )

    async def go() -> list[str]:
        async with IntacctClient(config, transport=recorder) as client:
            return [
                str(row["CLASSID"])
                async for row in client.iter_read_by_query(
                    "CLASS", "STATUS = 'T'", ["CLASSID"], pagesize=500
                )
            ]

    ids = run(go())
    assert ids == [f"C{n:04d}" for n in range(2600) if n % 5]


def test_read_by_query_survives_an_expired_cursor(
    sandbox: Sandbox, config: IntacctConfig, recorder: Recorder
) -> None:
    sandbox.admin.seed(
        "DEMO-MFG", "CLASS", [{"CLASSID": f"C{n:04d}", "NAME": f"Class {n}"} for n in range(1200)]
    )
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    sandbox.backend.clock = lambda: now[0]

    async def go() -> list[str]:
        out: list[str] = []
        async with IntacctClient(config, transport=recorder) as client:
            async for row in client.iter_read_by_query("CLASS", "", ["CLASSID"], pagesize=100):
                out.append(str(row["CLASSID"]))
                if len(out) == 450:
                    now[0] += timedelta(hours=2)  # cursor (and session) expire
        return out

    ids = run(go())
    assert ids == [f"C{n:04d}" for n in range(1200)]


def test_query_pager_uses_keysets_and_filters(
    sandbox: Sandbox, config: IntacctConfig, recorder: Recorder
) -> None:
    sandbox.admin.seed(
        "DEMO-MFG",
        "DEPARTMENT",
        [
            {
                "DEPARTMENTID": f"D{n:04d}",
                "TITLE": f"Dept {n}",
                "STATUS": "inactive" if n % 3 else "active",
            }
            for n in range(2700)
        ],
    )

    async def go() -> list[str]:
        async with IntacctClient(config, transport=recorder) as client:
            rows = client.iter_query(
                "DEPARTMENT",
                ["DEPARTMENTID"],
                filter=functions.condition("equalto", "STATUS", "active"),
                pagesize=250,
            )
            return [str(row["DEPARTMENTID"]) async for row in rows]

    assert run(go()) == [f"D{n:04d}" for n in range(0, 2700, 3)]


def test_logs_never_show_passwords_or_sessions(
    config: IntacctConfig, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    async def go() -> None:
        async with IntacctClient(config, transport=recorder) as client:
            await client.call(create_vendor(1))

    with caplog.at_level(logging.DEBUG, logger="intacct_bridge.intacct"):
        run(go())
    text = caplog.text
    assert "<password>***</password>" in text
    assert config.user_password not in text
    assert config.sender_password not in text
    assert "<sessionid>***</sessionid>" in text
    assert config.user_password not in repr(config)


def test_float_money_is_refused() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        functions.create("VENDOR", {"CREDITLIMIT": 10.5})
