"""Tax on AP bills, AR invoices and adjustments through the gateway: TAXENTRIES with
computed and given tax, inclusive tax, reverse charge, a VAT company (tax solution) and a
US sales-tax company — totals include the tax and the ledger is hand-computed."""

from __future__ import annotations

from typing import Any

import pytest

from intacct_bridge.sandbox import QuickstartCredentials, Sandbox
from intacct_bridge.sandbox.seeds import DEMO_ACCOUNTS, DEMO_JOURNALS, UK_VAT
from tests.sandbox.books import (
    COMPANY,
    CUSTOMERS,
    VENDORS,
    bill,
    companion,
    create,
    created,
    entries,
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

SALE_20 = "UK Sale Goods Standard Rate"
PURCHASE_20 = "UK Purchase Goods Standard Rate"
REVERSE = "UK Purchase Services Reverse Charge"
#: US sales tax details (no tax solution): California 8 %, a state 6 % and a county 2.25 %.
US_DETAILS = (
    {"DETAILID": "CA Sales Tax", "TAXTYPE": "Sale", "VALUE": "8", "GLACCOUNT": "2200"},
    {"DETAILID": "TX State Tax", "TAXTYPE": "Sale", "VALUE": "6", "GLACCOUNT": "2200"},
    {"DETAILID": "Travis County Tax", "TAXTYPE": "Sale", "VALUE": "2.25", "GLACCOUNT": "2300"},
)


@pytest.fixture
def books(sandbox: Sandbox, caller: Caller) -> Caller:
    seed_books(sandbox)
    return caller


@pytest.fixture
def us_books(sandbox: Sandbox, http: Any) -> Caller:
    """A US distributor: chart of accounts, journals and sales tax details; no tax solution."""
    creds = QuickstartCredentials(company_id="US-DIST")
    sandbox.quickstart(creds)
    admin = sandbox.admin
    admin.seed("US-DIST", "GLACCOUNT", [
        {key: value for key, value in row.items() if key not in ("REQUIREPROJECT",)}
        for row in DEMO_ACCOUNTS
    ])  # fmt: skip
    admin.seed("US-DIST", "GLJOURNAL", DEMO_JOURNALS)
    admin.seed("US-DIST", "CUSTOMER", [c for c in CUSTOMERS if c["CUSTOMERID"] != "C100"])
    admin.seed("US-DIST", "VENDOR", [v for v in VENDORS if v["VENDORID"] == "V200"])
    for detail in US_DETAILS:
        admin.add_tax_detail(
            "US-DIST",
            detail["DETAILID"],
            tax_type="S",
            percent=detail["VALUE"],
            account=detail["GLACCOUNT"],
        )
    return Caller(http, sandbox.endpoint, creds)


def _refused(
    sandbox: Sandbox, caller: Caller, body: str, text: str, company: str = COMPANY
) -> None:
    before = snapshot(sandbox, company)
    reply = caller.call(create(body))
    assert reply.result().findtext("status") == "failure"
    assert reply.errors()[0][2] == text
    assert snapshot(sandbox, company) == before


def _tax_entries(record: Any) -> list[list[tuple[str, str]]]:
    """Per line, the ``(DETAILID, TRX_TAX)`` of its TAXENTRY elements, as read back."""
    return [
        [
            (entry.findtext("DETAILID") or "", entry.findtext("TRX_TAX") or "")
            for entry in item.iterfind("TAXENTRIES/TAXENTRY")
        ]
        for item in record.iterfind("*/*")
        if item.find("TAXENTRIES") is not None or item.tag.endswith("ITEM")
    ]


# --- VAT company (tax solution) ---------------------------------------------------------------


def test_vat_invoice_total_includes_tax_and_tax_posts_to_output_vat(
    sandbox: Sandbox, books: Caller
) -> None:
    number = created(
        books, invoice("C200", line("4200", "1000.00", TAXENTRIES=taxes((SALE_20, None))))
    )
    record = read(books, "ARINVOICE", number)
    assert totals(record) == ("1200.00", "0.00", "1200.00", "Posted")
    assert record.findtext("TRX_TOTALENTERED") == "1200.00"
    assert record.findtext("TAXSOLUTIONID") == UK_VAT
    item = record.find("ARINVOICEITEMS/ARINVOICEITEM")
    assert item is not None
    assert item.findtext("TRX_AMOUNT") == "1000.00"
    assert item.findtext("TOTALTRXAMOUNT") == "1200.00"
    assert _tax_entries(record) == [[(SALE_20, "200.00")]]
    # Dr AR 1,200 / Cr Freight billed 1,000 / Cr VAT payable 200
    assert entries(sandbox, number) == [
        ("1100", "1200.00", "0.00"),
        ("2210", "0.00", "200.00"),
        ("4200", "0.00", "1000.00"),
    ]


def test_vat_bill_of_100_at_20_percent_totals_120(sandbox: Sandbox, books: Caller) -> None:
    number = created(
        books, bill("V200", line("6300", "100", TAXENTRIES=taxes((PURCHASE_20, None))))
    )
    record = read(books, "APBILL", number)
    assert totals(record) == ("120.00", "0.00", "120.00", "Posted")
    # Dr Freight-out 100 / Dr VAT recoverable 20 / Cr AP 120
    assert entries(sandbox, number) == [
        ("1400", "20.00", "0.00"),
        ("2000", "0.00", "120.00"),
        ("6300", "100.00", "0.00"),
    ]


def test_given_tax_amount_is_used_as_given(sandbox: Sandbox, books: Caller) -> None:
    number = created(
        books, bill("V200", line("6300", "100.00", TAXENTRIES=taxes((PURCHASE_20, "19.99"))))
    )
    assert totals(read(books, "APBILL", number))[0] == "119.99"
    assert ("1400", "19.99", "0.00") in entries(sandbox, number)


def test_inclusive_tax_is_taken_out_of_the_line_amount(sandbox: Sandbox, books: Caller) -> None:
    # 99.99 gross at 20 %: tax = 99.99 x 20 / 120 = 16.665 -> 16.67; net = 83.32.
    number = created(
        books,
        invoice(
            "C200",
            line("4200", "99.99", TAXENTRIES=taxes((SALE_20, None))),
            INCLUSIVETAX="true",
        ),
    )
    record = read(books, "ARINVOICE", number)
    assert totals(record)[:3] == ("99.99", "0.00", "99.99")
    item = record.find("ARINVOICEITEMS/ARINVOICEITEM")
    assert item is not None
    assert (item.findtext("TRX_AMOUNT"), item.findtext("TOTALTRXAMOUNT")) == ("83.32", "99.99")
    assert entries(sandbox, number) == [
        ("1100", "99.99", "0.00"),
        ("2210", "0.00", "16.67"),
        ("4200", "0.00", "83.32"),
    ]


def test_inclusive_tax_survives_an_update_without_lines(sandbox: Sandbox, books: Caller) -> None:
    number = created(
        books,
        bill(
            "V200",
            line("6300", "120.00", TAXENTRIES=taxes((PURCHASE_20, None))),
            INCLUSIVETAX="true",
        ),
    )
    books.ok(
        f"<update><APBILL><RECORDNO>{number}</RECORDNO><DESCRIPTION>Checked</DESCRIPTION>"
        "</APBILL></update>"
    )
    assert totals(read(books, "APBILL", number))[0] == "120.00"
    assert entries(sandbox, number) == [
        ("1400", "20.00", "0.00"),
        ("2000", "0.00", "120.00"),
        ("6300", "100.00", "0.00"),
    ]


def test_reverse_charge_posts_both_sides_and_the_vendor_is_owed_net(
    sandbox: Sandbox, books: Caller
) -> None:
    number = created(books, bill("V200", line("6300", "500.00", TAXENTRIES=taxes((REVERSE, None)))))
    assert totals(read(books, "APBILL", number)) == ("500.00", "0.00", "500.00", "Posted")
    # Dr expense 500, Dr input VAT 100 / Cr output VAT 100 (reverse charge), Cr AP 500
    assert entries(sandbox, number) == [
        ("1400", "100.00", "0.00"),
        ("2000", "0.00", "500.00"),
        ("2210", "0.00", "100.00"),
        ("6300", "500.00", "0.00"),
    ]


def test_credit_memo_with_tax_through_legacy_create_aradjustment(
    sandbox: Sandbox, books: Caller
) -> None:
    reply = books.ok(
        "<create_aradjustment><customerid>C200</customerid>"
        f"{legacy_date('datecreated', '03/20/2025')}"
        "<aradjustmentitems><lineitem><glaccountno>4200</glaccountno><amount>-125.00</amount>"
        f"<taxentries><taxentry><detailid>{SALE_20}</detailid><trx_tax>-25.00</trx_tax>"
        "</taxentry></taxentries></lineitem></aradjustmentitems></create_aradjustment>"
    )
    number = int(key_of(reply))
    assert totals(read(books, "ARADJUSTMENT", number))[:3] == ("-150.00", "0.00", "-150.00")
    # Dr revenue 125, Dr VAT payable 25 / Cr AR 150
    assert entries(sandbox, number) == [
        ("1100", "0.00", "150.00"),
        ("2210", "25.00", "0.00"),
        ("4200", "125.00", "0.00"),
    ]


def test_taxed_invoice_paid_in_full_clears_receivables(sandbox: Sandbox, books: Caller) -> None:
    number = created(
        books, invoice("C200", line("4200", "1000.00", TAXENTRIES=taxes((SALE_20, None))))
    )
    payment = created(
        books,
        "<ARPYMT><PAYMENTMETHOD>Check</PAYMENTMETHOD><RECEIPTDATE>04/02/2025</RECEIPTDATE>"
        "<CURRENCY>USD</CURRENCY><FINANCIALENTITY>OPERATING</FINANCIALENTITY>"
        "<CUSTOMERID>C200</CUSTOMERID><ARPYMTDETAILS><ARPYMTDETAIL>"
        f"<RECORDKEY>{number}</RECORDKEY><TRX_PAYMENTAMOUNT>1200.00</TRX_PAYMENTAMOUNT>"
        "</ARPYMTDETAIL></ARPYMTDETAILS></ARPYMT>",
    )
    assert totals(read(books, "ARINVOICE", number)) == ("1200.00", "1200.00", "0.00", "Paid")
    assert entries(sandbox, payment) == [("1000", "1200.00", "0.00"), ("1100", "0.00", "1200.00")]


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (
            invoice("C200", line("4200", "10", TAXENTRIES=taxes((PURCHASE_20, None)))),
            f"Tax detail '{PURCHASE_20}' on line 1 of ARINVOICEITEMS is a purchase tax detail; "
            "AR invoices and adjustments take sale (S) tax details.",
        ),
        (
            bill("V200", line("6300", "10", TAXENTRIES=taxes(("NO SUCH TAX", None)))),
            "Invalid Tax detail 'NO SUCH TAX' specified.",
        ),
        (
            bill("V200", line("6300", "10", TAXENTRIES=taxes((PURCHASE_20, "-2.00")))),
            f"TRX_TAX -2.00 of tax detail '{PURCHASE_20}' on line 1 of APBILLITEMS has the "
            "opposite sign of the line amount 10.00.",
        ),
        (
            bill(
                "V200",
                line("6300", "10", TAXENTRIES=taxes(*[(PURCHASE_20, None)] * 3)),
            ),
            "line 1 of APBILLITEMS has 3 tax entries; a line takes at most 2.",
        ),
        (
            bill("V200", line("6300", "10", TAXENTRIES=taxes((PURCHASE_20, None))),
                 TAXSOLUTIONID="NO SUCH SOLUTION"),
            "Invalid Tax solution 'NO SUCH SOLUTION' specified.",
        ),
        (
            invoice("C200", line("4200", "10", TAXENTRIES=taxes((REVERSE, None)))),
            f"Tax detail '{REVERSE}' on line 1 of ARINVOICEITEMS is a purchase tax detail; "
            "AR invoices and adjustments take sale (S) tax details.",
        ),
    ],
    ids=["purchase-on-invoice", "unknown", "sign", "three", "solution", "reverse-on-sale"],
)  # fmt: skip
def test_bad_tax_entries_are_refused_and_change_nothing(
    sandbox: Sandbox, books: Caller, body: str, text: str
) -> None:
    _refused(sandbox, books, body, text)


