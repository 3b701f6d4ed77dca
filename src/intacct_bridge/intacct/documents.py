"""Typed builders for the accounting documents the bridge posts to Intacct.

Each returns a :class:`~intacct_bridge.intacct.envelope.Function` with a deterministic
control ID, ready for :meth:`IntacctClient.execute`. Money is :class:`~decimal.Decimal`
with at most two decimals (Intacct rounds anything finer); a journal entry must balance
before it is built. Element order follows Intacct's ``api.xsd`` so every request
validates against the official schema.

* :func:`journal_entry` — generic ``create`` of ``GLBATCH`` with ``GLENTRY`` lines;
* :func:`ap_bill` — generic ``create`` of ``APBILL`` with ``APBILLITEM`` lines;
* :func:`ar_invoice` — legacy ``create_invoice`` (the path the reference documents);
* :func:`ap_adjustment`, :func:`ar_adjustment` — legacy ``create_apadjustment`` /
  ``create_aradjustment`` (positive = debit memo, negative = credit memo);
* :func:`term` — legacy ``create_apterm`` / ``create_arterm``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lxml import etree

from intacct_bridge.intacct.envelope import Function
from intacct_bridge.intacct.functions import fill, write_controlid

CENT = Decimal("0.01")


class DocumentError(ValueError):
    """A document cannot be built as given; the message names the line and field."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Dimensions:
    """Standard dimensions of a line, plus user-defined ones (``GLDIM<NAME>``)."""

    location: str = ""
    department: str = ""
    project: str = ""
    task: str = ""
    customer: str = ""
    vendor: str = ""
    employee: str = ""
    item: str = ""
    klass: str = ""
    warehouse: str = ""
    user_defined: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxEntry:
    """One tax entry of a line (``TAXENTRIES/TAXENTRY``): the tax detail and its amount in
    the transaction currency, with the sign of the line."""

    detail_id: str
    trx_tax: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Currency:
    """A document in a currency other than the ledger's: the currency and its rate
    (base units per transaction unit) on ``rate_date``."""

    currency: str
    exchange_rate: Decimal
    rate_date: date
    base_currency: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """One line: a GL account and an amount (signed for journal entries: + debit).

    ``tax_entries`` (at most two, Intacct's schema) go on AP/AR document lines;
    ``offset_account`` is the AP/AR control account the line's total posts against.
    """

    account: str
    amount: Decimal
    memo: str = ""
    dimensions: Dimensions = field(default_factory=Dimensions)
    tax_entries: tuple[TaxEntry, ...] = ()
    offset_account: str = ""


def _money(amount: Decimal, where: str) -> str:
    if not isinstance(amount, Decimal):
        raise DocumentError(f"{where}: amount must be a Decimal, got {type(amount).__name__}.")
    if not amount.is_finite():
        raise DocumentError(f"{where}: amount {amount} is not a finite number.")
    if amount != amount.quantize(CENT):
        raise DocumentError(f"{where}: amount {amount} has more than two decimals; round it.")
    return format(amount.quantize(CENT), "f")


