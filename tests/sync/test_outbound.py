"""Master data out, end to end: store → outbox → worker → client → sandbox → state."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from intacct_bridge.config.secrets import Secret
from intacct_bridge.config.store import get_config, save_config
from intacct_bridge.intacct import RetryPolicy
from intacct_bridge.intacct import functions as fn
from intacct_bridge.model.finance import Ledger, PaymentTerm
from intacct_bridge.model.items import Item
from intacct_bridge.sandbox import Sandbox
from intacct_bridge.store.errors import ItemIdLockedError
from intacct_bridge.store.repositories import get_record, rename_item, save_record
from intacct_bridge.store.tables.sync import SyncStateRow
from intacct_bridge.sync import state
from intacct_bridge.sync.connect import client_for, load_config
from intacct_bridge.sync.state import SyncState
from intacct_bridge.sync.worker import EmbeddedWorker, SyncRunError, next_due
from tests.sync.conftest import (
    TENANT,
    Bridge,
    address,
    configure,
    contact,
    customer,
    item,
    supplier,
)


def test_master_data_appears_in_intacct_with_the_right_fields(bridge: Bridge) -> None:
    bridge.save(
        contact("Ann Smith"),
        item("W-100"),
        customer("C100", primary_contact="Ann Smith", ship_to=address("Hull")),
        supplier("V100"),
    )
    report = bridge.worker().run_until_idle(TENANT)
    assert report.errors == 0, report.problems
    items = bridge.intacct("ITEM")
    assert items["W-100"]["ITEMTYPE"] in ("Non-Inventory", "NI")
    assert items["W-100"]["NAME"] == "Widget W-100"
    assert Decimal(str(items["W-100"]["STANDARD_COST"])) == Decimal("2.50")
    customers = bridge.intacct("CUSTOMER")
    assert customers["C100"]["CONTACTINFO.CONTACTNAME"] == "Ann Smith"
    assert customers["C100"]["SHIPTO.CONTACTNAME"] == "Customer C100 ship-to"
    assert bridge.intacct("VENDOR")["V100"]["NAME"] == "Supplier V100 plc"
    contacts = bridge.intacct("CONTACT")
    assert contacts["Ann Smith"]["EMAIL1"] == "ann@example.com"
    assert contacts["Customer C100 ship-to"]["MAILADDRESS.CITY"] == "Hull"
    with bridge.sessions() as session:
        summary = state.status(session, TENANT)
        assert summary.total(SyncState.SUCCESS) == 5
        # the bridge's own note that an item is now in Intacct is not a change to read
        assert summary.unread_events == 0
        got = state.get_state(session, TENANT, "item", "W-100")
        assert got is not None and got.record_no and got.url and got.version == 1


class CountingTransport(httpx.AsyncBaseTransport):
    """The sandbox transport, counting the requests that reach it (and failing on demand)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests = 0
        self.fail_next = 0
        #: write requests reach Intacct and commit, then the reply is lost
        self.drop_write_replies = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.fail_next:
            self.fail_next -= 1
            raise httpx.ConnectError("injected: connection refused", request=request)
        self.requests += 1
        response = await self.inner.handle_async_request(request)
        if self.drop_write_replies and b"<uniqueid>true</uniqueid>" in request.content:
            raise httpx.ReadError("injected: connection reset after the request", request=request)
        return response


def _counting(bridge: Bridge, **options: object) -> tuple[EmbeddedWorker, CountingTransport]:
    transport = CountingTransport(bridge.sandbox.transport())
    options.setdefault("retry", RetryPolicy(attempts=1))
    worker = EmbeddedWorker(bridge.engine, bridge.keyring, transport=transport, **options)  # type: ignore[arg-type]
    return worker, transport


def test_a_rerun_with_nothing_changed_makes_no_intacct_call(bridge: Bridge) -> None:
    bridge.save(
        contact(),
        item("W-1"),
        item("W-2"),
        customer("C1", primary_contact="Ann Smith"),
        supplier("V1", return_to=address("Hull")),
    )
    worker, transport = _counting(bridge)
    first = worker.run_until_idle(TENANT)
    assert first.success == 6 and transport.requests > 0
    before = transport.requests
    # the same data imported again: the store writes nothing, the worker sends nothing
    bridge.save(contact(), item("W-1"), item("W-2"))
    again = worker.run_until_idle(TENANT)
    assert transport.requests == before and again.sent == 0
    # every record queued again by hand: the fingerprints match, still no call
    with bridge.sessions.begin() as session:
        for row in state.list_states(session, TENANT):
            assert (
                state.mark_changed(session, TENANT, row.kind, row.key, force=True)
                is SyncState.PENDING
            )
    forced = worker.run_until_idle(TENANT)
    assert transport.requests == before
    assert forced.unchanged == 6 and forced.sent == 0
    # one real change: exactly that record is sent
    bridge.save(item("W-2", name="Widget two, renamed"))
    changed = worker.run_until_idle(TENANT)
    assert changed.sent == 1 and changed.success == 1
    assert bridge.intacct("ITEM")["W-2"]["NAME"] == "Widget two, renamed"
    assert len(bridge.intacct("ITEM")) == 2


