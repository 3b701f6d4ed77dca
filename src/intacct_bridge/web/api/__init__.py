"""The bridge's REST API, ``/api/v1``: master data, documents, sync state, Synchronise.

``install_api(app)`` mounts it on the bridge's app (``create_app`` does). Every route needs
an API key (``Authorization: Bearer ibk_…``) holding the route's scope; the key's tenant is
the tenant read and written. Errors share one shape (:class:`.errors.ErrorBody`). The OpenAPI
document is served at ``/api/v1/openapi.json``. See ``docs/api.md``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from intacct_bridge import __version__
from intacct_bridge.web.api import documents, records, state
from intacct_bridge.web.api.errors import ApiError, api_error_handler

PREFIX = "/api/v1"


def build_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    router.include_router(documents.router)
    router.include_router(state.router)
    router.include_router(records.router)  # last: its /{kind}/{id} matches widely
    return router


def install_api(app: FastAPI) -> None:
    """Mount the REST API on the bridge's ``app`` (its ``app.state.bridge`` must be set).

    API keys are checked on the bridge's database (see :mod:`.access`); nothing here
    depends on the console's ``install_auth``.
    """
    app.add_exception_handler(ApiError, api_error_handler)
    app.include_router(build_router())
    cache: dict[str, Any] = {}

    @app.get(f"{PREFIX}/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        if "schema" not in cache:
            cache["schema"] = api_schema(app)
        return JSONResponse(cache["schema"])


def api_schema(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of the REST API's routes (the app's other routes left out)."""
    schema = get_openapi(
        title="intacct-bridge REST API",
        version=__version__,
        description="Master data, documents, sync state and Synchronise. See docs/api.md.",
        routes=app.routes,
    )
    schema["paths"] = {
        path: item for path, item in schema.get("paths", {}).items() if path.startswith(PREFIX)
    }
    schema.setdefault("components", {})["securitySchemes"] = {
        "apiKey": {"type": "http", "scheme": "bearer", "description": "an ibk_… API key"}
    }
    schema["security"] = [{"apiKey": []}]
    return schema


__all__ = ["PREFIX", "api_schema", "build_router", "install_api"]
