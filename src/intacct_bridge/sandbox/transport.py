"""In-process adapter: an httpx transport that hands requests straight to the gateway."""

from __future__ import annotations

import gzip

import httpx

from intacct_bridge.sandbox.gateway import Gateway, GatewayReply

GATEWAY_PATH = "/ia/xml/xmlgw.phtml"


def reply_headers(reply: GatewayReply, accept_encoding: str) -> tuple[dict[str, str], bytes]:
    headers = {"content-type": reply.content_type, **reply.headers}
    body = reply.body
    if "gzip" in accept_encoding.lower() and len(body) > 1024:
        body = gzip.compress(body, compresslevel=1)
        headers["content-encoding"] = "gzip"
    return headers, body


def make_transport(gateway: Gateway) -> httpx.MockTransport:
    """An ``httpx.MockTransport`` (sync and async) serving ``POST /ia/xml/xmlgw.phtml``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path != GATEWAY_PATH:
            return httpx.Response(404, text="Not found")
        if request.method != "POST":
            return httpx.Response(405, headers={"allow": "POST"}, text="Use POST")
        endpoint = str(request.url.copy_with(query=None, fragment=None))
        reply = gateway.handle(request.read(), endpoint=endpoint)
        headers, body = reply_headers(reply, request.headers.get("accept-encoding", ""))
        return httpx.Response(reply.status, headers=headers, content=body)

    return httpx.MockTransport(handler)