def test_the_item_id_is_locked_once_synchronised(bridge: Bridge) -> None:
    bridge.save(item("W-1"), item("W-2"))
    with bridge.sessions.begin() as session:
        rename_item(session, TENANT, "W-2", "W-2B")  # not yet in Intacct: allowed
    bridge.worker().run_until_idle(TENANT)
    assert set(bridge.intacct("ITEM")) == {"W-1", "W-2B"}
    with bridge.sessions.begin() as session:
        with pytest.raises(ItemIdLockedError) as refused:
            rename_item(session, TENANT, "W-1", "W-1B")
    message = str(refused.value)
    assert "'W-1'" in message and "integrated with Intacct" in message and "new item" in message
    with bridge.sessions() as session:
        assert get_record(session, TENANT, Item, "W-1") is not None


def test_an_error_is_actionable_and_force_synchronise_sends_it_after_the_fix(
    bridge: Bridge,
) -> None:
    with bridge.sessions.begin() as session:
        save_record(session, TENANT, PaymentTerm(ledger=Ledger.AR, id="N30", due_days=30))
    bridge.save(
        customer("C1", payment_term_id="N30"), customer("C2", payment_term_id="N30"), customer("C3")
    )
    worker = bridge.worker()
    report = worker.run_until_idle(TENANT)
    assert report.success == 1 and report.errors == 2
    # one cause, reported once, with both records
    assert len(report.problems) == 1
    (code, message), records = next(iter(report.problems.items()))
    assert code == "reference" and sorted(records) == ["customer C1", "customer C2"]
    assert "TERMNAME" in message and "N30" in message
    with bridge.sessions() as session:
        got = state.get_state(session, TENANT, "customer", "C1")
    assert got is not None and got.state is SyncState.ERROR
    assert got.last_message is not None
    for part in ("CUSTOMER C1", "TERMNAME", "'N30'", "Fix:", "--force"):
        assert part in got.last_message
    # Synchronise is not the action for a record in error; Force synchronise is
    with bridge.sessions.begin() as session, pytest.raises(state.SyncActionError):
        state.synchronise(session, TENANT, "customer", ["C1"])
    # a re-run without a fix does not retry it
    assert worker.run_until_idle(TENANT).sent == 0
    bridge.sandbox.admin.seed(bridge.creds.company_id, "ARTERM", [{"NAME": "N30", "DUEDATE": 30}])
    assert worker.enqueue(TENANT, "customer", ["C1", "C2"], force=True) == 2
    fixed = worker.run_until_idle(TENANT)
    assert fixed.success == 2 and fixed.errors == 0
    assert bridge.intacct("CUSTOMER")["C1"]["TERMNAME"] == "N30"
    with bridge.sessions() as session:
        assert state.status(session, TENANT).total(SyncState.ERROR) == 0


def test_desynchronisation_is_detected_shown_and_resolved(bridge: Bridge) -> None:
    bridge.save(customer("C1"), customer("C2"), item("W-1"))
    worker = bridge.worker()
    worker.run_until_idle(TENANT)
    assert worker.check(TENANT) == (3, 0)  # two customers and an item, unchanged
    bridge.sandbox.admin.set_status(bridge.creds.company_id, "CUSTOMER", "C2", "inactive")
    checked, desynced = worker.check(TENANT)
    assert desynced == 1
    with bridge.sessions() as session:
        got = state.get_state(session, TENANT, "customer", "C2")
        assert got is not None and got.state is SyncState.DESYNCHRONIZED
        assert got.difference == {"STATUS": {"bridge": "active", "intacct": "inactive"}}
        assert got.last_message is not None and "STATUS" in got.last_message
        # the other records are untouched
        assert state.status(session, TENANT).total(SyncState.SUCCESS) == checked - 1
    # a later run leaves it for a person; Synchronise sends the bridge's values
    assert worker.run_until_idle(TENANT).sent == 0
    assert worker.enqueue(TENANT, "customer", ["C2"]) == 1
    assert worker.run_until_idle(TENANT).success == 1
    assert bridge.intacct("CUSTOMER")["C2"]["STATUS"] == "active"
    assert worker.check(TENANT)[1] == 0


