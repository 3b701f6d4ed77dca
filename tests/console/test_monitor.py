"""The integration monitor: filters, counts, Synchronise and Force synchronise against the
in-process sandbox."""

from __future__ import annotations

from intacct_bridge.model.finance import Ledger, PaymentTerm
from intacct_bridge.sync import state
from intacct_bridge.sync.state import SyncState
from tests.console.conftest import World
from tests.sync.conftest import customer, item


def _monitor(world: World) -> str:
    return f"/console/t/{world.a}/monitor"


def test_force_synchronise_after_fixing_the_cause_syncs_the_record(world: World) -> None:
    world.save(world.a, PaymentTerm(ledger=Ledger.AR, id="N30", due_days=30))
    world.save(world.a, customer("C1", payment_term_id="N30"), customer("C2"))
    browser = world.signed_in(world.admin)
    token = browser.csrf(_monitor(world))
    # the records are sent: C1 fails (N30 is unknown in Intacct), C2 is synchronised
    report = world.worker().run_until_idle(world.a)
    assert report.errors == 1 and report.success == 1
    errors = browser.get(_monitor(world), params={"state": "error"})
    assert "C1" in errors.text and "TERMNAME" in errors.text and "C2" not in errors.text
    assert "Fix:" in errors.text
    # the monitor's counts show one synchronised and one in error
    with world.sessions() as session:
        assert state.get_state(session, world.a, "customer", "C1").state is SyncState.ERROR  # type: ignore[union-attr]
    # Synchronise is refused for a record in error, and nothing changes
    refused = browser.post(
        f"{_monitor(world)}/sync",
        data={"csrf_token": token, "action": "sync", "record": ["customer:C1"]},
    )
    assert "error=" in refused.headers["location"] and "Force" in refused.headers["location"]
    # fix the cause in Intacct, then Force synchronise
    world.sandbox.admin.seed(world.creds.company_id, "ARTERM", [{"NAME": "N30", "DUEDATE": 30}])
    forced = browser.post(
        f"{_monitor(world)}/sync",
        data={"csrf_token": token, "action": "force", "record": ["customer:C1"]},
    )
    assert forced.status_code == 303 and "1%20record" in forced.headers["location"]
    with world.sessions() as session:
        got = state.get_state(session, world.a, "customer", "C1")
    assert got is not None and got.state is SyncState.SUCCESS
    rows = world.sandbox.admin.records(world.creds.company_id, "CUSTOMER")
    assert {str(r["CUSTOMERID"]): r for r in rows}["C1"]["TERMNAME"] == "N30"
    page = browser.get(_monitor(world), params={"key": "C1"})
    assert "Synchronised" in page.text and str(got.intacct_id) in page.text


def test_filters_select_by_object_state_key_and_area(world: World) -> None:
    world.save(world.a, item("W-1"), item("W-2"), customer("C9"))
    with world.sessions.begin() as session:
        state.collect_all(session, world.a)
    browser = world.signed_in(world.viewer)
    items = browser.get(_monitor(world), params={"kind": "item"})
    table = items.text.split('id="record-table"')[1]
    assert "W-1" in table and "W-2" in table and "C9" not in table
    keyed = browser.get(_monitor(world), params={"key": "w-2"}).text.split('id="record-table"')[1]
    assert "W-2" in keyed and "W-1" not in keyed
    finance = browser.get(_monitor(world), params={"area": "finance"})
    assert "W-1" not in finance.text.split('id="record-table"')[1]
    master = browser.get(_monitor(world), params={"area": "master", "state": "pending"})
    assert "W-1" in master.text.split('id="record-table"')[1]
    # a LIKE wildcard in the key filter is a literal
    assert (
        "W-1"
        not in browser.get(_monitor(world), params={"key": "%"}).text.split('id="record-table"')[1]
    )
    # HTMX asks for the rows only
    partial = browser.get(
        _monitor(world),
        params={"kind": "item"},
        headers={"HX-Request": "true", "HX-Target": "records"},
    )
    assert "<html" not in partial.text and "W-1" in partial.text


def test_a_viewer_sees_no_actions_and_cannot_synchronise(world: World) -> None:
    world.save(world.a, item("W-7"))
    browser = world.signed_in(world.viewer)
    page = browser.get(_monitor(world))
    assert 'value="force"' not in page.text
    token = browser.csrf(_monitor(world))
    refused = browser.post(
        f"{_monitor(world)}/sync",
        data={"csrf_token": token, "action": "sync", "record": ["item:W-7"]},
    )
    assert refused.status_code == 403
    with world.sessions() as session:
        assert state.get_state(session, world.a, "item", "W-7") is None


def test_bad_selections_change_nothing(world: World) -> None:
    world.save(world.a, item("W-8"))
    with world.sessions.begin() as session:
        state.collect_all(session, world.a)
        before = state.get_state(session, world.a, "item", "W-8")
    browser = world.signed_in(world.admin)
    token = browser.csrf(_monitor(world))
    for data in (
        {"action": "sync", "record": ["bogus:W-8"]},
        {"action": "sync", "record": ["no-separator"]},
        {"action": "force", "record": ["item:W-8"]},
        {"action": "delete", "record": ["item:W-8"]},
        {"action": "sync"},
    ):
        response = browser.post(f"{_monitor(world)}/sync", data={"csrf_token": token, **data})
        assert response.status_code == 303 and "error=" in response.headers["location"], data
    with world.sessions() as session:
        assert state.get_state(session, world.a, "item", "W-8") == before


def test_an_oversized_or_overfull_form_is_refused_cleanly(world: World) -> None:
    browser = world.signed_in(world.admin)
    token = browser.csrf(_monitor(world))
    form = {"content-type": "application/x-www-form-urlencoded"}
    many = browser.post(
        f"{_monitor(world)}/sync",
        content=f"csrf_token={token}&action=sync&".encode() + b"r=1&" * 6000,
        headers=form,
    )
    assert many.status_code == 413 and "fields" in many.text
    # a selection of a few hundred rows is fine (the form stays well under the limits)
    fine = browser.post(
        f"{_monitor(world)}/sync",
        data={"csrf_token": token, "action": "sync", "record": [f"item:X{i}" for i in range(300)]},
    )
    assert fine.status_code == 303
    huge = browser.post(
        f"{_monitor(world)}/sync",
        content=b"csrf_token=" + token.encode() + b"&key=" + b"x" * 300_000,
        headers=form,
    )
    assert huge.status_code == 413


def test_only_the_console_own_messages_are_shown(world: World) -> None:
    browser = world.signed_in(world.admin)
    token = browser.csrf(_monitor(world))
    refused = browser.post(f"{_monitor(world)}/sync", data={"csrf_token": token, "action": "x"})
    shown = browser.get(refused.headers["location"])
    assert "Choose Synchronise or Force synchronise." in shown.text
    # a link crafted elsewhere (no MAC, or another session's) shows no message
    crafted = browser.get(_monitor(world), params={"error": "Call 555-0100 to unlock"})
    assert 'role="alert"' not in crafted.text and ">Call 555-0100" not in crafted.text
    other = world.signed_in(world.admin)
    assert "Choose Synchronise" not in other.get(refused.headers["location"]).text
