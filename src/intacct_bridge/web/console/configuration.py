"""Configuration: the General, Defaults, Contact, Audit trail and Custom package tabs, the
connection test (one result per check, with the fix) and the custom package download.

Secrets (sender password, user password, webhook secret) are never sent to the browser:
their fields are always empty, with a "set" marker when a value is stored; an empty field
on save keeps the stored value.
"""

from __future__ import annotations

import secrets as _random
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from intacct_bridge.auth.web import require_csrf
from intacct_bridge.config.models import IntegrationConfig, TransactionLevel
from intacct_bridge.config.secrets import Secret
from intacct_bridge.config.store import get_config, save_config
from intacct_bridge.errors import BridgeError
from intacct_bridge.setup.connection import run_connection_test
from intacct_bridge.setup.package import build_package, inbound_objects
from intacct_bridge.web.console.common import (
    Admin,
    ConsoleRefusal,
    Page,
    back,
    first,
    read_form,
)
from intacct_bridge.web.console.services import ConsoleServices

router = APIRouter(include_in_schema=False)
CSRF = [Depends(require_csrf)]

TABS = {
    "general": "General",
    "defaults": "Defaults",
    "contact": "Contact",
    "audit": "Audit trail",
    "package": "Custom package",
}
#: the plain fields of each tab (checkboxes: unchecked = off)
TEXT_FIELDS = {
    "general": (
        "id",
        "endpoint_url",
        "sender_id",
        "company_id",
        "user_id",
        "entity_id",
        "policy_id",
        "async_timeout",
    ),
    "defaults": ("legislation", "chart_of_accounts", "transaction_level", "tax_solution"),
    "contact": (),
    "audit": (),
    "package": ("webhook_url",),
}
CHECKBOXES = {
    "general": ("option_active", "active", "asynchronous"),
    "defaults": (),
    "contact": ("category_names", "exclude_display_contact", "clean_contact_list"),
    "audit": ("audit_trail",),
    "package": (),
}
SECRET_FIELDS = {
    "general": ("sender_password", "user_password"),
    "package": ("webhook_secret",),
}
#: fields that may be empty (``None``)
OPTIONAL = {
    "company_id",
    "user_id",
    "entity_id",
    "policy_id",
    "legislation",
    "chart_of_accounts",
    "tax_solution",
    "webhook_url",
}


def _config(page: Page) -> IntegrationConfig:
    with page.read() as session:
        found = get_config(session, page.tenant_id, page.state.keyring)
    return found or IntegrationConfig(tenant_id=page.tenant_id)


def _tab(tab: str) -> str:
    if tab not in TABS:
        raise ConsoleRefusal(404, f"There is no configuration tab {tab!r}.")
    return tab


def _render(page: Page, tab: str, **values: Any) -> HTMLResponse:
    config = _config(page)
    return page.render(
        "console/config.html",
        tab=tab,
        tabs=TABS,
        c=config,
        is_set={
            name: getattr(config, name) is not None
            for name in ("sender_password", "user_password", "webhook_secret")
        },
        levels=list(TransactionLevel),
        **values,
    )


@router.get("/t/{tenant_id}/config", response_class=HTMLResponse)
def configuration(page: Admin, tab: str = "general") -> HTMLResponse:
    """Configuration is an administrator's page (it shows sign-in details)."""
    return _render(page, _tab(tab))


def _validation_text(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem.get("loc", ())) or "value"
        parts.append(f"{where}: {problem.get('msg', 'invalid')}")
    return "; ".join(parts)


@router.post("/t/{tenant_id}/config/{tab}", response_model=None, dependencies=CSRF)
async def save(page: Admin, request: Request, tab: str) -> Response:
    """Save one tab's fields; the other tabs' values are kept."""
    tab = _tab(tab)
    form = await read_form(request)
    target = page.url("config", tab=tab)
    config = _config(page)
    changes: dict[str, Any] = {}
    for name in TEXT_FIELDS[tab]:
        value = first(form, name).strip()
        changes[name] = value or (None if name in OPTIONAL else getattr(config, name))
    contact_changes = {}
    for name in CHECKBOXES[tab]:
        checked = first(form, name) == "on"
        if tab == "contact":
            contact_changes[name] = checked
        else:
            changes[name] = checked
    if contact_changes:
        changes["contacts"] = config.contacts.model_copy(update=contact_changes)
    for name in SECRET_FIELDS.get(tab, ()):
        value = first(form, name)
        if value:  # empty: keep the stored secret
            changes[name] = Secret(value)
    try:
        updated = config.updated(**changes)
        with page.write() as session:
            save_config(session, page.tenant_id, updated, page.state.keyring)
    except ValidationError as error:
        return back(page, target, error=f"Nothing was saved: {_validation_text(error)}")
    except (BridgeError, ValueError) as error:
        return back(page, target, error=f"Nothing was saved: {error}")
    return back(page, target, notice=f"{TABS[tab]} saved.")


@router.post("/t/{tenant_id}/config/general/test", response_model=None, dependencies=CSRF)
async def test_connection(page: Admin, request: Request) -> HTMLResponse:
    """Sign in to Intacct with the stored configuration; one result per check, with fix."""
    services: ConsoleServices = request.app.state.console
    config = _config(page)
    transport = services.transport() if services.transport else None
    report = await run_connection_test(config, transport=transport, timeout=30.0)
    return _render(page, "general", report=report)


@router.get("/t/{tenant_id}/config/package/download", response_model=None)
def download_package(page: Admin) -> Response:
    """The custom package file (it carries the webhook secret: an administrator's download)."""
    config = _config(page)
    target = page.url("config", tab="package")
    if not config.company_id:
        return back(page, target, error="Set the Company ID (General tab) before exporting.")
    if not config.webhook_url:
        return back(page, target, error="Set the webhook URL before exporting the package.")
    secret = config.webhook_secret
    try:
        if secret is None:
            secret = Secret(_random.token_urlsafe(32))
            with page.write() as session:
                save_config(
                    session,
                    page.tenant_id,
                    config.updated(webhook_secret=secret),
                    page.state.keyring,
                )
        data = build_package(
            tenant_id=page.tenant_id,
            company_id=config.company_id,
            webhook_url=config.webhook_url,
            webhook_secret=secret,
            objects=inbound_objects(),
            audit_trail=config.audit_trail,
        )
    except (BridgeError, ValueError) as error:
        return back(page, target, error=f"The package could not be built: {error}")
    name = f"intacct-bridge-package-{page.tenant_id}.xml"
    return Response(
        data,
        media_type="application/xml",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