def test_reset_link_relinks_the_existing_intacct_record_without_a_duplicate(
    bridge: Bridge,
) -> None:
    bridge.save(item("W-1"))
    worker = bridge.worker()
    worker.run_until_idle(TENANT)
    with bridge.sessions.begin() as session:
        reset = state.reset_link(session, TENANT, "item", "W-1")
    assert reset.state is SyncState.NOT and reset.record_no is None
    assert worker.enqueue(TENANT, "item", ["W-1"]) == 1
    report = worker.run_until_idle(TENANT)
    assert report.success == 1, report.problems
    with bridge.sessions() as session:
        relinked = state.get_state(session, TENANT, "item", "W-1")
    assert relinked is not None and relinked.record_no is not None
    assert relinked.record_no == int(str(bridge.intacct("ITEM")["W-1"]["RECORDNO"]))
    # a later change is an update of the same record
    bridge.save(item("W-1", name="Widget after reset"))
    assert worker.run_until_idle(TENANT).success == 1
    assert len(bridge.intacct("ITEM")) == 1
    assert bridge.intacct("ITEM")["W-1"]["NAME"] == "Widget after reset"


def test_transient_failures_back_off_and_lost_replies_never_duplicate(bridge: Bridge) -> None:
    records = [item(f"W-{n}") for n in range(30)] + [customer(f"C{n}") for n in range(10)]
    bridge.save(*records)
    moment = [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)]
    worker, transport = _counting(bridge, clock=lambda: moment[0])
    # every write reaches Intacct and commits, but the reply is lost
    transport.drop_write_replies = True
    lost = worker.run_until_idle(TENANT)
    assert lost.success == 0 and lost.retrying == 40
    assert len(bridge.intacct("ITEM")) == 30  # written, the bridge does not know it yet
    with bridge.sessions() as session:
        waiting = state.get_state(session, TENANT, "item", "W-0")
    assert waiting is not None and waiting.state is SyncState.PENDING
    assert waiting.attempts == 1 and waiting.next_attempt_at == moment[0] + dt.timedelta(seconds=30)
    assert waiting.last_message is not None and "next attempt" in waiting.last_message
    with bridge.sessions() as session:
        assert next_due(session, TENANT) == moment[0] + dt.timedelta(seconds=30)
    # not due yet: nothing is sent
    transport.drop_write_replies = False
    sent = transport.requests
    assert worker.run_until_idle(TENANT).sent == 0 and transport.requests == sent
    # the connection refuses, then works: due again after the backoff
    moment[0] += dt.timedelta(seconds=31)
    transport.fail_next = 1
    worker.run_until_idle(TENANT)
    moment[0] += dt.timedelta(minutes=5)
    done = worker.run_until_idle(TENANT)
    assert done.success + done.unchanged > 0
    with bridge.sessions() as session:
        summary = state.status(session, TENANT)
    assert summary.total(SyncState.SUCCESS) == 40
    assert len(bridge.intacct("ITEM")) == 30 and len(bridge.intacct("CUSTOMER")) == 10


def test_master_data_goes_to_the_top_level_of_a_mega_company(tmp_path: Path) -> None:
    sandbox = Sandbox(seed=77)
    creds = sandbox.quickstart(mega=True)
    sandbox.admin.add_entity(creds.company_id, "E1", "East")
    bridge = configure(sandbox, creds, f"sqlite:///{tmp_path / 'mega.db'}", entity_id="E1")
    try:
        bridge.save(item("W-1"), customer("C1"))
        report = bridge.worker().run_until_idle(TENANT)
        assert report.success == 2, report.problems
        for name, key in (("ITEM", "W-1"), ("CUSTOMER", "C1")):
            top = bridge.intacct(name)[key]
            assert not top.get("MEGAENTITYID"), f"{name} {key} was created in an entity"
    finally:
        bridge.engine.dispose()


