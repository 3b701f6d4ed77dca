"""Finance pages (journal entries, AP and AR documents with their Intacct status and link,
reconcile, attribute and dimension types), postings on the dashboard, API keys in the
console, and "Create all" with live progress."""

from __future__ import annotations

import html
import threading
import time
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from intacct_bridge.auth.apikeys import list_api_keys
from intacct_bridge.config.store import save_config
from intacct_bridge.model.analytics import AttributeType, DimensionType
from intacct_bridge.store.repositories import list_documents, list_records
from intacct_bridge.web.app import WebSettings, create_app
from intacct_bridge.web.console.charts import stacked_columns
from intacct_bridge.web.console.services import ConsoleServices
from tests.console.conftest import Browser, World, demo_documents, record_posting

PREFIX = "/console"


def _area(document: Any) -> str:
    kind = document.type.value
    if kind in ("purchase_invoice", "purchase_credit_memo"):
        return "ap"
    if kind in ("sales_invoice", "sales_credit_memo"):
        return "ar"
    return "journal"


def test_finance_lists_show_posting_status_recordno_and_link(world: World) -> None:
    posted = demo_documents(world)
    by_area: dict[str, list[Any]] = {}
    for document in posted:
        by_area.setdefault(_area(document), []).append(document)
    assert set(by_area) == {"journal", "ap", "ar"}
    ar_doc, ap_doc = by_area["ar"][0], by_area["ap"][0]
    record_posting(world, ar_doc, "success", 4711)
    record_posting(world, ap_doc, "error", None)
    browser = world.signed_in(world.viewer)

    ar = browser.get(f"{PREFIX}/t/{world.a}/finance/ar")
    assert ar.status_code == 200
    row = ar.text.split(f"<td>{ar_doc.number}")[1].split("</tr>")[0]
    assert "In Intacct" in row and 'href="https://www.intacct.com/ia/acct/x.phtml?.r=4711"' in row
    assert all(d.number in ar.text for d in by_area["ar"][:20])
    assert not any(f"<td>{d.number}" in ar.text for d in by_area["ap"])

    ap = browser.get(f"{PREFIX}/t/{world.a}/finance/ap", params={"state": "error"})
    assert ap.status_code == 200 and ap.text.count("state state-error") == 1
    assert "closed period" in ap.text and ap_doc.number in ap.text

    journal = browser.get(f"{PREFIX}/t/{world.a}/finance/journal", params={"state": "not"})
    with world.sessions() as session:  # drafts too: not posted yet
        expected = sum(_area(d) == "journal" for d in list_documents(session, world.a))
    assert f"{expected} document(s)" in journal.text
    counts = journal.text.split('id="posting-counts"')[1].split("</table>")[0]
    assert 'state=success">1</a>' in counts and 'state=error">1</a>' in counts

    # another tenant's page shows none of A's documents, and B's user cannot ask for A's
    other = world.signed_in(world.both).get(f"{PREFIX}/t/{world.b}/finance/ar")
    assert other.status_code == 200 and ar_doc.number not in other.text


@pytest.mark.parametrize(
    "query",
    [
        {"page": "x"},
        {"page": "-5"},
        {"page": "99999999999999999999"},
        {"state": "<script>"},
        {"period": "2025-13"},
        {"period": "'; drop table document; --"},
        {"type": "sales_invoice"},  # not an AP type: ignored
        {"number": "%_\\" * 30},
    ],
)
def test_bad_query_parameters_never_make_a_500(world: World, query: dict[str, str]) -> None:
    browser = world.signed_in(world.viewer)
    for area in ("journal", "ap", "ar", "reconcile"):
        response = browser.get(f"{PREFIX}/t/{world.a}/finance/{area}", params=query)
        assert response.status_code == 200, (area, query)
        assert "<script>" not in response.text


def test_reconcile_a_period_shows_its_differences(world: World) -> None:
    posted = demo_documents(world, documents=20)
    period = posted[0].date.strftime("%Y-%m")
    browser = world.signed_in(world.viewer)
    form = browser.get(f"{PREFIX}/t/{world.a}/finance/reconcile")
    assert form.status_code == 200 and f'value="{period}"' in form.text  # the newest month
    token = browser.csrf(f"{PREFIX}/t/{world.a}/finance/reconcile")
    url = f"{PREFIX}/t/{world.a}/finance/reconcile"
    report = browser.post(url, data={"csrf_token": token, "period": period})
    assert report.status_code == 200
    section = report.text.split('id="reconcile-report"')[1]
    # nothing of the month is in the sandbox's Intacct: every document is unposted
    assert f"Period {period}:" in section and 'id="unposted"' in section
    assert posted[0].number in section
    bad = browser.post(url, data={"csrf_token": token, "period": "March"})
    assert bad.status_code == 400 and "is not YYYY-MM" in html.unescape(bad.text)
    assert browser.post(url, data={"period": period}).status_code == 403  # no CSRF token