def test_detail_outside_the_documents_solution_is_refused(sandbox: Sandbox, books: Caller) -> None:
    sandbox.admin.seed(COMPANY, "TAXDETAIL", [US_DETAILS[0]])
    body = invoice(
        "C200",
        line("4200", "10", TAXENTRIES=taxes(("CA Sales Tax", None))),
        TAXSOLUTIONID=UK_VAT,
    )
    _refused(
        sandbox,
        books,
        body,
        "Tax detail 'CA Sales Tax' on line 1 of ARINVOICEITEMS belongs to no tax solution; "
        f"the document names tax solution '{UK_VAT}'.",
    )
    assert companion("arinvoice")[2] == "Could not create arinvoice record!"


def test_inactive_tax_detail_is_refused(sandbox: Sandbox, books: Caller) -> None:
    sandbox.admin.set_status(COMPANY, "TAXDETAIL", PURCHASE_20, "inactive")
    _refused(
        sandbox,
        books,
        bill("V200", line("6300", "10", TAXENTRIES=taxes((PURCHASE_20, None)))),
        f"Tax detail '{PURCHASE_20}' is inactive.",
    )


# --- US sales-tax company (no tax solution) ---------------------------------------------------


def test_us_invoice_of_1000_with_8_percent_tax_of_80(sandbox: Sandbox, us_books: Caller) -> None:
    number = created(
        us_books,
        invoice("C200", line("4200", "1000.00", TAXENTRIES=taxes(("CA Sales Tax", "80.00")))),
    )
    record = read(us_books, "ARINVOICE", number)
    assert totals(record) == ("1080.00", "0.00", "1080.00", "Posted")
    assert record.findtext("TAXSOLUTIONID") == ""
    # Dr AR 1,080 / Cr revenue 1,000 / Cr sales tax payable 80
    assert entries(sandbox, number, "US-DIST") == [
        ("1100", "1080.00", "0.00"),
        ("2200", "0.00", "80.00"),
        ("4200", "0.00", "1000.00"),
    ]


