"""GL detail: the ledger lines every posted transaction writes, read with readByQuery and
query (as Intacct's GLDETAIL object), reconciled with ``Admin.balances`` and the admin API,
and kept in the state file."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.admin import AdminError
from intacct_bridge.sandbox.persistence import load_state, save_state
from tests.sandbox.books import (
    COMPANY,
    batch,
    bill,
    create,
    created,
    entry,
    invoice,
    ledger_rows,
    line,
    read,
)
from tests.sandbox.envelope import Caller
from tests.sandbox.xmlbits import attrs, children, column, row

FIELDS = (
    "RECORDNO", "BATCHKEY", "BATCH_DATE", "JOURNAL", "BATCHNO", "ACCOUNTNO", "ACCOUNTTITLE",
    "TR_TYPE", "DEBITAMOUNT", "CREDITAMOUNT", "AMOUNT", "LOCATION", "DEPARTMENT", "CUSTOMERID",
    "VENDORID", "ITEMID", "CLASSID", "RECORDTYPE", "MODULEKEY", "DOCNUMBER", "DESCRIPTION",
)  # fmt: skip


def _activity(books: Caller) -> dict[str, int]:
    """A journal entry in March, a bill in March, an invoice in April."""
    return {
        "je": created(books, batch(
            entry("6000", 1, "300", DEPARTMENT="ADM", LOCATION="HQ", CLASSID="SVC"),
            entry("2100", -1, "300", DEPARTMENT="ADM", LOCATION="HQ"),
            date="03/10/2025", REFERENCENO="PAYROLL-3",
        )),
        "bill": created(books, bill("V200", line("6300", "45.5", LOCATIONID="PLANT1"),
                                    RECORDID="B-1", WHENCREATED="03/20/2025")),
        "invoice": created(books, invoice("C100", line("4000", "99.99", LOCATIONID="HQ",
                                                       ITEMID="PUMP-1"),
                                          RECORDID="INV-9", WHENCREATED="04/02/2025")),
    }  # fmt: skip


def test_every_posted_line_is_readable_with_read_by_query(books: Caller) -> None:
    made = _activity(books)
    data = books.ok(
        "<readByQuery><object>GLDETAIL</object><fields>" + ",".join(FIELDS) + "</fields>"
        "<query>ACCOUNTNO = '6000'</query></readByQuery>"
    ).data()
    assert attrs(data)["listtype"] == "gldetail"
    assert children(data) == ["gldetail"]
    line_ = row(data[0])
    assert set(line_) == set(FIELDS)
    assert {key: line_[key] for key in FIELDS if key != "RECORDNO"} == {
        "BATCHKEY": str(made["je"]),
        "BATCH_DATE": "03/10/2025",
        "JOURNAL": "GJ",
        "BATCHNO": "1",
        "ACCOUNTNO": "6000",
        "ACCOUNTTITLE": "Salaries and wages",
        "TR_TYPE": "1",
        "DEBITAMOUNT": "300.00",
        "CREDITAMOUNT": "0.00",
        "AMOUNT": "300.00",
        "LOCATION": "HQ",
        "DEPARTMENT": "ADM",
        "CUSTOMERID": "",
        "VENDORID": "",
        "ITEMID": "",
        "CLASSID": "SVC",
        "RECORDTYPE": "",
        "MODULEKEY": "2.GL",
        "DOCNUMBER": "",
        "DESCRIPTION": "Freight accrual",
    }


def test_subledger_lines_carry_their_source(books: Caller) -> None:
    made = _activity(books)
    data = books.ok(
        "<query><object>GLDETAIL</object><select><field>ACCOUNTNO</field>"
        "<field>DEBITAMOUNT</field><field>CREDITAMOUNT</field><field>RECORDTYPE</field>"
        "<field>DOCNUMBER</field><field>CUSTOMERID</field><field>ITEMID</field>"
        "<field>LOCATIONNAME</field></select><filter><equalto><field>BATCHKEY</field>"
        f"<value>{made['invoice']}</value></equalto></filter>"
        "<orderby><order><field>ACCOUNTNO</field></order></orderby></query>"
    ).data()
    rows = [row(item) for item in data]
    assert rows == [
        {"ACCOUNTNO": "1100", "DEBITAMOUNT": "99.99", "CREDITAMOUNT": "0.00",
         "RECORDTYPE": "ri", "DOCNUMBER": "INV-9", "CUSTOMERID": "C100", "ITEMID": "PUMP-1",
         "LOCATIONNAME": "Headquarters"},
        {"ACCOUNTNO": "4000", "DEBITAMOUNT": "0.00", "CREDITAMOUNT": "99.99",
         "RECORDTYPE": "ri", "DOCNUMBER": "INV-9", "CUSTOMERID": "C100", "ITEMID": "PUMP-1",
         "LOCATIONNAME": "Headquarters"},
    ]  # fmt: skip


def test_query_filters_a_period_and_sums_per_account(books: Caller) -> None:
    _activity(books)
    data = books.ok(
        "<query><object>GLDETAIL</object><select><field>ACCOUNTNO</field>"
        "<sum>DEBITAMOUNT</sum><sum>CREDITAMOUNT</sum></select><filter><between>"
        "<field>BATCH_DATE</field><value>03/01/2025</value><value>03/31/2025</value>"
        "</between></filter><orderby><order><field>ACCOUNTNO</field></order></orderby></query>"
    ).data()
    sums = {
        item.findtext("ACCOUNTNO"): (
            Decimal(item.findtext("SUM.DEBITAMOUNT") or "0"),
            Decimal(item.findtext("SUM.CREDITAMOUNT") or "0"),
        )
        for item in data
    }
    assert sums == {
        "2000": (Decimal("0"), Decimal("45.50")),
        "2100": (Decimal("0"), Decimal("300.00")),
        "6000": (Decimal("300.00"), Decimal("0")),
        "6300": (Decimal("45.50"), Decimal("0")),
    }


def test_gl_detail_is_read_only(books: Caller) -> None:
    number = _activity(books)["je"]
    detail = ledger_rows_number(books, number)
    created_ = books.call(create("<GLDETAIL><ACCOUNTNO>6000</ACCOUNTNO></GLDETAIL>"))
    assert created_.errors()[0][2] == (
        "The GLDETAIL object cannot be created with the generic create function."
    )
    deleted = books.call(f"<delete><object>GLDETAIL</object><keys>{detail}</keys></delete>")
    assert deleted.errors()[0][2] == "The GLDETAIL object cannot be deleted through the API."


def ledger_rows_number(books: Caller, source: int) -> str:
    data = books.ok(
        "<readByQuery><object>GLDETAIL</object><fields>RECORDNO</fields>"
        f"<query>BATCHKEY = {source}</query></readByQuery>"
    ).data()
    return column(data, "gldetail", "RECORDNO")[0]


def test_read_by_recordno(books: Caller) -> None:
    number = _activity(books)["je"]
    detail = ledger_rows_number(books, number)
    record = read(books, "GLDETAIL", detail)
    assert record.findtext("ACCOUNTNO") == "6000"
    assert record.findtext("RECORD_URL", "").endswith(f"?.r={detail}&.company={COMPANY}")


def test_balances_reconcile_per_period(sandbox: Sandbox, books: Caller) -> None:
    _activity(books)
    march = sandbox.admin.balances(COMPANY, "03/2025")
    assert march == [
        {"ACCOUNTNO": "2000", "debit": "0.00", "credit": "45.50", "net": "-45.50", "lines": 1},
        {"ACCOUNTNO": "2100", "debit": "0.00", "credit": "300.00", "net": "-300.00", "lines": 1},
        {"ACCOUNTNO": "6000", "debit": "300.00", "credit": "0.00", "net": "300.00", "lines": 1},
        {"ACCOUNTNO": "6300", "debit": "45.50", "credit": "0.00", "net": "45.50", "lines": 1},
    ]
    everything = sandbox.admin.balances(COMPANY)
    assert sum(Decimal(b["net"]) for b in everything) == 0
    by_department = sandbox.admin.balances(COMPANY, "03/2025", by=["ACCOUNTNO", "DEPARTMENTID"])
    assert {(b["ACCOUNTNO"], b["DEPARTMENTID"]) for b in by_department} == {
        ("2000", ""), ("2100", "ADM"), ("6000", "ADM"), ("6300", ""),
    }  # fmt: skip
    assert sandbox.admin.balances(COMPANY, "2025-04", by=["JOURNAL"]) == [
        {"JOURNAL": "ARJ", "debit": "99.99", "credit": "99.99", "net": "0.00", "lines": 2}
    ]


def test_balances_refuse_bad_arguments(sandbox: Sandbox, books: Caller) -> None:
    with pytest.raises(AdminError, match="'13/2025' is not a period; use MM/YYYY"):
        sandbox.admin.balances(COMPANY, "13/2025")
    with pytest.raises(AdminError, match="Cannot group balances by TITLE"):
        sandbox.admin.balances(COMPANY, by=["TITLE"])


def test_deleting_or_changing_a_source_replaces_its_lines(sandbox: Sandbox, books: Caller) -> None:
    made = _activity(books)
    books.ok(f"<delete><object>APBILL</object><keys>{made['bill']}</keys></delete>")
    assert ledger_rows(sandbox, made["bill"]) == []
    assert [b["ACCOUNTNO"] for b in sandbox.admin.balances(COMPANY, "03/2025")] == [
        "2100",
        "6000",
    ]


def test_an_account_with_postings_cannot_be_deleted(books: Caller) -> None:
    number = _activity(books)["je"]
    reply = books.call('<delete_glaccount glaccountno="6000"/>')
    assert reply.errors()[0][2] == (
        f"GL Account '6000' cannot be deleted because Journal Entry {number} refers to it."
    )


def _admin(sandbox: Sandbox, path: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=sandbox.asgi_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            return await client.get(f"/sandbox/admin{path}")

    return asyncio.run(go())


def test_admin_api_balances(sandbox: Sandbox, books: Caller) -> None:
    _activity(books)
    reply = _admin(sandbox, f"/companies/{COMPANY}/gl/balances?period=03/2025&by=ACCOUNTNO")
    assert reply.status_code == 200
    body: dict[str, Any] = reply.json()
    assert [b["ACCOUNTNO"] for b in body["balances"]] == ["2000", "2100", "6000", "6300"]
    bad = _admin(sandbox, f"/companies/{COMPANY}/gl/balances?by=NOPE")
    assert bad.status_code == 422


def test_ledger_books_and_sequences_survive_a_restart(
    sandbox: Sandbox, books: Caller, tmp_path: Path, http: httpx.Client
) -> None:
    _activity(books)
    sandbox.admin.close_period(COMPANY, through="02/28/2025")
    path = tmp_path / "state.json"
    save_state(sandbox.backend, path)
    other = Sandbox()
    load_state(other.backend, path)
    assert other.admin.balances(COMPANY) == sandbox.admin.balances(COMPANY)
    assert other.admin.books(COMPANY) == {"closed_through": "02/28/2025", "interentity": False}
    caller = Caller(httpx.Client(transport=other.transport()), other.endpoint, books.creds)
    number = created(caller, batch(entry("6300", 1, "1"), entry("2100", -1, "1")))
    assert read(caller, "GLBATCH", number).findtext("BATCHNO") == "2"


# --- entities -----------------------------------------------------------------------------


def test_entity_sessions_see_their_own_ledger(sandbox: Sandbox, http: httpx.Client) -> None:
    creds = sandbox.quickstart(QuickstartCredentials(company_id="MEGA"), mega=True)
    admin = sandbox.admin
    admin.add_entity("MEGA", "E100", "East")
    admin.add_entity("MEGA", "E200", "West")
    admin.seed("MEGA", "GLACCOUNT", [{"ACCOUNTNO": "6300", "TITLE": "Freight"},
                                     {"ACCOUNTNO": "2100", "TITLE": "Accrued"}])  # fmt: skip
    admin.seed("MEGA", "GLJOURNAL", [{"SYMBOL": "GJ", "TITLE": "General journal"}])
    east = Caller(http, sandbox.endpoint, creds, location_id="E100")
    west = Caller(http, sandbox.endpoint, creds, location_id="E200")
    top = Caller(http, sandbox.endpoint, creds)
    created(east, batch(entry("6300", 1, "5", LOCATION="E100"),
                        entry("2100", -1, "5", LOCATION="E100")))  # fmt: skip
    query = "<readByQuery><object>GLDETAIL</object><fields>ENTITY</fields><query/></readByQuery>"
    assert column(east.ok(query).data(), "gldetail", "ENTITY") == ["E100", "E100"]
    assert column(west.ok(query).data(), "gldetail", "ENTITY") == []
    assert len(column(top.ok(query).data(), "gldetail", "ENTITY")) == 2
    assert admin.balances("MEGA", by=["ENTITY"]) == [
        {"ENTITY": "E100", "debit": "5.00", "credit": "5.00", "net": "0.00", "lines": 2}
    ]
    refused = west.call(
        create(batch(entry("6300", 1, "5", LOCATION="E100"), entry("2100", -1, "5",
                                                                 LOCATION="E200")))
    )  # fmt: skip
    assert refused.errors()[0][2:] == (
        "Location 'E100' belongs to entity E100; this session works in entity E200.",
        "Post to a location of the session's entity, or sign in at the top level.",
    )


# --- every accounting object reads like any other object ---------------------------------------

ACCOUNTING = (
    "GLBATCH", "GLDETAIL", "APBILL", "APADJUSTMENT", "APPYMT", "ARINVOICE", "ARADJUSTMENT",
    "ARPYMT", "ARADVANCE",
)  # fmt: skip


@pytest.mark.parametrize("object_name", ACCOUNTING)
def test_accounting_objects_describe_and_read_generically(books: Caller, object_name: str) -> None:
    _activity(books)
    inspected = books.ok(f'<inspect detail="1"><object>{object_name}</object></inspect>').data()
    names = [field.findtext("Name") or "" for field in inspected.iter("Field")]
    assert {"RECORDNO", "RECORD_URL"} <= set(names)
    looked = books.ok(f"<lookup><object>{object_name}</object></lookup>").data()
    described = looked.find("Type")
    assert described is not None and described.get("Name") == object_name
    books.ok(f"<readByQuery><object>{object_name}</object><fields>*</fields><query/></readByQuery>")
    select = "".join(f"<field>{name}</field>" for name in names)
    books.ok(f"<query><object>{object_name}</object><select>{select}</select></query>")
