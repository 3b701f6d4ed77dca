"""In-process adapter: an httpx transport that hands requests straight to the gateway.

:class:`SandboxTransport` works for both ``httpx.Client`` and ``httpx.AsyncClient``; the
fault plan's latency is slept (``asyncio.sleep`` on the async path), and a dropped
connection surfaces as ``httpx.ReadError`` — what a client sees when the network fails.
"""

from __future__ import annotations

import gzip

import httpx

from intacct_bridge.sandbox.faults import ConnectionDropped, FrontDoor
from intacct_bridge.sandbox.gateway import GatewayReply

GATEWAY_PATH = "/ia/xml/xmlgw.phtml"


def reply_headers(reply: GatewayReply, accept_encoding: str) -> tuple[dict[str, str], bytes]:
    headers = {"content-type": reply.content_type, **reply.headers}
    body = reply.body
    if "gzip" in accept_encoding.lower() and len(body) > 1024:
        body = gzip.compress(body, compresslevel=1)
        headers["content-encoding"] = "gzip"
    return headers, body


def _not_gateway(request: httpx.Request) -> httpx.Response | None:
    if request.url.path != GATEWAY_PATH:
        return httpx.Response(404, text="Not found")
    if request.method != "POST":
        return httpx.Response(405, headers={"allow": "POST"}, text="Use POST")
    return None


def _response(reply: GatewayReply, request: httpx.Request) -> httpx.Response:
    headers, body = reply_headers(reply, request.headers.get("accept-encoding", ""))
    return httpx.Response(reply.status, headers=headers, content=body)


class SandboxTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serves ``POST /ia/xml/xmlgw.phtml`` in-process, for sync and async clients."""

    def __init__(self, front: FrontDoor) -> None:
        self.front = front

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        refused = _not_gateway(request)
        if refused is not None:
            return refused
        endpoint = str(request.url.copy_with(query=None, fragment=None))
        try:
            reply = self.front.serve(request.read(), endpoint)
        except ConnectionDropped as exc:
            raise httpx.ReadError(
                f"connection closed by the sandbox ({exc})", request=request
            ) from None
        return _response(reply, request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        refused = _not_gateway(request)
        if refused is not None:
            return refused
        endpoint = str(request.url.copy_with(query=None, fragment=None))
        body = await request.aread()
        try:
            reply = await self.front.serve_async(body, endpoint)
        except ConnectionDropped as exc:
            raise httpx.ReadError(
                f"connection closed by the sandbox ({exc})", request=request
            ) from None
        return _response(reply, request)