def test_attribute_and_dimension_types_pages(world: World) -> None:
    demo_documents(world, documents=1)
    with world.sessions() as session:
        attributes = list_records(session, world.a, AttributeType)
        dimensions = list_records(session, world.a, DimensionType)
    assert attributes and dimensions
    browser = world.signed_in(world.viewer)
    page = browser.get(f"{PREFIX}/t/{world.a}/finance/attribute-types")
    assert page.status_code == 200
    assert all(f"<td>{a.id.value}</td>" in page.text for a in attributes)
    page = browser.get(f"{PREFIX}/t/{world.a}/finance/dimension-types")
    assert page.status_code == 200
    assert all(f"<td>{d.id}</td>" in page.text for d in dimensions)
    empty = world.signed_in(world.both).get(f"{PREFIX}/t/{world.b}/finance/dimension-types")
    assert "No dimension type yet" in empty.text


def test_the_dashboard_draws_postings_by_document_type_and_day(world: World) -> None:
    posted = demo_documents(world, documents=30)
    chosen = posted[:6]
    for number, document in enumerate(chosen):
        record_posting(world, document, "success", 100 + number)
    page = world.signed_in(world.viewer).get(f"{PREFIX}/t/{world.a}/dashboard")
    assert page.status_code == 200
    chart = page.text.split('id="postings-chart"')[1].split("</figure>")[0]
    assert "<svg" in chart and "<script" not in chart
    table = chart.split("<table")[1]
    assert sum(int(n) for n in _cells(table)) == len(chosen)
    day, kind = chosen[0].date.isoformat(), chosen[0].type.value
    assert f"{day}: {kind}" in chart


def _cells(table: str) -> list[str]:
    rows = table.split("<tr>")[2:]
    return [row.split("<td>")[3].split("</td>")[0] for row in rows]


def test_stacked_columns_escape_and_stack() -> None:
    svg = str(
        stacked_columns("<t>", ["2025-03-01", "2025-03-02"], [("<a>", [1, 2]), ("b", [3, 0])])
    )
    assert "<t>" not in svg and "&lt;a&gt;" in svg and svg.endswith("</svg>")
    assert svg.count("<rect") == 3 + 2  # three segments, two legend boxes


