"""API keys of the tenant: list, create with scopes (the key is shown once, on the answer to
the form, never again), revoke. Administrators only; the same functions as
``intacct-bridge apikey`` (:mod:`intacct_bridge.auth.apikeys`)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from intacct_bridge.auth.apikeys import (
    VerifiedKeys,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)
from intacct_bridge.auth.errors import ApiKeyNotFoundError, UserError
from intacct_bridge.auth.model import Scope
from intacct_bridge.auth.web import require_csrf
from intacct_bridge.web.console.common import Admin, Page, back, first, read_form

router = APIRouter(include_in_schema=False)
CSRF = [Depends(require_csrf)]
SCOPE_HELP = {
    Scope.MASTER_DATA_WRITE: "upsert items, customers, suppliers … (PUT /api/v1/{kind}/{id})",
    Scope.DOCUMENTS_WRITE: "submit documents (POST /api/v1/documents)",
    Scope.STATE_READ: "read sync and posting state, stored documents",
    Scope.SYNC_RUN: "trigger Synchronise (POST /api/v1/sync)",
}


def _page(
    page: Page, status: int = 200, new_key: str = "", problem: str = "", name: str = ""
) -> HTMLResponse:
    with page.read() as session:
        keys = list_api_keys(session, page.tenant_id)
    return page.render(
        "console/api_keys.html",
        status=status,
        keys=keys,
        scopes=list(Scope),
        scope_help=SCOPE_HELP,
        new_key=new_key,
        problem=problem,
        name=name,
    )


@router.get("/t/{tenant_id}/api-keys", response_class=HTMLResponse)
def api_keys(page: Admin) -> HTMLResponse:
    return _page(page)


@router.post("/t/{tenant_id}/api-keys", response_class=HTMLResponse, dependencies=CSRF)
async def create(page: Admin, request: Request) -> HTMLResponse:
    """Create a key; the answer (not a redirect: the key must not travel in a URL) shows it
    once."""
    form = await read_form(request)
    name = first(form, "name")[:200]
    known = {scope.value: scope for scope in Scope}
    chosen = [known[value] for value in form.get("scope", []) if value in known]
    try:
        with page.write() as session:
            key, _info = create_api_key(
                session,
                page.tenant_id,
                name,
                chosen,
                dt.datetime.now(dt.UTC),
                created_by=page.signed_in.user.name,
            )
    except UserError as error:
        message = str(error).replace(" (--name)", "").replace(" (--scope)", "")
        return _page(page, 400, problem=message, name=name)
    return _page(page, new_key=key.text)


@router.post("/t/{tenant_id}/api-keys/{prefix}/revoke", response_model=None, dependencies=CSRF)
def revoke(page: Admin, prefix: str, request: Request) -> Response:
    target = page.url("api-keys")
    try:
        with page.write() as session:
            info = revoke_api_key(session, page.tenant_id, prefix[:20], dt.datetime.now(dt.UTC))
    except ApiKeyNotFoundError:
        return back(page, target, error="No such API key in this tenant.")
    # this process's API trusts the key no longer at once (the others within two seconds)
    services = getattr(request.app.state, "api_key_services", None)
    verified = getattr(services, "verified_keys", None)
    if isinstance(verified, VerifiedKeys):
        verified.forget(info.tenant_id, info.prefix)
    return back(page, target, notice=f"API key {info.prefix} ({info.name}) is revoked.")
