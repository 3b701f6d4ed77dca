"""The endpoint rule: the client follows a session endpoint only on the configured scheme
(no https → http downgrade) and within the configured host's registrable domain (the
exact host for local addresses); anything else is ignored with a warning."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace

import httpx
import pytest

from intacct_bridge.intacct import IntacctClient, IntacctConfig, functions
from intacct_bridge.intacct.endpoint import follow, refusal
from intacct_bridge.sandbox import GATEWAY_PATH, Sandbox
from tests.intacct.conftest import Rewriter
from tests.servers import serve_in_thread

INTACCT = "https://api.intacct.com/ia/xml/xmlgw.phtml"


@pytest.mark.parametrize(
    ("configured", "offered"),
    [
        (INTACCT, "https://api.intacct.com/ia/xml/xmlgw.phtml"),
        (INTACCT, "https://api-eu.intacct.com/ia/xml/xmlgw.phtml"),
        (INTACCT, "https://intacct.com/ia/xml/xmlgw.phtml"),
        (INTACCT, "https://API.INTACCT.COM:8443/ia/xml/xmlgw.phtml"),
        ("http://gw.example.co.uk/x", "https://other.example.co.uk/x"),
        ("http://gw.example.co.uk/x", "http://gw.example.co.uk/y"),
        ("http://127.0.0.1:8123/x", "http://127.0.0.1:8123/y"),
        ("http://localhost:8123/x", "http://LOCALHOST:8123/x"),
        ("https://[::1]:8443/x", "https://[::1]:8443/x"),
    ],
)
def test_endpoints_that_are_followed(configured: str, offered: str) -> None:
    assert refusal(configured, offered) == ""
    assert follow(configured, offered) == offered


@pytest.mark.parametrize(
    ("configured", "offered", "why"),
    [
        (INTACCT, "http://api.intacct.com/ia/xml/xmlgw.phtml", "downgrades from https"),
        (INTACCT, "https://evil.example/ia/xml/xmlgw.phtml", "leaves the configured domain"),
        (INTACCT, "https://intacct.com.evil.example/x", "leaves the configured domain"),
        (INTACCT, "https://evilintacct.com/x", "leaves the configured domain"),
        (INTACCT, "https://127.0.0.1/x", "local address, outside the configured domain"),
        (INTACCT, "https://intranet/x", "local address, outside the configured domain"),
        (INTACCT, "https://user:pw@api.intacct.com/x", "user name or password"),
        (INTACCT, "ftp://api.intacct.com/x", "not an http(s) URL"),
        (INTACCT, "/ia/xml/xmlgw.phtml", "not an http(s) URL"),
        (INTACCT, "javascript:alert(1)", "not an http(s) URL"),
        ("http://gw.example.co.uk/x", "http://evil.co.uk/x", "leaves the configured domain"),
        ("http://127.0.0.1:8123/x", "http://127.0.0.1:9999/x", "configured local host"),
        ("http://127.0.0.1:8123/x", "http://10.0.0.5:8123/x", "configured local host"),
        ("http://127.0.0.1:8123/x", "http://localhost:8123/x", "configured local host"),
        ("http://localhost:8123/x", "http://evil.example:8123/x", "configured local host"),
        ("http://127.0.0.1:8123/x", "http://127.0.0.1:notaport/x", "configured local host"),
    ],
)
def test_endpoints_that_are_ignored(configured: str, offered: str, why: str) -> None:
    assert why in refusal(configured, offered)
    assert follow(configured, offered) == configured


def _offer(endpoint: str) -> object:
    """An edit that replaces the session endpoint in getAPISession replies."""

    def edit(_request: bytes, reply: bytes) -> bytes:
        return re.sub(
            rb"<endpoint>[^<]*</endpoint>", f"<endpoint>{endpoint}</endpoint>".encode(), reply
        )

    return edit


def _run(config: IntacctConfig, transport: httpx.AsyncBaseTransport) -> None:
    async def go() -> None:
        async with IntacctClient(config, transport=transport) as client:
            await client.call(functions.read_by_query("CLASS", "", ["CLASSID"]))

    asyncio.run(go())


@pytest.mark.parametrize(
    "offered",
    [
        "http://sandbox.intacct.invalid/ia/xml/xmlgw.phtml",  # downgrade
        "https://attacker.example/ia/xml/xmlgw.phtml",  # another domain
    ],
)
def test_the_client_ignores_a_bad_endpoint_and_keeps_the_configured_one(
    sandbox: Sandbox, config: IntacctConfig, offered: str, caplog: pytest.LogCaptureFixture
) -> None:
    transport = Rewriter(sandbox.transport(), _offer(offered))  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="intacct_bridge.intacct"):
        _run(config, transport)
    assert transport.urls == [config.endpoint, config.endpoint]  # login, then the read
    assert f"Ignoring the session endpoint {offered!r}" in caplog.text
    assert "<sessionid>" not in caplog.text


def test_the_client_follows_an_endpoint_of_the_same_domain(
    sandbox: Sandbox, config: IntacctConfig
) -> None:
    offered = f"https://eu.intacct.invalid{GATEWAY_PATH}"
    transport = Rewriter(sandbox.transport(), _offer(offered))  # type: ignore[arg-type]
    _run(config, transport)
    assert transport.urls == [config.endpoint, offered]


@pytest.mark.server
def test_a_foreign_endpoint_advertised_by_a_served_sandbox_is_not_followed(
    sandbox: Sandbox, config: IntacctConfig, caplog: pytest.LogCaptureFixture
) -> None:
    """A gateway that advertises a session endpoint on another host (here a sandbox served
    with a foreign public URL; a proxy echoing the Host header could do the same) must not
    take the session there: the client keeps sending to where it logged in, and warns."""
    with serve_in_thread(sandbox.asgi_app(public_url="http://attacker.example")) as base:
        served = replace(config, endpoint=f"{base}{GATEWAY_PATH}")
        urls: list[str] = []

        async def log_url(request: httpx.Request) -> None:
            urls.append(str(request.url))

        async def go() -> None:
            http = httpx.AsyncClient(event_hooks={"request": [log_url]})
            async with http, IntacctClient(served, http=http) as client:
                await client.call(functions.read_by_query("CLASS", "", ["CLASSID"]))

        with caplog.at_level(logging.WARNING, logger="intacct_bridge.intacct"):
            asyncio.run(go())
    assert urls == [served.endpoint, served.endpoint]
    assert "attacker.example" in caplog.text
