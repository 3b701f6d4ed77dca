"""Entry → Intacct function (pure): every target built as Intacct expects it, valid against
Intacct's api.xsd; VAT as tax entries, US sales tax as lines; currencies; entities."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from lxml import etree

from intacct_bridge.export import ExportError, ExportOptions, to_outgoing
from intacct_bridge.intacct import documents as docs
from intacct_bridge.intacct.envelope import Function, SenderCredentials, SessionAuth, build_request
from intacct_bridge.model.documents import DocumentType
from intacct_bridge.posting import Entry, Target, post_document
from intacct_bridge.secret import Secret
from tests.export.world import VAT, month
from tests.intacct.conftest import validate_request  # noqa: F401
from tests.posting.books import setup

T = DocumentType
BOOKS = setup(tax_details={**setup().tax_details, VAT.id: VAT})
OPTIONS = ExportOptions(tax_details=BOOKS.tax_details)


def _entries() -> dict[str, Entry]:
    out = {}
    for doc in month():
        result = post_document(doc, BOOKS)
        assert result.ok, result.problems
        out[doc.number] = result.entries[0]
    return out


def _body(function: Function) -> etree._Element:
    return function.body


def _request(*functions: Function) -> bytes:
    return build_request(
        SenderCredentials("sender", Secret("pw")),
        SessionAuth(Secret("session")),
        functions,
        control_id="c1",
        unique_id=True,
        transaction=False,
    )


def test_every_entry_of_the_month_validates_against_api_xsd(
    validate_request: Callable[[bytes], None],  # noqa: F811
) -> None:
    entries = _entries()
    functions = [to_outgoing(e, tenant="t1", options=OPTIONS).function for e in entries.values()]
    assert {e.target for e in entries.values()} == set(Target)
    validate_request(_request(*functions))


def test_control_ids_are_stable_per_version_and_tenant() -> None:
    entry = _entries()["PI-1"]
    one = to_outgoing(entry, tenant="t1", version=1, options=OPTIONS).function.controlid
    assert one == to_outgoing(entry, tenant="t1", version=1, options=OPTIONS).function.controlid
    assert one != to_outgoing(entry, tenant="t1", version=2, options=OPTIONS).function.controlid
    assert one != to_outgoing(entry, tenant="t2", version=1, options=OPTIONS).function.controlid


def test_journal_entry_carries_the_key_and_each_line_its_entity() -> None:
    out = to_outgoing(_entries()["PR-1"], tenant="t1", options=OPTIONS)
    batch = _body(out.function).find("GLBATCH")
    assert batch is not None
    assert batch.findtext("REFERENCENO") == "purchase_receipt/PR-1/GLBATCH"
    assert batch.findtext("JOURNAL") == "INVJ"
    assert [e.findtext("LOCATION") for e in batch.iter("GLENTRY")] == ["E1", "E1"]
    assert out.lookup.where() == "REFERENCENO = 'purchase_receipt/PR-1/GLBATCH'"


def test_vat_goes_as_a_tax_entry_on_its_line_and_the_payable_as_offset() -> None:
    out = to_outgoing(_entries()["PI-1"], tenant="t1", options=OPTIONS)
    bill = _body(out.function).find("APBILL")
    assert bill is not None
    assert bill.findtext("RECORDID") == "INV-778"  # the supplier's invoice number
    assert bill.findtext("DOCNUMBER") == "purchase_invoice/PI-1/APBILL"
    items = list(bill.iter("APBILLITEM"))
    # GRNI at receipt value 100.00 with the VAT of the line, and the price variance 5.00
    assert [(i.findtext("ACCOUNTNO"), i.findtext("TRX_AMOUNT")) for i in items] == [
        ("2050", "100.00"),
        ("5300", "5.00"),
    ]
    assert [(t.findtext("DETAILID"), t.findtext("TRX_TAX")) for t in items[0].iter("TAXENTRY")] == [
        ("UK-VAT-20", "21.00")
    ]
    assert {i.findtext("OFFSETGLACCOUNTNO") for i in items} == {"2000"}
    assert "1400" not in {i.findtext("ACCOUNTNO") for i in items}


def test_us_sales_tax_goes_as_a_line_to_the_tax_account() -> None:
    out = to_outgoing(_entries()["SI-1"], tenant="t1", options=OPTIONS)
    items = list(_body(out.function).iter("lineitem"))
    assert [(i.findtext("glaccountno"), i.findtext("amount")) for i in items] == [
        ("4000", "100.00"),
        ("2200", "8.00"),
    ]
    assert not list(_body(out.function).iter("taxentries"))
    assert out.lookup.fields == (("CUSTOMERID", "CUST1"), ("RECORDID", "SI-1"))


def test_foreign_currency_invoice_carries_currency_and_rate() -> None:
    body = _body(to_outgoing(_entries()["SI-2"], tenant="t1", options=OPTIONS).function)
    assert (body.findtext("basecurr"), body.findtext("currency"), body.findtext("exchrate")) == (
        "USD",
        "EUR",
        "1.1",
    )
    assert [i.findtext("amount") for i in body.iter("lineitem")] == ["60.00"]  # in EUR


def test_credit_memos_are_negative_adjustments() -> None:
    entries = _entries()
    ap = _body(to_outgoing(entries["PC-1"], tenant="t1", options=OPTIONS).function)
    ar = _body(to_outgoing(entries["SC-1"], tenant="t1", options=OPTIONS).function)
    assert ap.tag == "create_apadjustment" and ar.tag == "create_aradjustment"
    assert all(i.findtext("amount", "").startswith("-") for i in ap.iter("lineitem"))
    assert [i.findtext("amount") for i in ar.iter("lineitem")] == ["-25.00", "-2.00"]


def test_a_bill_without_the_supplier_invoice_number_is_refused_with_the_fix() -> None:
    # the model refuses such a purchase invoice; an entry built elsewhere is checked again
    entry = dataclasses.replace(_entries()["PI-2"], reference=None)
    with pytest.raises(ExportError, match="supplier_invoice_number"):
        to_outgoing(entry, tenant="t1", options=OPTIONS)


def test_an_unsupported_dimension_field_is_refused_with_the_fix() -> None:
    entry = _entries()["PR-1"]
    first = dataclasses.replace(entry.lines[0], dimensions=(("CONTRACTID", "K1"),))
    entry = dataclasses.replace(entry, lines=(first, *entry.lines[1:]))
    with pytest.raises(ExportError, match="CONTRACTID cannot be sent"):
        to_outgoing(entry, tenant="t1", options=OPTIONS)


def test_legacy_lines_with_tax_entries_and_currency_validate(
    validate_request: Callable[[bytes], None],  # noqa: F811
) -> None:
    line_ = docs.Line(
        account="4000",
        amount=Decimal("100.00"),
        offset_account="1100",
        tax_entries=(docs.TaxEntry(detail_id="UK-SALE-20", trx_tax=Decimal("20.00")),),
        dimensions=docs.Dimensions(location="E1", department="SALES"),
    )
    money = docs.Currency(
        currency="EUR", exchange_rate=Decimal("1.1"), rate_date=dt.date(2026, 11, 3)
    )
    invoice = docs.ar_invoice(
        tenant="t1",
        version=1,
        customer_id="C1",
        invoice_number="SI-9",
        invoice_date=dt.date(2026, 11, 3),
        due_date=dt.date(2026, 12, 3),
        lines=[line_],
        currency=money,
        tax_solution="UK",
    )
    credit = docs.ar_adjustment(
        tenant="t1",
        version=1,
        customer_id="C1",
        adjustment_number="SC-9",
        adjustment_date=dt.date(2026, 11, 3),
        lines=[dataclasses.replace(line_, amount=Decimal("-100.00"))],
        currency=money,
    )
    validate_request(_request(invoice, credit))
    entry = invoice.body.find("invoiceitems/lineitem/taxentries/taxentry")
    assert entry is not None and entry.findtext("trx_tax") == "20.00"
    with pytest.raises(docs.DocumentError, match="at most two tax entries"):
        docs.ar_invoice(
            tenant="t1",
            version=1,
            customer_id="C1",
            invoice_number="SI-9",
            invoice_date=dt.date(2026, 11, 3),
            term="N30",
            lines=[dataclasses.replace(line_, tax_entries=line_.tax_entries * 3)],
        )
