"""FastAPI plumbing: the dependencies every console page and API route uses, and ``/auth``.

The bridge's app plugs this in with :func:`install_auth`::

    services = AuthServices(db=session_factory(engine))
    install_auth(app, services)          # app.state.auth + the /auth router

then declares what each route needs::

    @app.get("/t/{tenant_id}/items")
    def items(signed_in: SignedIn = Depends(require_tenant(Role.VIEWER))): ...

    @app.post("/t/{tenant_id}/mapping", dependencies=[Depends(require_csrf)])
    def save(signed_in: SignedIn = Depends(require_tenant(Role.ADMIN))): ...

    @app.post("/api/v1/tenants/{tenant_id}/documents")
    def submit(client: ApiPrincipal = Depends(require_api_key(Scope.DOCUMENTS_WRITE))): ...

Errors are JSON (``{"detail": {"code": …, "message": …}}``) with 401 (not signed in, bad
key), 403 (no access, wrong scope or tenant, bad CSRF token) and 429 (sign-in throttled).
They never contain a password, cookie or key. A console page that wants a redirect to the
sign-in page instead of a 401 catches :class:`fastapi.HTTPException` with
``detail["code"] == "not_signed_in"`` in its own exception handler.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.auth.apikeys import VerifiedKeys, check_api_key, is_stale, touch_api_key
from intacct_bridge.auth.errors import (
    AccessDeniedError,
    ApiKeyInvalidError,
    InvalidCredentialsError,
    LoginThrottledError,
    SessionInvalidError,
)
from intacct_bridge.auth.model import ApiPrincipal, Role, Scope, authorize
from intacct_bridge.auth.passwords import MAX_PASSWORD_LENGTH, PasswordHasher
from intacct_bridge.auth.ratelimit import Clock, LoginRateLimiter, utc_now
from intacct_bridge.auth.sessions import (
    SessionPolicy,
    SignedIn,
    choose_tenant,
    end_session,
    resume_session,
    start_session,
)
from intacct_bridge.auth.tokens import csrf_matches, csrf_token_for
from intacct_bridge.auth.users import authenticate

#: the form field and the header a CSRF token may come in (HTMX sends the header)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
#: largest form body read for a CSRF token or a sign-in
MAX_FORM_BYTES = 64 * 1024
#: most fields in such a form (a console page may post one per selected row)
MAX_FORM_FIELDS = 2000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
log = logging.getLogger("intacct_bridge.auth")


@dataclass
class AuthServices:
    """Everything the auth dependencies need; one per app, on ``app.state.auth``."""

    db: sessionmaker[Session]
    hasher: PasswordHasher = field(default_factory=PasswordHasher)
    limiter: LoginRateLimiter = field(default_factory=LoginRateLimiter)
    policy: SessionPolicy = field(default_factory=SessionPolicy)
    clock: Clock = utc_now
    #: API keys verified recently, trusted without a query (the REST API's; ``None``: every
    #: request checks its key in the database)
    verified_keys: VerifiedKeys | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.db() as db, db.begin():
            yield db


def install_auth(app: FastAPI, services: AuthServices, *, prefix: str = "/auth") -> None:
    """Attach ``services`` to ``app`` and mount the sign-in/out routes under ``prefix``."""
    app.state.auth = services
    app.include_router(router, prefix=prefix)


def auth_services(request: Request) -> AuthServices:
    services = getattr(request.app.state, "auth", None)
    if not isinstance(services, AuthServices):
        raise RuntimeError("install_auth(app, services) was not called")
    return services


Services = Annotated[AuthServices, Depends(auth_services)]


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> HTTPException:
    return HTTPException(status, {"code": code, "message": message}, headers=headers)


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


# --- sessions ------------------------------------------------------------------------------


def optional_session(request: Request, services: Services) -> SignedIn | None:
    """The request's live session, or ``None`` (for pages that show a sign-in link)."""
    token = request.cookies.get(services.policy.cookie_name)
    if not token:
        return None
    with services.transaction() as db:  # committed either way: an expired row is deleted
        try:
            return resume_session(db, token, services.clock(), services.policy)
        except SessionInvalidError:
            return None


def require_user(signed_in: Annotated[SignedIn | None, Depends(optional_session)]) -> SignedIn:
    """The signed-in user's session; 401 ``not_signed_in`` without one."""
    if signed_in is None:
        raise _error(401, "not_signed_in", "sign in first (the session is missing or has ended)")
    return signed_in


def require_tenant(need: Role = Role.VIEWER) -> Callable[..., SignedIn]:
    """A dependency: the session, after :func:`authorize` for the path's ``{tenant_id}``.

    A route without a ``tenant_id`` path parameter uses the session's chosen tenant.
    """

    def dependency(
        request: Request, signed_in: Annotated[SignedIn, Depends(require_user)]
    ) -> SignedIn:
        tenant_id = request.path_params.get("tenant_id") or signed_in.tenant_id
        if not tenant_id:
            raise _error(403, "no_tenant", "choose a tenant first")
        try:
            authorize(signed_in.user, str(tenant_id), need)
        except AccessDeniedError as error:
            raise _error(403, "forbidden", str(error)) from None
        return SignedIn(signed_in.token, signed_in.user, str(tenant_id), signed_in.expires_at)

    return dependency


