"""Finance: journal entries, AP and AR documents with their Intacct posting status and link;
reconcile a period against Intacct's general ledger; the attribute and dimension types read
from Intacct.

A document's area comes from the Intacct object its posting recipe makes (journal entry,
AP bill or adjustment, AR invoice or adjustment), so the pages follow the posting engine.
Its status is the posting state ``intacct-bridge post`` records (``sync_state`` rows of kind
``posting``): not posted yet, pending, in Intacct (with RECORDNO and link), or in error with
the message.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import Session

from intacct_bridge.auth.web import require_csrf
from intacct_bridge.config.posting import effective_config
from intacct_bridge.errors import BridgeError
from intacct_bridge.export.service import KIND as POSTING_KIND
from intacct_bridge.export.service import period_bounds, reconcile
from intacct_bridge.intacct import RetryPolicy
from intacct_bridge.intacct.errors import IntacctError
from intacct_bridge.model.analytics import AttributeType, DimensionType
from intacct_bridge.posting.entries import Target
from intacct_bridge.posting.recipes import RECIPES
from intacct_bridge.store.repositories import list_records
from intacct_bridge.store.tables import documents as td
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.sync.connect import client_for, load_config
from intacct_bridge.web.console.common import Page, Viewer, first, read_form
from intacct_bridge.web.console.services import ConsoleServices

log = logging.getLogger("intacct_bridge.web.console")
router = APIRouter(include_in_schema=False)

#: rows per page of a document list
PAGE_ROWS = 100
#: area → (title, Intacct objects)
AREAS: dict[str, tuple[str, frozenset[Target]]] = {
    "journal": ("Journal entries", frozenset({Target.JOURNAL_ENTRY})),
    "ap": ("AP documents", frozenset({Target.AP_BILL, Target.AP_ADJUSTMENT})),
    "ar": ("AR documents", frozenset({Target.AR_INVOICE, Target.AR_ADJUSTMENT})),
}
#: the posting states a document list filters on (``not``: never posted)
STATES = ("not", "pending", "success", "error")
STATE_LABELS = {
    "not": "Not posted",
    "pending": "Pending",
    "success": "In Intacct",
    "error": "Error",
}
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def types_of(area: str) -> list[str]:
    """The document types whose recipe makes one of the area's Intacct objects."""
    targets = AREAS[area][1]
    return sorted(kind.value for kind, recipe in RECIPES.items() if recipe.target in targets)


@dataclass(frozen=True)
class DocumentLine:
    """One document of a finance list, with its posting state."""

    type: str
    number: str
    date: dt.date
    status: str
    party: str
    currency: str
    state: str
    intacct_object: str
    record_no: int | None
    url: str | None
    message: str
    posted_at: dt.datetime | None


@dataclass(frozen=True)
class Filters:
    state: str = ""
    number: str = ""
    period: str = ""
    type: str = ""
    page: int = 1