def test_a_mapping_or_configuration_change_is_sent_by_a_recheck_and_only_where_it_matters(
    bridge: Bridge,
) -> None:
    bridge.save(item("W-1", posting_class_id=None), item("W-2"), customer("C1"))
    worker, transport = _counting(bridge)
    worker.run_until_idle(TENANT)
    assert bridge.intacct("CUSTOMER")["C1"]["HIDEDISPLAYCONTACT"] == "false"
    with bridge.sessions.begin() as session:
        config = get_config(session, TENANT, bridge.keyring)
        assert config is not None
        switches = config.contacts.model_copy(update={"exclude_display_contact": True})
        save_config(session, TENANT, config.updated(contacts=switches), bridge.keyring)
    before = transport.requests
    assert worker.enqueue(TENANT, recheck=True) == 3
    report = worker.run_until_idle(TENANT)
    assert report.success == 1 and report.unchanged == 2  # only the customer changed
    # the one write: the run goes on with the last run's session (the sign-in is unchanged)
    assert transport.requests == before + 1
    assert bridge.intacct("CUSTOMER")["C1"]["HIDEDISPLAYCONTACT"] == "true"


def test_a_record_deleted_in_intacct_is_reported_and_reset_link_creates_it_again(
    bridge: Bridge,
) -> None:
    bridge.save(item("W-1"))
    worker = bridge.worker()
    worker.run_until_idle(TENANT)
    with bridge.sessions() as session:
        config = load_config(session, TENANT, bridge.keyring)
    recordno = str(bridge.intacct("ITEM")["W-1"]["RECORDNO"])

    async def delete() -> None:
        async with client_for(config, transport=bridge.sandbox.transport()) as client:
            await client.call(fn.delete("ITEM", [recordno]))

    asyncio.run(delete())
    assert bridge.intacct("ITEM") == {}
    assert worker.check(TENANT) == (1, 1)
    with bridge.sessions() as session:
        got = state.get_state(session, TENANT, "item", "W-1")
    assert got is not None and got.difference == {
        "record": {"bridge": "W-1", "intacct": "(deleted)"}
    }
    # Synchronise tries the update; Intacct says the record is gone: the fix is named
    worker.enqueue(TENANT, "item", ["W-1"])
    failed = worker.run_until_idle(TENANT)
    assert failed.errors == 1
    with bridge.sessions() as session:
        got = state.get_state(session, TENANT, "item", "W-1")
    assert got is not None and got.error_code == "missing"
    assert got.last_message is not None and "--reset-link --kind item --record W-1" in (
        got.last_message
    )
    worker.reset_links(TENANT, "item", ["W-1"])
    assert worker.enqueue(TENANT, "item", ["W-1"]) == 1
    assert worker.run_until_idle(TENANT).success == 1
    assert list(bridge.intacct("ITEM")) == ["W-1"]


def test_a_refused_sign_in_stops_the_run_and_leaves_every_record_pending(
    bridge: Bridge,
) -> None:
    bridge.save(*(item(f"W-{n}") for n in range(5)))
    with bridge.sessions.begin() as session:
        config = get_config(session, TENANT, bridge.keyring)
        assert config is not None
        wrong = config.updated(user_password=Secret("not-the-password"))
        save_config(session, TENANT, wrong, bridge.keyring)
    with pytest.raises(SyncRunError) as stopped:
        bridge.worker().run_until_idle(TENANT)
    assert "intacct-bridge connection test" in str(stopped.value)
    assert "not-the-password" not in str(stopped.value)
    with bridge.sessions() as session:
        rows = state.list_states(session, TENANT, kind="item")
        assert [r.state for r in rows] == [SyncState.PENDING] * 5
        assert all(r.attempts == 0 for r in rows)
        claimed = session.scalars(select(SyncStateRow.claimed_by)).all()
        assert claimed == [None] * 5
    assert bridge.intacct("ITEM") == {}


def test_a_value_emptied_in_the_bridge_is_cleared_in_intacct(bridge: Bridge) -> None:
    bridge.save(
        contact("Ann Smith"),
        item("W-1", description="Blue widget"),
        customer("C1", primary_contact="Ann Smith", tax_id="GB1"),
    )
    worker = bridge.worker()
    worker.run_until_idle(TENANT)
    assert bridge.intacct("ITEM")["W-1"]["EXTENDED_DESCRIPTION"] == "Blue widget"
    bridge.save(item("W-1", description=None), customer("C1"))
    report = worker.run_until_idle(TENANT)
    assert report.success == 2, report.problems
    assert not bridge.intacct("ITEM")["W-1"].get("EXTENDED_DESCRIPTION")
    assert not bridge.intacct("CUSTOMER")["C1"].get("TAXID")
    assert not bridge.intacct("CUSTOMER")["C1"].get("CONTACTINFO.CONTACTNAME")
    assert worker.check(TENANT)[1] == 0  # what Intacct has is what was sent
    again = worker.run_until_idle(TENANT)
    assert again.sent == 0
