"""The app factory: ``create_app(settings)`` builds the bridge's FastAPI application.

Routes:

* ``GET /health`` — liveness and readiness: version, database reachable and migrated, secret
  key loaded.
* ``POST /intacct/smart-events`` — the Smart Event receiver (:mod:`.smart_events`).
* ``POST /intacct/async-results`` — results of asynchronous posts (:mod:`.async_results`).

Later issues add their routers here (console, REST API). The app holds no global state: each
instance carries its engine, session factory, keyring and Intacct client factory in
``app.state.bridge``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from intacct_bridge import __version__
from intacct_bridge.config.secrets import Keyring, SecretKeyError, load_keyring
from intacct_bridge.store.session import create_store_engine, session_factory
from intacct_bridge.sync.events import (
    MAX_BODY_BYTES,
    ClientFactory,
    OutboundChangeHandler,
    clients_for,
    note_desynchronized,
    process_pending,
    prune_receipts,
)
from intacct_bridge.sync.slots import limiter_for

log = logging.getLogger("intacct_bridge.web")

#: seconds between two prunings of old Smart Event receipts
PRUNE_EVERY = 3600.0


class WebSettings(BaseSettings):
    """Settings of the HTTP app (environment: ``INTACCT_BRIDGE_…``)."""

    model_config = SettingsConfigDict(env_prefix="INTACCT_BRIDGE_", extra="ignore")

    #: database URL (``INTACCT_BRIDGE_DB_URL``; default the embedded SQLite file)
    db_url: str | None = None
    #: secret key file (``INTACCT_BRIDGE_SECRET_KEY_FILE``; ``INTACCT_BRIDGE_SECRET_KEY`` wins)
    secret_key_file: Path | None = None
    #: largest Smart Event post accepted, in bytes
    max_event_bytes: int = MAX_BODY_BYTES
    #: on start-up, apply Smart Events accepted but not applied before a stop, then retry
    #: those held back by a transient failure every ``retry_interval`` seconds (0 = never)
    resume_pending: bool = True
    retry_interval: float = 60.0
    #: finished Smart Event receipts (and asynchronous posting requests) are kept this many
    #: days (0 = forever)
    receipt_days: int = 90


@dataclass
class BridgeState:
    """What the routes share: one per app instance."""

    settings: WebSettings
    engine: Engine
    sessions: sessionmaker[Session]
    keyring: Keyring | None
    #: why the keyring is missing, for /health
    keyring_problem: str
    clients: ClientFactory
    on_outbound: OutboundChangeHandler


def bridge(request: Request) -> BridgeState:
    state: BridgeState = request.app.state.bridge
    return state


def create_app(
    settings: WebSettings | None = None,
    *,
    engine: Engine | None = None,
    keyring: Keyring | None = None,
    clients: ClientFactory | None = None,
    on_outbound: OutboundChangeHandler | None = None,
) -> FastAPI:
    """The bridge's HTTP application.

    ``engine``, ``keyring`` and ``clients`` default to what ``settings`` name (the database
    URL, the secret key, a real Intacct client per tenant configuration); ``on_outbound`` is
    the seam to the per-record sync state for Smart Events on outbound objects (default:
    mark the record ``desynchronized``). On PostgreSQL the default clients take their
    Intacct slots with the workers' (:func:`~intacct_bridge.sync.slots.limiter_for`).
    """
    settings = settings or WebSettings()
    problem = ""
    if keyring is None:
        try:
            keyring = load_keyring(settings.secret_key_file)
        except SecretKeyError as error:
            problem = str(error)
            log.warning("no secret key: Smart Events will be refused (%s)", problem)
    engine = engine or create_store_engine(settings.db_url)
    state = BridgeState(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        keyring=keyring,
        keyring_problem=problem,
        clients=clients or clients_for(limiter_for(engine)),
        on_outbound=on_outbound or note_desynchronized,
    )

    async def resume() -> None:
        try:
            done = await process_pending(
                state.sessions, state.keyring, clients=state.clients, on_outbound=state.on_outbound
            )
        except Exception:  # keep serving; /health shows whether the store works
            log.exception("could not apply the pending Smart Events")
        else:
            if done:
                log.info("applied %d pending Smart Event(s)", len(done))

    def prune() -> None:
        if settings.receipt_days <= 0:
            return
        try:
            gone = prune_receipts(state.sessions, dt.timedelta(days=settings.receipt_days))
            from intacct_bridge.export.callbacks import prune_async_requests

            prune_async_requests(state.sessions, dt.timedelta(days=settings.receipt_days))
        except Exception:  # housekeeping never stops the server
            log.exception("could not prune old Smart Event receipts")
        else:
            if gone:
                log.info(
                    "pruned %d Smart Event receipt(s) older than %d days",
                    gone,
                    settings.receipt_days,
                )

    async def retry_forever(interval: float) -> None:
        pruned = time.monotonic()
        while True:
            await asyncio.sleep(interval)
            await resume()
            if time.monotonic() - pruned >= PRUNE_EVERY:
                prune()
                pruned = time.monotonic()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        retrying: asyncio.Task[None] | None = None
        from intacct_bridge.web.api.warm import warm_up

        warm_up(state.sessions)  # each worker: before its first request, not during it
        prune()
        if settings.resume_pending and state.keyring is not None:
            await resume()
            if settings.retry_interval > 0:
                retrying = asyncio.create_task(retry_forever(settings.retry_interval))
        try:
            yield
        finally:
            if retrying is not None:
                retrying.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await retrying

    app = FastAPI(
        title="intacct-bridge",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.bridge = state
    _errors(app)

    from intacct_bridge.web.smart_events import router as smart_events

    app.include_router(smart_events)
    from intacct_bridge.web.async_results import router as async_results

    app.include_router(async_results)
    from intacct_bridge.web.api import install_api  # the REST API, /api/v1 (docs/api.md)

    install_api(app)

    from intacct_bridge.web.console import install_console

    install_console(app)

    @app.get("/health")
    def health() -> JSONResponse:
        checks: dict[str, Any] = {"version": __version__}
        healthy = True
        try:
            from intacct_bridge.store.migrate import current_revision, head_revision

            with state.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            revision = current_revision(state.engine)
            checks["database"] = "ok" if revision == head_revision() else "not migrated"
            healthy = healthy and revision == head_revision()
        except Exception as error:  # reported, never raised
            checks["database"] = f"unreachable ({type(error).__name__})"
            healthy = False
        checks["secret_key"] = "loaded" if state.keyring is not None else "missing"
        checks["status"] = "ok" if healthy and state.keyring is not None else "degraded"
        return JSONResponse(checks, status_code=200 if healthy else 503)

    return app


def _errors(app: FastAPI) -> None:
    """JSON errors everywhere, never a traceback."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            {"error": code, "message": str(exc.detail)},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": "malformed", "message": "the request is invalid"}, 400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {
                "error": "internal",
                "message": "the bridge could not handle the request; see its log",
            },
            500,
        )


__all__ = ["BridgeState", "WebSettings", "create_app"]
