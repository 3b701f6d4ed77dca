"""AP bills and adjustments, AR invoices and adjustments through the gateway: the generic
and the legacy create functions, totals, due dates, states, GL postings, and the rules with
their exact errors (a refused document changes nothing)."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.objects.subledger import due_date
from tests.sandbox.books import (
    COMPANY,
    bill,
    companion,
    create,
    created,
    invoice,
    key_of,
    ledger_rows,
    legacy_date,
    line,
    net,
    read,
    snapshot,
    totals,
)
from tests.sandbox.envelope import Caller
from tests.sandbox.xmlbits import attrs, children, column


def _refused(
    sandbox: Sandbox,
    caller: Caller,
    body: str,
    errors: list[tuple[str, str, str, str]],
) -> None:
    before = snapshot(sandbox)
    reply = caller.call(body)
    assert reply.result().findtext("status") == "failure"
    assert reply.errors() == errors
    assert snapshot(sandbox) == before


def _bill3(**header: str) -> str:
    return bill(
        "V200",
        line("6300", "812.40", ENTRYDESCRIPTION="Steel plate"),
        line("6500", "10.005"),
        line("5300", "0.10"),
        **header,
    )


# --- AP bills ---------------------------------------------------------------------------------


def test_bill_create_reply_and_read_back(books: Caller) -> None:
    reply = books.ok(create(_bill3(RECORDID="INV-5531", DOCNUMBER="PO-7781")))
    data = reply.data()
    assert children(data) == ["apbill"]
    assert children(data[0]) == ["RECORDNO"]
    number = int(data[0].findtext("RECORDNO") or 0)
    record = read(books, "APBILL", number)
    assert totals(record) == ("822.51", "0.00", "822.51", "Posted")
    assert record.findtext("TRX_TOTALENTERED") == "822.51"
    assert record.findtext("TRX_TOTALDUE") == "822.51"
    assert record.findtext("VENDORNAME") == "Freight Co"
    assert record.findtext("RECORDID") == "INV-5531"
    assert record.findtext("DOCNUMBER") == "PO-7781"
    assert record.findtext("WHENCREATED") == "03/15/2025"
    assert record.findtext("WHENPOSTED") == "03/15/2025"
    assert record.findtext("WHENDUE") == "04/14/2025"
    assert record.findtext("RECORDTYPE") == "pi"
    assert record.findtext("AUWHENCREATED")
    assert record.findtext("RECORD_URL") == (
        f"https://www.intacct.com/ia/acct/apbill.phtml?.r={number}&.company={COMPANY}"
    )
    items = record.findall("APBILLITEMS/APBILLITEM")
    assert [i.findtext("LINE_NO") for i in items] == ["1", "2", "3"]
    assert [i.findtext("TRX_AMOUNT") for i in items] == ["812.40", "10.01", "0.10"]
    assert {i.findtext("RECORDKEY") for i in items} == {str(number)}
    assert {i.findtext("OFFSETGLACCOUNTNO") for i in items} == {"2000"}
    assert len({i.findtext("RECORDNO") for i in items}) == 3


def test_bill_posts_expenses_against_payables(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, _bill3())
    rows = ledger_rows(sandbox, number)
    assert len(rows) == 6
    assert net(rows, "6300") == Decimal("812.40")
    assert net(rows, "6500") == Decimal("10.01")
    assert net(rows, "2000") == Decimal("-822.51")
    assert {(r["JOURNAL"], r["MODULEKEY"], r["RECORDTYPE"]) for r in rows} == {
        ("APJ", "3.AP", "pi")
    }
    assert {r["VENDORID"] for r in rows} == {"V200"}  # the bill's vendor fills the dimension


def test_the_vendors_offset_account_wins(sandbox: Sandbox, books: Caller) -> None:
    books.ok("<update><VENDOR><VENDORID>V200</VENDORID>"
             "<OFFSETGLACCOUNTNO>2100</OFFSETGLACCOUNTNO></VENDOR></update>")  # fmt: skip
    number = created(books, bill("V200", line("6300", "5")))
    assert net(ledger_rows(sandbox, number), "2100") == Decimal("-5.00")
    other = created(books, bill("V200", line("6300", "5", OFFSETGLACCOUNTNO="2300")))
    assert net(ledger_rows(sandbox, other), "2300") == Decimal("-5.00")


def test_due_date_comes_from_the_term(books: Caller) -> None:
    number = created(books, bill("V200", line("6300", "5"), WHENDUE=None, TERMNAME="N15"))
    record = read(books, "APBILL", number)
    assert (record.findtext("TERMNAME"), record.findtext("WHENDUE")) == ("N15", "03/30/2025")


def test_due_date_comes_from_the_vendors_term(books: Caller) -> None:
    number = created(books, bill("V100", line("6300", "5"), WHENDUE=None))
    record = read(books, "APBILL", number)
    assert (record.findtext("TERMNAME"), record.findtext("WHENDUE")) == ("N30", "04/14/2025")


def test_a_given_due_date_wins_over_the_term(books: Caller) -> None:
    number = created(books, bill("V100", line("6300", "5"), WHENDUE="05/01/2025"))
    assert read(books, "APBILL", number).findtext("WHENDUE") == "05/01/2025"


def test_a_bill_needs_a_due_date_or_a_term(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        create(bill("V200", line("6300", "5"), WHENDUE=None)),
        [
            ("BL01001973", "", "Required field WHENDUE (Due date) is missing.",
             "Provide a value for WHENDUE."),
            companion("apbill"),
        ],
    )  # fmt: skip


def test_an_unknown_vendor_fails_and_changes_nothing(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        create(bill("V999", line("6300", "5"))),
        [
            ("BL01001973", "", "Invalid Vendor 'V999' specified.",
             "Create the vendor 'V999' first, or use an existing VENDORID."),
            companion("apbill"),
        ],
    )  # fmt: skip


def test_an_inactive_vendor_fails(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        create(bill("VM", line("6300", "5"))),
        [
            ("BL01001973", "", "Vendor 'VM' is inactive.",
             "Activate the vendor VM, then try again."),
            companion("apbill"),
        ],
    )  # fmt: skip


def test_bill_lines_obey_the_account_rules(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        create(bill("V200", line("6000", "5"))),
        [
            ("BL01001973", "",
             "This transaction is missing the Department dimension for the Account 6000",
             "Provide the department on every line that uses account 6000 (the account "
             "requires it)."),
            companion("apbill"),
        ],
    )  # fmt: skip
    _refused(
        sandbox,
        books,
        create(bill("V200", line("6910", "5"))),
        [
            ("BL01001973", "", "Account '6910' is inactive.",
             "Activate the account 6910, then try again."),
            companion("apbill"),
        ],
    )  # fmt: skip
    created(books, bill("V200", line("6000", "5", DEPARTMENTID="ADM")))


def test_a_bill_line_needs_an_account_and_an_amount(sandbox: Sandbox, books: Caller) -> None:
    body = bill("V200", {"TRX_AMOUNT": "5"})
    _refused(
        sandbox,
        books,
        create(body),
        [
            ("BL01001973", "", "Required field ACCOUNTNO is missing on line 1 of APBILLITEMS.",
             "Provide ACCOUNTNO on every line."),
            companion("apbill"),
        ],
    )  # fmt: skip
    _refused(
        sandbox,
        books,
        create(bill("V200", {"ACCOUNTNO": "6300"})),
        [
            ("BL01001973", "",
             "Required field TRX_AMOUNT is missing on line 1 of APBILLITEMS.",
             "Provide TRX_AMOUNT on every line."),
            companion("apbill"),
        ],
    )  # fmt: skip


def test_a_bill_cannot_total_less_than_zero(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        create(bill("V200", line("6300", "5"), line("6500", "-6"))),
        [
            ("BL01001973", "", "The total of a bill cannot be negative (it is -1.00).",
             "Use an adjustment (credit memo) for a negative bill."),
            companion("apbill"),
        ],
    )  # fmt: skip
    number = created(books, bill("V200", line("6300", "5"), line("6500", "-2")))
    assert totals(read(books, "APBILL", number))[:3] == ("3.00", "0.00", "3.00")


def test_a_closed_period_refuses_a_bill(sandbox: Sandbox, books: Caller) -> None:
    sandbox.admin.close_period(COMPANY, through="03/31/2025")
    _refused(
        sandbox,
        books,
        create(bill("V200", line("6300", "5"), WHENPOSTED="03/31/2025")),
        [
            ("BL01001973", "",
             "Periods are closed.  Your transaction date (03/31/2025) is within a period "
             "that's been closed.  You can add, modify, or delete a transaction only if the "
             "date of the transaction is within a period that's open.",
             "Use a date in an open period, or have an administrator reopen the period."),
            companion("apbill"),
        ],
    )  # fmt: skip
    created(books, bill("V200", line("6300", "5"), WHENPOSTED="04/01/2025"))


def test_a_draft_bill_posts_nothing_and_needs_no_due_date(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, bill("V200", line("6300", "5"), WHENDUE=None, ACTION="Draft"))
    assert totals(read(books, "APBILL", number)) == ("5.00", "0.00", "5.00", "Draft")
    assert ledger_rows(sandbox, number) == []
    books.ok(
        f"<update><APBILL><RECORDNO>{number}</RECORDNO><ACTION>Submit</ACTION>"
        "<WHENDUE>04/30/2025</WHENDUE></APBILL></update>"
    )
    assert read(books, "APBILL", number).findtext("STATE") == "Posted"
    assert len(ledger_rows(sandbox, number)) == 2


def test_bill_update_replaces_lines_totals_and_postings(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, _bill3())
    reply = books.ok(
        f"<update><APBILL><RECORDNO>{number}</RECORDNO><APBILLITEMS>"
        "<APBILLITEM><ACCOUNTNO>6300</ACCOUNTNO><TRX_AMOUNT>100</TRX_AMOUNT></APBILLITEM>"
        "</APBILLITEMS></APBILL></update>"
    )
    assert children(reply.data()) == ["apbill"]
    assert totals(read(books, "APBILL", number)) == ("100.00", "0.00", "100.00", "Posted")
    rows = ledger_rows(sandbox, number)
    assert [(r["ACCOUNTNO"], r["TR_TYPE"], r["AMOUNT"]) for r in rows] == [
        ("6300", "1", "100.00"),
        ("2000", "-1", "100.00"),
    ]


def test_bill_delete_generic_and_legacy(sandbox: Sandbox, books: Caller) -> None:
    first = created(books, _bill3())
    second = created(books, _bill3())
    books.ok(f"<delete><object>APBILL</object><keys>{first}</keys></delete>")
    reply = books.ok(f'<delete_bill key="{second}"/>')
    assert key_of(reply) == str(second)
    assert ledger_rows(sandbox, first) == ledger_rows(sandbox, second) == []
    assert books.call('<delete_bill key="999999"/>').errors() == [
        ("BL01001973", "", "Cannot find bill with key '999999' to delete.", "")
    ]


def test_legacy_create_bill(sandbox: Sandbox, books: Caller) -> None:
    body = (
        "<create_bill><vendorid>V100</vendorid>"
        + legacy_date("datecreated", "03/15/2025")
        + "<termname>N30</termname><billno>B-77</billno><ponumber>PO-1</ponumber>"
        "<description>Steel</description><billitems>"
        "<lineitem><glaccountno>6000</glaccountno><amount>250.255</amount><memo>Labor</memo>"
        "<departmentid>PRD</departmentid></lineitem>"
        "<lineitem><glaccountno>6300</glaccountno><amount>49.75</amount></lineitem>"
        "</billitems></create_bill>"
    )
    reply = books.ok(body)
    number = int(key_of(reply))
    record = read(books, "APBILL", number)
    assert totals(record) == ("300.01", "0.00", "300.01", "Posted")
    assert (record.findtext("RECORDID"), record.findtext("DOCNUMBER")) == ("B-77", "PO-1")
    assert record.findtext("WHENDUE") == "04/14/2025"
    items = record.findall("APBILLITEMS/APBILLITEM")
    assert [i.findtext("ENTRYDESCRIPTION") for i in items] == ["Labor", None]
    assert items[0].findtext("DEPARTMENTID") == "PRD"
    assert len(ledger_rows(sandbox, number)) == 4


def test_legacy_create_bill_refuses_unknown_elements_and_bad_dates(
    sandbox: Sandbox, books: Caller
) -> None:
    items = "<billitems><lineitem><glaccountno>6300</glaccountno><amount>1</amount></lineitem>"
    items += "</billitems>"
    start = "<create_bill><vendorid>V100</vendorid>"
    before = snapshot(sandbox)
    reply = books.call(
        f"{start}{legacy_date('datecreated', '03/15/2025')}<termname>N30</termname>"
        f"<bogus>1</bogus>{items}</create_bill>"
    )
    # An element the DTD does not allow refuses the whole request before anything runs.
    assert reply.results == []
    ((errorno, _description, text, _fix),) = reply.control_errors
    assert errorno == "XL03000003"
    assert text.startswith("XML Parse schema error: Element create_bill content does not follow")
    assert text.endswith("got (vendorid datecreated termname bogus billitems).")
    assert snapshot(sandbox) == before
    _refused(
        sandbox,
        books,
        f"{start}{legacy_date('datecreated', '02/30/2025')}<termname>N30</termname>{items}"
        "</create_bill>",
        [("BL01001973", "", "<datecreated> is not a valid date (year '2025', month '02', "
          "day '30').", "Give <datecreated><year>YYYY</year><month>MM</month><day>DD</day>"
          "</datecreated>.")],
    )  # fmt: skip


def test_bills_are_queryable_by_totals(books: Caller) -> None:
    small = created(books, bill("V200", line("6300", "5")))
    created(books, bill("V200", line("6300", "500")))
    data = books.ok(
        "<query><object>APBILL</object><select><field>RECORDNO</field><field>TOTALDUE</field>"
        "<field>STATE</field></select><filter><lessthan><field>TOTALDUE</field>"
        "<value>100</value></lessthan></filter></query>"
    ).data()
    assert column(data, "APBILL", "RECORDNO") == [str(small)]
    assert column(data, "APBILL", "STATE") == ["Posted"]


def test_mega_bill_lines_need_a_location(sandbox: Sandbox, http: httpx.Client) -> None:
    creds = sandbox.quickstart(QuickstartCredentials(company_id="MEGA"), mega=True)
    sandbox.admin.add_entity("MEGA", "E100", "East")
    sandbox.admin.seed("MEGA", "GLACCOUNT", [{"ACCOUNTNO": "6300", "TITLE": "Freight"}])
    sandbox.admin.seed(
        "MEGA", "VENDOR", [{"VENDORID": "V1", "NAME": "One", "DISPLAYCONTACT.PRINTAS": "One"}]
    )
    caller = Caller(http, sandbox.endpoint, creds)
    assert caller.call(create(bill("V1", line("6300", "5")))).errors()[0][2] == (
        "Required field LOCATIONID is missing on line 1 of APBILLITEMS."
    )
    number = created(caller, bill("V1", line("6300", "5", LOCATIONID="E100")))
    rows = ledger_rows(sandbox, number, "MEGA")
    assert [(r["ACCOUNTNO"], r.get("ENTITY")) for r in rows] == [("6300", "E100"), ("", "E100")]


def test_ap_module_off_hides_bills(sandbox: Sandbox, http: httpx.Client) -> None:
    creds = sandbox.quickstart(QuickstartCredentials(company_id="GLONLY"), modules={"gl"})
    caller = Caller(http, sandbox.endpoint, creds)
    for body in (create(bill("V1", line("6300", "5"))), '<delete_bill key="1"/>'):
        assert caller.call(body).errors() == [
            ("Query Failed", "", "Object definition APBILL not found", "")
        ]


# --- AP adjustments ---------------------------------------------------------------------------


def _apadjustment(*amounts: str, vendor: str = "V200") -> str:
    items = "".join(
        f"<lineitem><glaccountno>6300</glaccountno><amount>{amount}</amount></lineitem>"
        for amount in amounts
    )
    return (
        f"<create_apadjustment><vendorid>{vendor}</vendorid>"
        + legacy_date("datecreated", "03/20/2025")
        + f"<adjustmentno>ADJ-1</adjustmentno><apadjustmentitems>{items}</apadjustmentitems>"
        "</create_apadjustment>"
    )


def test_ap_adjustment_credit_memo(sandbox: Sandbox, books: Caller) -> None:
    number = int(key_of(books.ok(_apadjustment("-40", "-2.5"))))
    record = read(books, "APADJUSTMENT", number)
    assert totals(record) == ("-42.50", "0.00", "-42.50", "Posted")
    assert (record.findtext("RECORDID"), record.findtext("RECORDTYPE")) == ("ADJ-1", "pa")
    rows = ledger_rows(sandbox, number)
    assert net(rows, "2000") == Decimal("42.50")  # reduces what is owed
    assert net(rows, "6300") == Decimal("-42.50")


def test_ap_adjustment_lines_share_one_sign(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        _apadjustment("40", "-2"),
        [
            ("BL01001973", "",
             "The lines of an ap adjustment must all be positive (a debit memo) or all be "
             "negative (a credit memo).",
             "Send the debit memo and the credit memo as two adjustments."),
            companion("apadjustment"),
        ],
    )  # fmt: skip


def test_ap_adjustment_has_no_generic_create(sandbox: Sandbox, books: Caller) -> None:
    body = create(
        "<APADJUSTMENT><VENDORID>V200</VENDORID><WHENCREATED>03/20/2025</WHENCREATED>"
        "<APADJUSTMENTITEMS><APADJUSTMENTITEM><ACCOUNTNO>6300</ACCOUNTNO>"
        "<TRX_AMOUNT>5</TRX_AMOUNT></APADJUSTMENTITEM></APADJUSTMENTITEMS></APADJUSTMENT>"
    )
    _refused(
        sandbox,
        books,
        body,
        [
            ("BL01001973", "",
             "The APADJUSTMENT object cannot be created with the generic create function.",
             "Use the legacy create_apadjustment function."),
        ],
    )  # fmt: skip


def test_ap_adjustment_delete(sandbox: Sandbox, books: Caller) -> None:
    number = key_of(books.ok(_apadjustment("-5")))
    assert key_of(books.ok(f'<delete_apadjustment key="{number}"/>')) == number
    assert ledger_rows(sandbox, int(number)) == []


# --- AR invoices ------------------------------------------------------------------------------


def _create_invoice(customer: str = "C100", *extra: str) -> str:
    return (
        f"<create_invoice><customerid>{customer}</customerid>"
        + legacy_date("datecreated", "03/15/2025")
        + "<termname>N30</termname><action>Submit</action><invoiceno>INV-1001</invoiceno>"
        "<ponumber>PO-9</ponumber>" + "".join(extra) + "<invoiceitems>"
        "<lineitem><glaccountno>4200</glaccountno><amount>100.005</amount>"
        "<memo>Freight</memo><locationid>HQ</locationid></lineitem>"
        "<lineitem><glaccountno>4200</glaccountno><amount>20</amount></lineitem>"
        "</invoiceitems></create_invoice>"
    )


def test_legacy_create_invoice_returns_the_key(sandbox: Sandbox, books: Caller) -> None:
    reply = books.ok(_create_invoice())
    number = int(key_of(reply))
    assert reply.result().find("data") is None
    record = read(books, "ARINVOICE", number)
    assert totals(record) == ("120.01", "0.00", "120.01", "Posted")
    assert record.findtext("CUSTOMERNAME") == "Acme Retail"
    assert record.findtext("RECORDID") == "INV-1001"
    assert record.findtext("DOCNUMBER") == "PO-9"
    assert record.findtext("WHENDUE") == "04/14/2025"
    assert record.findtext("RECORDTYPE") == "ri"
    assert record.findtext("CONTACT/CONTACTNAME") == "Acme Retail(CC100)"
    assert record.findtext("CONTACT/EMAIL1") == "ap@acme.example"
    assert record.findtext("BILLTO/CONTACTNAME") == "Acme Retail(CC100)"
    rows = ledger_rows(sandbox, number)
    assert net(rows, "1100") == Decimal("120.01")
    assert net(rows, "4200") == Decimal("-120.01")
    assert {r["CUSTOMERID"] for r in rows} == {"C100"}
    assert {r["JOURNAL"] for r in rows} == {"ARJ"}


def test_generic_invoice_create_is_accepted(sandbox: Sandbox, books: Caller) -> None:
    reply = books.ok(create(invoice("C200", line("4200", "75"), RECORDID="G-1")))
    assert children(reply.data()) == ["arinvoice"]
    number = int(reply.data()[0].findtext("RECORDNO") or 0)
    assert totals(read(books, "ARINVOICE", number)) == ("75.00", "0.00", "75.00", "Posted")


def test_invoice_query_with_dotted_contact_fields(books: Caller) -> None:
    created(books, invoice("C100", line("4200", "75")))
    data = books.ok(
        "<query><object>ARINVOICE</object><select><field>CUSTOMERID</field>"
        "<field>CONTACT.EMAIL1</field><field>TOTALDUE</field></select></query>"
    ).data()
    assert data[0].findtext("CONTACT.EMAIL1") == "ap@acme.example"
    assert data[0].findtext("TOTALDUE") == "75.00"


def test_invoice_refusals(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        _create_invoice("CX"),
        [
            ("BL01001973", "", "Customer 'CX' is inactive.",
             "Activate the customer CX, then try again."),
            companion("arinvoice"),
        ],
    )  # fmt: skip
    _refused(
        sandbox,
        books,
        _create_invoice("C404"),
        [
            ("BL01001973", "", "Invalid Customer 'C404' specified.",
             "Create the customer 'C404' first, or use an existing CUSTOMERID."),
            companion("arinvoice"),
        ],
    )  # fmt: skip
    # 4000 requires location, customer (filled by the invoice) and item
    _refused(
        sandbox,
        books,
        create(invoice("C100", line("4000", "5", LOCATIONID="HQ"))),
        [
            ("BL01001973", "",
             "This transaction is missing the Item dimension for the Account 4000",
             "Provide the item on every line that uses account 4000 (the account requires "
             "it)."),
            companion("arinvoice"),
        ],
    )  # fmt: skip
    created(books, invoice("C100", line("4000", "5", LOCATIONID="HQ", ITEMID="PUMP-1")))


def test_invoice_update_and_legacy_delete(sandbox: Sandbox, books: Caller) -> None:
    number = int(key_of(books.ok(_create_invoice())))
    books.ok(
        f"<update><ARINVOICE><RECORDNO>{number}</RECORDNO><DESCRIPTION>Corrected</DESCRIPTION>"
        "</ARINVOICE></update>"
    )
    record = read(books, "ARINVOICE", number)
    assert record.findtext("DESCRIPTION") == "Corrected"
    assert totals(record)[0] == "120.01"
    assert len(ledger_rows(sandbox, number)) == 4
    assert key_of(books.ok(f'<delete_invoice key="{number}"/>')) == str(number)
    assert ledger_rows(sandbox, number) == []


# --- AR adjustments ---------------------------------------------------------------------------


def _aradjustment(*amounts: str) -> str:
    items = "".join(
        f"<lineitem><glaccountno>4600</glaccountno><amount>{amount}</amount></lineitem>"
        for amount in amounts
    )
    return (
        "<create_aradjustment><customerid>C100</customerid>"
        + legacy_date("datecreated", "03/20/2025")
        + f"<aradjustmentitems>{items}</aradjustmentitems></create_aradjustment>"
    )


def test_ar_adjustments_debit_and_credit_memos(sandbox: Sandbox, books: Caller) -> None:
    debit = int(key_of(books.ok(_aradjustment("15"))))
    credit = int(key_of(books.ok(_aradjustment("-10", "-0.5"))))
    assert totals(read(books, "ARADJUSTMENT", debit)) == ("15.00", "0.00", "15.00", "Posted")
    assert totals(read(books, "ARADJUSTMENT", credit)) == (
        "-10.50",
        "0.00",
        "-10.50",
        "Posted",
    )
    assert net(ledger_rows(sandbox, debit), "1100") == Decimal("15.00")
    assert net(ledger_rows(sandbox, credit), "1100") == Decimal("-10.50")


def test_reads_of_many_documents_list_them_lower_case(books: Caller) -> None:
    for _ in range(3):
        created(books, invoice("C100", line("4200", "1")))
    data = books.ok(
        "<readByQuery><object>ARINVOICE</object><fields>RECORDNO,STATE</fields><query>"
        "STATE = 'P'</query><pagesize>2</pagesize></readByQuery>"
    ).data()
    assert attrs(data)["totalcount"] == "3"
    assert children(data) == ["arinvoice", "arinvoice"]


@pytest.mark.parametrize(
    ("created_on", "days", "due_from", "due"),
    [
        ("03/15/2025", 30, "from invoice/bill date", "04/14/2025"),
        ("03/15/2025", 30, "of the month of invoice/bill date", "03/30/2025"),
        ("01/31/2025", 31, "of next month from invoice/bill date", "02/28/2025"),
        ("03/15/2025", 5, "of 2nd month from invoice/bill date", "05/05/2025"),
        ("03/15/2025", 10, "after end of month of invoice/bill date", "04/10/2025"),
    ],
)
def test_due_date_rules(created_on: str, days: int, due_from: str, due: str) -> None:
    assert due_date(created_on, days, due_from) == due


def test_a_term_with_an_absurd_due_date_is_refused(sandbox: Sandbox, books: Caller) -> None:
    books.ok(
        "<create_apterm><name>FOREVER</name><due><dueday>99999999999</dueday>"
        "<duefrom>from invoice/bill date</duefrom></due></create_apterm>"
    )
    _refused(
        sandbox,
        books,
        create(bill("V200", line("6300", "5"), WHENDUE=None, TERMNAME="FOREVER")),
        [
            ("BL01001973", "",
             "The due date of term 'FOREVER' (99999999999 days) is out of range.",
             "Give WHENDUE, or use a term with a sensible number of days."),
            companion("apbill"),
        ],
    )  # fmt: skip
