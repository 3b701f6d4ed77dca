"""The integration monitor: every synchronised record's state, filters, and the actions
Synchronise and Force synchronise on the rows an administrator selects."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intacct_bridge.auth.web import require_csrf
from intacct_bridge.errors import BridgeError
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.sync import state
from intacct_bridge.sync.state import KIND_ORDER, RecordState, SyncState
from intacct_bridge.web.console.common import Admin, Page, Viewer, back, first, read_form
from intacct_bridge.web.console.services import ConsoleServices

log = logging.getLogger("intacct_bridge.web.console")
router = APIRouter(include_in_schema=False)

#: rows per monitor page
PAGE_ROWS = 100
#: records one Synchronise / Force synchronise may name
MAX_SELECTED = 1000
#: the monitor's areas: master data is what the sync engine sends; finance documents get
#: their own per-record state with the posting engine's monitor (not tracked here yet)
AREAS: dict[str, tuple[str, ...]] = {"master": KIND_ORDER, "finance": ()}
KIND_LABELS = {
    "contact": "Contacts",
    "address": "Addresses (ship-to / return-to)",
    "item": "Items",
    "customer": "Customers",
    "supplier": "Suppliers",
}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_states(
    session: Session,
    tenant_id: str,
    *,
    kind: str = "",
    state_name: str = "",
    key: str = "",
    area: str = "",
    offset: int = 0,
    limit: int = PAGE_ROWS,
) -> tuple[list[RecordState], int]:
    """One page of the tenant's record states matching the filters, and how many match."""
    query = select(SyncStateRow).where(SyncStateRow.tenant_id == tenant_id)
    if kind:
        query = query.where(SyncStateRow.kind == kind)
    if state_name:
        query = query.where(SyncStateRow.state == state_name)
    if key:
        pattern = _like(key.lower())
        query = query.where(
            func.lower(SyncStateRow.key).like(pattern, escape="\\")
            | func.lower(func.coalesce(SyncStateRow.intacct_id, "")).like(pattern, escape="\\")
        )
    if area:
        query = query.where(SyncStateRow.kind.in_(AREAS.get(area, ())))
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(
        query.order_by(SyncStateRow.kind, SyncStateRow.key).offset(offset).limit(limit)
    )
    return [RecordState.of(row) for row in rows], total


def _filters(request: Request) -> dict[str, str]:
    params = request.query_params
    kind = params.get("kind", "")
    state_name = params.get("state", "")
    area = params.get("area", "")
    return {
        "kind": kind if kind in KIND_ORDER else "",
        "state": state_name if state_name in {s.value for s in SyncState} else "",
        "key": params.get("key", "")[:250],
        "area": area if area in AREAS else "",
    }


def _offset(request: Request) -> int:
    raw = request.query_params.get("offset", "0")
    return min(int(raw), 10_000_000) if raw.isdigit() else 0


@router.get("/t/{tenant_id}/monitor", response_class=HTMLResponse)
def monitor(page: Viewer, request: Request) -> HTMLResponse:
    filters = _filters(request)
    offset = _offset(request)
    with page.read() as session:
        rows, total = find_states(
            session,
            page.tenant_id,
            kind=filters["kind"],
            state_name=filters["state"],
            key=filters["key"],
            area=filters["area"],
            offset=offset,
        )
        report = state.status(session, page.tenant_id)
    values: dict[str, Any] = {
        "rows": rows,
        "total": total,
        "offset": offset,
        "page_rows": PAGE_ROWS,
        "filters": filters,
        "kinds": KIND_ORDER,
        "kind_labels": KIND_LABELS,
        "states": list(SyncState),
        "counts": report.counts,
        "unread": report.unread_events,
        "pending": any(row.state is SyncState.PENDING for row in rows),
    }
    partial = request.headers.get("hx-target") in ("records", "monitor-actions")
    if request.headers.get("hx-request") and partial:
        return page.render("console/monitor_rows.html", **values)
    return page.render("console/monitor.html", **values)


def parse_selection(values: list[str]) -> dict[str, list[str]]:
    """``kind:key`` values of the selected rows, by kind (unknown kinds refused)."""
    if len(values) > MAX_SELECTED:
        raise state.SyncActionError(f"select at most {MAX_SELECTED} records at once")
    chosen: dict[str, list[str]] = defaultdict(list)
    for value in values:
        kind, sep, key = value.partition(":")
        if not sep or not key:
            raise state.SyncActionError(f"{value[:80]!r} does not name a record (kind:key)")
        state.check_kind(kind)
        chosen[kind].append(key)
    return dict(chosen)


async def _run(services: ConsoleServices, tenant_id: str) -> None:
    try:
        report = await services.worker().run_until_idle_async(tenant_id)
    except BridgeError as error:
        log.error("console sync of tenant %s stopped: %s", tenant_id, error)
    except Exception:  # a background run never takes the server down
        log.exception("console sync of tenant %s failed", tenant_id)
    else:
        log.info(
            "console sync of tenant %s: %d sent, %d errors", tenant_id, report.sent, report.errors
        )


@router.post(
    "/t/{tenant_id}/monitor/sync", response_model=None, dependencies=[Depends(require_csrf)]
)
async def synchronise(page: Admin, request: Request, tasks: BackgroundTasks) -> Response:
    """Synchronise (``action=sync``) or Force synchronise (``action=force``) the selected
    records: they are marked pending in one transaction (all or none), then sent by the
    embedded worker after this response."""
    form = await read_form(request)
    action = first(form, "action")
    return_to = first(form, "return_to")
    target = return_to if return_to.startswith(page.url("") + "/") else page.url("monitor")
    if action not in {"sync", "force"}:
        return back(page, target, error="Choose Synchronise or Force synchronise.")
    try:
        chosen = parse_selection(form.get("record", []))
        if not chosen:
            return back(page, target, error="Select at least one record first.")
        with page.write() as session:
            state.collect_all(session, page.tenant_id)
            queued = 0
            for kind, keys in chosen.items():
                if action == "force":
                    queued += state.force_synchronise(session, page.tenant_id, kind, keys)
                else:
                    queued += state.synchronise(session, page.tenant_id, kind, keys)
    except state.SyncActionError as error:
        return back(page, target, error=f"Nothing was queued: {error}")
    verb = "Force synchronise" if action == "force" else "Synchronise"
    return run_worker(page, request, tasks, queued, verb, target)


def run_worker(
    page: Page, request: Request, tasks: BackgroundTasks, queued: int, verb: str, target: str
) -> Response:
    """Send the queued records with the embedded worker after the response (unless the
    console only marks them pending for a separate worker process)."""
    services: ConsoleServices = request.app.state.console
    if services.run_worker and queued:
        tasks.add_task(_run, services, page.tenant_id)
        return back(page, target, notice=f"{verb}: {queued} record(s) queued and being sent.")
    return back(page, target, notice=f"{verb}: {queued} record(s) marked pending.")
