"""Mapping: the mapped objects, one object's settings, its field grid (edit, remove a
property, reset to delivered) and the inspect warnings with their fix."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from intacct_bridge.auth.web import require_csrf
from intacct_bridge.errors import BridgeError
from intacct_bridge.intacct import RetryPolicy
from intacct_bridge.sync import mappings
from intacct_bridge.sync.connect import client_for, load_config
from intacct_bridge.sync.inspect import Finding, inspect_objects
from intacct_bridge.sync.mappings import OUTBOUND_PROPERTIES, MappingError, ObjectMap
from intacct_bridge.web.console.common import (
    Admin,
    ConsoleRefusal,
    Page,
    Viewer,
    back,
    first,
    read_form,
)
from intacct_bridge.web.console.pull import jobs_of
from intacct_bridge.web.console.services import ConsoleServices

router = APIRouter(include_in_schema=False)
CSRF = [Depends(require_csrf)]
LEAVE_OUT = "(leave out)"


def _map(page: Page, name: str) -> ObjectMap:
    with page.read() as session:
        try:
            return mappings.get_map(session, page.tenant_id, name)
        except MappingError as error:
            raise ConsoleRefusal(404, str(error)) from None


@router.get("/t/{tenant_id}/mapping", response_class=HTMLResponse)
def objects(page: Viewer, request: Request) -> HTMLResponse:
    with page.read() as session:
        maps = mappings.list_maps(session, page.tenant_id)
    jobs = jobs_of(request.app)
    job = jobs.get(page.tenant_id)
    elsewhere = jobs.running_elsewhere(page.tenant_id, page.state.engine)
    return page.render("console/mapping_list.html", maps=maps, job=job, elsewhere=elsewhere)


@router.post("/t/{tenant_id}/mapping/create-all", response_model=None, dependencies=CSRF)
def create_all(page: Admin, request: Request) -> Response:
    """Start the full pull of the financial setup ("Create all") in the background; while
    one runs for the tenant, a second click only shows it."""
    services: ConsoleServices = request.app.state.console
    target = page.url("mapping")
    try:
        with page.read() as session:
            config = load_config(session, page.tenant_id, page.state.keyring)
    except BridgeError as error:
        return back(page, target, error=f"Intacct cannot be read: {error}")
    job, started = jobs_of(request.app).start(page.tenant_id, config, page.state.sessions, services)
    if request.headers.get("hx-request"):
        return _progress(page, request)
    if job is None:
        notice = "Create all is already running in another server process."
    else:
        notice = "Create all started." if started else "Create all is already running."
    return back(page, target, notice=notice)


@router.get("/t/{tenant_id}/mapping/create-all/progress", response_class=HTMLResponse)
def create_all_progress(page: Viewer, request: Request) -> HTMLResponse:
    """The progress fragment htmx polls while the pull runs."""
    return _progress(page, request)


def _progress(page: Page, request: Request) -> HTMLResponse:
    jobs = jobs_of(request.app)
    job = jobs.get(page.tenant_id)
    elsewhere = jobs.running_elsewhere(page.tenant_id, page.state.engine)
    return page.render("console/create_all.html", job=job, elsewhere=elsewhere)


def _object_page(
    page: Page, name: str, findings: list[Finding] | None = None, problem: str = ""
) -> HTMLResponse:
    objmap = _map(page, name)
    return page.render(
        "console/mapping_object.html",
        m=objmap,
        properties=OUTBOUND_PROPERTIES.get(objmap.bridge_object),
        leave_out=LEAVE_OUT,
        findings=findings,
        problem=problem,
    )


@router.get("/t/{tenant_id}/mapping/{name}", response_class=HTMLResponse)
def one_object(page: Viewer, name: str) -> HTMLResponse:
    return _object_page(page, name)


async def _change(page: Page, request: Request, name: str, what: str) -> Response:
    form = await read_form(request)
    target = page.url(f"mapping/{_map(page, name).intacct_object}")
    try:
        with page.write() as session:
            if what == "settings":
                mappings.set_options(
                    session,
                    page.tenant_id,
                    name,
                    direction=first(form, "direction") or None,
                    smart_event=first(form, "smart_event") == "on",
                    include_private=first(form, "include_private") == "on",
                )
                notice = "Settings saved."
            elif what == "field":
                field = first(form, "field")
                chosen = first(form, "property")
                mappings.set_field(
                    session, page.tenant_id, name, field, None if chosen == LEAVE_OUT else chosen
                )
                notice = f"{field.upper()} saved."
            elif what == "remove":
                field = first(form, "field")
                mappings.remove_field(session, page.tenant_id, name, field)
                notice = f"{field.upper()} removed from the grid: it is neither sent nor read."
            else:
                mappings.reset_map(session, page.tenant_id, name)
                notice = "The delivered mapping is back."
    except MappingError as error:
        return back(page, target, error=str(error))
    return back(page, target, notice=notice)


@router.post("/t/{tenant_id}/mapping/{name}/settings", response_model=None, dependencies=CSRF)
async def save_settings(page: Admin, request: Request, name: str) -> Response:
    return await _change(page, request, name, "settings")


@router.post("/t/{tenant_id}/mapping/{name}/field", response_model=None, dependencies=CSRF)
async def save_field(page: Admin, request: Request, name: str) -> Response:
    return await _change(page, request, name, "field")


@router.post("/t/{tenant_id}/mapping/{name}/remove", response_model=None, dependencies=CSRF)
async def remove_field(page: Admin, request: Request, name: str) -> Response:
    return await _change(page, request, name, "remove")


@router.post("/t/{tenant_id}/mapping/{name}/reset", response_model=None, dependencies=CSRF)
async def reset(page: Admin, request: Request, name: str) -> Response:
    return await _change(page, request, name, "reset")


@router.post("/t/{tenant_id}/mapping/{name}/inspect", response_model=None, dependencies=CSRF)
async def inspect(page: Viewer, request: Request, name: str) -> Response:
    """Ask Intacct which mapped fields the company lacks (read-only: any role)."""
    objmap = _map(page, name)
    services: ConsoleServices = request.app.state.console
    try:
        with page.read() as session:
            config = load_config(session, page.tenant_id, page.state.keyring)
        transport = services.transport() if services.transport else None
        async with client_for(config, transport=transport, retry=RetryPolicy(attempts=1)) as c:
            findings = await inspect_objects(c, [objmap])
    except BridgeError as error:
        return _object_page(page, name, problem=f"Intacct could not be asked: {error}")
    return _object_page(page, name, findings=findings)
