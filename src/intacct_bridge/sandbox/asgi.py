"""Server adapter: the gateway (and the admin API) as an ASGI application.

The gateway route is a small raw ASGI endpoint so that it can refuse oversized bodies
while they stream in, and cut the connection mid-reply for the fault plan's
*commit then drop* and *timeout* faults.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.faults import ConnectionDropped, FrontDoor
from intacct_bridge.sandbox.transport import GATEWAY_PATH, reply_headers


def _length(header: str) -> int:
    """A Content-Length header as a number (0 when absent or not ASCII digits)."""
    return int(header) if header.isascii() and header.isdigit() else 0


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or ``None`` as soon as it grows past ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if _length(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _bound_endpoint(scope: Scope) -> str:
    """The gateway URL at the address the client connected to (the listening socket's,
    from the server — never the client's ``Host`` header)."""
    server = scope.get("server")
    scheme = "https" if scope.get("scheme") == "https" else "http"
    if not server or server[1] is None:
        return f"{scheme}://localhost{GATEWAY_PATH}"
    host, port = str(server[0]), int(server[1])
    if ":" in host:
        host = f"[{host}]"
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}{'' if port == default else f':{port}'}{GATEWAY_PATH}"


class _GatewayEndpoint:
    def __init__(self, front: FrontDoor, public_url: str | None = None) -> None:
        self.front = front
        #: The advertised gateway URL (``None``: the bound address of each connection).
        self.endpoint = f"{public_url.rstrip('/')}{GATEWAY_PATH}" if public_url else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if request.method != "POST":
            await PlainTextResponse("Use POST", status_code=405, headers={"allow": "POST"})(
                scope, receive, send
            )
            return
        gateway = self.front.gateway
        limit = gateway.backend.settings.max_body_bytes
        body = await _read_limited(request, limit)
        if body is None:
            size = request.headers.get("content-length", "")
            reply = gateway.reply_for(errors.oversized(_length(size) or limit + 1, limit))
        else:
            endpoint = self.endpoint or _bound_endpoint(scope)
            try:
                reply = await self.front.serve_async(body, endpoint, threaded=True)
            except ConnectionDropped:
                # Promise a body, send none of it, and fail: the server closes the socket,
                # and the client sees the connection cut before the reply.
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [(b"content-length", b"100")],
                    }
                )
                raise
        headers, payload = reply_headers(reply, request.headers.get("accept-encoding", ""))
        await Response(payload, status_code=reply.status, headers=headers)(scope, receive, send)


def create_app(front: FrontDoor, *, admin: bool = True, public_url: str | None = None) -> Starlette:
    """The sandbox server: ``POST /ia/xml/xmlgw.phtml`` plus ``/sandbox/admin/…``.

    ``public_url`` (e.g. ``https://sandbox.example.com``) is the base URL clients reach the
    server at; getAPISession returns it as the session endpoint. Without it, the endpoint
    is the address each client connected to — the ``Host`` header is never trusted.
    """

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    routes: list[Route | Mount] = [
        Route(GATEWAY_PATH, _GatewayEndpoint(front, public_url), methods=["POST", "GET"]),
        Route("/healthz", health, methods=["GET"]),
    ]
    if admin:
        from intacct_bridge.sandbox.admin_api import create_admin_app

        admin_app = create_admin_app(front.gateway.backend, faults=front.plan)
        routes.append(Mount("/sandbox/admin", app=admin_app))
    return Starlette(routes=routes)
