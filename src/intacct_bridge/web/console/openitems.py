"""Open items: the tenant's posted AP/AR documents with Intacct's paid and due amounts and
their payment status (``notPaid``, ``partiallyPaid``, ``paid``), as last pulled
(:mod:`intacct_bridge.export.openitems`), filtered by status."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from intacct_bridge.export.openitems import list_open_items
from intacct_bridge.store.tables.posting import OPEN_ITEM_STATUSES
from intacct_bridge.web.console.common import Viewer

router = APIRouter(include_in_schema=False)

STATUS_LABELS = {"notPaid": "Not paid", "partiallyPaid": "Partially paid", "paid": "Paid"}


@router.get("/t/{tenant_id}/openitems", response_class=HTMLResponse)
def open_items(page: Viewer, status: str = "") -> HTMLResponse:
    chosen = status if status in OPEN_ITEM_STATUSES else None
    items = list_open_items(page.state.sessions, page.tenant_id)
    counts = {s: sum(1 for i in items if i.status == s) for s in OPEN_ITEM_STATUSES}
    shown = [i for i in items if chosen is None or i.status == chosen]
    return page.render(
        "console/openitems.html",
        items=shown,
        counts=counts,
        total=len(items),
        chosen=chosen or "",
        labels=STATUS_LABELS,
        statuses=OPEN_ITEM_STATUSES,
    )
