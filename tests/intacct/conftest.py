"""Fixtures for client tests: the bridge's client against the in-process sandbox."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import httpx
import pytest

from intacct_bridge.intacct import IntacctConfig, RetryPolicy, functions
from intacct_bridge.sandbox import QuickstartCredentials, Sandbox

SCHEMA = (
    Path(__file__).resolve().parents[2].parent / "shared" / "intacct-schema" / "v3.0" / "api.xsd"
)


def vendor(number: int) -> dict[str, object]:
    """A valid VENDOR for the quickstart company: ``V00042`` for 42."""
    return {
        "VENDORID": f"V{number:05d}",
        "NAME": f"Vendor {number}",
        "DISPLAYCONTACT": {"PRINTAS": f"Vendor {number} Ltd"},
    }


def create_vendor(number: int, version: int = 1) -> functions.Function:
    """A create of :func:`vendor` with its business key and deterministic control ID."""
    return functions.create(
        "VENDOR",
        vendor(number),
        key_field="VENDORID",
        controlid=functions.write_controlid("tenant-a", "VENDOR", f"V{number:05d}", version),
    )


def vendors_in(sandbox: Sandbox) -> list[str]:
    """The VENDORIDs stored in the quickstart company, sorted."""
    table = sandbox.backend.companies["DEMO-MFG"].data.table("VENDOR")
    return sorted(r.values["VENDORID"] for r in table.records.values())


class Recorder(httpx.AsyncBaseTransport):
    """Wraps a transport, keeps every request body, and can inject faults.

    ``fail_first`` answers the first N requests with HTTP 502 without forwarding them;
    ``drop_every`` forwards every Nth request (the sandbox commits it) and then cuts the
    connection before the reply — the ambiguous outcome.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.bodies: list[bytes] = []
        self.fail_first = 0
        self.drop_every = 0
        self.rate_limit_first = 0
        self.count = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        self.bodies.append(body)
        self.count += 1
        if self.fail_first > 0:
            self.fail_first -= 1
            return httpx.Response(502, text="Bad gateway")
        if self.rate_limit_first > 0:
            self.rate_limit_first -= 1
            return httpx.Response(429, headers={"retry-after": "0"}, text="slow down")
        response = await self.inner.handle_async_request(request)
        if self.drop_every and self.count % self.drop_every == 0:
            await response.aread()
            raise httpx.ReadError("connection dropped after commit", request=request)
        return response


class Rewriter(httpx.AsyncBaseTransport):
    """Wraps a transport and edits each reply body with ``edit(request_body, reply_body)``
    — to hand the client replies that the sandbox would never send. It also keeps the
    URL of every request."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, edit: Callable[[bytes, bytes], bytes]
    ) -> None:
        self.inner = inner
        self.edit = edit
        self.urls: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        body = await request.aread()
        response = await self.inner.handle_async_request(request)
        content = await response.aread()  # decoded (the sandbox may gzip)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-encoding"}
        headers.pop("content-length", None)
        return httpx.Response(
            response.status_code, headers=headers, content=self.edit(body, content)
        )


@pytest.fixture
def recorder(sandbox: Sandbox) -> Recorder:
    return Recorder(sandbox.transport())


@pytest.fixture
def config(sandbox: Sandbox, creds: QuickstartCredentials) -> IntacctConfig:
    return IntacctConfig(
        sender_id=creds.sender_id,
        sender_password=creds.sender_password,
        company_id=creds.company_id,
        user_id=creds.user_id,
        user_password=creds.user_password,
        endpoint=sandbox.endpoint,
        retry=RetryPolicy(attempts=8, initial=0.001, maximum=0.01, budget=30),
    )


@lru_cache(maxsize=1)
def _schema() -> object:
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA), validation="lax")


@pytest.fixture
def validate_request() -> Callable[[bytes], None]:
    """Assert that a request body validates against Intacct's 3.0 request schema."""
    if not SCHEMA.exists():
        pytest.skip("../shared/intacct-schema is absent")

    def check(body: bytes) -> None:
        schema = _schema()
        errors = [str(e.reason) for e in schema.iter_errors(body.decode())]  # type: ignore[attr-defined]
        assert not errors, f"request does not validate against api.xsd: {errors[:3]}"

    return check