def csrf_token(signed_in: SignedIn) -> str:
    """The token to put in every form (``<input name="csrf_token">``) or HTMX header."""
    return csrf_token_for(signed_in.token)


def _is_form(request: Request) -> bool:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type == "application/x-www-form-urlencoded"


async def _read_form(request: Request) -> dict[str, str]:
    """An url-encoded body (at most :data:`MAX_FORM_BYTES`), first value of each field.

    The body stays readable by the route (Starlette serves it again from ``_body``).
    """
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_FORM_BYTES):
        raise _error(413, "too_large", f"the form is larger than {MAX_FORM_BYTES} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise _error(413, "too_large", f"the form is larger than {MAX_FORM_BYTES} bytes")
    request._body = body
    try:
        values = parse_qs(body.decode("utf-8", "replace"), max_num_fields=MAX_FORM_FIELDS)
    except ValueError:  # too many fields: a clean refusal, never a 500
        raise _error(413, "too_large", f"the form has more than {MAX_FORM_FIELDS} fields") from None
    return {name: items[0] for name, items in values.items() if items}


async def require_csrf(
    request: Request, signed_in: Annotated[SignedIn, Depends(require_user)]
) -> SignedIn:
    """Refuse (403 ``csrf``) a state-changing request without this session's CSRF token.

    The token comes in the ``X-CSRF-Token`` header or the ``csrf_token`` form field
    (url-encoded forms). Safe methods (GET, HEAD, OPTIONS) pass.
    """
    if request.method in SAFE_METHODS:
        return signed_in
    presented = request.headers.get(CSRF_HEADER)
    if not presented and _is_form(request):
        presented = (await _read_form(request)).get(CSRF_FIELD)
    if not csrf_matches(signed_in.token, presented):
        raise _error(403, "csrf", "the form's security token is missing or stale; reload the page")
    return signed_in


def set_session_cookie(
    request: Request, response: Response, services: AuthServices, signed_in: SignedIn
) -> None:
    """Set the session cookie: HttpOnly, SameSite=Lax, Secure over https (or by policy)."""
    secure = services.policy.secure_cookies
    if secure is None:
        secure = request.url.scheme == "https"
    max_age = int((signed_in.expires_at - services.clock()).total_seconds())
    response.set_cookie(
        services.policy.cookie_name,
        signed_in.token,
        max_age=max(0, max_age),
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response, services: AuthServices) -> None:
    response.delete_cookie(services.policy.cookie_name, path="/", httponly=True, samesite="lax")


def sign_in(
    request: Request, response: Response, services: AuthServices, name: str, password: str
) -> SignedIn:
    """Check the password, start a session and set its cookie (the console's login page).

    Raises :class:`InvalidCredentialsError` or :class:`LoginThrottledError`. A session the
    browser already had is ended first, so a sign-in always gets a fresh token.
    """
    now = services.clock()
    with services.transaction() as db:
        end_session(db, request.cookies.get(services.policy.cookie_name))
        user = authenticate(
            db, services.hasher, services.limiter, name, password, client_ip(request), now
        )
        signed_in = start_session(db, user, now, services.policy, client_ip(request))
    set_session_cookie(request, response, services, signed_in)
    return signed_in


def sign_out(request: Request, response: Response, services: AuthServices) -> None:
    """End the browser's session (it cannot be used again) and clear the cookie."""
    with services.transaction() as db:
        end_session(db, request.cookies.get(services.policy.cookie_name))
    clear_session_cookie(response, services)


def _safe_next(value: str | None) -> str:
    """A same-site path to go to after sign-in (never another host)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


# --- API keys ------------------------------------------------------------------------------


def require_api_key(scope: Scope) -> Callable[..., ApiPrincipal]:
    """A dependency: the client behind ``Authorization: Bearer <key>``, holding ``scope``.

    401 ``unauthorized`` for a missing, malformed, unknown or revoked key; 403 ``forbidden``
    when the key lacks ``scope`` or the path's ``{tenant_id}`` is not the key's tenant.
    """

    def dependency(request: Request, services: Services) -> ApiPrincipal:
        challenge = {"WWW-Authenticate": 'Bearer realm="intacct-bridge"'}
        header = request.headers.get("authorization", "")
        kind, _, credential = header.partition(" ")
        if kind.lower() != "bearer" or not credential.strip():
            raise _error(
                401, "unauthorized", "send an API key: Authorization: Bearer ibk_…", challenge
            )
        now = services.clock()
        verified = services.verified_keys
        principal = verified.get(credential, now) if verified is not None else None
        if principal is None:
            principal = _check_key(services, credential, now, challenge)
            if verified is not None:
                verified.put(credential, principal, now)
        tenant_id = request.path_params.get("tenant_id")
        if tenant_id is not None and tenant_id != principal.tenant_id:
            raise _error(403, "forbidden", "this API key does not belong to that tenant")
        if scope not in principal.scopes:
            raise _error(403, "forbidden", f"this API key lacks the scope {scope.value}")
        return principal

    return dependency


def _check_key(
    services: AuthServices, credential: str, now: dt.datetime, challenge: dict[str, str]
) -> ApiPrincipal:
    """The key's client, read from the database (401 when the key is not valid); writes its
    last-used time when that is more than a minute old."""
    try:
        with services.transaction() as db:  # a read: no lock held, nothing written
            principal, last_used = check_api_key(db, credential)
    except ApiKeyInvalidError as error:
        raise _error(401, "unauthorized", str(error), challenge) from None
    if is_stale(last_used, now):  # at most once a minute per key
        try:
            with services.transaction() as db:
                touch_api_key(db, principal, now)
        except DBAPIError:  # a busy database: the next request writes it
            log.info("could not write the last-used time of API key %s", principal.prefix)
    return principal


# --- /auth routes --------------------------------------------------------------------------

router = APIRouter(tags=["auth"])


async def _login_form(request: Request) -> dict[str, str]:
    if not _is_form(request):
        raise _error(415, "unsupported", "send the sign-in as an url-encoded form")
    return await _read_form(request)


def _sign_in_sync(request: Request, services: AuthServices, form: dict[str, str]) -> Response:
    name = form.get("username", "")[:200]
    password = form.get("password", "")[: MAX_PASSWORD_LENGTH + 1]
    response: Response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    try:
        sign_in(request, response, services, name, password)
    except InvalidCredentialsError as error:
        return JSONResponse({"detail": {"code": "invalid_credentials", "message": str(error)}}, 401)
    except LoginThrottledError as error:
        return JSONResponse(
            {"detail": {"code": "throttled", "message": str(error)}},
            429,
            headers={"Retry-After": str(error.retry_after)},
        )
    return response


def same_origin(request: Request) -> bool:
    """Whether the request was not sent by another site's page (``Origin``, ``Sec-Fetch-Site``).

    Browsers send these headers on form posts; a request without them (a script, an old
    browser) passes. This stops a foreign page from signing a visitor in to an account of
    the attacker's choosing (login CSRF), where no session exists yet to bind a token to.
    """
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin != "null" and urlsplit(origin).netloc.lower() == host.lower()


@router.post("/login", response_model=None)
async def login(request: Request, services: Services) -> Response:
    """Sign in with an url-encoded form (``username``, ``password``, optional ``next``)."""
    from starlette.concurrency import run_in_threadpool

    if not same_origin(request):
        raise _error(403, "cross_site", "sign in from the bridge's own sign-in page")
    form = await _login_form(request)
    return await run_in_threadpool(_sign_in_sync, request, services, form)


@router.post("/logout", response_model=None)
def logout(
    request: Request,
    services: Services,
    _signed_in: Annotated[SignedIn, Depends(require_csrf)],
) -> Response:
    """Sign out (needs the CSRF token); the session is deleted, not just forgotten."""
    response = RedirectResponse("/", status_code=303)
    sign_out(request, response, services)
    return response


@router.get("/me")
def me(signed_in: Annotated[SignedIn, Depends(require_user)]) -> dict[str, Any]:
    """Who is signed in, their tenants and roles, the chosen tenant and the CSRF token."""
    return {
        "user": signed_in.user.name,
        "tenants": {tenant: role.value for tenant, role in sorted(signed_in.user.roles.items())},
        "tenant": signed_in.tenant_id,
        "csrf_token": csrf_token(signed_in),
        "expires_at": signed_in.expires_at.isoformat(),
    }


@router.post("/tenant/{tenant_id}")
def switch_tenant(
    services: Services,
    _checked: Annotated[SignedIn, Depends(require_csrf)],
    signed_in: Annotated[SignedIn, Depends(require_tenant(Role.VIEWER))],
) -> dict[str, str]:
    """The tenant switcher: show ``tenant_id`` from now on (only a tenant of the user's)."""
    assert signed_in.tenant_id is not None
    with services.transaction() as db:
        choose_tenant(db, signed_in, signed_in.tenant_id)
    return {"tenant": signed_in.tenant_id}


__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "AuthServices",
    "auth_services",
    "clear_session_cookie",
    "csrf_token",
    "install_auth",
    "optional_session",
    "require_api_key",
    "require_csrf",
    "require_tenant",
    "require_user",
    "router",
    "set_session_cookie",
    "sign_in",
    "sign_out",
]
