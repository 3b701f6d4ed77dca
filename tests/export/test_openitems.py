"""After posting: open items from Intacct's paid and due amounts (payments applied in the
sandbox), the prepaid amount of sales invoices and credit memos, and the MEGA entity level."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from intacct_bridge.config.models import TransactionLevel
from intacct_bridge.export import (
    PostingConfig,
    PostingRunReport,
    list_open_items,
    post_documents,
    reconcile,
    refresh_open_items,
)
from intacct_bridge.intacct import functions as fn
from tests.export.world import CONFIG, TENANT, World, make_sandbox, make_store

D = Decimal


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    sandbox, creds = make_sandbox()
    sandbox.admin.seed(
        creds.company_id,
        "GLACCOUNT",
        [{"ACCOUNTNO": "1010", "TITLE": "Cash", "ACCOUNTTYPE": "balancesheet"}],
    )
    sandbox.admin.seed(
        creds.company_id,
        "CHECKINGACCOUNT",
        [
            {
                "BANKACCOUNTID": "OPERATING",
                "BANKACCOUNTNO": "000123456789",
                "GLACCOUNTNO": "1010",
                "BANKNAME": "First Sandbox Bank",
                "ROUTINGNO": "000000000",
                "BANKACCOUNTTYPE": "checking",
                "CURRENCY": "USD",
            }
        ],
    )
    engine = make_store(f"sqlite:///{tmp_path / 'bridge.db'}")
    yield World(sandbox, creds, engine)
    engine.dispose()


def _post(world: World, config: PostingConfig = CONFIG) -> PostingRunReport:
    async def go() -> PostingRunReport:
        async with world.client() as client:
            return await post_documents(world.engine, TENANT, client, config=config)

    return asyncio.run(go())


def _pay(world: World, *functions: Any) -> None:
    async def go() -> None:
        async with world.client() as client:
            for function in functions:
                await client.call(function)

    asyncio.run(go())


def _refresh(world: World) -> None:
    async def go() -> None:
        async with world.client() as client:
            await refresh_open_items(world.engine, TENANT, client)

    asyncio.run(go())


def _items(world: World) -> dict[str, tuple[str, Decimal, Decimal, Decimal | None]]:
    return {
        item.key: (item.status, item.paid, item.due, item.prepaid)
        for item in list_open_items(world.engine, TENANT)
    }


def test_payments_in_intacct_turn_posted_documents_into_paid_open_items(world: World) -> None:
    report = _post(world)
    assert report.ok and report.posted == 11
    items = _items(world)
    # AP/AR documents only; read back right after posting, nothing paid yet
    assert set(items) == {
        "purchase_invoice/PI-1",
        "purchase_invoice/PI-2",
        "purchase_credit_memo/PC-1",
        "sales_invoice/SI-1",
        "sales_invoice/SI-2",
        "sales_credit_memo/SC-1",
    }
    assert {v[0] for v in items.values()} == {"notPaid"}
    # the prepaid amount is read for sales invoices and credit memos only
    assert items["sales_invoice/SI-1"][3] == D(0) and items["sales_credit_memo/SC-1"][3] == D(0)
    assert items["purchase_invoice/PI-1"][3] is None
    due = items["sales_invoice/SI-1"][2]
    assert due == D("108")
    recordnos = {o.key: o.record_no for o in report.outcomes}
    _pay(
        world,
        fn.create(
            "ARPYMT",
            {
                "PAYMENTMETHOD": "Printed Check",
                "RECEIPTDATE": "11/20/2026",
                "CURRENCY": "USD",
                "UNDEPOSITEDACCOUNTNO": "1010",
                "CUSTOMERID": "CUST1",
                "ARPYMTDETAILS": {
                    "ARPYMTDETAIL": [
                        {"RECORDKEY": recordnos["sales_invoice/SI-1"], "TRX_PAYMENTAMOUNT": "50"}
                    ]
                },
            },
        ),
        fn.create(
            "APPYMT",
            {
                "PAYMENTMETHOD": "EFT",
                "PAYMENTDATE": "11/25/2026",
                "FINANCIALENTITY": "OPERATING",
                "VENDORID": "SUP1",
                "APPYMTDETAILS": {
                    "APPYMTDETAIL": [
                        {"RECORDKEY": recordnos["purchase_invoice/PI-2"], "TRX_PAYMENTAMOUNT": "45"}
                    ]
                },
            },
        ),
    )
    _refresh(world)
    items = _items(world)
    assert items["sales_invoice/SI-1"][:3] == ("partiallyPaid", D(50), D(58))
    assert items["purchase_invoice/PI-2"][:3] == ("paid", D(45), D(0))
    assert items["purchase_invoice/PI-1"][0] == "notPaid"
    # the prepaid amount is what was paid when the invoice was posted, not later payments
    assert items["sales_invoice/SI-1"][3] == D(0)


def test_entity_level_posts_in_entity_sessions_and_reconciles(world: World) -> None:
    entity = dataclasses.replace(CONFIG, level=TransactionLevel.ENTITY_LEVEL)
    report = _post(world, entity)
    assert report.ok and report.posted == 11 and report.warnings == []
    owners = {
        str(r.get("DOCNUMBER") or r.get("REFERENCENO") or r.get("RECORDID")): r["_ENTITY"]
        for name in ("GLBATCH", "APBILL", "ARINVOICE", "ARADJUSTMENT", "APADJUSTMENT")
        for r in _records(world, name)
    }
    # one-entity documents belong to their entity; the transfer over two is top level
    assert owners["stock_adjustment/SA-1/GLBATCH"] == "E1"
    assert owners["SI-1"] == "E1" and owners["purchase_invoice/PI-1/APBILL"] == "E1"
    assert owners["stock_transfer/ST-1/GLBATCH"] is None

    async def check() -> Any:
        async with world.client() as client:
            return await reconcile(world.engine, TENANT, client, "2026-11", config=entity)

    assert asyncio.run(check()).clean
    again = _post(world, entity)
    assert again.already == 11 and again.posted == 0


def test_a_change_of_level_warns_while_documents_are_unposted(world: World) -> None:
    import datetime as dt

    closed = dataclasses.replace(CONFIG, closed_through={("AR", None): dt.date(2026, 11, 30)})
    first = _post(world, closed)  # AR documents stay in error, the rest posted at top level
    assert first.errors and first.warnings == []
    entity = dataclasses.replace(CONFIG, level=TransactionLevel.ENTITY_LEVEL)
    warned = dataclasses.replace(entity, closed_through=closed.closed_through)
    report = _post(world, warned)
    [warning] = report.warnings
    assert "Entity level" in warning and "Top level" in warning and "future posts" in warning
    done = _post(world, entity)  # the period reopens: the rest goes at entity level
    assert done.ok and done.posted == len(first.errors) and len(done.warnings) == 1
    assert _post(world, entity).warnings == []  # everything posted: nothing to warn about
    invoices = {r["RECORDID"]: r["_ENTITY"] for r in _records(world, "ARINVOICE")}
    bills = {r["DOCNUMBER"]: r["_ENTITY"] for r in _records(world, "APBILL")}
    assert invoices["SI-1"] == "E1"  # posted after the change: entity level
    assert bills["purchase_invoice/PI-1/APBILL"] is None  # posted before: top level


def _records(world: World, object_name: str) -> list[dict[str, Any]]:
    table = world.sandbox.backend.companies[world.creds.company_id].data.table(object_name)
    return [{**r.values, "_ENTITY": r.entity} for r in table.records.values()]
