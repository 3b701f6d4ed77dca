"""The web console: server-rendered pages (Jinja2) with HTMX, under ``/console``.

``install_console(app)`` is the one call :func:`intacct_bridge.web.app.create_app` makes:
it plugs in the identity layer (unless the app already has it), the static files
(``/static``: the stylesheet and the vendored ``htmx.min.js``), the pages and their error
pages. The pages:

* ``/console/sign-in`` · ``/console/sign-out`` · ``/console/tenant`` (the switcher)
* ``/console/t/{tenant}/monitor`` — the integration monitor (:mod:`.monitor`)
* ``/console/t/{tenant}/mapping`` — objects, settings, the field grid (:mod:`.mapping`)
* ``/console/t/{tenant}/config`` — configuration tabs, test, package (:mod:`.configuration`)
* ``/console/t/{tenant}/dashboard`` and ``/messages`` (:mod:`.dashboard`)
* ``/console/t/{tenant}/finance/…`` — journal entries, AP and AR documents with their
  posting status, reconcile, attribute and dimension types (:mod:`.finance`)
* ``/console/t/{tenant}/api-keys`` — create (shown once) and revoke API keys (:mod:`.apikeys`)
* ``/console/t/{tenant}/openitems`` — open items with their payment status (:mod:`.openitems`)
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from intacct_bridge.auth.web import AuthServices, install_auth
from intacct_bridge.web.app import BridgeState
from intacct_bridge.web.console.common import (
    PREFIX,
    TEMPLATES,
    ConsoleRefusal,
    SignInRequired,
)
from intacct_bridge.web.console.services import ConsoleServices

STATIC = Path(__file__).parent.parent / "static"
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class _PageHeaders:
    """Console pages may not be framed by another site (clickjacking), sniffed as another
    type, or leak their URLs (tenant IDs, filters) to other sites.

    A plain ASGI middleware (not ``@app.middleware``): the API's requests pass through it
    untouched, at the cost of one string comparison.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == PREFIX or path.startswith(f"{PREFIX}/")):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in PAGE_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


def install_console(app: FastAPI) -> None:
    """Mount the console on the bridge's app (after ``app.state.bridge`` is set)."""
    state: BridgeState = app.state.bridge
    if not isinstance(getattr(app.state, "auth", None), AuthServices):
        install_auth(app, AuthServices(db=state.sessions))
    app.state.console = ConsoleServices.default(state)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    from intacct_bridge.web.console import (
        apikeys,
        configuration,
        dashboard,
        finance,
        mapping,
        monitor,
        openitems,
        signin,
    )

    for module in (signin, monitor, mapping, configuration, dashboard, finance, openitems, apikeys):
        app.include_router(module.router, prefix=PREFIX)

    app.add_middleware(_PageHeaders)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=303)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, exc: SignInRequired) -> Response:
        if request.method != "GET" or request.headers.get("hx-request"):
            return JSONResponse(
                {"detail": {"code": "not_signed_in", "message": "sign in first"}}, 401
            )
        return RedirectResponse(
            f"{PREFIX}/sign-in?next={quote(exc.next_path, safe='/')}", status_code=303
        )

    @app.exception_handler(ConsoleRefusal)
    async def refused(request: Request, exc: ConsoleRefusal) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            request, "console/refused.html", {"message": exc.message}, status_code=exc.status
        )


__all__ = ["install_console"]
