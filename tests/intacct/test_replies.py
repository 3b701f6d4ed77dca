"""How the client reads replies it should not trust blindly: a result without a status,
a transport-policy refusal, a Retry-After beyond the retry budget, error text with
angle brackets."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace

import httpx
import pytest
from lxml import etree

from intacct_bridge.errors import is_transient
from intacct_bridge.intacct import (
    IntacctBusinessError,
    IntacctClient,
    IntacctConfig,
    IntacctOutcomeUnknownError,
    IntacctProtocolError,
    IntacctRateLimitError,
    RetryPolicy,
    functions,
)
from intacct_bridge.intacct.client import UNKNOWN
from intacct_bridge.intacct.envelope import parse_response
from intacct_bridge.intacct.errors import clean
from intacct_bridge.sandbox import Sandbox
from tests.intacct.conftest import Rewriter, create_vendor


def _drop_status(functions_named: set[str]) -> object:
    """An edit that removes ``<status>`` from the results of the named functions."""

    def edit(_request: bytes, reply: bytes) -> bytes:
        root = etree.fromstring(reply)
        for result in root.iterfind("operation/result"):
            if result.findtext("function") in functions_named:
                status = result.find("status")
                if status is not None:
                    result.remove(status)
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

    return edit


def _vendors(sandbox: Sandbox) -> dict[str, int]:
    table = sandbox.backend.companies["DEMO-MFG"].data.table("VENDOR")
    return {r.values["VENDORID"]: recordno for recordno, r in table.records.items()}


def test_a_write_without_status_is_resolved_by_its_business_key(
    sandbox: Sandbox, config: IntacctConfig
) -> None:
    transport = Rewriter(sandbox.transport(), _drop_status({"create"}))  # type: ignore[arg-type]

    async def go() -> list[str]:
        async with IntacctClient(config, transport=transport) as client:
            results = await client.execute([create_vendor(1), create_vendor(2)])
            assert all(r.ok for r in results), [r.errors for r in results]
            return [r.recordno for r in results]

    recordnos = asyncio.run(go())
    stored = _vendors(sandbox)
    assert sorted(stored) == ["V00001", "V00002"]  # done once each
    assert recordnos == [str(stored["V00001"]), str(stored["V00002"])]


def test_a_write_without_status_and_without_a_key_is_outcome_unknown(
    sandbox: Sandbox, config: IntacctConfig
) -> None:
    sandbox.admin.seed(
        "DEMO-MFG",
        "VENDOR",
        [{"VENDORID": "V1", "NAME": "Old name", "DISPLAYCONTACT.PRINTAS": "Old"}],
    )
    recordno = _vendors(sandbox)["V1"]
    transport = Rewriter(sandbox.transport(), _drop_status({"update"}))  # type: ignore[arg-type]
    update = functions.update("VENDOR", {"RECORDNO": recordno, "NAME": "New name"})

    async def go() -> None:
        async with IntacctClient(config, transport=transport) as client:
            (result,) = await client.execute([update])
            assert result.status == UNKNOWN and not result.ok
            assert result.errors[0].errorno == "OUTCOME_UNKNOWN"
            await client.call(update)

    with pytest.raises(IntacctOutcomeUnknownError) as caught:
        asyncio.run(go())
    error = caught.value
    # not a plain business failure: a protocol error whose retry is safe
    assert isinstance(error, IntacctProtocolError)
    assert not isinstance(error, IntacctBusinessError)
    assert is_transient(error)
    assert "no status" in str(error) and "may or may not have been done" in str(error)
    assert error.controlid == update.controlid


def test_a_read_without_status_is_a_protocol_error(sandbox: Sandbox, config: IntacctConfig) -> None:
    transport = Rewriter(sandbox.transport(), _drop_status({"readByQuery"}))  # type: ignore[arg-type]

    async def go() -> None:
        async with IntacctClient(config, transport=transport) as client:
            await client.call(functions.read_by_query("VENDOR", "", ["VENDORID"]))

    with pytest.raises(IntacctProtocolError, match="no status for the readByQuery"):
        asyncio.run(go())


def test_a_login_without_status_is_a_protocol_error(
    sandbox: Sandbox, config: IntacctConfig
) -> None:
    transport = Rewriter(sandbox.transport(), _drop_status({"getAPISession"}))  # type: ignore[arg-type]

    async def go() -> None:
        async with IntacctClient(config, transport=transport) as client:
            await client.call(functions.read_by_query("VENDOR", "", ["VENDORID"]))

    with pytest.raises(IntacctProtocolError, match="no status for the getAPISession"):
        asyncio.run(go())


class _Throttled(httpx.AsyncBaseTransport):
    """Answers every request with HTTP 429 and the given Retry-After."""

    def __init__(self, retry_after: str) -> None:
        self.retry_after = retry_after
        self.count = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        return httpx.Response(429, headers={"retry-after": self.retry_after}, text="slow down")


def test_a_retry_after_beyond_the_budget_fails_at_once(config: IntacctConfig) -> None:
    transport = _Throttled("3600")
    quick = replace(config, retry=RetryPolicy(attempts=5, initial=0.001, budget=20))

    async def go() -> None:
        async with IntacctClient(quick, transport=transport) as client:
            # if the client slept for Retry-After, this would time out
            await asyncio.wait_for(client.call(create_vendor(1)), timeout=10)

    with pytest.raises(IntacctRateLimitError) as caught:
        asyncio.run(go())
    assert transport.count == 1
    message = str(caught.value)
    assert "3600 s" in message and "retry budget (20 s)" in message
    assert caught.value.retry_after == 3600
    assert is_transient(caught.value)


@pytest.mark.parametrize("value", ["Wed, 21 Oct 2099 07:28:00 GMT", "inf", "1e400"])
def test_a_retry_after_as_a_far_date_or_infinity_fails_at_once(
    config: IntacctConfig, value: str
) -> None:
    transport = _Throttled(value)
    quick = replace(config, retry=RetryPolicy(attempts=5, initial=0.001, budget=20))

    async def go() -> None:
        async with IntacctClient(quick, transport=transport) as client:
            await asyncio.wait_for(client.call(create_vendor(1)), timeout=10)

    with pytest.raises(IntacctRateLimitError) as caught:
        asyncio.run(go())
    if value.startswith("Wed"):
        assert "retry budget" in str(caught.value) and transport.count == 1
    else:  # not a usable number: ordinary backoff until the attempts run out
        assert transport.count == 5


def test_a_retry_after_within_the_budget_is_honoured(config: IntacctConfig) -> None:
    transport = _Throttled("0.05")
    quick = replace(config, retry=RetryPolicy(attempts=3, initial=0.001, budget=20))

    async def go() -> None:
        async with IntacctClient(quick, transport=transport) as client:
            await client.call(create_vendor(1))

    with pytest.raises(IntacctRateLimitError, match="HTTP 429"):
        asyncio.run(go())
    assert transport.count == 3  # waited and retried until the attempts ran out


def test_backoff_never_sleeps_past_the_budget(config: IntacctConfig) -> None:
    class _Down(httpx.AsyncBaseTransport):
        count = 0

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            self.count += 1
            return httpx.Response(503, text="down")

    transport = _Down()
    # backoff alone would wait 30 s before the second attempt; the budget is 0.3 s
    slow = replace(config, retry=RetryPolicy(attempts=3, initial=30, maximum=30, budget=0.3))

    async def go() -> None:
        async with IntacctClient(slow, transport=transport) as client:
            await asyncio.wait_for(client.call(create_vendor(1)), timeout=10)

    with pytest.raises(Exception, match="HTTP 503"):
        asyncio.run(go())
    assert transport.count >= 2


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("&lt;datecreated&gt; is not a valid date", "<datecreated> is not a valid date"),
        ("<datecreated> is not a valid date", "<datecreated> is not a valid date"),
        (
            "Field <VENDORID> <b>must</b> be set.<br/>Try again",
            "Field <VENDORID> must be set. Try again",
        ),
        ("<P>Line one</P><p>two</p>", "Line one two"),
        ("a < b and c > d", "a < b and c > d"),
        ("Bad value [Support ID: abc123] here", "Bad value here"),
        ("<SPAN class='x'>x</SPAN>", "x"),
        ("&amp;&lt;br&gt;", "&<br>"),
    ],
)
def test_clean_strips_html_formatting_but_keeps_field_names(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


def test_an_escaped_field_name_in_an_error_reaches_the_caller() -> None:
    reply = (
        b'<?xml version="1.0" encoding="UTF-8"?><response><control><status>success</status>'
        b"<controlid>c</controlid></control><operation><authentication><status>success"
        b"</status><userid>u</userid><companyid>C</companyid></authentication><result>"
        b"<status>failure</status><function>create</function><controlid>f1</controlid>"
        b"<errormessage><error><errorno>BL01001973</errorno><description></description>"
        b"<description2>&lt;datecreated&gt; is not a valid date</description2>"
        b"<correction>Use &lt;b&gt;mm/dd/yyyy&lt;/b&gt;</correction></error></errormessage>"
        b"</result></operation></response>"
    )
    (result,) = parse_response(reply).results
    error = IntacctBusinessError(errors=result.errors)
    assert error.description2 == "<datecreated> is not a valid date"
    assert "<datecreated> is not a valid date" in str(error)
    assert re.search(r"Use (<b>)?mm/dd/yyyy", error.correction)