def _filters(request: Request, area: str) -> Filters:
    """The query's filters; a value that makes no sense is dropped (never a 500)."""
    q = request.query_params
    state = q.get("state", "")
    period = q.get("period", "").strip()
    kind = q.get("type", "")
    try:
        number = max(1, min(10_000, int(q.get("page", "1"))))
    except ValueError:
        number = 1
    return Filters(
        state=state if state in STATES else "",
        number=q.get("number", "").strip()[:40],
        period=period if _PERIOD.match(period) else "",
        type=kind if kind in types_of(area) else "",
        page=number,
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_documents(
    session: Session, tenant_id: str, area: str, filters: Filters
) -> tuple[list[DocumentLine], int]:
    """One page of the area's documents (newest first) and how many match."""
    doc, st = td.DocumentRow, SyncStateRow
    key = doc.type + literal("/") + doc.number
    joined = and_(st.tenant_id == doc.tenant_id, st.kind == POSTING_KIND, st.key == key)
    kinds = [filters.type] if filters.type else types_of(area)
    where = [doc.tenant_id == tenant_id, doc.type.in_(kinds)]
    if filters.state == "not":
        where.append(st.state.is_(None))
    elif filters.state:
        where.append(st.state == filters.state)
    if filters.number:
        where.append(doc.number.like(_like(filters.number), escape="\\"))
    if filters.period:
        first_day, last_day = period_bounds(filters.period)
        where.append(doc.date.between(first_day, last_day))
    base = select(doc.id).select_from(doc).outerjoin(st, joined).where(*where)
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    columns = (doc.type, doc.number, doc.date, doc.status, doc.customer_id, doc.supplier_id)
    state_columns = (st.state, st.intacct_object, st.record_no, st.url, st.last_message)
    query = (
        select(*columns, doc.currency, *state_columns, st.synced_at)
        .select_from(doc)
        .outerjoin(st, joined)
        .where(*where)
        .order_by(doc.date.desc(), doc.type, doc.number)
        .offset((filters.page - 1) * PAGE_ROWS)
        .limit(PAGE_ROWS)
    )
    lines = [
        DocumentLine(
            type=row.type,
            number=row.number,
            date=row.date,
            status=row.status,
            party=row.customer_id or row.supplier_id or "",
            currency=row.currency or "",
            state=row.state or "not",
            intacct_object=row.intacct_object or "",
            record_no=row.record_no,
            url=row.url,
            message=row.last_message or "",
            posted_at=row.synced_at,
        )
        for row in session.execute(query)
    ]
    return lines, total


def posting_counts(session: Session, tenant_id: str) -> dict[str, dict[str, int]]:
    """Documents per area and posting state (the finance overview)."""
    doc, st = td.DocumentRow, SyncStateRow
    key = doc.type + literal("/") + doc.number
    joined = and_(st.tenant_id == doc.tenant_id, st.kind == POSTING_KIND, st.key == key)
    area_of = {kind: area for area in AREAS for kind in types_of(area)}
    counts: dict[str, dict[str, int]] = {area: {} for area in AREAS}
    query = (
        select(doc.type, st.state, func.count())
        .select_from(doc)
        .outerjoin(st, joined)
        .where(doc.tenant_id == tenant_id)
        .group_by(doc.type, st.state)
    )
    for kind, state, n in session.execute(query):
        area = area_of.get(kind)
        if area is not None:
            name = state or "not"
            counts[area][name] = counts[area].get(name, 0) + int(n)
    return counts


def _list_page(page: Page, request: Request, area: str) -> HTMLResponse:
    filters = _filters(request, area)
    with page.read() as session:
        lines, total = find_documents(session, page.tenant_id, area, filters)
        counts = posting_counts(session, page.tenant_id)
    pages = max(1, (total + PAGE_ROWS - 1) // PAGE_ROWS)
    query = {
        "state": filters.state,
        "number": filters.number,
        "period": filters.period,
        "type": filters.type,
    }
    return page.render(
        "console/finance_documents.html",
        area=area,
        areas=AREAS,
        title=AREAS[area][0],
        lines=lines,
        total=total,
        filters=filters,
        pages=pages,
        previous=page.url(f"finance/{area}", **query, page=str(filters.page - 1))
        if filters.page > 1
        else "",
        next=page.url(f"finance/{area}", **query, page=str(filters.page + 1))
        if filters.page < pages
        else "",
        counts=counts,
        states=STATES,
        state_labels=STATE_LABELS,
        types=types_of(area),
    )


@router.get("/t/{tenant_id}/finance", response_class=HTMLResponse)
def finance(page: Viewer, request: Request) -> HTMLResponse:
    return _list_page(page, request, "journal")


@router.get("/t/{tenant_id}/finance/journal", response_class=HTMLResponse)
def journal_entries(page: Viewer, request: Request) -> HTMLResponse:
    return _list_page(page, request, "journal")


@router.get("/t/{tenant_id}/finance/ap", response_class=HTMLResponse)
def ap_documents(page: Viewer, request: Request) -> HTMLResponse:
    return _list_page(page, request, "ap")


@router.get("/t/{tenant_id}/finance/ar", response_class=HTMLResponse)
def ar_documents(page: Viewer, request: Request) -> HTMLResponse:
    return _list_page(page, request, "ar")


# --- reconcile ------------------------------------------------------------------------------


def _default_period(page: Page) -> str:
    """The month of the tenant's newest posted document (else the current month)."""
    with page.read() as session:
        newest = session.scalar(
            select(func.max(td.DocumentRow.date)).where(
                td.DocumentRow.tenant_id == page.tenant_id, td.DocumentRow.status == "posted"
            )
        )
    day = newest if isinstance(newest, dt.date) else dt.datetime.now(dt.UTC).date()
    return day.strftime("%Y-%m")


def _reconcile_page(page: Page, period: str, **values: Any) -> HTMLResponse:
    return page.render(
        "console/finance_reconcile.html",
        areas=AREAS,
        area="reconcile",
        period=period,
        **values,
    )


@router.get("/t/{tenant_id}/finance/reconcile", response_class=HTMLResponse)
def reconcile_form(page: Viewer, request: Request) -> HTMLResponse:
    period = request.query_params.get("period", "").strip()
    return _reconcile_page(page, period if _PERIOD.match(period) else _default_period(page))


@router.post(
    "/t/{tenant_id}/finance/reconcile",
    response_class=HTMLResponse,
    dependencies=[Depends(require_csrf)],
)
async def reconcile_run(page: Viewer, request: Request) -> HTMLResponse:
    """Compare the balances the bridge expects for the period with Intacct's (read-only on
    both sides: any role may run it)."""
    form = await read_form(request)
    period = first(form, "period").strip()[:7]
    if not _PERIOD.match(period):
        return _reconcile_page(
            page,
            _default_period(page),
            problem=f"The period {period!r} is not YYYY-MM (for example 2025-03).",
            status=400,
        )
    services: ConsoleServices = request.app.state.console
    config = services.posting_config(page.tenant_id) if services.posting_config else None
    try:
        with page.read() as session:
            settings = load_config(session, page.tenant_id, page.state.keyring)
            if config is None:  # the tenant's stored posting configuration, or the derived one
                config, _effective = effective_config(session, page.tenant_id)
        transport = services.transport() if services.transport else None
        async with client_for(
            settings, transport=transport, retry=RetryPolicy(attempts=1)
        ) as client:
            report = await reconcile(
                page.state.engine, page.tenant_id, client, period, config=config
            )
    except (BridgeError, IntacctError) as error:
        return _reconcile_page(page, period, problem=f"Intacct could not be asked: {error}")
    return _reconcile_page(page, period, report=report)


# --- attribute and dimension types ------------------------------------------------------------


@router.get("/t/{tenant_id}/finance/attribute-types", response_class=HTMLResponse)
def attribute_types(page: Viewer) -> HTMLResponse:
    with page.read() as session:
        records = sorted(list_records(session, page.tenant_id, AttributeType), key=lambda r: r.id)
    return page.render(
        "console/finance_types.html",
        areas=AREAS,
        area="attribute-types",
        title="Attribute types",
        attribute_types=records,
        dimension_types=None,
    )


@router.get("/t/{tenant_id}/finance/dimension-types", response_class=HTMLResponse)
def dimension_types(page: Viewer) -> HTMLResponse:
    with page.read() as session:
        records = sorted(list_records(session, page.tenant_id, DimensionType), key=lambda r: r.slot)
    return page.render(
        "console/finance_types.html",
        areas=AREAS,
        area="dimension-types",
        title="Dimension types",
        attribute_types=None,
        dimension_types=records,
    )
