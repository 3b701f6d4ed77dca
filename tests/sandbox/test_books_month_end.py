"""The month-end side of the books through the gateway: vendors' and customers' open
balances (TOTALDUE) after documents, adjustments and payments; duplicate bill numbers;
periods closed per module and per entity; inter-entity due-to / due-from lines; tax lines
on journal entries — each with a hand-computed expectation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.admin import AdminError, AdminNotFound
from intacct_bridge.sandbox.periods import closed_period_text
from tests.sandbox.books import (
    COMPANY,
    batch,
    bill,
    create,
    created,
    document,
    entries,
    entry,
    invoice,
    key_of,
    legacy_date,
    line,
    read,
    seed_books,
    snapshot,
    taxes,
    totals,
)
from tests.sandbox.envelope import Caller


@pytest.fixture
def books(sandbox: Sandbox, caller: Caller) -> Caller:
    seed_books(sandbox)
    return caller


def _due(caller: Caller, object_name: str, key: str) -> str:
    record = read(caller, object_name, _recordno(caller, object_name, key))
    return record.findtext("TOTALDUE") or ""


def _recordno(caller: Caller, object_name: str, key: str) -> str:
    data = caller.ok(
        f"<readByName><object>{object_name}</object><keys>{key}</keys>"
        "<fields>RECORDNO</fields></readByName>"
    ).data()
    return data[0].findtext("RECORDNO") or ""


def _refused(
    sandbox: Sandbox, caller: Caller, body: str, text: str, company: str = COMPANY
) -> None:
    before = snapshot(sandbox, company)
    reply = caller.call(create(body))
    assert reply.result().findtext("status") == "failure"
    assert reply.errors()[0][2] == text
    assert snapshot(sandbox, company) == before


def appymt(*details: dict[str, Any], **header: Any) -> str:
    fields = {"FINANCIALENTITY": "OPERATING", "PAYMENTMETHOD": "EFT",
              "PAYMENTDATE": "04/05/2025", "VENDORID": "V200", **header}  # fmt: skip
    return document("APPYMT", "APPYMTDETAILS", "APPYMTDETAIL", fields, list(details))


def arpymt(*details: dict[str, Any], **header: Any) -> str:
    fields = {"PAYMENTMETHOD": "Check", "RECEIPTDATE": "04/02/2025", "CURRENCY": "USD",
              "FINANCIALENTITY": "OPERATING", "CUSTOMERID": "C200", **header}  # fmt: skip
    return document("ARPYMT", "ARPYMTDETAILS", "ARPYMTDETAIL", fields, list(details))


# --- open balances ----------------------------------------------------------------------------


def test_vendor_total_due_follows_bills_adjustments_and_payments(
    sandbox: Sandbox, books: Caller
) -> None:
    assert _due(books, "VENDOR", "V200") == ""
    first = created(books, bill("V200", line("6300", "100.00")))
    second = created(books, bill("V200", line("6300", "50.00")))
    created(books, bill("V200", line("6300", "999.00"), ACTION="Draft"))  # drafts owe nothing
    assert _due(books, "VENDOR", "V200") == "150.00"
    credit = int(key_of(books.ok(
        "<create_apadjustment><vendorid>V200</vendorid>" + legacy_date("datecreated", "03/20/2025")
        + "<apadjustmentitems><lineitem><glaccountno>6300</glaccountno><amount>-30.00</amount>"
        "</lineitem></apadjustmentitems></create_apadjustment>"
    )))  # fmt: skip
    assert _due(books, "VENDOR", "V200") == "120.00"  # 100 + 50 - 30
    payment = created(books, appymt({"RECORDKEY": first, "TRX_PAYMENTAMOUNT": "60.00"}))
    assert _due(books, "VENDOR", "V200") == "60.00"  # 40 + 50 - 30
    created(books, appymt({"RECORDKEY": second, "ADJUSTMENTKEY": credit,
                           "TRX_ADJUSTMENTAMOUNT": "30.00"}))  # fmt: skip
    assert _due(books, "VENDOR", "V200") == "60.00"  # 40 + 20 + 0: a credit moves nothing
    books.ok(f"<delete><object>APPYMT</object><keys>{payment}</keys></delete>")
    assert _due(books, "VENDOR", "V200") == "120.00"  # 100 + 20 + 0
    books.ok(f"<delete><object>APBILL</object><keys>{first}</keys></delete>")
    assert _due(books, "VENDOR", "V200") == "20.00"
    assert _due(books, "VENDOR", "V100") == ""
    # the balance is queryable, as a credit-limit check would read it
    rows = books.ok(
        "<readByQuery><object>VENDOR</object><fields>VENDORID,TOTALDUE</fields>"
        "<query>TOTALDUE &gt; 0</query><pagesize>10</pagesize></readByQuery>"
    ).data()
    assert [(r.findtext("VENDORID"), r.findtext("TOTALDUE")) for r in rows] == [("V200", "20.00")]


def test_customer_total_due_nets_advances_and_unapplied_payments(
    sandbox: Sandbox, books: Caller
) -> None:
    number = created(books, invoice("C200", line("4200", "1000.00",
                                                 TAXENTRIES=taxes(("UK Sale Goods Standard Rate",
                                                                   None)))))  # fmt: skip
    assert _due(books, "CUSTOMER", "C200") == "1200.00"
    advance = created(books, document(
        "ARADVANCE", "ARADVANCEITEMS", "ARADVANCEITEM",
        {"CUSTOMERID": "C200", "PAYMENTMETHOD": "EFT", "RECEIPTDATE": "03/01/2025",
         "FINANCIALENTITY": "OPERATING"},
        [{"ACCOUNTNO": "2400", "TRX_AMOUNT": "300.00"}],
    ))  # fmt: skip
    assert _due(books, "CUSTOMER", "C200") == "900.00"
    books.ok(
        "<create_arpayment><customerid>C200</customerid><paymentamount>500.00</paymentamount>"
        "<bankaccountid>OPERATING</bankaccountid>" + legacy_date("datereceived", "04/02/2025")
        + f"<arpaymentitem><invoicekey>{number}</invoicekey><amount>400.00</amount>"
        "</arpaymentitem></create_arpayment>"
    )  # fmt: skip
    # invoice 800 left, advance 300 and unapplied 100 to use: 800 - 300 - 100
    assert _due(books, "CUSTOMER", "C200") == "400.00"
    created(books, arpymt({"RECORDKEY": number, "ADVANCEKEY": advance,
                           "TRX_POSTEDADVANCEAMOUNT": "300.00"}))  # fmt: skip
    assert totals(read(books, "ARINVOICE", number))[2] == "500.00"
    assert _due(books, "CUSTOMER", "C200") == "400.00"
    assert _due(books, "CUSTOMER", "C100") == ""


def test_refused_document_leaves_the_balance_alone(sandbox: Sandbox, books: Caller) -> None:
    created(books, bill("V200", line("6300", "10.00")))
    _refused(sandbox, books, bill("V200", line("6300", "5.00"), line("9999", "1")),
             "Account 9999 is not valid")  # fmt: skip
    assert _due(books, "VENDOR", "V200") == "10.00"


# --- duplicate bill numbers -------------------------------------------------------------------


def test_duplicate_bill_number_refused_per_ap_configuration(
    sandbox: Sandbox, books: Caller
) -> None:
    first = bill("V200", line("6300", "10.00"), RECORDID="INV-77")
    created(books, first)
    created(books, first)  # Intacct's default allows it
    sandbox.admin.set_duplicate_bills(COMPANY, "refuse")
    _refused(sandbox, books, first, "Bill number INV-77 already exists for vendor V200 (record "
             f"{_first_bill(sandbox)}).")  # fmt: skip
    # another vendor may use the same number; a new number is fine
    created(books, bill("V100", line("6300", "10.00"), RECORDID="INV-77"))
    created(books, bill("V200", line("6300", "10.00"), RECORDID="INV-78"))
    sandbox.admin.set_duplicate_bills(COMPANY, "warn")
    created(books, first)  # a warning: the XML API carries none, the bill is saved
    with pytest.raises(AdminError, match="policy must be one of allow, warn, refuse"):
        sandbox.admin.set_duplicate_bills(COMPANY, "sometimes")


def _first_bill(sandbox: Sandbox) -> int:
    table = sandbox.backend.companies[COMPANY].data.tables["APBILL"]
    return min(table.records)


# --- periods closed per module and entity -----------------------------------------------------


def test_ap_closed_while_gl_is_open(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, bill("V200", line("6300", "10.00"), WHENCREATED="03/10/2025"))
    settings = sandbox.admin.close_period(COMPANY, through="03/31/2025", module="ap")
    assert settings["closes"] == {"ap": "03/31/2025"}
    closed = closed_period_text("03/15/2025")
    _refused(sandbox, books, bill("V200", line("6300", "10.00")), closed)
    _refused(
        sandbox,
        books,
        appymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "10"}, PAYMENTDATE="03/31/2025"),
        closed_period_text("03/31/2025"),
    )
    before = snapshot(sandbox)
    reply = books.call(f"<delete><object>APBILL</object><keys>{number}</keys></delete>")
    assert reply.errors()[0][2] == closed_period_text("03/10/2025")
    assert snapshot(sandbox) == before
    # GL and AR are open: the month-end accrual and an invoice post
    created(books, batch(entry("6300", 1, "5"), entry("2100", -1, "5")))
    created(books, invoice("C200", line("4200", "5.00")))
    # April is open in AP
    created(books, bill("V200", line("6300", "10.00"), WHENCREATED="04/01/2025",
                        WHENDUE="04/30/2025"))  # fmt: skip
    # closing GL closes every subledger
    sandbox.admin.close_period(COMPANY, through="03/31/2025", module="gl")
    _refused(sandbox, books, invoice("C200", line("4200", "5.00")), closed)
    sandbox.admin.open_period(COMPANY, module="gl")
    created(books, invoice("C200", line("4200", "5.00")))
    sandbox.admin.open_period(COMPANY, from_date="03/11/2025", module="ap")
    assert sandbox.admin.accounting(COMPANY)["closes"] == {"ap": "03/10/2025"}
    created(books, bill("V200", line("6300", "10.00")))


def test_module_close_admin_checks(sandbox: Sandbox, books: Caller) -> None:
    with pytest.raises(AdminError, match="Cannot close module 'payroll'"):
        sandbox.admin.close_period(COMPANY, through="03/31/2025", module="payroll")
    with pytest.raises(AdminNotFound, match="has no entity 'E9'"):
        sandbox.admin.close_period(COMPANY, through="03/31/2025", module="ap", entity="E9")
    with pytest.raises(AdminError, match="Name the module"):
        sandbox.admin.close_period(COMPANY, through="03/31/2025", entity="E9")


# --- MEGA: closes per entity, inter-entity lines ----------------------------------------------


@pytest.fixture
def mega(sandbox: Sandbox, http: httpx.Client) -> Caller:
    creds = sandbox.quickstart(QuickstartCredentials(company_id="MEGA"), mega=True)
    admin = sandbox.admin
    admin.add_entity("MEGA", "E1", "East")
    admin.add_entity("MEGA", "E2", "West")
    admin.seed("MEGA", "GLACCOUNT", [
        {"ACCOUNTNO": "1200", "TITLE": "Stock"},
        {"ACCOUNTNO": "1230", "TITLE": "Goods in transit"},
        {"ACCOUNTNO": "1900", "TITLE": "Due from affiliates"},
        {"ACCOUNTNO": "2900", "TITLE": "Due to affiliates", "NORMALBALANCE": "credit"},
    ])  # fmt: skip
    admin.seed("MEGA", "GLJOURNAL", [{"SYMBOL": "GJ", "TITLE": "General journal"}])
    return Caller(http, sandbox.endpoint, creds)


def test_interentity_entry_gets_due_to_and_due_from_lines(sandbox: Sandbox, mega: Caller) -> None:
    sandbox.admin.set_interentity_accounts("MEGA", due_from="1900", due_to="2900")
    # J10 of the posting model: transfer receipt at E2, goods in transit leave E1
    number = created(mega, batch(
        entry("1200", 1, "100.00", LOCATION="E2"), entry("1230", -1, "100.00", LOCATION="E1"),
        BASELOCATION_NO="E1", title="Transfer receipt",
    ))  # fmt: skip
    assert entries(sandbox, number, "MEGA") == [
        ("1200", "100.00", "0.00"),
        ("1230", "0.00", "100.00"),
        ("1900", "100.00", "0.00"),  # E1: due from E2
        ("2900", "0.00", "100.00"),  # E2: due to E1
    ]
    balances = sandbox.admin.balances("MEGA", None, by=("ENTITY", "ACCOUNTNO"))
    assert [(b["ENTITY"], b["ACCOUNTNO"], b["net"]) for b in balances] == [
        ("E1", "1230", "-100.00"),
        ("E1", "1900", "100.00"),
        ("E2", "1200", "100.00"),
        ("E2", "2900", "-100.00"),
    ]
    per_entity = sandbox.admin.balances("MEGA", None, by=("ENTITY",))
    assert {(b["ENTITY"], b["net"]) for b in per_entity} == {("E1", "0.00"), ("E2", "0.00")}
    # the other way round: E2 based, credits in E1 more than debits -> E1 owed by E2
    reverse = created(mega, batch(
        entry("1230", 1, "40.00", LOCATION="E1"), entry("1200", -1, "40.00", LOCATION="E2"),
        BASELOCATION_NO="E2",
    ))  # fmt: skip
    assert entries(sandbox, reverse, "MEGA") == [
        ("1200", "0.00", "40.00"),
        ("1230", "40.00", "0.00"),
        ("1900", "40.00", "0.00"),  # E2: due from E1
        ("2900", "0.00", "40.00"),  # E1: due to E2
    ]
    rows = {
        (r["ENTITY"], r["ACCOUNTNO"]): Decimal(r["DEBITAMOUNT"]) - Decimal(r["CREDITAMOUNT"])
        for r in sandbox.backend.companies["MEGA"].data.tables["GLDETAIL"].records.values()
        if r.values["BATCHKEY"] == str(reverse)
        for r in [r.values]
    }
    assert rows[("E2", "1900")] == Decimal("40.00")
    assert rows[("E1", "2900")] == Decimal("-40.00")


def test_interentity_pair_without_accounts_is_refused(sandbox: Sandbox, mega: Caller) -> None:
    sandbox.admin.add_entity("MEGA", "E3", "North")
    sandbox.admin.set_interentity_accounts(
        "MEGA", due_from="1900", due_to="2900", entity="E1", other="E2"
    )
    body = batch(entry("1200", 1, "1", LOCATION="E3"), entry("1230", -1, "1", LOCATION="E1"),
                 BASELOCATION_NO="E1")  # fmt: skip
    _refused(sandbox, mega, body,
             "There are no inter-entity accounts for entity E3 and entity E1.", "MEGA")  # fmt: skip


def test_gl_closed_for_one_entity_only(sandbox: Sandbox, mega: Caller) -> None:
    sandbox.admin.close_period("MEGA", through="03/31/2025", module="gl", entity="E1")
    _refused(sandbox, mega,
             batch(entry("1200", 1, "1", LOCATION="E1"), entry("1230", -1, "1", LOCATION="E1")),
             closed_period_text("03/31/2025"), "MEGA")  # fmt: skip
    created(mega, batch(entry("1200", 1, "1", LOCATION="E2"), entry("1230", -1, "1",
                                                                    LOCATION="E2")))  # fmt: skip


# --- tax lines on journal entries -------------------------------------------------------------


def test_journal_entry_with_purchase_tax(sandbox: Sandbox, books: Caller) -> None:
    vat = taxes(("UK Purchase Goods Standard Rate", None))
    number = created(books, batch(
        entry("6300", 1, "100.00", TAXENTRIES=vat), entry("2100", -1, "120.00"),
        TAXIMPLICATIONS="Inbound",
    ))  # fmt: skip
    assert entries(sandbox, number) == [
        ("1400", "20.00", "0.00"),
        ("2100", "0.00", "120.00"),
        ("6300", "100.00", "0.00"),
    ]
    record = read(books, "GLBATCH", number)
    assert record.findtext("TAXSOLUTIONID") == "United Kingdom - VAT"
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "100.00", TAXENTRIES=vat), entry("2100", -1, "120.00")),
        "line 1 of ENTRIES has tax entries, but the journal entry's TAXIMPLICATIONS is 'None'.",
    )
    _refused(
        sandbox,
        books,
        batch(entry("6300", 1, "100.00", TAXENTRIES=vat), entry("2100", -1, "100.00"),
              TAXIMPLICATIONS="Inbound"),
        "The journal entry is not balanced: debits total 120.00 and credits total 100.00.",
    )  # fmt: skip


# --- approvals --------------------------------------------------------------------------------


def test_bill_through_approval(sandbox: Sandbox, books: Caller) -> None:
    admin = sandbox.admin
    assert admin.set_approvals(COMPANY, bills=True)["approvals"] == ["APBILL"]
    number = created(books, bill("V200", line("6300", "100.00")))
    assert totals(read(books, "APBILL", number))[3] == "Submitted"
    assert entries(sandbox, number) == []
    assert _due(books, "VENDOR", "V200") == ""
    _refused(
        sandbox,
        books,
        appymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "100.00"}),
        f"Record {number} cannot be paid: it is Submitted (bill approval).",
    )
    approved = admin.approve(COMPANY, "APBILL", number)
    assert approved["STATE"] == "Posted"
    assert not any(key.startswith("_") for key in approved)
    assert entries(sandbox, number) == [("2000", "0.00", "100.00"), ("6300", "100.00", "0.00")]
    assert _due(books, "VENDOR", "V200") == "100.00"
    created(books, appymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "100.00"}))
    assert totals(read(books, "APBILL", number))[3] == "Paid"
    with pytest.raises(AdminError, match="is Paid; only Submitted entries"):
        admin.approve(COMPANY, "APBILL", number)


def test_journal_entry_declined_then_resubmitted_and_approved(
    sandbox: Sandbox, books: Caller
) -> None:
    admin = sandbox.admin
    admin.set_approvals(COMPANY, journal_entries=True)
    number = created(books, batch(entry("6300", 1, "5"), entry("2100", -1, "5")))
    assert read(books, "GLBATCH", number).findtext("STATE") == "Submitted"
    assert entries(sandbox, number) == []
    assert admin.decline(COMPANY, "GLBATCH", number)["STATE"] == "Declined"
    assert entries(sandbox, number) == []
    books.ok(
        f"<update><GLBATCH><RECORDNO>{number}</RECORDNO><BATCH_TITLE>Fixed</BATCH_TITLE>"
        "</GLBATCH></update>"
    )
    assert read(books, "GLBATCH", number).findtext("STATE") == "Submitted"
    admin.close_period(COMPANY, through="03/31/2025", module="gl")
    with pytest.raises(AdminError, match="Periods are closed"):
        admin.approve(COMPANY, "GLBATCH", number)
    assert read(books, "GLBATCH", number).findtext("STATE") == "Submitted"
    admin.open_period(COMPANY, module="gl")
    admin.approve(COMPANY, "GLBATCH", number)
    record = read(books, "GLBATCH", number)
    assert (record.findtext("STATE"), record.findtext("BATCH_TITLE")) == ("Posted", "Fixed")
    assert entries(sandbox, number) == [("2100", "0.00", "5.00"), ("6300", "5.00", "0.00")]
    # approval off again: new entries post at once
    admin.set_approvals(COMPANY, journal_entries=False)
    direct = created(books, batch(entry("6300", 1, "1"), entry("2100", -1, "1")))
    assert read(books, "GLBATCH", direct).findtext("STATE") == "Posted"
    with pytest.raises(AdminError, match="Only GLBATCH, APBILL entries"):
        admin.approve(COMPANY, "ARINVOICE", number)


def test_month_end_settings_and_balances_survive_a_restart(
    sandbox: Sandbox, mega: Caller, tmp_path: Any
) -> None:
    from intacct_bridge.sandbox.persistence import load_state, save_state

    admin = sandbox.admin
    admin.set_interentity_accounts("MEGA", due_from="1900", due_to="2900", entity="E1", other="E2")
    admin.close_period("MEGA", through="02/28/2025", module="ap", entity="E2")
    admin.close_period("MEGA", through="01/31/2025", module="gl")
    admin.set_duplicate_bills("MEGA", "refuse")
    admin.set_approvals("MEGA", journal_entries=True)
    admin.set_base_currency("MEGA", "CAD")
    settings = admin.accounting("MEGA")
    assert settings["closes"] == {"ap:E2": "02/28/2025", "gl": "01/31/2025"}
    state = tmp_path / "state.json"
    save_state(sandbox.backend, state)
    restored = Sandbox()
    load_state(restored.backend, state)
    assert restored.admin.accounting("MEGA") == settings


def test_vendor_update_keeps_its_open_balance(sandbox: Sandbox, books: Caller) -> None:
    created(books, bill("V200", line("6300", "75.00")))
    books.ok(
        "<update><VENDOR><VENDORID>V200</VENDORID><NAME>Freight Company</NAME>"
        "<TOTALDUE>0</TOTALDUE></VENDOR></update>"
    )
    assert _due(books, "VENDOR", "V200") == "75.00"


def test_ap_closed_for_one_entity_refuses_its_payments(sandbox: Sandbox, mega: Caller) -> None:
    admin = sandbox.admin
    admin.seed("MEGA", "GLACCOUNT", [
        {"ACCOUNTNO": "2000", "TITLE": "AP", "ALTERNATIVEACCOUNT": "Payables account"},
        {"ACCOUNTNO": "1000", "TITLE": "Bank"},
    ])  # fmt: skip
    admin.seed("MEGA", "VENDOR", [{"VENDORID": "V1", "NAME": "Carrier",
                                   "DISPLAYCONTACT.PRINTAS": "Carrier"}])  # fmt: skip
    admin.seed("MEGA", "CHECKINGACCOUNT", [{"BANKACCOUNTID": "BANK", "BANKACCOUNTNO": "1",
                                            "GLACCOUNTNO": "1000"}])  # fmt: skip
    east = created(mega, bill("V1", line("1200", "10", LOCATIONID="E1")))
    west = created(mega, bill("V1", line("1200", "10", LOCATIONID="E2")))
    admin.close_period("MEGA", through="04/30/2025", module="ap", entity="E2")
    pay = {"FINANCIALENTITY": "BANK", "VENDORID": "V1", "PAYMENTDATE": "04/05/2025"}
    _refused(sandbox, mega, appymt({"RECORDKEY": west, "TRX_PAYMENTAMOUNT": "10"}, **pay),
             closed_period_text("04/05/2025"), "MEGA")  # fmt: skip
    created(mega, appymt({"RECORDKEY": east, "TRX_PAYMENTAMOUNT": "10"}, **pay))


def test_journal_entry_with_sales_tax_and_its_reversal(sandbox: Sandbox, books: Caller) -> None:
    sale = taxes(("UK Sale Goods Standard Rate", "30.00"))
    number = created(books, batch(
        entry("1000", 1, "180.00"), entry("4200", -1, "150.00", TAXENTRIES=sale),
        TAXIMPLICATIONS="Outbound", REVERSEDATE="04/01/2025",
    ))  # fmt: skip
    # Dr bank 180 / Cr freight billed 150 / Cr VAT payable 30 — and the reversal on 04/01
    assert entries(sandbox, number) == [
        ("1000", "0.00", "180.00"),
        ("1000", "180.00", "0.00"),
        ("2210", "0.00", "30.00"),
        ("2210", "30.00", "0.00"),
        ("4200", "0.00", "150.00"),
        ("4200", "150.00", "0.00"),
    ]
    _refused(
        sandbox,
        books,
        batch(entry("1000", 1, "120.00"), entry("4200", -1, "100.00",
              TAXENTRIES=taxes(("UK Purchase Goods Standard Rate", None)))
              , TAXIMPLICATIONS="Outbound"),
        "Tax detail 'UK Purchase Goods Standard Rate' on line 2 of ENTRIES is a purchase tax "
        "detail; journal entries with TAXIMPLICATIONS Outbound take sale (S) tax details.",
    )  # fmt: skip


def test_ar_closed_refuses_receipts_and_advances_but_not_bills(
    sandbox: Sandbox, books: Caller
) -> None:
    number = created(books, invoice("C200", line("4200", "50.00"), WHENCREATED="03/01/2025"))
    sandbox.admin.close_period(COMPANY, through="03/31/2025", module="ar")
    _refused(sandbox, books, arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "50"},
                                    RECEIPTDATE="03/31/2025"),
             closed_period_text("03/31/2025"))  # fmt: skip
    _refused(sandbox, books, document(
        "ARADVANCE", "ARADVANCEITEMS", "ARADVANCEITEM",
        {"CUSTOMERID": "C200", "PAYMENTMETHOD": "EFT", "RECEIPTDATE": "03/05/2025",
         "FINANCIALENTITY": "OPERATING"},
        [{"ACCOUNTNO": "2400", "TRX_AMOUNT": "10.00"}],
    ), closed_period_text("03/05/2025"))  # fmt: skip
    created(books, bill("V200", line("6300", "10.00")))
    created(books, arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "50"}))  # April is open
