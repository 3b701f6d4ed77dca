"""Financial setup in from Intacct, against the sandbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from intacct_bridge.intacct import functions as fn
from intacct_bridge.model import analytics as an
from intacct_bridge.model import finance as fi
from intacct_bridge.model.sites import Company, Site, SiteRole
from intacct_bridge.sandbox.seeds import (
    DEMO_ACCOUNTS,
    DEMO_AP_TERMS,
    DEMO_AR_TERMS,
    DEMO_CHECKING_ACCOUNTS,
    DEMO_CLASSES,
    DEMO_DEPARTMENTS,
    DEMO_JOURNALS,
    DEMO_LOCATIONS,
    DEMO_TAX_DETAILS,
    DEMO_TAX_SOLUTIONS,
    DEMO_WAREHOUSES,
)
from intacct_bridge.store.repositories import get_record, list_records, save_record
from intacct_bridge.store.tables.inbound import InboundCursorRow, InboundLinkRow
from intacct_bridge.sync.inbound import InboundSync, PullReport
from tests.sync.world import TENANT, Store, client, make_sandbox

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def _pull(store: Store, sandbox: Any, creds: Any, **options: Any) -> PullReport:
    async with client(sandbox, creds) as intacct:
        return await InboundSync(store.sessions, intacct, TENANT).pull(**options)


def pull(store: Store, sandbox: Any, creds: Any, **options: Any) -> PullReport:
    return run(_pull(store, sandbox, creds, **options))


def records(store: Store, kind: type[T]) -> list[T]:
    with store.sessions() as session:
        return list_records(session, TENANT, kind)  # type: ignore[type-var]


def account(store: Store, number: str) -> fi.Account:
    with store.sessions() as session:
        found = get_record(session, TENANT, fi.Account, number)
    assert found is not None, f"account {number} is not in the store"
    return found


def test_full_pull_stores_the_demo_chart(store: Store) -> None:
    sandbox, creds, _clock = make_sandbox()
    report = pull(store, sandbox, creds)

    assert [a.id for a in records(store, fi.Account)] == sorted(
        row["ACCOUNTNO"] for row in DEMO_ACCOUNTS
    )
    assert len(records(store, fi.Journal)) == len(DEMO_JOURNALS)
    terms = records(store, fi.PaymentTerm)
    assert sum(t.ledger is fi.Ledger.AP for t in terms) == len(DEMO_AP_TERMS)
    assert sum(t.ledger is fi.Ledger.AR for t in terms) == len(DEMO_AR_TERMS)
    assert len(records(store, fi.TaxSolution)) == len(DEMO_TAX_SOLUTIONS)
    assert len(records(store, fi.TaxDetail)) == len(DEMO_TAX_DETAILS)
    assert len(records(store, fi.BankAccount)) == len(DEMO_CHECKING_ACCOUNTS)
    dimensions = records(store, an.Dimension)
    expected = {
        "DEPARTMENT": DEMO_DEPARTMENTS,
        "LOCATION": DEMO_LOCATIONS,
        "CLASS": DEMO_CLASSES,
        "WAREHOUSE": DEMO_WAREHOUSES,
    }
    for type_id, rows in expected.items():
        assert sum(d.type_id == type_id for d in dimensions) == len(rows), type_id
    types = {t.id: t for t in records(store, an.DimensionType)}
    assert sorted(t.slot for t in types.values()) == [1, 2, 3, 4]
    assert types["DEPARTMENT"].intacct_object == "DEPARTMENT"

    # GL account 4000: location required (a dimension), customer and item (attributes)
    sales = account(store, "4000")
    assert sales.name == "Sales - Manufactured goods"
    assert sales.required_dimension_types == ("LOCATION",)
    assert sales.required_attribute_types == (
        an.AttributeTypeKind.CUSTOMER,
        an.AttributeTypeKind.ITEM,
    )
    assert account(store, "1200").required_dimension_types == ("WAREHOUSE",)
    assert account(store, "2000").is_control and account(store, "2000").is_direct_entry_forbidden
    assert not account(store, "1000").is_control

    with store.sessions() as session:
        term = get_record(session, TENANT, fi.PaymentTerm, "ar", "2-10 N30")
        tax = get_record(session, TENANT, fi.TaxDetail, "UK Sale Goods Reduced Rate")
        bank = get_record(session, TENANT, fi.BankAccount, "OPERATING")
    assert term is not None and (term.due_days, term.discount_days) == (30, 10)
    assert term.discount_percent == Decimal("2")
    assert tax is not None and tax.rate == Decimal("5") and tax.tax_type is fi.TaxType.SALES
    assert tax.account_id == "2210" and tax.tax_solution_id == "United Kingdom - VAT"
    assert bank is not None and (bank.account_id, bank.currency) == ("1000", "USD")

    # every object reported; the ones this company lacks are skipped with the reason
    assert report.of("GLACCOUNT").created == len(DEMO_ACCOUNTS)
    assert report.of("GLACCOUNT").mode == "full"
    assert "not available" in (report.of("PROJECT").skipped or "")
    assert all(not o.rejected for o in report.objects)
    with store.sessions() as session:
        links = session.scalars(
            select(InboundLinkRow).where(InboundLinkRow.intacct_object == "GLACCOUNT")
        ).all()
        cursor = session.get(InboundCursorRow, (TENANT, "GLACCOUNT"))
    assert len(links) == len(DEMO_ACCOUNTS) and {link.status for link in links} == {"active"}
    assert cursor is not None and cursor.high_water == "03/02/2026 09:00:00"


def test_a_repull_without_change_writes_nothing(store: Store) -> None:
    sandbox, creds, clock = make_sandbox()
    pull(store, sandbox, creds)
    events = store.change_events()
    clock.tick()
    with store.counting_writes() as writes:
        again = pull(store, sandbox, creds)
        full_again = pull(store, sandbox, creds, full=True)
    assert writes == []
    assert store.change_events() == events
    assert again.changed == 0 and again.fetched == 0
    assert {o.mode for o in again.objects if o.skipped is None} == {"incremental"}
    assert full_again.changed == 0 and full_again.fetched > 90


def test_an_incremental_pull_fetches_only_the_changed_record(store: Store) -> None:
    sandbox, creds, clock = make_sandbox()
    pull(store, sandbox, creds)
    events = store.change_events()
    clock.tick()

    async def change() -> None:
        async with client(sandbox, creds) as intacct:
            await intacct.call(
                fn.update("GLACCOUNT", {"ACCOUNTNO": "6500", "TITLE": "Bank charges"})
            )

    run(change())
    report = pull(store, sandbox, creds)

    assert account(store, "6500").name == "Bank charges"
    assert report.of("GLACCOUNT").fetched == 1 and report.of("GLACCOUNT").updated == 1
    assert report.fetched == 1 and report.changed == 1
    # sign-in, getDimensions, one light query per object, one read of the changed record
    assert report.requests == 1 + 1 + len(report.objects) + 1
    assert store.change_events() == events + 1
    # and the mark moved: the next pull finds nothing
    clock.tick()
    assert pull(store, sandbox, creds).fetched == 0


def test_inactive_and_deleted_records_are_marked_not_ignored(store: Store) -> None:
    sandbox, creds, clock = make_sandbox()
    pull(store, sandbox, creds)
    clock.tick()
    sandbox.admin.set_status(creds.company_id, "GLACCOUNT", "7100", "inactive")
    department = next(
        r
        for r in sandbox.admin.records(creds.company_id, "DEPARTMENT")
        if r["DEPARTMENTID"] == "QA"
    )

    async def delete() -> None:
        async with client(sandbox, creds) as intacct:
            await intacct.call(fn.delete("DEPARTMENT", [department["RECORDNO"]]))

    run(delete())
    report = pull(store, sandbox, creds)
    assert not account(store, "7100").is_active
    assert report.of("GLACCOUNT").deactivated == 1
    # a deletion is invisible to a modification-time query ...
    assert report.of("DEPARTMENT").deleted == 0
    # ... the full pull sees it; the record stays (documents may use it), inactive
    full = pull(store, sandbox, creds, full=True)
    assert full.of("DEPARTMENT").deleted == 1
    with store.sessions() as session:
        qa = get_record(session, TENANT, an.Dimension, "DEPARTMENT", "QA")
        link = session.get(InboundLinkRow, (TENANT, "DEPARTMENT", str(department["RECORDNO"])))
        inactive_link = session.scalars(
            select(InboundLinkRow).where(InboundLinkRow.intacct_id == "7100")
        ).one()
    assert qa is not None and not qa.is_active
    assert link is not None and link.status == "deleted"
    assert inactive_link.status == "inactive"
    # reactivated in Intacct → active again
    clock.tick()
    sandbox.admin.set_status(creds.company_id, "GLACCOUNT", "7100", "active")
    pull(store, sandbox, creds)
    assert account(store, "7100").is_active


def test_a_targeted_fetch_reads_one_record(store: Store) -> None:
    sandbox, creds, clock = make_sandbox()
    pull(store, sandbox, creds)
    clock.tick()
    [row] = [
        r for r in sandbox.admin.records(creds.company_id, "GLACCOUNT") if r["ACCOUNTNO"] == "6300"
    ]
    recordno = str(row["RECORDNO"])

    async def scenario() -> tuple[Any, Any, int]:
        async with client(sandbox, creds) as intacct:
            await intacct.call(
                fn.update("GLACCOUNT", {"ACCOUNTNO": "6300", "TITLE": "Carriage out"})
            )
            before = intacct.requests_sent
            sync = InboundSync(store.sessions, intacct, TENANT)
            changed = await sync.fetch("GLACCOUNT", recordno)
            sent = intacct.requests_sent - before
            await intacct.call(fn.delete("GLACCOUNT", [recordno]))
            gone = await sync.fetch("GLACCOUNT", recordno)
            return changed, gone, sent

    changed, gone, sent = run(scenario())
    assert changed.outcome == "updated"
    assert sent == 1  # the read (a standard object needs no getDimensions)
    assert gone.outcome == "deleted"
    assert not account(store, "6300").is_active
    assert account(store, "6300").name == "Carriage out"


def test_entities_are_checked_against_companies_and_financial_sites(store: Store) -> None:
    sandbox, creds, _clock = make_sandbox(mega=True, seed=False)
    sandbox.admin.add_entity(creds.company_id, "US1", "Acme US")
    sandbox.admin.add_entity(creds.company_id, "UK1", "Acme UK")
    sandbox.admin.add_entity(creds.company_id, "DE1", "Acme DE")
    with store.sessions.begin() as session:
        for company_id, entity in (("US", "US1"), ("FR", "FR1"), ("DE", "DE1")):
            save_record(
                session,
                TENANT,
                Company(id=company_id, name=company_id, currency="USD", intacct_entity_id=entity),
            )
        save_record(
            session,
            TENANT,
            Site(
                id="US-FIN",
                name="US finance",
                company_id="US",
                roles=(SiteRole.FINANCIAL,),
                intacct_entity_id="US1",
            ),
        )
    report = pull(store, sandbox, creds)
    assert sorted(e.id for e in records(store, fi.Entity)) == ["DE1", "UK1", "US1"]
    warnings = "\n".join(report.warnings)
    assert "Intacct entity UK1 (Acme UK) has no company in the bridge" in warnings
    assert "company FR carries Entity ID FR1, which is not an entity" in warnings
    assert "Intacct entity DE1 (Acme DE) has company DE in the bridge but no financial site" in (
        warnings
    )
    assert "US1" not in warnings
    assert len(report.warnings) == 3


def test_user_defined_dimensions_and_the_twenty_slot_limit(store: Store) -> None:
    sandbox, creds, _clock = make_sandbox(seed=False)
    sandbox.admin.add_dimension(creds.company_id, "PRODUCTLINE", "Product line")
    sandbox.admin.seed(
        creds.company_id,
        "PRODUCTLINE",
        [{"ID": "PL1", "NAME": "Pumps"}, {"ID": "PL2", "NAME": "Valves"}],
    )
    sandbox.admin.seed(
        creds.company_id,
        "GLACCOUNT",
        [
            {"ACCOUNTNO": "4000", "TITLE": "Sales", "REQUIREGLDIMPRODUCTLINE": True},
            {"ACCOUNTNO": "1200", "TITLE": "Stock", "REQUIREWAREHOUSE": True},
        ],
    )
    # the operator already uses 17 of the 20 slots for dimension types of their own
    with store.sessions.begin() as session:
        for slot in range(1, 18):
            save_record(session, TENANT, an.DimensionType(id=f"OWN{slot}", name="Own", slot=slot))
    report = pull(store, sandbox, creds)
    types = {t.id: t.slot for t in records(store, an.DimensionType)}
    assert len(types) == 20
    assert [types[name] for name in ("DEPARTMENT", "LOCATION", "CLASS")] == [18, 19, 20]
    assert "all 20 dimension slots are taken" in (report.of("WAREHOUSE").skipped or "")
    assert "all 20 dimension slots are taken" in (report.of("PRODUCTLINE").skipped or "")
    assert account(store, "1200").required_dimension_types == ()
    assert any("requires dimension WAREHOUSE" in note for note in report.of("GLACCOUNT").notes)


def test_user_defined_dimension_values_and_requirements(store: Store) -> None:
    sandbox, creds, _clock = make_sandbox(seed=False)
    sandbox.admin.add_dimension(creds.company_id, "PRODUCTLINE", "Product line")
    sandbox.admin.seed(creds.company_id, "PRODUCTLINE", [{"ID": "PL1", "NAME": "Pumps"}])
    sandbox.admin.seed(
        creds.company_id,
        "GLACCOUNT",
        [{"ACCOUNTNO": "4000", "TITLE": "Sales", "REQUIREGLDIMPRODUCTLINE": True}],
    )
    pull(store, sandbox, creds)
    types = {t.id: t for t in records(store, an.DimensionType)}
    assert types["PRODUCTLINE"].name == "Product line"
    assert [(d.type_id, d.id, d.name) for d in records(store, an.Dimension)] == [
        ("PRODUCTLINE", "PL1", "Pumps")
    ]
    assert account(store, "4000").required_dimension_types == ("PRODUCTLINE",)


def test_projects_are_attributes_and_a_bad_row_does_not_stop_the_pull(store: Store) -> None:
    modules = {"gl", "ap", "ar", "cm", "projects", "tax"}
    sandbox, creds, _clock = make_sandbox(modules=modules, seed=False)
    sandbox.admin.seed(
        creds.company_id,
        "GLACCOUNT",
        [
            {"ACCOUNTNO": "1000", "TITLE": "Cash"},
            {"ACCOUNTNO": "4100", "TITLE": "Service", "REQUIREPROJECT": True},
        ],
    )
    sandbox.admin.seed(
        creds.company_id,
        "PROJECT",
        [{"PROJECTID": "P-1", "NAME": "Line 3 retrofit", "PROJECTCATEGORY": "Contract"}],
    )
    sandbox.admin.seed(creds.company_id, "CONTACT", [{"CONTACTNAME": "Ann Lee", "PRINTAS": "Ann"}])
    sandbox.admin.seed(
        creds.company_id,
        "EMPLOYEE",
        [{"EMPLOYEEID": "E1", "PERSONALINFO": {"CONTACTNAME": "Ann Lee"}, "STATUS": "inactive"}],
    )
    # no CURRENCY and no company in the bridge to take one from: this row cannot be stored
    sandbox.admin.seed(
        creds.company_id,
        "CHECKINGACCOUNT",
        [{"BANKACCOUNTID": "NOCUR", "BANKACCOUNTNO": "1", "GLACCOUNTNO": "1000"}],
    )
    report = pull(store, sandbox, creds)
    assert [(a.type, a.id, a.name, a.is_active) for a in records(store, an.Attribute)] == [
        (an.AttributeTypeKind.EMPLOYEE, "E1", "Ann Lee", False),
        (an.AttributeTypeKind.PROJECT, "P-1", "Line 3 retrofit", True),
    ]
    assert account(store, "4100").required_attribute_types == (an.AttributeTypeKind.PROJECT,)
    [rejected] = report.of("CHECKINGACCOUNT").rejected
    assert "NOCUR" in rejected and "CURRENCY is empty" in rejected
    assert records(store, fi.BankAccount) == []
    assert report.of("GLACCOUNT").created == 2


def test_pull_refuses_an_unknown_tenant(store: Store) -> None:
    from intacct_bridge.store.errors import UnknownTenantError

    sandbox, creds, _clock = make_sandbox(seed=False)

    async def scenario() -> None:
        async with client(sandbox, creds) as intacct:
            await InboundSync(store.sessions, intacct, "nobody").pull()

    with pytest.raises(UnknownTenantError):
        run(scenario())


def test_two_pulls_at_once_store_each_record_once(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    sandbox, creds, _clock = make_sandbox()
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: pull(store, sandbox, creds, full=True), range(2)))
    accounts = records(store, fi.Account)
    assert len(accounts) == len(DEMO_ACCOUNTS)
    created = sum(r.of("GLACCOUNT").created for r in reports)
    assert created == len(DEMO_ACCOUNTS)  # each account created by exactly one of them
    assert all(not o.rejected for r in reports for o in r.objects)
    events = store.change_events()
    assert pull(store, sandbox, creds, full=True).changed == 0
    assert store.change_events() == events
