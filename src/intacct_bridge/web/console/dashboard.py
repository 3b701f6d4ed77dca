"""The dashboard (records by object and state, errors over time, as server-drawn SVG) and
the message history (errors grouped by cause, with the fix and Resend)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import Session

from intacct_bridge.auth.web import require_csrf
from intacct_bridge.export.service import KIND as POSTING_KIND
from intacct_bridge.store.tables import documents as td
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.sync import state
from intacct_bridge.sync.state import KIND_ORDER, SyncState
from intacct_bridge.web.console.charts import (
    STATE_COLOURS,
    column_chart,
    stacked_bars,
    stacked_columns,
)
from intacct_bridge.web.console.common import Admin, Viewer, back, first, read_form
from intacct_bridge.web.console.monitor import KIND_LABELS, run_worker

router = APIRouter(include_in_schema=False)

#: days shown on the errors-over-time chart
ERROR_DAYS = 30
#: days shown on the postings chart
POSTING_DAYS = 31
#: records listed per cause on the message history (all of them are resent)
LISTED = 20
#: causes shown at most
MAX_CAUSES = 200
#: records in error read for the message history
MAX_ERRORS = 20_000


@router.get("/t/{tenant_id}/dashboard", response_class=HTMLResponse)
def dashboard(page: Viewer) -> HTMLResponse:
    today = dt.datetime.now(dt.UTC).date()
    first_day = today - dt.timedelta(days=ERROR_DAYS - 1)
    with page.read() as session:
        report = state.status(session, page.tenant_id)
        day = func.date(SyncStateRow.updated_at)
        by_day = {
            str(d): int(n)
            for d, n in session.execute(
                select(day, func.count())
                .where(
                    SyncStateRow.tenant_id == page.tenant_id,
                    SyncStateRow.state == SyncState.ERROR.value,
                    SyncStateRow.updated_at
                    >= dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC),
                )
                .group_by(day)
            )
        }
    days = [(first_day + dt.timedelta(days=i)).isoformat() for i in range(ERROR_DAYS)]
    errors = [(d, by_day.get(d, 0)) for d in days]
    rows = [
        (
            KIND_LABELS.get(kind, kind),
            [(s.value, report.counts.get(kind, {}).get(s, 0)) for s in SyncState],
        )
        for kind in KIND_ORDER
    ]
    with page.read() as session:
        labels, series, postings = postings_by_type_and_day(session, page.tenant_id)
    return page.render(
        "console/dashboard.html",
        postings_chart=stacked_columns(
            f"Documents in Intacct, by document type and document date "
            f"({labels[0]} to {labels[-1]})",
            labels,
            series,
        ),
        postings=postings,
        states_chart=stacked_bars("Records by object and integration state", rows, STATE_COLOURS),
        errors_chart=column_chart(
            f"Records in error, by day of their last attempt (last {ERROR_DAYS} days)", errors
        ),
        counts=report.counts,
        kinds=KIND_ORDER,
        kind_labels=KIND_LABELS,
        states=list(SyncState),
        errors=[(d, n) for d, n in errors if n],
    )


def postings_by_type_and_day(
    session: Session, tenant_id: str
) -> tuple[list[str], list[tuple[str, list[int]]], list[tuple[str, str, int]]]:
    """Documents posted to Intacct (posting state ``success``) per document type and
    document date, over the :data:`POSTING_DAYS` days up to the newest such document: the
    days, one series per type, and the non-zero figures (day, type, count)."""
    doc, st = td.DocumentRow, SyncStateRow
    joined = and_(
        st.tenant_id == doc.tenant_id,
        st.kind == POSTING_KIND,
        st.key == doc.type + literal("/") + doc.number,
        st.state == SyncState.SUCCESS.value,
    )
    posted = select(doc.type, doc.date).select_from(doc).join(st, joined)
    newest = session.scalar(
        select(func.max(doc.date))
        .select_from(doc)
        .join(st, joined)
        .where(doc.tenant_id == tenant_id)
    )
    last = newest if isinstance(newest, dt.date) else dt.datetime.now(dt.UTC).date()
    start = last - dt.timedelta(days=POSTING_DAYS - 1)
    days = [(start + dt.timedelta(days=i)).isoformat() for i in range(POSTING_DAYS)]
    counts: dict[str, dict[str, int]] = {}
    query = (
        posted.with_only_columns(doc.type, doc.date, func.count())
        .where(doc.tenant_id == tenant_id, doc.date >= start, doc.date <= last)
        .group_by(doc.type, doc.date)
    )
    for kind, day, n in session.execute(query):
        counts.setdefault(kind, {})[str(day)[:10]] = int(n)
    series = [(kind, [counts[kind].get(d, 0) for d in days]) for kind in sorted(counts)]
    figures = [
        (d, kind, counts[kind][d]) for d in days for kind in sorted(counts) if counts[kind].get(d)
    ]
    return days, series, figures


@dataclass
class Cause:
    """Records in error for one reason."""

    code: str
    message: str
    fix: str
    records: list[tuple[str, str]] = field(default_factory=list)


def _cause_text(message: str, key: str, intacct_id: str | None) -> str:
    """The message with the record's own key and ID taken out (what records share)."""
    text = message.split("Fix:")[0]
    for word in {key, intacct_id or ""}:
        if word:
            text = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", "…", text)
    return text.strip()


def group_errors(rows: list[state.RecordState]) -> list[Cause]:
    causes: dict[tuple[str, str], Cause] = {}
    for row in rows:
        message = row.last_message or "no message was recorded"
        text = _cause_text(message, row.key, row.intacct_id)
        fix = message.split("Fix:", 1)[1].strip() if "Fix:" in message else ""
        cause = causes.get((row.error_code or "", text))
        if cause is None:
            cause = causes[(row.error_code or "", text)] = Cause(row.error_code or "", text, fix)
        cause.records.append((row.kind, row.key))
    return sorted(causes.values(), key=lambda c: -len(c.records))[:MAX_CAUSES]


@router.get("/t/{tenant_id}/messages", response_class=HTMLResponse)
def messages(page: Viewer) -> HTMLResponse:
    with page.read() as session:
        rows = state.list_states(session, page.tenant_id, state=SyncState.ERROR, limit=MAX_ERRORS)
    return page.render(
        "console/messages.html",
        causes=group_errors(rows),
        listed=LISTED,
        kind_labels=KIND_LABELS,
        total=len(rows),
    )


@router.post(
    "/t/{tenant_id}/messages/resend", response_model=None, dependencies=[Depends(require_csrf)]
)
async def resend(page: Admin, request: Request, tasks: BackgroundTasks) -> Response:
    """Resend (Force synchronise) every record of one cause (``code`` and ``cause`` as
    shown): the records are found again on the server, however many there are."""
    form = await read_form(request)
    code, text = first(form, "code"), first(form, "cause")
    target = page.url("messages")
    with page.write() as session:
        rows = state.list_states(session, page.tenant_id, state=SyncState.ERROR, limit=MAX_ERRORS)
        chosen = next((c for c in group_errors(rows) if c.code == code and c.message == text), None)
        if chosen is None:
            return back(page, target, error="That cause has no record in error any more.")
        by_kind: dict[str, list[str]] = {}
        for kind, key in chosen.records:
            by_kind.setdefault(kind, []).append(key)
        queued = sum(
            state.force_synchronise(session, page.tenant_id, kind, keys)
            for kind, keys in by_kind.items()
        )
    return run_worker(page, request, tasks, queued, "Resend", target)