def _us(day: date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def _split(parent: etree._Element, tag: str, day: date) -> None:
    holder = etree.SubElement(parent, tag)
    etree.SubElement(holder, "year").text = f"{day.year:04d}"
    etree.SubElement(holder, "month").text = f"{day.month:02d}"
    etree.SubElement(holder, "day").text = f"{day.day:02d}"


def _sub(parent: etree._Element, tag: str, text: str) -> None:
    if text:
        etree.SubElement(parent, tag).text = text


def _rate(currency: Currency, where: str) -> str:
    rate = currency.exchange_rate
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
        raise DocumentError(f"{where}: exchange rate {rate} must be a positive Decimal.")
    return format(rate, "f")


def _tax_entries(line: Line, where: str) -> list[dict[str, str]]:
    if len(line.tax_entries) > 2:
        raise DocumentError(f"{where}: at most two tax entries per line (Intacct's schema).")
    return [
        {"DETAILID": tax.detail_id, "TRX_TAX": _money(tax.trx_tax, f"{where} tax")}
        for tax in line.tax_entries
    ]


def _currency_fields(
    currency: Currency | None, where: str, *, base: bool = True
) -> dict[str, object]:
    """Generic-API currency fields (header of a bill, each line of a journal entry;
    ``base``: with ``BASECURR``, which bills have and journal entry lines do not)."""
    if currency is None:
        return {}
    fields: dict[str, object] = {}
    if base and currency.base_currency:
        fields["BASECURR"] = currency.base_currency
    fields["CURRENCY"] = currency.currency
    fields["EXCH_RATE_DATE"] = _us(currency.rate_date)
    fields["EXCHANGE_RATE"] = _rate(currency, where)
    return fields


def _legacy_currency(parent: etree._Element, currency: Currency | None, where: str) -> None:
    if currency is None:
        return
    # the 2.1 DTD takes either a rate date with a rate type or the rate itself: the rate
    _sub(parent, "basecurr", currency.base_currency)
    _sub(parent, "currency", currency.currency)
    _sub(parent, "exchrate", _rate(currency, where))


def journal_entry(
    *,
    tenant: str,
    key: str,
    version: int,
    journal: str,
    posting_date: date,
    title: str,
    lines: Sequence[Line],
    reference: str = "",
    base_location: str = "",
    draft: bool = False,
    currency: Currency | None = None,
) -> Function:
    """A balanced journal entry (GLBATCH). ``key`` is the source document's business key.

    With ``currency`` every line is in that currency at its rate (amounts are transaction
    amounts); ``base_location`` names the base entity of an inter-entity entry.
    """
    if len(lines) < 2:
        raise DocumentError(f"Journal entry {key}: at least two lines are needed.")
    total = Decimal(0)
    entries = []
    for number, line in enumerate(lines, start=1):
        where = f"Journal entry {key} line {number}"
        amount = Decimal(_money(line.amount, where))
        if amount == 0:
            raise DocumentError(f"{where}: amount is zero.")
        total += amount
        entry: dict[str, object] = {
            "ACCOUNTNO": line.account,
            "TR_TYPE": "1" if amount > 0 else "-1",
            "TRX_AMOUNT": format(abs(amount), "f"),
            "DESCRIPTION": line.memo or None,
        }
        d = line.dimensions
        for name, value in (
            ("LOCATION", d.location),
            ("DEPARTMENT", d.department),
            ("PROJECTID", d.project),
            ("TASKID", d.task),
            ("CUSTOMERID", d.customer),
            ("VENDORID", d.vendor),
            ("EMPLOYEEID", d.employee),
            ("ITEMID", d.item),
            ("CLASSID", d.klass),
            ("WAREHOUSEID", d.warehouse),
        ):
            if value:
                entry[name] = value
        for udd, value in sorted(d.user_defined.items()):
            entry[f"GLDIM{udd.upper()}"] = value
        # GLENTRY has no BASECURR (reference §14.8): the line's entity decides the base
        entry.update(_currency_fields(currency, where, base=False))
        entries.append({k: v for k, v in entry.items() if v is not None})
    if total != 0:
        raise DocumentError(
            f"Journal entry {key} does not balance: debits minus credits = {total}."
        )
    header: dict[str, object] = {
        "JOURNAL": journal,
        "BATCH_DATE": _us(posting_date),
        "BATCH_TITLE": title,
    }
    if reference:
        header["REFERENCENO"] = reference
    if base_location:
        header["BASELOCATION_NO"] = base_location
    header["STATE"] = "Draft" if draft else "Posted"
    header["ENTRIES"] = {"GLENTRY": entries}
    body = etree.Element("create")
    fill(etree.SubElement(body, "GLBATCH"), header)
    return Function(write_controlid(tenant, "GLBATCH", key, version), body, writes=True)


def _line_dimensions(d: Dimensions, names: Mapping[str, str]) -> dict[str, str]:
    values = {
        "location": d.location,
        "department": d.department,
        "project": d.project,
        "task": d.task,
        "customer": d.customer,
        "vendor": d.vendor,
        "employee": d.employee,
        "item": d.item,
        "class": d.klass,
        "warehouse": d.warehouse,
    }
    out = {names[k]: v for k, v in values.items() if v}
    return out


_BILL_LINE_NAMES = {
    "location": "LOCATIONID",
    "department": "DEPARTMENTID",
    "project": "PROJECTID",
    "task": "TASKID",
    "customer": "CUSTOMERID",
    "vendor": "VENDORID",
    "employee": "EMPLOYEEID",
    "item": "ITEMID",
    "class": "CLASSID",
    "warehouse": "WAREHOUSEID",
}


def ap_bill(
    *,
    tenant: str,
    version: int,
    vendor_id: str,
    bill_number: str,
    bill_date: date,
    lines: Sequence[Line],
    due_date: date | None = None,
    term: str = "",
    reference: str = "",
    description: str = "",
    posting_date: date | None = None,
    currency: Currency | None = None,
    tax_solution: str = "",
) -> Function:
    """A vendor bill (APBILL). Give ``due_date`` or ``term``.

    ``bill_number`` is the supplier's invoice number (``RECORDID``); ``reference`` goes to
    ``DOCNUMBER``, a field that can be queried back.
    """
    if not lines:
        raise DocumentError(f"Bill {bill_number}: at least one line is needed.")
    if due_date is None and not term:
        raise DocumentError(f"Bill {bill_number}: give a due date or a payment term.")
    items = []
    for number, line in enumerate(lines, start=1):
        item: dict[str, object] = {
            "ACCOUNTNO": line.account,
            "TRX_AMOUNT": _money(line.amount, f"Bill {bill_number} line {number}"),
        }
        if line.memo:
            item["ENTRYDESCRIPTION"] = line.memo
        if line.offset_account:
            item["OFFSETGLACCOUNTNO"] = line.offset_account
        item.update(_line_dimensions(line.dimensions, _BILL_LINE_NAMES))
        for udd, value in sorted(line.dimensions.user_defined.items()):
            item[f"GLDIM{udd.upper()}"] = value
        taxes = _tax_entries(line, f"Bill {bill_number} line {number}")
        if taxes:
            item["TAXENTRIES"] = {"TAXENTRY": taxes}
        items.append(item)
    header: dict[str, object] = {
        "VENDORID": vendor_id,
        "WHENCREATED": _us(bill_date),
    }
    if posting_date is not None:
        header["WHENPOSTED"] = _us(posting_date)
    if due_date is not None:
        header["WHENDUE"] = _us(due_date)
    if term:
        header["TERMNAME"] = term
    header["RECORDID"] = bill_number
    if reference:
        header["DOCNUMBER"] = reference
    if description:
        header["DESCRIPTION"] = description
    header.update(_currency_fields(currency, f"Bill {bill_number}"))
    if tax_solution:
        header["TAXSOLUTIONID"] = tax_solution
    header["APBILLITEMS"] = {"APBILLITEM": items}
    body = etree.Element("create")
    fill(etree.SubElement(body, "APBILL"), header)
    return Function(
        write_controlid(tenant, "APBILL", vendor_id, bill_number, version), body, writes=True
    )


_LEGACY_LINE_ORDER = (
    "glaccountno",
    "offsetglaccountno",
    "amount",
    "memo",
    "locationid",
    "departmentid",
    "projectid",
    "taskid",
    "customerid",
    "vendorid",
    "employeeid",
    "itemid",
    "classid",
    "warehouseid",
)
_LEGACY_NAMES = {
    "location": "locationid",
    "department": "departmentid",
    "project": "projectid",
    "task": "taskid",
    "customer": "customerid",
    "vendor": "vendorid",
    "employee": "employeeid",
    "item": "itemid",
    "class": "classid",
    "warehouse": "warehouseid",
}


def _legacy_items(
    parent: etree._Element, tag: str, lines: Sequence[Line], where: str, *, allow_negative: bool
) -> None:
    holder = etree.SubElement(parent, tag)
    for number, line in enumerate(lines, start=1):
        here = f"{where} line {number}"
        amount = _money(line.amount, here)
        if not allow_negative and Decimal(amount) < 0:
            raise DocumentError(f"{here}: amount must not be negative; use a credit memo.")
        values = {
            "glaccountno": line.account,
            "offsetglaccountno": line.offset_account,
            "amount": amount,
            "memo": line.memo,
            **_line_dimensions(line.dimensions, _LEGACY_NAMES),
        }
        item = etree.SubElement(holder, "lineitem")
        for name in _LEGACY_LINE_ORDER:
            _sub(item, name, values.get(name, ""))
        taxes = _tax_entries(line, here)
        if taxes:
            entries = etree.SubElement(item, "taxentries")
            for tax in taxes:
                entry = etree.SubElement(entries, "taxentry")
                etree.SubElement(entry, "detailid").text = tax["DETAILID"]
                etree.SubElement(entry, "trx_tax").text = tax["TRX_TAX"]


def ar_invoice(
    *,
    tenant: str,
    version: int,
    customer_id: str,
    invoice_number: str,
    invoice_date: date,
    lines: Sequence[Line],
    due_date: date | None = None,
    term: str = "",
    reference: str = "",
    description: str = "",
    posting_date: date | None = None,
    currency: Currency | None = None,
    tax_solution: str = "",
) -> Function:
    """A customer invoice through the legacy ``create_invoice``. Give ``due_date`` or ``term``."""
    where = f"Invoice {invoice_number}"
    if not lines:
        raise DocumentError(f"{where}: at least one line is needed.")
    if due_date is None and not term:
        raise DocumentError(f"{where}: give a due date or a payment term.")
    body = etree.Element("create_invoice")
    _sub(body, "customerid", customer_id)
    _split(body, "datecreated", invoice_date)
    if posting_date is not None:
        _split(body, "dateposted", posting_date)
    if due_date is not None:
        _split(body, "datedue", due_date)
    _sub(body, "termname", term)
    _sub(body, "invoiceno", invoice_number)
    _sub(body, "ponumber", reference)
    _sub(body, "description", description)
    _legacy_currency(body, currency, where)
    _sub(body, "taxsolutionid", tax_solution)
    _legacy_items(body, "invoiceitems", lines, where, allow_negative=False)
    return Function(
        write_controlid(tenant, "ARINVOICE", customer_id, invoice_number, version),
        body,
        writes=True,
    )


def _adjustment(
    function_name: str,
    party_tag: str,
    party: str,
    document_tag: str,
    tenant: str,
    version: int,
    number: str,
    day: date,
    lines: Sequence[Line],
    applies_to: str,
    description: str,
    currency: Currency | None = None,
    tax_solution: str = "",
    posting_date: date | None = None,
) -> Function:
    where = f"Adjustment {number}"
    if not lines:
        raise DocumentError(f"{where}: at least one line is needed.")
    signs = {Decimal(_money(line.amount, where)) > 0 for line in lines}
    if len(signs) > 1:
        raise DocumentError(f"{where}: amounts must be all positive or all negative.")
    body = etree.Element(function_name)
    _sub(body, party_tag, party)
    _split(body, "datecreated", day)
    if posting_date is not None:
        _split(body, "dateposted", posting_date)
    _sub(body, "adjustmentno", number)
    _sub(body, document_tag, applies_to)
    _sub(body, "description", description)
    _legacy_currency(body, currency, where)
    _sub(body, "taxsolutionid", tax_solution)
    items = "apadjustmentitems" if function_name == "create_apadjustment" else "aradjustmentitems"
    _legacy_items(body, items, lines, where, allow_negative=True)
    object_name = function_name.removeprefix("create_").upper()
    return Function(write_controlid(tenant, object_name, party, number, version), body, writes=True)


def ar_adjustment(
    *,
    tenant: str,
    version: int,
    customer_id: str,
    adjustment_number: str,
    adjustment_date: date,
    lines: Sequence[Line],
    invoice_number: str = "",
    description: str = "",
    currency: Currency | None = None,
    tax_solution: str = "",
    posting_date: date | None = None,
) -> Function:
    """An AR adjustment: positive amounts = debit memo, negative = credit memo."""
    return _adjustment(
        "create_aradjustment",
        "customerid",
        customer_id,
        "invoiceno",
        tenant,
        version,
        adjustment_number,
        adjustment_date,
        lines,
        invoice_number,
        description,
        currency,
        tax_solution,
        posting_date,
    )


def ap_adjustment(
    *,
    tenant: str,
    version: int,
    vendor_id: str,
    adjustment_number: str,
    adjustment_date: date,
    lines: Sequence[Line],
    bill_number: str = "",
    description: str = "",
    currency: Currency | None = None,
    tax_solution: str = "",
    posting_date: date | None = None,
) -> Function:
    """An AP adjustment: negative amounts = credit memo reducing the payable."""
    return _adjustment(
        "create_apadjustment",
        "vendorid",
        vendor_id,
        "billno",
        tenant,
        version,
        adjustment_number,
        adjustment_date,
        lines,
        bill_number,
        description,
        currency,
        tax_solution,
        posting_date,
    )


def term(
    *,
    kind: str,
    name: str,
    due_days: int,
    description: str = "",
    discount_days: int | None = None,
    discount_percent: Decimal | None = None,
) -> Function:
    """A payment term (``kind`` = ``ap`` or ``ar``) through ``create_apterm``/``create_arterm``."""
    if kind not in ("ap", "ar"):
        raise DocumentError("A term is 'ap' or 'ar'.")
    body = etree.Element(f"create_{kind}term")
    _sub(body, "name", name)
    _sub(body, "description", description)
    due = etree.SubElement(body, "due")
    etree.SubElement(due, "dueday").text = str(due_days)
    etree.SubElement(due, "duefrom").text = "from invoice/bill date"
    if discount_days is not None and discount_percent is not None:
        discount = etree.SubElement(body, "discount")
        etree.SubElement(discount, "discday").text = str(discount_days)
        etree.SubElement(discount, "discfrom").text = "from invoice/bill date"
        etree.SubElement(discount, "discamount").text = format(discount_percent, "f")
        etree.SubElement(discount, "discpercamn").text = "%"
    return Function(write_controlid(f"{kind.upper()}TERM", name), body, writes=True)