def test_us_state_and_county_tax_on_one_line_through_create_invoice(
    sandbox: Sandbox, us_books: Caller
) -> None:
    reply = us_books.ok(
        "<create_invoice><customerid>C200</customerid>"
        f"{legacy_date('datecreated', '03/15/2025')}{legacy_date('datedue', '04/14/2025')}"
        "<invoiceitems><lineitem><glaccountno>4200</glaccountno><amount>400.00</amount>"
        "<taxentries><taxentry><detailid>TX State Tax</detailid></taxentry>"
        "<taxentry><detailid>Travis County Tax</detailid></taxentry></taxentries>"
        "</lineitem></invoiceitems></create_invoice>"
    )
    number = int(key_of(reply))
    record = read(us_books, "ARINVOICE", number)
    # 400 x 6 % = 24.00; 400 x 2.25 % = 9.00; total 433.00
    assert totals(record)[0] == "433.00"
    assert _tax_entries(record) == [[("TX State Tax", "24.00"), ("Travis County Tax", "9.00")]]
    assert entries(sandbox, number, "US-DIST") == [
        ("1100", "433.00", "0.00"),
        ("2200", "0.00", "24.00"),
        ("2300", "0.00", "9.00"),
        ("4200", "0.00", "400.00"),
    ]


def test_us_company_has_no_solution_to_name(sandbox: Sandbox, us_books: Caller) -> None:
    _refused(
        sandbox,
        us_books,
        invoice(
            "C200",
            line("4200", "10", TAXENTRIES=taxes(("CA Sales Tax", None))),
            TAXSOLUTIONID=UK_VAT,
        ),
        f"Invalid Tax solution '{UK_VAT}' specified.",
        "US-DIST",
    )


