"""Who is calling (an API key with a scope) and the database work each request does.

The tenant is the API key's: a key of tenant A reads and writes only tenant A, whatever the
URL says. Refusals come in the API's error shape and never repeat the key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from fastapi import HTTPException, Request
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.auth.apikeys import VerifiedKeys
from intacct_bridge.auth.model import ApiPrincipal, Scope
from intacct_bridge.auth.passwords import PasswordHasher
from intacct_bridge.auth.ratelimit import utc_now
from intacct_bridge.auth.web import AuthServices, require_api_key
from intacct_bridge.store.session import SQLITE_BEGIN
from intacct_bridge.web.api.errors import ApiError

T = TypeVar("T")
#: tries of a transaction that met a concurrent insert of the same key, a lock or a deadlock
ATTEMPTS = 5


def client(scope: Scope) -> Callable[[Request], ApiPrincipal]:
    """A dependency: the API key's client, holding ``scope`` (401/403 in the API's shape)."""
    check = require_api_key(scope)

    def dependency(request: Request) -> ApiPrincipal:
        services = _key_services(request)
        try:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    return check(request, services)
                except DBAPIError as error:
                    # SQLite: the key's "last used" write met another writer's lock
                    if attempt == ATTEMPTS or not _retryable(error):
                        raise ApiError(
                            503,
                            "busy",
                            "the database is busy; send the request again",
                            headers={"Retry-After": "1"},
                        ) from None
                    time.sleep(0.02 * attempt)
            raise AssertionError("unreachable")  # pragma: no cover
        except HTTPException as refused:
            detail: dict[str, object] = refused.detail if isinstance(refused.detail, dict) else {}
            raise ApiError(
                refused.status_code,
                str(detail.get("code", "forbidden")),
                str(detail.get("message", "refused")),
                headers=dict(refused.headers) if refused.headers else None,
            ) from None

    return dependency


def _key_services(request: Request) -> AuthServices:
    """The auth services the API checks keys with (one per app, made on first use).

    They use the bridge's database and the console's clock (``app.state.auth``, when the
    console is installed). Checking a key only reads (one indexed ``SELECT``, one SHA-256;
    on PostgreSQL outside a transaction, so one round trip), and a key verified in the last
    two seconds is not read again (:class:`~intacct_bridge.auth.apikeys.VerifiedKeys`: a
    revoked key is refused at most two seconds after its revocation);
    the key's "last used" time is written in a transaction of its own, at most once a
    minute, and a busy database only postpones that write to a later request.
    """
    cached = getattr(request.app.state, "api_key_services", None)
    if isinstance(cached, AuthServices):
        return cached
    console = getattr(request.app.state, "auth", None)
    sessions: sessionmaker[Session] = request.app.state.bridge.sessions
    engine = sessions.kw.get("bind")
    if isinstance(engine, Engine) and engine.dialect.name == "postgresql":
        # each statement its own transaction: one round trip for the key's SELECT instead of
        # BEGIN, SELECT, COMMIT (the last-used UPDATE is one statement too)
        sessions = sessionmaker(
            bind=engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
        )
    services = AuthServices(
        db=sessions,
        # the API signs no one in: a hasher is required by AuthServices but never used
        hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
        clock=console.clock if isinstance(console, AuthServices) else utc_now,
        verified_keys=VerifiedKeys(),
    )
    request.app.state.api_key_services = services
    return services


def run_in_transaction(request: Request, work: Callable[[Session], T]) -> T:
    """Run ``work`` in one transaction of the bridge's store and commit it.

    SQLite: the write lock is taken at ``BEGIN``, so writers queue. Both databases: when a
    concurrent request inserted the same key first (a unique violation), a deadlock or a
    lock timeout, the transaction is rolled back and run again; the second run sees the
    first's rows (an identical document is then a repeat).
    """
    sessions = request.app.state.bridge.sessions
    for attempt in range(1, ATTEMPTS + 1):
        with sessions() as session:
            try:
                bind = session.get_bind()
                if bind.dialect.name == "sqlite" and isinstance(bind, Engine):
                    session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})
                result = work(session)
                session.commit()
                return result
            except DBAPIError as error:
                session.rollback()
                if attempt == ATTEMPTS or not _retryable(error):
                    raise ApiError(
                        409 if isinstance(error, IntegrityError) else 503,
                        "conflict" if isinstance(error, IntegrityError) else "busy",
                        "the database refused the write (another request changed the same "
                        "records at the same time); send the request again",
                    ) from None
            finally:
                session.rollback()
        time.sleep(0.02 * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def read_only(request: Request, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a transaction that is rolled back (reads)."""
    with request.app.state.bridge.sessions() as session:
        try:
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("SET TRANSACTION READ ONLY"))
            result: T = work(session)
            return result
        finally:
            session.rollback()


def _retryable(error: DBAPIError) -> bool:
    if isinstance(error, IntegrityError):
        return True
    message = str(error.orig).lower() if error.orig is not None else ""
    code = getattr(error.orig, "sqlstate", None)
    return "database is locked" in message or code in ("40001", "40P01", "55P03")


__all__ = ["ATTEMPTS", "client", "read_only", "run_in_transaction"]
