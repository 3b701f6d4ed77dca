"""The session endpoint getAPISession returns comes from the server, never from ``Host``."""

from __future__ import annotations

import httpx
import pytest
from lxml import etree
from typer.testing import CliRunner

from intacct_bridge.cli.main import app
from intacct_bridge.sandbox import GATEWAY_PATH, QuickstartCredentials, Sandbox
from tests.sandbox.envelope import envelope, fn, login
from tests.servers import serve_in_thread

pytestmark = pytest.mark.server


def _endpoint(base: str, host: str | None = None) -> str:
    creds = QuickstartCredentials()
    body = envelope(
        fn("<getAPISession/>"),
        sender_id=creds.sender_id,
        sender_password=creds.sender_password,
        authentication=login(creds.user_id, creds.company_id, creds.user_password),
    )
    headers = {"content-type": "application/xml"}
    if host is not None:
        headers["host"] = host
    reply = httpx.post(f"{base}{GATEWAY_PATH}", content=body, headers=headers, timeout=10)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/xml; charset=UTF-8"
    text = etree.fromstring(reply.content).findtext("operation/result/data/api/endpoint")
    assert text is not None
    return text


def test_a_forged_host_header_is_not_echoed_as_the_endpoint() -> None:
    sandbox = Sandbox(seed=1)
    sandbox.quickstart()
    with serve_in_thread(sandbox.asgi_app()) as base:
        assert _endpoint(base) == f"{base}{GATEWAY_PATH}"
        assert _endpoint(base, host="evil.example") == f"{base}{GATEWAY_PATH}"
        assert _endpoint(base, host="evil.example:443") == f"{base}{GATEWAY_PATH}"


def test_the_configured_public_url_is_the_endpoint() -> None:
    sandbox = Sandbox(seed=1)
    sandbox.quickstart()
    public = "https://sandbox.example.com/intacct"
    with serve_in_thread(sandbox.asgi_app(public_url=public + "/")) as base:
        assert _endpoint(base) == f"{public}{GATEWAY_PATH}"
        assert _endpoint(base, host="evil.example") == f"{public}{GATEWAY_PATH}"


@pytest.mark.parametrize("url", ["ftp://x.example", "sandbox.example.com", "https://x/?a=1"])
def test_serve_refuses_a_public_url_that_is_not_a_base_url(url: str) -> None:
    result = CliRunner().invoke(app, ["sandbox", "serve", "--port", "1", "--public-url", url])
    assert result.exit_code == 2
    assert "--public-url" in result.output
