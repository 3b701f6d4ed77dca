"""Payments through the gateway: AR payments and advances applied to invoices, credit memos,
unapplied payments (legacy create_arpayment / apply_arpayment), AP payments to bills — and
how TOTALPAID, TOTALDUE and STATE of the documents move, as a bridge reading them sees it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from intacct_bridge.sandbox import Sandbox
from tests.sandbox.books import (
    COMPANY,
    bill,
    companion,
    create,
    created,
    document,
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
from tests.sandbox.xmlbits import children


def arpymt(*details: dict[str, Any], **header: Any) -> str:
    fields = {
        "PAYMENTMETHOD": "Printed Check",
        "RECEIPTDATE": "04/02/2025",
        "CURRENCY": "USD",
        "FINANCIALENTITY": "OPERATING",
        "CUSTOMERID": "C100",
        **header,
    }
    return document("ARPYMT", "ARPYMTDETAILS", "ARPYMTDETAIL", fields, list(details))


def appymt(*details: dict[str, Any], **header: Any) -> str:
    fields = {
        "FINANCIALENTITY": "OPERATING",
        "PAYMENTMETHOD": "EFT",
        "PAYMENTDATE": "04/05/2025",
        "VENDORID": "V200",
        **header,
    }
    return document("APPYMT", "APPYMTDETAILS", "APPYMTDETAIL", fields, list(details))


def advance(amount: str, **header: Any) -> str:
    fields = {
        "CUSTOMERID": "C100",
        "PAYMENTMETHOD": "EFT",
        "RECEIPTDATE": "03/01/2025",
        "FINANCIALENTITY": "OPERATING",
        **header,
    }
    items = [{"ACCOUNTNO": "2400", "TRX_AMOUNT": amount, "ENTRYDESCRIPTION": "Deposit"}]
    return document("ARADVANCE", "ARADVANCEITEMS", "ARADVANCEITEM", fields, items)


def _invoice(books: Caller, *amounts: str, customer: str = "C100") -> int:
    return created(books, invoice(customer, *(line("4200", a) for a in amounts)))


def _refused(
    sandbox: Sandbox, caller: Caller, body: str, text: str, fix: str, object_name: str
) -> None:
    before = snapshot(sandbox)
    reply = caller.call(create(body))
    assert reply.errors() == [("BL01001973", "", text, fix), companion(object_name)]
    assert snapshot(sandbox) == before


# --- AR payments ------------------------------------------------------------------------------


def test_partial_then_full_payment(sandbox: Sandbox, books: Caller) -> None:
    number = _invoice(books, "100", "20.01")
    reply = books.ok(create(arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "50"})))
    assert children(reply.data()) == ["arpymt"]
    payment = int(reply.data()[0].findtext("RECORDNO") or 0)
    record = read(books, "ARINVOICE", number)
    assert totals(record) == ("120.01", "50.00", "70.01", "Partially Paid")
    assert record.findtext("TRX_TOTALPAID") == "50.00"
    assert record.findtext("WHENPAID") == ""
    items = record.findall("ARINVOICEITEMS/ARINVOICEITEM")
    assert [i.findtext("TOTALPAID") for i in items] == ["50.00", "0.00"]

    books.ok(create(arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "70.01"},
                           RECEIPTDATE="04/20/2025")))  # fmt: skip
    record = read(books, "ARINVOICE", number)
    assert totals(record) == ("120.01", "120.01", "0.00", "Paid")
    assert record.findtext("WHENPAID") == "04/20/2025"

    paid = read(books, "ARPYMT", payment)
    assert totals(paid) == ("50.00", "50.00", "0.00", "Posted")
    assert (paid.findtext("RECORDTYPE"), paid.findtext("WHENCREATED")) == ("rp", "04/02/2025")
    assert paid.findtext("CUSTOMERNAME") == "Acme Retail"
    detail = paid.find("ARPYMTDETAILS/ARPYMTDETAIL")
    assert detail is not None
    assert (detail.findtext("RECORDKEY"), detail.findtext("PAYMENTAMOUNT")) == (
        str(number),
        "50.00",
    )
    rows = ledger_rows(sandbox, payment)
    assert net(rows, "1000") == Decimal("50.00")
    assert net(rows, "1100") == Decimal("-50.00")
    assert {(r["JOURNAL"], r["RECORDTYPE"]) for r in rows} == {("CRJ", "rp")}


def test_one_payment_for_several_invoices(books: Caller) -> None:
    first, second = _invoice(books, "10"), _invoice(books, "20")
    books.ok(create(arpymt({"RECORDKEY": first, "TRX_PAYMENTAMOUNT": "10"},
                           {"RECORDKEY": second, "TRX_PAYMENTAMOUNT": "5"})))  # fmt: skip
    assert totals(read(books, "ARINVOICE", first))[3] == "Paid"
    assert totals(read(books, "ARINVOICE", second))[1:] == ("5.00", "15.00", "Partially Paid")


def test_paying_one_line_with_entrykey(books: Caller) -> None:
    number = _invoice(books, "10", "20")
    items = read(books, "ARINVOICE", number).findall("ARINVOICEITEMS/ARINVOICEITEM")
    second = items[1].findtext("RECORDNO")
    books.ok(create(arpymt({"RECORDKEY": number, "ENTRYKEY": second, "TRX_PAYMENTAMOUNT": "15"})))
    items = read(books, "ARINVOICE", number).findall("ARINVOICEITEMS/ARINVOICEITEM")
    assert [i.findtext("TOTALPAID") for i in items] == ["0.00", "15.00"]


def test_over_application_is_refused(sandbox: Sandbox, books: Caller) -> None:
    number = _invoice(books, "120.01")
    _refused(
        sandbox,
        books,
        arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "200"}),
        f"The amount to apply to invoice {number} (200.00) exceeds total amount due (120.01).",
        "Apply no more than the document's TOTALDUE.",
        "arpymt",
    )


def test_paying_a_paid_invoice_is_refused(sandbox: Sandbox, books: Caller) -> None:
    number = _invoice(books, "10")
    books.ok(create(arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "10"})))
    _refused(
        sandbox,
        books,
        arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "1"}),
        "Payment cannot be processed because one or more invoices are already paid",
        f"Remove the paid invoice {number} from the payment.",
        "arpymt",
    )


def test_payment_rules(sandbox: Sandbox, books: Caller) -> None:
    mine, theirs = _invoice(books, "10"), _invoice(books, "10", customer="C200")
    cases = [
        (
            arpymt({"RECORDKEY": theirs, "TRX_PAYMENTAMOUNT": "1"}),
            f"The invoice {theirs} belongs to customer C200, not C100.",
            "Pay the invoices of one customer per payment.",
        ),
        (
            arpymt({"RECORDKEY": "999999", "TRX_PAYMENTAMOUNT": "1"}),
            "Invalid invoice '999999' specified.",
            "Give the RECORDNO of an existing invoice.",
        ),
        (
            arpymt({"RECORDKEY": mine, "TRX_PAYMENTAMOUNT": "0"}),
            "TRX_PAYMENTAMOUNT on line 1 of ARPYMTDETAILS must be more than zero; got 0.",
            "",
        ),
        (
            arpymt({"RECORDKEY": mine}),
            "Nothing to apply on line 1 of ARPYMTDETAILS.",
            "Give TRX_PAYMENTAMOUNT, or a credit (ADVANCEKEY, ADJUSTMENTKEY, OVERPAYMENTKEY).",
        ),
        (
            arpymt({"RECORDKEY": mine, "TRX_PAYMENTAMOUNT": "1"}, FINANCIALENTITY=None),
            "A payment needs a bank account (FINANCIALENTITY) or an undeposited funds account "
            "(UNDEPOSITEDACCOUNTNO).",
            "Give the BANKACCOUNTID of a checking account in FINANCIALENTITY.",
        ),
        (
            arpymt({"RECORDKEY": mine, "TRX_PAYMENTAMOUNT": "1"}, CUSTOMERID="CX"),
            "Customer 'CX' is inactive.",
            "Activate the customer CX, then try again.",
        ),
        (
            arpymt({"RECORDKEY": mine, "TRX_PAYMENTAMOUNT": "1"}, ACTION="Draft"),
            "Draft ar payments are not emulated by the sandbox.",
            "Leave ACTION out: the payment is posted and applied at once.",
        ),
        (
            arpymt(),
            "AR Payment needs at least 1 ARPYMTDETAIL line(s) in ARPYMTDETAILS; got 0.",
            "",
        ),
    ]
    for body, text, fix in cases:
        _refused(sandbox, books, body, text, fix, "arpymt")


def test_undeposited_funds_instead_of_a_bank(sandbox: Sandbox, books: Caller) -> None:
    number = _invoice(books, "10")
    payment = created(books, arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "10"},
                                    FINANCIALENTITY=None, UNDEPOSITEDACCOUNTNO="1050"))  # fmt: skip
    assert net(ledger_rows(sandbox, payment), "1050") == Decimal("10.00")


def test_a_closed_period_refuses_a_payment(sandbox: Sandbox, books: Caller) -> None:
    number = _invoice(books, "10")
    sandbox.admin.close_period(COMPANY, through="04/30/2025")
    _refused(
        sandbox,
        books,
        arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "10"}),
        "Periods are closed.  Your transaction date (04/02/2025) is within a period that's "
        "been closed.  You can add, modify, or delete a transaction only if the date of the "
        "transaction is within a period that's open.",
        "Use a date in an open period, or have an administrator reopen the period.",
        "arpymt",
    )


def test_a_paid_invoice_cannot_change_or_go(sandbox: Sandbox, books: Caller) -> None:
    number = _invoice(books, "100")
    created(books, arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "50"}))
    before = snapshot(sandbox)
    text = f"Invoice {number} cannot be {{}}: payments or credits of 50.00 are applied to it."
    fix = "Delete the payments that apply to it first."
    update = books.call(
        f"<update><ARINVOICE><RECORDNO>{number}</RECORDNO><DESCRIPTION>x</DESCRIPTION>"
        "</ARINVOICE></update>"
    )
    assert update.errors() == [
        ("BL01001973", "", text.format("changed"), fix),
        companion("arinvoice", "update"),
    ]
    deleted = books.call(f'<delete_invoice key="{number}"/>')
    assert deleted.errors() == [
        ("BL01001973", "", text.format("deleted"), fix),
        companion("arinvoice", "delete"),
    ]
    assert snapshot(sandbox) == before


def test_deleting_a_payment_restores_the_invoice(sandbox: Sandbox, books: Caller) -> None:
    number = _invoice(books, "100")
    payment = created(books, arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "100"}))
    assert totals(read(books, "ARINVOICE", number))[3] == "Paid"
    books.ok(f"<delete><object>ARPYMT</object><keys>{payment}</keys></delete>")
    record = read(books, "ARINVOICE", number)
    assert totals(record) == ("100.00", "0.00", "100.00", "Posted")
    assert record.findtext("WHENPAID") == ""
    assert ledger_rows(sandbox, payment) == []


def test_payments_are_not_updated_generically(books: Caller) -> None:
    number = _invoice(books, "10")
    payment = created(books, arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "1"}))
    reply = books.call(
        f"<update><ARPYMT><RECORDNO>{payment}</RECORDNO><DESCRIPTION>x</DESCRIPTION>"
        "</ARPYMT></update>"
    )
    assert reply.errors()[0][2] == (
        "The ARPYMT object cannot be updated with the generic update function."
    )


def test_a_rolled_back_payment_leaves_the_invoice_unpaid(sandbox: Sandbox, books: Caller) -> None:
    number = _invoice(books, "100")
    before = snapshot(sandbox)
    reply = books.call(
        create(arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "60"})),
        create(arpymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "60"})),
        transaction=True,
    )
    assert [r.findtext("status") for r in reply.results] == ["aborted", "failure"]
    assert snapshot(sandbox) == before


# --- advances (prepayments) -------------------------------------------------------------------


def test_an_advance_is_applied_to_invoices(sandbox: Sandbox, books: Caller) -> None:
    prepaid = created(books, advance("100"))
    record = read(books, "ARADVANCE", prepaid)
    assert totals(record) == ("100.00", "0.00", "100.00", "Posted")
    assert record.findtext("RECORDTYPE") == "rr"
    rows = ledger_rows(sandbox, prepaid)
    assert net(rows, "1000") == Decimal("100.00")
    assert net(rows, "2400") == Decimal("-100.00")

    number = _invoice(books, "150")
    payment = created(books, arpymt({"RECORDKEY": number, "ADVANCEKEY": prepaid,
                                     "TRX_POSTEDADVANCEAMOUNT": "60"}))  # fmt: skip
    assert totals(read(books, "ARINVOICE", number)) == (
        "150.00",
        "60.00",
        "90.00",
        "Partially Paid",
    )
    assert totals(read(books, "ARADVANCE", prepaid)) == (
        "100.00",
        "60.00",
        "40.00",
        "Partially Paid",
    )
    rows = ledger_rows(sandbox, payment)
    assert net(rows, "2400") == Decimal("60.00")
    assert net(rows, "1100") == Decimal("-60.00")
    assert net(rows, "1000") == Decimal("0")
    assert totals(read(books, "ARPYMT", payment))[:3] == ("0.00", "0.00", "0.00")

    # without an amount, as much as both allow; then cash for the rest
    books.ok(create(arpymt({"RECORDKEY": number, "ADVANCEKEY": prepaid,
                            "TRX_PAYMENTAMOUNT": "50"})))  # fmt: skip
    assert totals(read(books, "ARINVOICE", number))[1:] == ("150.00", "0.00", "Paid")
    assert totals(read(books, "ARADVANCE", prepaid))[1:] == ("100.00", "0.00", "Paid")


def test_an_advance_cannot_give_more_than_it_has(sandbox: Sandbox, books: Caller) -> None:
    prepaid = created(books, advance("40"))
    number = _invoice(books, "150")
    _refused(
        sandbox,
        books,
        arpymt({"RECORDKEY": number, "ADVANCEKEY": prepaid, "TRX_POSTEDADVANCEAMOUNT": "50"}),
        f"The credit {prepaid} has 40.00 left to apply; 50.00 was asked for on line 1 of "
        "ARPYMTDETAILS.",
        "Apply no more than the credit's TOTALDUE.",
        "arpymt",
    )


def test_an_applied_advance_cannot_be_deleted(sandbox: Sandbox, books: Caller) -> None:
    prepaid = created(books, advance("40"))
    number = _invoice(books, "150")
    payment = created(books, arpymt({"RECORDKEY": number, "ADVANCEKEY": prepaid}))
    before = snapshot(sandbox)
    reply = books.call(f"<delete><object>ARADVANCE</object><keys>{prepaid}</keys></delete>")
    assert reply.errors() == [
        ("BL01001973", "",
         f"AR Advance {prepaid} cannot be deleted: payments or credits of 40.00 are applied "
         "to it.", "Delete the payments that apply to it first."),
    ]  # fmt: skip
    assert snapshot(sandbox) == before
    books.ok(f"<delete><object>ARPYMT</object><keys>{payment}</keys></delete>")
    assert totals(read(books, "ARADVANCE", prepaid))[1:] == ("0.00", "40.00", "Posted")
    books.ok(f"<delete><object>ARADVANCE</object><keys>{prepaid}</keys></delete>")
    assert ledger_rows(sandbox, prepaid) == []


def test_advance_rules(sandbox: Sandbox, books: Caller) -> None:
    _refused(
        sandbox,
        books,
        advance("-5"),
        "The amount on line 1 of ARADVANCEITEMS must be more than zero; got -5.00.",
        "An advance receives money: give positive amounts.",
        "aradvance",
    )
    _refused(
        sandbox,
        books,
        advance("5", CUSTOMERID="C404"),
        "Invalid Customer 'C404' specified.",
        "Create the customer 'C404' first, or use an existing CUSTOMERID.",
        "aradvance",
    )


# --- credit memos and unapplied payments -----------------------------------------------------


def _aradjustment(books: Caller, *amounts: str) -> int:
    items = "".join(
        f"<lineitem><glaccountno>4600</glaccountno><amount>{a}</amount></lineitem>" for a in amounts
    )
    body = (
        "<create_aradjustment><customerid>C100</customerid>"
        + legacy_date("datecreated", "03/20/2025")
        + f"<aradjustmentitems>{items}</aradjustmentitems></create_aradjustment>"
    )
    return int(key_of(books.ok(body)))


def test_a_credit_memo_is_applied_to_an_invoice(sandbox: Sandbox, books: Caller) -> None:
    credit = _aradjustment(books, "-10.5")
    number = _invoice(books, "100")
    payment = created(books, arpymt({"RECORDKEY": number, "ADJUSTMENTKEY": credit,
                                     "TRX_PAYMENTAMOUNT": "89.50"}))  # fmt: skip
    assert totals(read(books, "ARINVOICE", number))[1:] == ("100.00", "0.00", "Paid")
    assert totals(read(books, "ARADJUSTMENT", credit)) == ("-10.50", "-10.50", "0.00", "Paid")
    rows = ledger_rows(sandbox, payment)
    assert net(rows, "1000") == Decimal("89.50")
    assert net(rows, "1100") == Decimal("-89.50")  # the credit moves within receivables


def test_a_debit_memo_is_paid_like_an_invoice(books: Caller) -> None:
    debit = _aradjustment(books, "15")
    books.ok(create(arpymt({"RECORDKEY": debit, "TRX_PAYMENTAMOUNT": "15"})))
    assert totals(read(books, "ARADJUSTMENT", debit))[1:] == ("15.00", "0.00", "Paid")


def test_a_credit_memo_cannot_be_paid(sandbox: Sandbox, books: Caller) -> None:
    credit = _aradjustment(books, "-5")
    _refused(
        sandbox,
        books,
        arpymt({"RECORDKEY": credit, "TRX_PAYMENTAMOUNT": "5"}),
        f"Record {credit} cannot be paid: it is a draft or a credit.",
        "Pay posted invoices and debit memos.",
        "arpymt",
    )


def _create_arpayment(amount: str, *items: tuple[int, str]) -> str:
    lines = "".join(
        f"<arpaymentitem><invoicekey>{key}</invoicekey><amount>{value}</amount></arpaymentitem>"
        for key, value in items
    )
    return (
        f"<create_arpayment><customerid>C100</customerid><paymentamount>{amount}</paymentamount>"
        "<bankaccountid>OPERATING</bankaccountid><refid>CHK-1001</refid>"
        + legacy_date("datereceived", "04/03/2025")
        + f"<paymentmethod>Printed Check</paymentmethod>{lines}</create_arpayment>"
    )


def test_legacy_payment_keeps_the_unapplied_rest(sandbox: Sandbox, books: Caller) -> None:
    first, second = _invoice(books, "100"), _invoice(books, "80")
    reply = books.ok(_create_arpayment("150", (first, "100")))
    payment = int(key_of(reply))
    record = read(books, "ARPYMT", payment)
    assert totals(record) == ("150.00", "100.00", "50.00", "Posted")
    assert record.findtext("DOCNUMBER") == "CHK-1001"
    assert record.findtext("RECEIPTDATE") == "04/03/2025"
    assert totals(read(books, "ARINVOICE", first))[3] == "Paid"
    rows = ledger_rows(sandbox, payment)
    assert net(rows, "1000") == Decimal("150.00")
    assert net(rows, "1100") == Decimal("-150.00")

    applied = books.ok(
        f"<apply_arpayment><arpaymentkey>{payment}</arpaymentkey>"
        + legacy_date("paymentdate", "04/10/2025")
        + f"<arpaymentitems><arpaymentitem><invoicekey>{second}</invoicekey><amount>50</amount>"
        "</arpaymentitem></arpaymentitems></apply_arpayment>"
    )
    assert key_of(applied) == str(payment)
    assert totals(read(books, "ARINVOICE", second))[1:] == ("50.00", "30.00", "Partially Paid")
    record = read(books, "ARPYMT", payment)
    assert totals(record)[:3] == ("150.00", "150.00", "0.00")
    assert len(record.findall("ARPYMTDETAILS/ARPYMTDETAIL")) == 2
    # applying moves nothing in the GL but the receivables lines
    assert net(ledger_rows(sandbox, payment), "1100") == Decimal("-150.00")

    over = books.call(
        f"<apply_arpayment><arpaymentkey>{payment}</arpaymentkey>"
        + legacy_date("paymentdate", "04/10/2025")
        + f"<arpaymentitems><arpaymentitem><invoicekey>{second}</invoicekey><amount>1</amount>"
        "</arpaymentitem></arpaymentitems></apply_arpayment>"
    )
    assert over.errors() == [
        ("BL01001973", "", f"AR payment {payment} has nothing left to apply.",
         "Record a new payment for the invoices."),
    ]  # fmt: skip

    books.ok(f'<delete_arpayment key="{payment}"/>')
    assert totals(read(books, "ARINVOICE", first))[1:] == ("0.00", "100.00", "Posted")
    assert totals(read(books, "ARINVOICE", second))[1:] == ("0.00", "80.00", "Posted")
    assert ledger_rows(sandbox, payment) == []


def test_an_unapplied_payment_applied_by_a_later_payment(sandbox: Sandbox, books: Caller) -> None:
    number = _invoice(books, "30")
    first = int(key_of(books.ok(_create_arpayment("25"))))
    assert totals(read(books, "ARPYMT", first))[:3] == ("25.00", "0.00", "25.00")
    books.ok(
        create(
            arpymt(
                {
                    "RECORDKEY": number,
                    "OVERPAYMENTKEY": first,
                    "TRX_POSTEDOVERPAYMENTAMOUNT": "25",
                    "TRX_PAYMENTAMOUNT": "5",
                }
            )
        )
    )
    assert totals(read(books, "ARINVOICE", number))[3] == "Paid"
    assert totals(read(books, "ARPYMT", first))[:3] == ("25.00", "25.00", "0.00")
    reply = books.call(f'<delete_arpayment key="{first}"/>')
    assert reply.errors()[0][2] == (
        f"AR Payment {first} cannot be deleted: 25.00 of it is applied by other payments."
    )


def test_legacy_payment_over_application(sandbox: Sandbox, books: Caller) -> None:
    number = _invoice(books, "10")
    before = snapshot(sandbox)
    reply = books.call(_create_arpayment("20", (number, "20")))
    assert reply.errors() == [
        ("BL01001973", "",
         f"The amount to apply to invoice {number} (20.00) exceeds total amount due (10.00).",
         "Apply no more than the document's TOTALDUE."),
        companion("arpymt"),
    ]  # fmt: skip
    assert snapshot(sandbox) == before
    less = books.call(_create_arpayment("5", (number, "10")))
    assert less.errors()[0][2] == (
        "The payment amount 5.00 is less than the 10.00 applied to invoices."
    )


# --- AP payments ------------------------------------------------------------------------------


def test_ap_payment_pays_bills(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, bill("V200", line("6300", "300"), line("6500", "12.34")))
    reply = books.ok(create(appymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "100"})))
    assert children(reply.data()) == ["appymt"]
    payment = int(reply.data()[0].findtext("RECORDNO") or 0)
    assert totals(read(books, "APBILL", number)) == (
        "312.34",
        "100.00",
        "212.34",
        "Partially Paid",
    )
    rows = ledger_rows(sandbox, payment)
    assert net(rows, "2000") == Decimal("100.00")
    assert net(rows, "1000") == Decimal("-100.00")
    assert {r["JOURNAL"] for r in rows} == {"CDJ"}
    books.ok(create(appymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "212.34"})))
    record = read(books, "APBILL", number)
    assert totals(record)[1:] == ("312.34", "0.00", "Paid")
    assert record.findtext("WHENPAID") == "04/05/2025"


def test_ap_payment_refusals(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, bill("V200", line("6300", "10")))
    _refused(
        sandbox,
        books,
        appymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "10.01"}),
        f"The amount to apply to bill {number} (10.01) exceeds total amount due (10.00).",
        "Apply no more than the document's TOTALDUE.",
        "appymt",
    )
    books.ok(create(appymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "10"})))
    _refused(
        sandbox,
        books,
        appymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "1"}),
        "Payment cannot be processed because one or more bills are already paid",
        f"Remove the paid bill {number} from the payment.",
        "appymt",
    )
    other = created(books, bill("V100", line("6300", "10")))
    _refused(
        sandbox,
        books,
        appymt({"RECORDKEY": other, "TRX_PAYMENTAMOUNT": "1"}),
        f"The bill {other} belongs to vendor V100, not V200.",
        "Pay the bills of one vendor per payment.",
        "appymt",
    )
    before = snapshot(sandbox)
    missing = books.call(create(appymt({"RECORDKEY": other, "TRX_PAYMENTAMOUNT": "1"},
                                       FINANCIALENTITY=None, VENDORID="V100")))  # fmt: skip
    assert missing.errors()[0][2] == "Required field FINANCIALENTITY (Bank account) is missing."
    assert snapshot(sandbox) == before


def test_ap_credit_memo_applied_to_a_bill(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, bill("V200", line("6300", "50")))
    credit = int(key_of(books.ok(
        "<create_apadjustment><vendorid>V200</vendorid>"
        + legacy_date("datecreated", "03/20/2025")
        + "<apadjustmentitems><lineitem><glaccountno>6300</glaccountno><amount>-20</amount>"
        "</lineitem></apadjustmentitems></create_apadjustment>"
    )))  # fmt: skip
    books.ok(
        create(
            appymt(
                {
                    "RECORDKEY": number,
                    "ADJUSTMENTKEY": credit,
                    "TRX_ADJUSTMENTAMOUNT": "20",
                    "TRX_PAYMENTAMOUNT": "30",
                }
            )
        )
    )
    assert totals(read(books, "APBILL", number))[1:] == ("50.00", "0.00", "Paid")
    assert totals(read(books, "APADJUSTMENT", credit))[1:] == ("-20.00", "0.00", "Paid")


def test_inline_credits_and_discounts_are_refused_honestly(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, bill("V200", line("6300", "50")))
    _refused(
        sandbox,
        books,
        appymt({"RECORDKEY": number, "TRX_PAYMENTAMOUNT": "1", "TRX_TOTALDISCOUNTTOAPPLY": "1"}),
        "Discounts on line 1 of APPYMTDETAILS are not emulated by the sandbox.",
        "Pay the discounted amount with TRX_PAYMENTAMOUNT and leave the discount out.",
        "appymt",
    )
    _refused(
        sandbox,
        books,
        appymt({"RECORDKEY": number, "INLINEKEY": number, "TRX_INLINEAMOUNT": "1"}),
        "INLINEKEY on line 1 of APPYMTDETAILS: inline credits are not emulated by the sandbox.",
        "Apply credit memos with ADJUSTMENTKEY instead.",
        "appymt",
    )
