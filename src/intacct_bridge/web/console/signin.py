"""Sign-in, sign-out, the tenant switcher and the console's front door."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from intacct_bridge.auth.errors import InvalidCredentialsError, LoginThrottledError
from intacct_bridge.auth.model import Role, authorize
from intacct_bridge.auth.passwords import MAX_PASSWORD_LENGTH
from intacct_bridge.auth.sessions import SignedIn, choose_tenant
from intacct_bridge.auth.web import (
    AuthServices,
    auth_services,
    optional_session,
    require_csrf,
    same_origin,
    sign_in,
    sign_out,
)
from intacct_bridge.web.console.common import (
    PREFIX,
    TEMPLATES,
    ConsoleRefusal,
    SignInRequired,
    first,
    read_form,
)

router = APIRouter(include_in_schema=False)
Services = Annotated[AuthServices, Depends(auth_services)]
MaybeSignedIn = Annotated[SignedIn | None, Depends(optional_session)]


def _safe_next(value: str) -> str:
    """Only a console path of this site (never another host)."""
    if value.startswith(f"{PREFIX}/") and "//" not in value and "\\" not in value:
        return value
    return ""


def _home(signed_in: SignedIn) -> str:
    tenants = signed_in.user.tenants
    tenant = signed_in.tenant_id if signed_in.tenant_id in tenants else None
    tenant = tenant or (tenants[0] if tenants else None)
    return f"{PREFIX}/t/{quote(tenant, safe='')}/monitor" if tenant else f"{PREFIX}/no-tenant"


@router.get("/", response_model=None)
def index(signed_in: MaybeSignedIn) -> Response:
    if signed_in is None:
        return RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
    return RedirectResponse(_home(signed_in), status_code=303)


@router.get("/no-tenant", response_class=HTMLResponse)
def no_tenant(request: Request, signed_in: MaybeSignedIn) -> HTMLResponse:
    if signed_in is None:
        raise SignInRequired(request.url.path)
    return TEMPLATES.TemplateResponse(
        request,
        "console/refused.html",
        {
            "message": "You have no role in any tenant yet. Ask an administrator to run "
            f"`intacct-bridge user grant {signed_in.user.name} --tenant <tenant>`."
        },
        status_code=403,
    )


def _form_page(request: Request, next_path: str, error: str = "", status: int = 200) -> Response:
    return TEMPLATES.TemplateResponse(
        request,
        "console/sign_in.html",
        {"next": _safe_next(next_path), "error": error},
        status_code=status,
    )


@router.get("/sign-in", response_model=None)
def sign_in_page(request: Request, signed_in: MaybeSignedIn, next: str = "") -> Response:
    if signed_in is not None:
        return RedirectResponse(_safe_next(next) or _home(signed_in), status_code=303)
    return _form_page(request, next)


@router.post("/sign-in", response_model=None)
async def sign_in_post(request: Request, services: Services) -> Response:
    if not same_origin(request):
        raise ConsoleRefusal(403, "Sign in from the bridge's own sign-in page.")
    form = await read_form(request)
    name = first(form, "username")[:200]
    password = first(form, "password")[: MAX_PASSWORD_LENGTH + 1]
    next_path = first(form, "next")

    def attempt() -> Response:
        response: Response = RedirectResponse(f"{PREFIX}/", status_code=303)
        try:
            signed_in = sign_in(request, response, services, name, password)
        except InvalidCredentialsError:
            return _form_page(request, next_path, "Wrong user name or password.", 401)
        except LoginThrottledError as error:
            page = _form_page(
                request,
                next_path,
                f"Too many failed sign-ins. Try again in {error.retry_after} seconds.",
                429,
            )
            page.headers["Retry-After"] = str(error.retry_after)
            return page
        target = _safe_next(next_path) or _home(signed_in)
        response.headers["location"] = target
        return response

    return await run_in_threadpool(attempt)


@router.post("/sign-out", response_model=None)
def sign_out_post(
    request: Request, services: Services, _checked: Annotated[SignedIn, Depends(require_csrf)]
) -> Response:
    response = RedirectResponse(f"{PREFIX}/sign-in", status_code=303)
    sign_out(request, response, services)
    return response


@router.post("/tenant", response_model=None)
async def switch_tenant(
    request: Request, services: Services, signed_in: Annotated[SignedIn, Depends(require_csrf)]
) -> Response:
    """The tenant switcher: remember the choice and open that tenant's monitor."""
    tenant_id = first(await read_form(request), "tenant_id")
    try:
        authorize(signed_in.user, tenant_id, Role.VIEWER)
    except Exception:
        raise ConsoleRefusal(403, "You have no access to that tenant.") from None
    with services.transaction() as db:
        choose_tenant(db, signed_in, tenant_id)
    return RedirectResponse(f"{PREFIX}/t/{quote(tenant_id, safe='')}/monitor", status_code=303)