def test_tax_setup_through_the_admin_api(sandbox: Sandbox, us_books: Caller) -> None:
    from intacct_bridge.sandbox.admin import AdminError
    from intacct_bridge.sandbox.seeds import US_SALES_TAX_DETAILS, seed_us_sales_tax

    admin = sandbox.admin
    assert seed_us_sales_tax(admin, "US-DIST") == len(US_SALES_TAX_DETAILS)
    admin.add_tax_solution(
        "US-DIST", "Canada - GST", purchase_account="1400", sale_account="2210", method="GST"
    )
    admin.add_tax_detail(
        "US-DIST", "CA GST Purchases", tax_type="P", percent="5", account="1400",
        solution="Canada - GST", reverse_charge=True,
    )  # fmt: skip
    with pytest.raises(AdminError, match="tax_type must be S"):
        admin.add_tax_detail("US-DIST", "X", tax_type="sales", percent=5, account="2200")
    with pytest.raises(AdminError, match="purchase"):
        admin.add_tax_detail(
            "US-DIST", "X", tax_type="S", percent=5, account="2200", reverse_charge=True
        )
    with pytest.raises(AdminError, match="Invalid GL Account '9999'"):
        admin.add_tax_detail("US-DIST", "X", tax_type="S", percent=5, account="9999")
    # 250.00 at 7.25 % = 18.125 -> 18.13 (half away from zero)
    number = created(
        us_books,
        invoice("C200", line("4200", "250.00", TAXENTRIES=taxes(("CA State Sales Tax", None)))),
    )
    assert totals(read(us_books, "ARINVOICE", number))[0] == "268.13"
    # GST reverse charge: 200 x 5 % = 10 both ways, the vendor is owed 200
    number = created(
        us_books,
        bill("V200", line("6300", "200.00", TAXENTRIES=taxes(("CA GST Purchases", None)))),
    )
    record = read(us_books, "APBILL", number)
    assert (record.findtext("TOTALENTERED"), record.findtext("TAXSOLUTIONID")) == (
        "200.00",
        "Canada - GST",
    )
    assert entries(sandbox, number, "US-DIST") == [
        ("1400", "10.00", "0.00"),
        ("2000", "0.00", "200.00"),
        ("2210", "0.00", "10.00"),
        ("6300", "200.00", "0.00"),
    ]