def test_api_keys_are_created_shown_once_and_revoked(world: World) -> None:
    browser = world.signed_in(world.admin)
    url = f"{PREFIX}/t/{world.a}/api-keys"
    token = browser.csrf(url)
    made = browser.post(url, data={"csrf_token": token, "name": "wms", "scope": ["state:read"]})
    assert made.status_code == 200
    key = made.text.split('id="new-key-text">')[1].split("<")[0]
    assert key.startswith("ibk_")
    assert key not in browser.get(url).text  # shown once
    # the key works on the API, for its tenant and scope only
    api = httpx.AsyncClient(transport=httpx.ASGITransport(app=world.app), base_url="http://t")
    import asyncio

    state = asyncio.run(api.get("/api/v1/state", headers={"Authorization": f"Bearer {key}"}))
    assert state.status_code == 200
    with world.sessions() as session:
        (info,) = list_api_keys(session, world.a)
    assert info.created_by == world.admin and info.name == "wms"
    refused = browser.post(url, data={"csrf_token": token, "name": "", "scope": ["state:read"]})
    assert refused.status_code == 400 and "name" in refused.text
    revoked = browser.post(f"{url}/{info.prefix}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303
    assert "revoked" in browser.get(revoked.headers["location"]).text
    again = asyncio.run(api.get("/api/v1/state", headers={"Authorization": f"Bearer {key}"}))
    assert again.status_code == 401
    # viewers neither see nor manage keys
    viewer = world.signed_in(world.viewer)
    assert viewer.get(url).status_code == 403


class GatedTransport(httpx.AsyncBaseTransport):
    """The sandbox's transport, held until the test opens the gate."""

    def __init__(self, inner: httpx.AsyncBaseTransport, gate: threading.Event) -> None:
        self.inner, self.gate = inner, gate

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        while not self.gate.is_set():
            import asyncio

            await asyncio.sleep(0.01)
        return await self.inner.handle_async_request(request)


def test_create_all_runs_in_the_background_once_with_live_progress(world: World) -> None:
    gate = threading.Event()
    pulls: list[int] = []

    def transport() -> httpx.AsyncBaseTransport:
        pulls.append(1)
        return GatedTransport(world.sandbox.transport(), gate)

    world.app.state.console = ConsoleServices(worker=world.worker, transport=transport)
    browser = world.signed_in(world.admin)
    url = f"{PREFIX}/t/{world.a}/mapping"
    token = browser.csrf(url)
    first = browser.post(f"{url}/create-all", data={"csrf_token": token})
    assert first.status_code == 303 and "started" in first.headers["location"]
    progress = browser.get(f"{url}/create-all/progress")
    assert "Create all is running" in progress.text and 'hx-trigger="every 1s"' in progress.text
    second = browser.post(
        f"{url}/create-all", data={"csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert second.status_code == 200 and "Create all is running" in second.text
    assert len(pulls) == 1  # the second click started nothing
    gate.set()
    deadline = time.monotonic() + 30
    while "Create all is running" in (text := browser.get(f"{url}/create-all/progress").text):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert "Create all finished" in text and "GLACCOUNT" in text
    assert 'hx-trigger="every 1s"' not in text  # polling stops
    with world.sessions() as session:
        assert list_records(session, world.a, DimensionType)  # read from Intacct
    # done: a new click starts a new pull
    browser.post(f"{url}/create-all", data={"csrf_token": token})
    assert len(pulls) == 2
    deadline = time.monotonic() + 30
    while "Create all is running" in browser.get(f"{url}/create-all/progress").text:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_create_all_and_reconcile_explain_a_tenant_that_cannot_reach_intacct(
    world: World,
) -> None:
    with world.sessions.begin() as session:
        save_config(session, world.b, world.config(world.b, option_active=False), world.keyring)
    browser = world.signed_in(world.both)
    url = f"{PREFIX}/t/{world.b}"
    token = browser.csrf(f"{url}/mapping")
    refused = browser.post(f"{url}/mapping/create-all", data={"csrf_token": token})
    assert refused.status_code == 303
    shown = browser.get(refused.headers["location"]).text
    assert "option is off" in html.unescape(shown) and "Create all is running" not in shown
    report = browser.post(
        f"{url}/finance/reconcile", data={"csrf_token": token, "period": "2025-03"}
    )
    assert report.status_code == 200 and "Intacct could not be asked" in report.text


def test_create_all_is_one_pull_across_server_processes_on_postgresql(
    world: World, backend: str
) -> None:
    """Two apps on one database stand for two worker processes of ``serve --workers``: on
    PostgreSQL the second one's click finds the first one's pull (an advisory lock); on
    SQLite each process guards only its own (documented)."""
    gate = threading.Event()
    pulls: list[int] = []

    def transport() -> httpx.AsyncBaseTransport:
        pulls.append(1)
        return GatedTransport(world.sandbox.transport(), gate)

    services = ConsoleServices(worker=world.worker, transport=transport)
    world.app.state.console = services
    other = create_app(
        WebSettings(resume_pending=False), engine=world.engine, keyring=world.keyring
    )
    other.state.auth, other.state.console = world.auth, services
    first = world.signed_in(world.admin)
    second = Browser(SimpleNamespace(app=other, seen=world.seen))  # type: ignore[arg-type]
    second.http.cookies = first.http.cookies  # one session, served by either process
    url = f"{PREFIX}/t/{world.a}/mapping"
    token = first.csrf(url)
    assert first.post(f"{url}/create-all", data={"csrf_token": token}).status_code == 303
    answer = second.post(f"{url}/create-all", data={"csrf_token": token})
    if backend == "postgresql":
        assert "another%20server%20process" in answer.headers["location"]
        assert len(pulls) == 1
        shown = second.get(f"{url}/create-all/progress").text
        assert "running in another server process" in shown and "every 1s" in shown
    else:
        assert len(pulls) == 2
    gate.set()
    deadline = time.monotonic() + 30
    for browser in (first, second):
        while "running" in browser.get(f"{url}/create-all/progress").text:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert "another server process" not in second.get(url).text


def test_reconcile_reads_the_tenants_stored_posting_configuration(world: World) -> None:
    """The page uses the tenant's stored posting configuration (here: revenue on shipment
    without a shipped-not-invoiced account, so every shipment is a problem naming it)."""
    from intacct_bridge.config.posting import PostingSettings, save_settings

    posted = demo_documents(world, documents=20)
    period = posted[0].date.strftime("%Y-%m")
    browser = world.signed_in(world.viewer)
    url = f"{PREFIX}/t/{world.a}/finance/reconcile"
    token = browser.csrf(url)
    derived = html.unescape(browser.post(url, data={"csrf_token": token, "period": period}).text)
    assert "shipped_not_invoiced" not in derived
    with world.sessions.begin() as session:
        save_settings(session, world.a, PostingSettings(revenue_recognition="on_shipment"))
    stored = html.unescape(browser.post(url, data={"csrf_token": token, "period": period}).text)
    assert "shipped_not_invoiced" in stored and f"Period {period}:" in stored
