"""Server adapter: the gateway (and the admin API) as an ASGI application."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route

from intacct_bridge.sandbox.gateway import Gateway
from intacct_bridge.sandbox.transport import GATEWAY_PATH, reply_headers


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or ``None`` as soon as it grows past ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(gateway: Gateway, *, admin: bool = True) -> Starlette:
    """The sandbox server: ``POST /ia/xml/xmlgw.phtml`` plus ``/sandbox/admin/…``."""
    limit = gateway.backend.settings.max_body_bytes

    async def xml_gateway(request: Request) -> Response:
        body = await _read_limited(request, limit)
        if body is None:
            size = int(request.headers.get("content-length", "0") or 0) or limit + 1
            from intacct_bridge.sandbox import errors

            reply = gateway.reply_for(errors.oversized(size, limit))
        else:
            endpoint = str(request.url.replace(query=None, fragment=None))
            reply = await run_in_threadpool(gateway.handle, body, endpoint=endpoint)
        headers, payload = reply_headers(reply, request.headers.get("accept-encoding", ""))
        return Response(payload, status_code=reply.status, headers=headers)

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    routes: list[Route | Mount] = [
        Route(GATEWAY_PATH, xml_gateway, methods=["POST"]),
        Route("/healthz", health, methods=["GET"]),
    ]
    if admin:
        from intacct_bridge.sandbox.admin_api import create_admin_app

        routes.append(Mount("/sandbox/admin", app=create_admin_app(gateway.backend)))
    return Starlette(routes=routes)
