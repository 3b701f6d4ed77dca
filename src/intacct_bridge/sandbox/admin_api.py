"""Admin HTTP API (placeholder until the full admin API lands)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from intacct_bridge.sandbox.admin import Admin
from intacct_bridge.sandbox.backend import SandboxBackend


def create_admin_app(backend: SandboxBackend) -> Starlette:
    admin = Admin(backend)

    async def state(request: Request) -> JSONResponse:
        return JSONResponse(admin.describe())

    return Starlette(routes=[Route("/state", state, methods=["GET"])])