@pytest.mark.parametrize(
    ("items", "text"),
    [
        (
            "<TAXENTRIES><TAXENTRY><DETAILID>X</DETAILID><RATE>5</RATE></TAXENTRY></TAXENTRIES>",
            "The field 'TAXENTRIES.TAXENTRY.RATE' does not exist on the APBILLITEM object.",
        ),
        (
            "<TAXENTRIES><TAX><DETAILID>X</DETAILID></TAX></TAXENTRIES>",
            "Unexpected element 'TAX' in TAXENTRIES; expected TAXENTRY.",
        ),
        (
            f"<TAXENTRIES><TAXENTRY><DETAILID>{PURCHASE_20}</DETAILID></TAXENTRY></TAXENTRIES>"
            f"<TAXENTRIES><TAXENTRY><DETAILID>{PURCHASE_20}</DETAILID></TAXENTRY></TAXENTRIES>",
            "One APBILLITEM has 2 TAXENTRIES elements; give one, with a TAXENTRY per tax detail.",
        ),
        (
            "<TAXENTRIES><TAXENTRY><TRX_TAX>5</TRX_TAX></TAXENTRY></TAXENTRIES>",
            "Required field DETAILID is missing in a TAXENTRY on line 1 of APBILLITEMS.",
        ),
        (
            f"<TAXENTRIES><TAXENTRY><DETAILID>{PURCHASE_20}</DETAILID><TRX_TAX>abc</TRX_TAX>"
            "</TAXENTRY></TAXENTRIES>",
            "'abc' is not a valid number for TAXENTRIES.TAXENTRY.TRX_TAX.",
        ),
    ],
    ids=["unknown-field", "wrong-element", "two-groups", "no-detail", "bad-number"],
)
def test_malformed_tax_entries_are_refused(
    sandbox: Sandbox, books: Caller, items: str, text: str
) -> None:
    body = (
        "<APBILL><VENDORID>V200</VENDORID><WHENCREATED>03/15/2025</WHENCREATED>"
        "<WHENDUE>04/14/2025</WHENDUE><APBILLITEMS><APBILLITEM><ACCOUNTNO>6300</ACCOUNTNO>"
        f"<TRX_AMOUNT>10</TRX_AMOUNT>{items}</APBILLITEM></APBILLITEMS></APBILL>"
    )
    _refused(sandbox, books, body, text)


def test_legacy_taxentry_with_an_unknown_element_is_refused(
    sandbox: Sandbox, books: Caller
) -> None:
    before = snapshot(sandbox)
    reply = books.call(
        "<create_bill><vendorid>V200</vendorid>"
        f"{legacy_date('datecreated', '03/15/2025')}{legacy_date('datedue', '04/14/2025')}"
        "<billitems><lineitem><glaccountno>6300</glaccountno><amount>10</amount>"
        f"<taxentries><taxentry><detailid>{PURCHASE_20}</detailid><rate>5</rate></taxentry>"
        "</taxentries></lineitem></billitems></create_bill>"
    )
    # The DTD allows (detailid, trx_tax?) in a taxentry: the whole request is refused.
    assert reply.results == []
    assert reply.control_errors[0][2] == (
        "XML Parse schema error: Element taxentry content does not follow the DTD, expecting "
        "(detailid , trx_tax?), got (detailid rate)."
    )
    assert snapshot(sandbox) == before


def test_us_bill_with_vendor_sales_tax_expensed(sandbox: Sandbox, us_books: Caller) -> None:
    from intacct_bridge.sandbox.seeds import seed_us_sales_tax

    seed_us_sales_tax(sandbox.admin, "US-DIST")
    number = created(
        us_books, bill("V200", line("6300", "100.00", TAXENTRIES=taxes(("Sales Tax Paid", None))))
    )
    assert totals(read(us_books, "APBILL", number))[0] == "107.25"
    assert entries(sandbox, number, "US-DIST") == [
        ("2000", "0.00", "107.25"),
        ("6300", "100.00", "0.00"),
        ("6300", "7.25", "0.00"),
    ]
