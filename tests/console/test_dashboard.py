"""Dashboard charts (SVG, no JavaScript needed) and the message history's grouped causes
with Resend."""

from __future__ import annotations

import html
import re

from intacct_bridge.model.finance import Ledger, PaymentTerm
from intacct_bridge.sync import state
from intacct_bridge.sync.state import SyncState
from intacct_bridge.web.console.charts import column_chart, stacked_bars
from tests.console.conftest import World
from tests.sync.conftest import customer, item


def _errors(world: World) -> None:
    world.save(world.a, PaymentTerm(ledger=Ledger.AR, id="N45", due_days=45))
    world.save(
        world.a,
        customer("C1", payment_term_id="N45"),
        customer("C2", payment_term_id="N45"),
        customer("C3"),
        item("W-1"),
    )
    report = world.worker().run_until_idle(world.a)
    assert report.errors == 2 and report.success == 2


def test_the_dashboard_draws_counts_and_errors_as_svg(world: World) -> None:
    _errors(world)
    page = world.signed_in(world.viewer).get(f"/console/t/{world.a}/dashboard")
    assert page.status_code == 200
    chart = page.text.split('id="states-chart"')[1].split("</figure>")[0]
    assert "<svg" in chart and "Customers: error 2" in chart and "Customers: success 1" in chart
    errors = page.text.split('id="errors-chart"')[1].split("</figure>")[0]
    assert "<svg" in errors and "<td>2</td>" in errors
    assert "<script" not in chart + errors


def test_charts_escape_labels_and_scale_to_the_biggest_value() -> None:
    svg = str(
        stacked_bars("t", [("<b>", [("error", 3)]), ("x", [("error", 6)])], {"error": "#f00"})
    )
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    widths = [float(part.split('"')[0]) for part in svg.split('width="')[2:4]]
    assert widths[1] == 2 * widths[0]
    empty = str(column_chart("none", []))
    assert empty.startswith("<svg") and empty.endswith("</svg>")


def test_messages_group_errors_by_cause_and_resend_after_the_fix(world: World) -> None:
    _errors(world)
    browser = world.signed_in(world.admin)
    page = browser.get(f"/console/t/{world.a}/messages")
    assert page.status_code == 200
    assert page.text.count('class="panel cause"') == 1  # C1 and C2 share one cause
    assert "Resend 2 record(s)" in page.text and "Fix:" in page.text and "N45" in page.text
    world.sandbox.admin.seed(world.creds.company_id, "ARTERM", [{"NAME": "N45", "DUEDATE": 45}])
    page = browser.get(f"/console/t/{world.a}/messages")
    form = page.text.split('action="/console/t/' + world.a + '/messages/resend"')[1]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.split("</form>")[0]))
    assert {"csrf_token", "code", "cause"} <= set(fields)
    fields = {k: html.unescape(v) for k, v in fields.items()}
    resent = browser.post(f"/console/t/{world.a}/messages/resend", data=fields)
    assert resent.headers["location"].startswith(f"/console/t/{world.a}/messages?notice=")
    again = browser.post(f"/console/t/{world.a}/messages/resend", data=fields)
    assert "error=" in again.headers["location"]
    with world.sessions() as session:
        assert state.count_states(session, world.a, state=SyncState.ERROR) == 0
    assert "No record is in error." in browser.get(f"/console/t/{world.a}/messages").text
