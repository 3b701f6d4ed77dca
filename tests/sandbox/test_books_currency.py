"""Foreign-currency documents and payments through the gateway: base and transaction
amounts, rates given or looked up by rate type and date, the GL in base currency, and the
realised exchange gain or loss when a payment's rate differs — hand-computed ledgers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from intacct_bridge.sandbox import Sandbox
from intacct_bridge.sandbox.persistence import load_state, save_state
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
    ledger_rows,
    line,
    read,
    seed_books,
    snapshot,
    totals,
)
from tests.sandbox.envelope import Caller

FX = "7200"  # Realized exchange gain/loss


@pytest.fixture
def books(sandbox: Sandbox, caller: Caller) -> Caller:
    seed_books(sandbox)
    admin = sandbox.admin
    admin.add_exchange_rate(
        COMPANY, from_currency="EUR", to_currency="USD", rate="1.1", effective="03/01/2025"
    )
    admin.add_exchange_rate(
        COMPANY, from_currency="EUR", to_currency="USD", rate="1.2", effective="04/01/2025"
    )
    admin.set_currency_accounts(COMPANY, ap=FX, ar=FX)
    return caller


def appymt(*details: dict[str, Any], **header: Any) -> str:
    fields = {
        "FINANCIALENTITY": "OPERATING",
        "PAYMENTMETHOD": "EFT",
        "PAYMENTDATE": "04/05/2025",
        "VENDORID": "V200",
        "CURRENCY": "EUR",
        **header,
    }
    return document("APPYMT", "APPYMTDETAILS", "APPYMTDETAIL", fields, list(details))


def arpymt(*details: dict[str, Any], **header: Any) -> str:
    fields = {
        "PAYMENTMETHOD": "Check",
        "RECEIPTDATE": "04/02/2025",
        "CURRENCY": "EUR",
        "FINANCIALENTITY": "OPERATING",
        "CUSTOMERID": "C200",
        **header,
    }
    return document("ARPYMT", "ARPYMTDETAILS", "ARPYMTDETAIL", fields, list(details))


def _pay(key: int, amount: str) -> dict[str, Any]:
    return {"RECORDKEY": key, "TRX_PAYMENTAMOUNT": amount}


def test_eur_bill_at_1_1_posts_110_in_base(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, bill("V200", line("6300", "100"), CURRENCY="EUR", EXCHANGE_RATE="1.1"))
    record = read(books, "APBILL", number)
    assert totals(record) == ("110.00", "0.00", "110.00", "Posted")
    assert (record.findtext("TRX_TOTALENTERED"), record.findtext("TRX_TOTALDUE")) == (
        "100.00",
        "100.00",
    )
    assert (record.findtext("CURRENCY"), record.findtext("BASECURR")) == ("EUR", "USD")
    item = record.find("APBILLITEMS/APBILLITEM")
    assert item is not None
    assert (item.findtext("TRX_AMOUNT"), item.findtext("AMOUNT")) == ("100.00", "110.00")
    assert entries(sandbox, number) == [("2000", "0.00", "110.00"), ("6300", "110.00", "0.00")]
    rows = ledger_rows(sandbox, number)
    assert {(r["CURRENCY"], r["BASECURR"], r["TRX_AMOUNT"], r["AMOUNT"]) for r in rows} == {
        ("EUR", "USD", "100.00", "110.00")
    }


def test_rate_is_looked_up_by_type_and_date(sandbox: Sandbox, books: Caller) -> None:
    march = created(books, bill("V200", line("6300", "10.00"), CURRENCY="EUR"))
    april = created(
        books, bill("V200", line("6300", "10.00"), CURRENCY="EUR", EXCH_RATE_DATE="04/02/2025")
    )
    first, second = read(books, "APBILL", march), read(books, "APBILL", april)
    assert first.findtext("EXCHANGE_RATE") == "1.1"
    assert first.findtext("EXCH_RATE_TYPE_ID") == "Intacct Daily Rate"
    assert first.findtext("EXCH_RATE_DATE") == "03/15/2025"
    assert (first.findtext("TOTALENTERED"), second.findtext("TOTALENTERED")) == ("11.00", "12.00")
    # the inverse pair is used when only USD -> GBP is known: 1 / 1.25 = 0.8
    sandbox.admin.add_exchange_rate(
        COMPANY, from_currency="USD", to_currency="GBP", rate="1.25", effective="01/01/2025"
    )
    gbp = created(books, invoice("C200", line("4200", "100.00"), CURRENCY="GBP"))
    assert read(books, "ARINVOICE", gbp).findtext("TOTALENTERED") == "80.00"


def test_taxed_foreign_bill_converts_net_and_tax(sandbox: Sandbox, books: Caller) -> None:
    taxed = line(
        "6300",
        "100.00",
        TAXENTRIES={"TAXENTRY": {"DETAILID": "UK Purchase Goods Standard Rate"}},
    )
    number = created(books, bill("V200", taxed, CURRENCY="EUR", EXCHANGE_RATE="1.1"))
    record = read(books, "APBILL", number)
    assert (record.findtext("TRX_TOTALENTERED"), record.findtext("TOTALENTERED")) == (
        "120.00",
        "132.00",
    )
    assert entries(sandbox, number) == [
        ("1400", "22.00", "0.00"),
        ("2000", "0.00", "132.00"),
        ("6300", "110.00", "0.00"),
    ]


def test_bill_paid_at_another_rate_books_the_exchange_loss(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, bill("V200", line("6300", "100"), CURRENCY="EUR", EXCHANGE_RATE="1.1"))
    payment = created(books, appymt(_pay(number, "100")))  # April: 1.2
    record = read(books, "APBILL", number)
    assert totals(record) == ("110.00", "110.00", "0.00", "Paid")
    assert (record.findtext("TRX_TOTALPAID"), record.findtext("TRX_TOTALDUE")) == (
        "100.00",
        "0.00",
    )
    # Dr AP 110 (the bill's base) + Dr exchange loss 10 / Cr bank 120 (100 EUR at 1.2)
    assert entries(sandbox, payment) == [
        ("1000", "0.00", "120.00"),
        ("2000", "110.00", "0.00"),
        (FX, "10.00", "0.00"),
    ]
    paid = read(books, "APPYMT", payment)
    assert (paid.findtext("TRX_TOTALENTERED"), paid.findtext("TOTALENTERED")) == (
        "100.00",
        "120.00",
    )
    # deleting the payment takes all of it back
    books.ok(f"<delete><object>APPYMT</object><keys>{payment}</keys></delete>")
    assert totals(read(books, "APBILL", number)) == ("110.00", "0.00", "110.00", "Posted")
    assert entries(sandbox, payment) == []


def test_invoice_receipts_at_two_rates_gain_then_loss(sandbox: Sandbox, books: Caller) -> None:
    number = created(
        books, invoice("C200", line("4200", "200.00"), CURRENCY="EUR", EXCHANGE_RATE="1.1")
    )
    assert read(books, "ARINVOICE", number).findtext("TOTALENTERED") == "220.00"
    first = created(books, arpymt(_pay(number, "50.00")))  # April rate 1.2
    # 50 EUR settles 50 x 220 / 200 = 55.00 of receivables; the bank gets 60.00: gain 5.00
    assert entries(sandbox, first) == [
        ("1000", "60.00", "0.00"),
        ("1100", "0.00", "55.00"),
        (FX, "0.00", "5.00"),
    ]
    record = read(books, "ARINVOICE", number)
    assert totals(record) == ("220.00", "55.00", "165.00", "Partially Paid")
    assert record.findtext("TRX_TOTALDUE") == "150.00"
    second = created(books, arpymt(_pay(number, "150.00"), EXCHANGE_RATE="1.0"))
    # the rest: 165.00 of receivables for 150.00 in the bank: loss 15.00
    assert entries(sandbox, second) == [
        ("1000", "150.00", "0.00"),
        ("1100", "0.00", "165.00"),
        (FX, "15.00", "0.00"),
    ]
    assert totals(read(books, "ARINVOICE", number)) == ("220.00", "220.00", "0.00", "Paid")
    balances = {row["ACCOUNTNO"]: row["net"] for row in sandbox.admin.balances(COMPANY, None)}
    assert balances["1100"] == "0.00"
    assert balances[FX] == "10.00"


def test_eur_journal_entry_posts_base_and_puts_the_rounding_cent_on_the_largest_line(
    sandbox: Sandbox, books: Caller
) -> None:
    eur = {"CURRENCY": "EUR", "EXCHANGE_RATE": "1.1"}
    number = created(
        books,
        batch(
            entry("6300", 1, "33.33", **eur),
            entry("6300", 1, "33.33", **eur),
            entry("6500", 1, "33.34", **eur),
            entry("2100", -1, "100.00", **eur),
        ),
    )
    # 36.663 -> 36.66, 36.66, 36.674 -> 36.67: debits 109.99; credit 110.00 -> 109.99
    assert entries(sandbox, number) == [
        ("2100", "0.00", "109.99"),
        ("6300", "36.66", "0.00"),
        ("6300", "36.66", "0.00"),
        ("6500", "36.67", "0.00"),
    ]
    rows = ledger_rows(sandbox, number)
    assert {r["TRX_AMOUNT"] for r in rows} == {"33.33", "33.34", "100.00"}
    assert {(r["CURRENCY"], r["BASECURR"]) for r in rows} == {("EUR", "USD")}


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (
            bill("V200", line("6300", "10"), CURRENCY="GBP"),
            "No Intacct Daily Rate exchange rate from GBP to USD is effective on 03/15/2025.",
        ),
        (
            bill("V200", line("6300", "10"), CURRENCY="EUR", EXCH_RATE_DATE="02/28/2025"),
            "No Intacct Daily Rate exchange rate from EUR to USD is effective on 02/28/2025.",
        ),
        (
            bill("V200", line("6300", "10"), CURRENCY="EUR", EXCHANGE_RATE="0"),
            "EXCHANGE_RATE must be more than zero; got 0.",
        ),
        (
            bill("V200", line("6300", "10"), CURRENCY="eur"),
            "CURRENCY 'eur' is not a currency code.",
        ),
        (
            bill("V200", line("6300", "10"), BASECURR="EUR"),
            "BASECURR 'EUR' is not the base currency of the company (USD).",
        ),
    ],
    ids=["no-rate", "before-first-rate", "zero", "lower-case", "base"],
)
def test_bad_currencies_are_refused(sandbox: Sandbox, books: Caller, body: str, text: str) -> None:
    before = snapshot(sandbox)
    reply = books.call(create(body))
    assert reply.errors()[0][2] == text
    assert snapshot(sandbox) == before


def test_payment_in_another_currency_than_the_bill_is_refused(
    sandbox: Sandbox, books: Caller
) -> None:
    number = created(books, bill("V200", line("6300", "100"), CURRENCY="EUR", EXCHANGE_RATE="1.1"))
    before = snapshot(sandbox)
    reply = books.call(create(appymt(_pay(number, "100"), CURRENCY="USD")))
    assert reply.errors()[0][2] == f"The bill {number} is in EUR; this payment is in USD."
    assert snapshot(sandbox) == before


def test_exchange_difference_without_an_account_is_refused(sandbox: Sandbox, books: Caller) -> None:
    sandbox.admin.set_currency_accounts(COMPANY, ap="")
    number = created(books, bill("V200", line("6300", "100"), CURRENCY="EUR", EXCHANGE_RATE="1.1"))
    before = snapshot(sandbox)
    reply = books.call(create(appymt(_pay(number, "100"))))
    assert reply.errors()[0][2] == (
        "The payment settles 10.00 of exchange gain or loss, and the company has no AP "
        "exchange gain/loss account."
    )
    assert snapshot(sandbox) == before


def test_admin_currency_settings_are_checked_and_saved(
    sandbox: Sandbox, books: Caller, tmp_path: Path
) -> None:
    from intacct_bridge.sandbox.admin import AdminConflict, AdminError, AdminNotFound

    admin = sandbox.admin
    with pytest.raises(AdminError, match="three-letter currency code"):
        admin.add_exchange_rate(
            COMPANY, from_currency="eur", to_currency="USD", rate="1", effective="03/01/2025"
        )
    with pytest.raises(AdminError, match="more than zero"):
        admin.add_exchange_rate(
            COMPANY, from_currency="EUR", to_currency="USD", rate="-1", effective="03/01/2025"
        )
    with pytest.raises(AdminNotFound, match="no GL account '9999'"):
        admin.set_currency_accounts(COMPANY, ar="9999")
    created(books, bill("V200", line("6300", "1")))
    with pytest.raises(AdminConflict, match="base currency cannot change"):
        admin.set_base_currency(COMPANY, "EUR")
    # a rate for the same type, pair and day replaces the earlier one
    admin.add_exchange_rate(
        COMPANY, from_currency="EUR", to_currency="USD", rate="1.15", effective="03/01/2025"
    )
    settings = admin.accounting(COMPANY)
    assert (settings["exchange_rates"], settings["fx_accounts"]) == (2, {"ap": FX, "ar": FX})
    state = tmp_path / "state.json"
    save_state(sandbox.backend, state)
    restored = Sandbox()
    load_state(restored.backend, state)
    assert restored.admin.accounting(COMPANY) == settings
    assert (
        restored.backend.companies[COMPANY].books.rates
        == sandbox.backend.companies[COMPANY].books.rates
    )


def test_legacy_create_bill_with_exchrate(sandbox: Sandbox, books: Caller) -> None:
    from tests.sandbox.books import key_of, legacy_date

    reply = books.ok(
        "<create_bill><vendorid>V200</vendorid>"
        f"{legacy_date('datecreated', '03/15/2025')}{legacy_date('datedue', '04/14/2025')}"
        "<currency>EUR</currency><exchrate>1.25</exchrate>"
        "<billitems><lineitem><glaccountno>6300</glaccountno><amount>80.00</amount>"
        "</lineitem></billitems></create_bill>"
    )
    number = int(key_of(reply))
    assert totals(read(books, "APBILL", number))[0] == "100.00"
    assert entries(sandbox, number) == [("2000", "0.00", "100.00"), ("6300", "100.00", "0.00")]


def test_extreme_rates_are_refused_and_huge_amounts_keep_every_digit(
    sandbox: Sandbox, books: Caller
) -> None:
    before = snapshot(sandbox)
    reply = books.call(create(bill("V200", line("6300", "10"), CURRENCY="EUR",
                                   EXCHANGE_RATE="1e30")))  # fmt: skip
    assert reply.errors()[0][2] == (
        "EXCHANGE_RATE 1000000000000000000000000000000 is out of range (0.0000000001 to "
        "1000000000000)."
    )
    assert snapshot(sandbox) == before
    vat = {"TAXENTRY": {"DETAILID": "UK Purchase Goods Standard Rate"}}
    number = created(books, bill("V200", line("6300", "1e36", TAXENTRIES=vat), CURRENCY="EUR",
                                 EXCHANGE_RATE="1000000000000"))  # fmt: skip
    # 1e36 + 20 % = 1.2e36 EUR; x 1e12 = 1.2e48 USD, to the cent
    assert read(books, "APBILL", number).findtext("TOTALENTERED") == "12" + "0" * 47 + ".00"


def test_mega_entity_keeps_its_books_in_its_own_currency(sandbox: Sandbox, http: Any) -> None:
    from intacct_bridge.sandbox import QuickstartCredentials

    creds = sandbox.quickstart(QuickstartCredentials(company_id="MEGA"), mega=True)
    admin = sandbox.admin
    admin.add_entity("MEGA", "US", "Acme US")
    admin.add_entity("MEGA", "FR", "Acme FR", CURRENCY="EUR")
    admin.seed("MEGA", "GLACCOUNT", [
        {"ACCOUNTNO": "6300", "TITLE": "Freight", "ACCOUNTTYPE": "incomestatement"},
        {"ACCOUNTNO": "2000", "TITLE": "AP", "ALTERNATIVEACCOUNT": "Payables account"},
    ])  # fmt: skip
    admin.seed(
        "MEGA",
        "VENDOR",
        [{"VENDORID": "V1", "NAME": "Carrier", "DISPLAYCONTACT.PRINTAS": "Carrier"}],
    )
    admin.add_exchange_rate(
        "MEGA", from_currency="USD", to_currency="EUR", rate="0.9", effective="01/01/2025"
    )
    mega = Caller(http, sandbox.endpoint, creds)
    euro = created(mega, bill("V1", line("6300", "100", LOCATIONID="FR"), CURRENCY="EUR"))
    record = read(mega, "APBILL", euro)
    assert (record.findtext("BASECURR"), record.findtext("TOTALENTERED")) == ("EUR", "100.00")
    dollars = created(mega, bill("V1", line("6300", "100", LOCATIONID="FR"), CURRENCY="USD"))
    record = read(mega, "APBILL", dollars)
    assert (record.findtext("BASECURR"), record.findtext("TOTALENTERED")) == ("EUR", "90.00")
    home = created(mega, bill("V1", line("6300", "100", LOCATIONID="US")))
    assert read(mega, "APBILL", home).findtext("BASECURR") == "USD"
    before = snapshot(sandbox, "MEGA")
    mixed = bill("V1", line("6300", "1", LOCATIONID="US"), line("6300", "1", LOCATIONID="FR"))
    assert mega.call(create(mixed)).errors()[0][2] == (
        "The lines of this bill post to entities with different base currencies; the sandbox "
        "does not emulate that."
    )
    assert snapshot(sandbox, "MEGA") == before


def test_payment_without_currency_takes_the_bills(sandbox: Sandbox, books: Caller) -> None:
    number = created(books, bill("V200", line("6300", "100"), CURRENCY="EUR", EXCHANGE_RATE="1.1"))
    payment = created(
        books,
        document("APPYMT", "APPYMTDETAILS", "APPYMTDETAIL",
                 {"FINANCIALENTITY": "OPERATING", "PAYMENTMETHOD": "EFT",
                  "PAYMENTDATE": "04/05/2025", "VENDORID": "V200"},
                 [_pay(number, "100")]),
    )  # fmt: skip
    paid = read(books, "APPYMT", payment)
    assert (paid.findtext("CURRENCY"), paid.findtext("EXCHANGE_RATE")) == ("EUR", "1.2")
    assert totals(read(books, "APBILL", number))[3] == "Paid"
