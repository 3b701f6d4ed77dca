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
* ``/console/t/{tenant}/openitems`` — open items with their payment status (:mod:`.openitems`)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

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


def install_console(app: FastAPI) -> None:
    """Mount the console on the bridge's app (after ``app.state.bridge`` is set)."""
    state: BridgeState = app.state.bridge
    if not isinstance(getattr(app.state, "auth", None), AuthServices):
        install_auth(app, AuthServices(db=state.sessions))
    app.state.console = ConsoleServices.default(state)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    from intacct_bridge.web.console import (
        configuration,
        dashboard,
        mapping,
        monitor,
        openitems,
        signin,
    )

    for module in (signin, monitor, mapping, configuration, dashboard, openitems):
        app.include_router(module.router, prefix=PREFIX)

    @app.middleware("http")
    async def page_headers(request: Request, call_next: Any) -> Response:
        """Console pages may not be framed by another site (clickjacking), sniffed as
        another type, or leak their URLs (tenant IDs, filters) to other sites."""
        response: Response = await call_next(request)
        if request.url.path.startswith(f"{PREFIX}/") or request.url.path == PREFIX:
            response.headers.update(PAGE_HEADERS)
        return response

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
