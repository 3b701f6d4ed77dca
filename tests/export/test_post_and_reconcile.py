"""Export end to end: a month of documents posted to the sandbox, exactly once, then
reconciled against its general ledger — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import text

from intacct_bridge.export import (
    PostingConfig,
    PostingRunReport,
    ReconcileReport,
    post_documents,
    reconcile,
)
from intacct_bridge.intacct import RetryPolicy
from intacct_bridge.intacct import functions as fn
from intacct_bridge.intacct.documents import Dimensions, Line, journal_entry
from intacct_bridge.posting.reconcile import BalanceKey
from tests.export.world import CONFIG, TENANT, World, make_sandbox, make_store
from tests.store.fixtures import backend, fresh_url  # noqa: F401


@pytest.fixture
def world(fresh_url: str) -> Iterator[World]:  # noqa: F811
    sandbox, creds = make_sandbox()
    engine = make_store(fresh_url)
    yield World(sandbox, creds, engine)
    engine.dispose()


def _post(
    world: World, config: PostingConfig = CONFIG, *, dry_run: bool = False
) -> PostingRunReport:
    async def go() -> PostingRunReport:
        async with world.client() as client:
            return await post_documents(
                world.engine, TENANT, client, config=config, dry_run=dry_run
            )

    return asyncio.run(go())


def _reconcile(world: World, period: str = "2026-11", by: tuple[str, ...] = ()) -> ReconcileReport:
    async def go() -> ReconcileReport:
        async with world.client() as client:
            return await reconcile(world.engine, TENANT, client, period, config=CONFIG, by=by)

    return asyncio.run(go())


def test_month_posts_once_and_reconciles(world: World) -> None:
    report = _post(world)
    assert [o for o in report.outcomes if o.state != "success"] == []
    assert report.posted == 11
    recon = _reconcile(world)
    assert recon.differences == []
    assert recon.actual == recon.expected
    # both sides hold the month: stock, GRNI, AP, AR, revenue, tax … per entity
    assert {(k.account_id, k.entity_id) for k in recon.actual} >= {
        ("1220", "E1"),
        ("2050", "E1"),
        ("2000", "E1"),
        ("1100", "E1"),
        ("4000", "E1"),
        ("2200", "E1"),
        ("1400", "E1"),
    }
    assert recon.clean
    assert len(recon.posted) == 11


def _in_intacct(world: World) -> dict[str, list[str]]:
    """Per bridge key, the RECORDNOs of the Intacct records that carry it."""
    found: dict[str, list[str]] = {}
    for obj, field_name in (
        ("GLBATCH", "REFERENCENO"),
        ("APBILL", "DOCNUMBER"),
        ("ARINVOICE", "RECORDID"),
        ("APADJUSTMENT", "RECORDID"),
        ("ARADJUSTMENT", "RECORDID"),
    ):
        for record in world.records(obj):
            key = str(record.get(field_name) or "")
            found.setdefault(f"{obj}:{key}", []).append(str(record["RECORDNO"]))
    return found


def test_a_second_run_sends_nothing(world: World) -> None:
    _post(world)
    before = _in_intacct(world)
    again = _post(world)
    assert again.posted == 0 and again.already == 11
    assert _in_intacct(world) == before


def test_lost_replies_and_failures_post_every_document_once_with_its_recordno(
    world: World,
) -> None:
    world.sandbox.faults.set_limits(world.creds.company_id, failure_rate=0.1, drop_rate=0.3)
    one_by_one = dataclasses.replace(CONFIG, batch_size=1)
    runs = 0
    report = PostingRunReport()
    while runs < 8:
        runs += 1
        report = _post(world, one_by_one)
        if report.ok and report.already + report.posted == 11:
            break
    assert report.ok, [o for o in report.outcomes if o.state != "success"]
    world.sandbox.faults.set_limits(world.creds.company_id, failure_rate=0.0, drop_rate=0.0)
    outcomes = world.sandbox.faults.describe()["outcomes"]
    assert outcomes.get("drop", 0) >= 2 and outcomes.get("fail", 0) >= 1, outcomes
    found = _in_intacct(world)
    recordnos = {o.key: o.record_no for o in report.outcomes}
    assert len(recordnos) == 11 and None not in recordnos.values()
    # every document is in Intacct exactly once, and the bridge holds that record's RECORDNO
    keys = {
        "GLBATCH": lambda k: f"GLBATCH:{k}/GLBATCH",
        "APBILL": lambda k: f"APBILL:{k}/APBILL",
        "ARINVOICE": lambda k: f"ARINVOICE:{k.split('/')[1]}",
        "APADJUSTMENT": lambda k: f"APADJUSTMENT:{k.split('/')[1]}",
        "ARADJUSTMENT": lambda k: f"ARADJUSTMENT:{k.split('/')[1]}",
    }
    for outcome in report.outcomes:
        where = keys[outcome.intacct_object](outcome.key)
        assert found.get(where) == [str(outcome.record_no)], (outcome.key, found.get(where))
    assert sum(len(v) for v in found.values()) == 11
    assert _reconcile(world).clean


def test_closed_ap_period_is_a_problem_before_anything_is_sent(world: World) -> None:

    closed = dataclasses.replace(CONFIG, closed_through={("AP", None): dt.date(2026, 11, 30)})

    report = _post(world, closed)
    errors = {o.key: o.message or "" for o in report.errors}
    assert set(errors) == {
        "purchase_invoice/PI-1",
        "purchase_invoice/PI-2",
        "purchase_credit_memo/PC-1",
    }
    assert all("closed" in message.lower() for message in errors.values()), errors
    assert world.records("APBILL") == [] and world.records("APADJUSTMENT") == []
    # GL and AR are open: those documents posted
    assert report.posted == 8
    recon = _reconcile(world)
    assert not recon.clean
    assert {o.key for o in recon.unposted} == set(errors)


def test_a_refused_document_is_parked_then_resent_once_fixed(world: World) -> None:
    company = world.sandbox.backend.companies[world.creds.company_id]
    world.sandbox.admin.close_period(world.creds.company_id, through="11/30/2026", module="ar")
    report = _post(world)
    refused = {o.key: o.message or "" for o in report.errors}
    assert set(refused) == {
        "sales_invoice/SI-1",
        "sales_invoice/SI-2",
        "sales_credit_memo/SC-1",
    }
    assert all("Periods are closed" in m for m in refused.values()), refused
    assert world.records("ARINVOICE") == []
    world.sandbox.admin.open_period(world.creds.company_id, module="ar")
    fixed = _post(world)
    assert fixed.ok and fixed.posted == 3 and fixed.already == 8
    assert len(world.records("ARINVOICE")) == 2 and len(world.records("ARADJUSTMENT")) == 1
    assert company is not None and _reconcile(world).clean


def test_dry_run_lists_problems_and_sends_nothing(world: World) -> None:
    closed = dataclasses.replace(CONFIG, closed_through={("GL", "E1"): dt.date(2026, 11, 30)})

    report = _post(world, closed, dry_run=True)
    assert len(report.errors) == 11
    with world.engine.connect() as connection:  # a dry run stores nothing either
        assert (
            connection.execute(text("SELECT count(*) FROM sync_state")).scalar() == 0
        )  # the GL closed in E1 closes every subledger there
    assert all("closed" in (o.message or "").lower() for o in report.errors)
    assert world.records("GLBATCH") == [] and world.records("APBILL") == []
    assert report.posted == 0


def test_reconcile_lists_a_difference_made_in_intacct(world: World) -> None:
    _post(world)
    # someone posts to the stock account directly in Intacct
    manual = journal_entry(
        tenant="someone",
        key="MANUAL-1",
        version=1,
        journal="INVJ",
        posting_date=dt.date(2026, 11, 20),
        title="Manual",
        lines=[
            Line(account="1220", amount=Decimal("5.00"), dimensions=Dimensions(location="E1")),
            Line(account="5400", amount=Decimal("-5.00"), dimensions=Dimensions(location="E1")),
        ],
    )

    async def go() -> None:
        async with world.client() as client:
            await client.call(manual)

    asyncio.run(go())
    recon = _reconcile(world)
    assert not recon.clean
    assert [(d.key.account_id, d.key.entity_id, d.difference) for d in recon.differences] == [
        ("1220", "E1", Decimal("5.00")),
        ("5400", "E1", Decimal("-5.00")),
    ]


def test_two_runs_at_once_post_each_document_once(world: World) -> None:
    one_by_one = dataclasses.replace(CONFIG, batch_size=1)
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: _post(world, one_by_one), range(2)))
    final = _post(world, one_by_one)  # whatever a loser left pending is settled here
    assert final.ok and final.already + final.posted == 11
    found = _in_intacct(world)
    assert sum(len(v) for v in found.values()) == 11, found
    recordnos = sorted(str(o.record_no) for o in final.outcomes)
    assert recordnos == sorted(r for v in found.values() for r in v)
    assert sum(r.posted for r in runs) >= 11  # both runs may record the same record
    assert _reconcile(world).clean


def test_every_reply_lost_then_found_again_even_once_the_period_closed(world: World) -> None:
    company = world.creds.company_id
    fast = RetryPolicy(attempts=2, initial=0.01, maximum=0.01, budget=5)

    async def lossy() -> PostingRunReport:
        async with world.client(retry=fast) as client:
            await client.call(fn.read_by_query("GLACCOUNT", "", ("ACCOUNTNO",), 1))  # sign in
            world.sandbox.faults.set_limits(company, drop_rate=1.0)
            try:
                return await post_documents(world.engine, TENANT, client, config=CONFIG)
            finally:
                world.sandbox.faults.set_limits(company, drop_rate=0.0)

    lost = asyncio.run(lossy())
    assert [o.state for o in lost.outcomes] == ["pending"] * 11
    assert "next run checks Intacct" in (lost.outcomes[0].message or "")
    assert sum(len(v) for v in _in_intacct(world).values()) == 11  # committed all the same
    # meanwhile AP closed: the bills are in Intacct already, so they are found, not parked
    closed = dataclasses.replace(CONFIG, closed_through={("AP", None): dt.date(2026, 11, 30)})
    settled = _post(world, closed)
    assert settled.ok and settled.posted == 11, settled.errors
    found = _in_intacct(world)
    assert sum(len(v) for v in found.values()) == 11
    assert sorted(str(o.record_no) for o in settled.outcomes) == sorted(
        r for v in found.values() for r in v
    )


def test_reconcile_by_location_and_department(world: World) -> None:
    _post(world)
    recon = _reconcile(world, by=("LOCATIONID", "DEPARTMENTID"))
    assert recon.differences == [] and recon.clean
    # the receivable is held per department, as Intacct posts it against each line
    assert recon.actual[
        BalanceKey("1100", "E1", (("DEPARTMENTID", "SALES"), ("LOCATIONID", "E1")))
    ] == Decimal("147.00")
    assert _reconcile(world, "2026-12").clean  # an empty month is clean too


def test_entries_waiting_for_approval_are_noted_and_reconcile_shows_them(world: World) -> None:
    world.sandbox.admin.set_approvals(world.creds.company_id, journal_entries=True)
    report = _post(world)
    assert report.ok and report.posted == 11
    notes = {o.key: o.message for o in report.outcomes if o.message}
    assert set(notes) == {
        "purchase_receipt/PR-1",
        "sales_shipment/SS-1",
        "stock_adjustment/SA-1",
        "misc_stock_receipt/MR-1",
        "stock_transfer/ST-1",
    }
    assert all("Submitted" in (m or "") for m in notes.values())
    assert not _reconcile(world).clean  # the stock entries are not in the GL yet
    for batch in world.records("GLBATCH"):
        world.sandbox.admin.approve(world.creds.company_id, "GLBATCH", int(batch["RECORDNO"]))
    assert _reconcile(world).clean
