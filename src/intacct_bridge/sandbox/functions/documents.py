"""Legacy (2.1) transaction functions: bills, invoices, adjustments and AR payments.

``create_bill``, ``create_invoice``, ``create_apadjustment``, ``create_aradjustment``
(reference §13.2, §14.9 to §14.12; element names from the v2.1 DTD) map their lower-case
elements onto the 3.0 objects (APBILL, ARINVOICE, APADJUSTMENT, ARADJUSTMENT) and go through
the same validation and GL posting as the generic create; they answer ``<key>`` = the new
RECORDNO. Dates are split: ``<datecreated><year/><month/><day/></datecreated>``.

``create_arpayment`` receives a payment (``paymentamount``) and applies it to invoices
(``arpaymentitem``: ``invoicekey``, ``amount``); whatever is not applied stays on the
payment (its ``TOTALDUE``) until ``apply_arpayment`` applies it. ``delete_bill``,
``delete_invoice``, ``delete_apadjustment``, ``delete_aradjustment`` and
``delete_arpayment`` delete by ``key`` (the RECORDNO).

Elements the DTD allows but the sandbox does not emulate (``customfields`` with content,
``onlinecardpayment``…) are refused; bookkeeping-only ones (``externalid``, ``batchkey``,
``key``/``totalpaid``/``totaldue`` on lines) are accepted and ignored. Tax entries
(``taxentries/taxentry(detailid, trx_tax)``) are the 3.0 ``TAXENTRIES`` (see
:mod:`intacct_bridge.sandbox.objects.tax`).
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from intacct_bridge.sandbox import errors, ledger, objects, periods
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.functions import Outcome, register
from intacct_bridge.sandbox.functions.common import child, child_text, visible
from intacct_bridge.sandbox.functions.generic import cannot_find, delete_record, insert_record
from intacct_bridge.sandbox.objects import tax
from intacct_bridge.sandbox.objects.payments import DECLARED_AMOUNT, remaining, run_details
from intacct_bridge.sandbox.objects.paymenttypes import ledger_header
from intacct_bridge.sandbox.objects.receivables import AR_PAYMENT
from intacct_bridge.sandbox.schema import FieldSpec, ObjectType
from intacct_bridge.sandbox.store import Record
from intacct_bridge.sandbox.values import ValueProblem, format_date, normalise, whole_number

#: Header elements shared by the document functions -> field (``""`` = accepted, ignored).
_COMMON = {
    "datecreated": "WHENCREATED",
    "dateposted": "WHENPOSTED",
    "action": "ACTION",
    "description": "DESCRIPTION",
    "externalid": "",
    "batchkey": "",
    "basecurr": "BASECURR",
    "currency": "CURRENCY",
    "exchratedate": "EXCH_RATE_DATE",
    "exchratetype": "EXCH_RATE_TYPE_ID",
    "exchrate": "EXCHANGE_RATE",
    "nogl": "",
    "supdocid": "SUPDOCID",
    "taxsolutionid": "TAXSOLUTIONID",
    "inclusivetax": "INCLUSIVETAX",
    "customfields": "",
}

#: function -> (object, line container element, extra header elements).
_DOCUMENTS: dict[str, tuple[str, str, dict[str, str]]] = {
    "create_bill": (
        "APBILL",
        "billitems",
        {
            "vendorid": "VENDORID",
            "datedue": "WHENDUE",
            "termname": "TERMNAME",
            "billno": "RECORDID",
            "ponumber": "DOCNUMBER",
            "onhold": "ONHOLD",
            "payto": "BILLTOPAYTOCONTACTNAME",
            "returnto": "SHIPTORETURNTOCONTACTNAME",
        },
    ),
    "create_invoice": (
        "ARINVOICE",
        "invoiceitems",
        {
            "customerid": "CUSTOMERID",
            "datedue": "WHENDUE",
            "termname": "TERMNAME",
            "invoiceno": "RECORDID",
            "ponumber": "DOCNUMBER",
            "onhold": "ONHOLD",
            "billto": "BILLTO.CONTACTNAME",
            "shipto": "SHIPTO.CONTACTNAME",
        },
    ),
    "create_apadjustment": (
        "APADJUSTMENT",
        "apadjustmentitems",
        {"vendorid": "VENDORID", "adjustmentno": "RECORDID", "billno": "BILLNO"},
    ),
    "create_aradjustment": (
        "ARADJUSTMENT",
        "aradjustmentitems",
        {"customerid": "CUSTOMERID", "adjustmentno": "RECORDID", "invoiceno": "INVOICENO"},
    ),
}

#: ``lineitem`` elements -> line field (``""`` = accepted, ignored).
_LINE = {
    "accountlabel": "ACCOUNTLABEL",
    "glaccountno": "ACCOUNTNO",
    "offsetglaccountno": "OFFSETGLACCOUNTNO",
    "amount": "TRX_AMOUNT",
    "allocationid": "ALLOCATION",
    "memo": "ENTRYDESCRIPTION",
    "item1099": "FORM1099",
    "form1099type": "FORM1099TYPE",
    "form1099box": "FORM1099BOX",
    "key": "",
    "totalpaid": "",
    "totaldue": "",
    "customfields": "",
    "revrectemplate": "REVRECTEMPLATE",
    "defrevaccount": "",
    "revrecstartdate": "REVRECSTARTDATE",
    "revrecenddate": "REVRECENDDATE",
    "billable": "BILLABLE",
    "totaltrxamount": "TOTALTRXAMOUNT",
    "partialexempt": "PARTIALEXEMPT",
    "paymenttaxcapture": "",
    "taxentries": "",
    **{
        name: name.upper()
        for name in (
            "locationid",
            "departmentid",
            "projectid",
            "taskid",
            "costtypeid",
            "customerid",
            "vendorid",
            "employeeid",
            "itemid",
            "classid",
            "contractid",
            "warehouseid",
        )
    },
}

_DATES = frozenset(
    {
        "datecreated",
        "dateposted",
        "datedue",
        "exchratedate",
        "revrecstartdate",
        "revrecenddate",
        "datereceived",
        "paymentdate",
    }
)


def _name(item: etree._Element) -> str:
    return etree.QName(item).localname.lower()


def _elements(element: etree._Element) -> list[etree._Element]:
    return [item for item in element if isinstance(item.tag, str)]


def legacy_date(element: etree._Element, name: str) -> str:
    """``<name><year>2025</year><month>3</month><day>31</day></name>`` as ``03/31/2025``."""
    parts = {_name(item): (item.text or "").strip() for item in _elements(element)}
    year, month, day = parts.get("year", ""), parts.get("month", ""), parts.get("day", "")
    numbers = [whole_number(text) for text in (year, month, day)]
    try:
        if None in numbers:
            raise ValueError
        return format_date(date(numbers[0], numbers[1], numbers[2]))  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        raise errors.business_error(
            f"<{name}> is not a valid date (year '{year[:10]}', month '{month[:10]}', day "
            f"'{day[:10]}').",
            f"Give <{name}><year>YYYY</year><month>MM</month><day>DD</day></{name}>.",
        ) from None


def _raw(item: etree._Element, name: str) -> str:
    """The text of a legacy element: a split date, a ``<contactname>`` group, or text."""
    if name in _DATES:
        return legacy_date(item, name)
    inner = _elements(item)
    if name == "customfields":
        if inner:
            raise errors.business_error(
                "Custom fields are not emulated by the sandbox.", "Leave <customfields> out."
            )
        return ""
    if name in ("payto", "returnto", "billto", "shipto"):
        return child_text(item, "contactname")
    if inner and name not in ("taxentries",):
        raise errors.schema_function_error(f"<{name}> cannot contain other elements here.")
    return (item.text or "").strip() if not inner else ""


def _set(values: dict[str, str], spec: FieldSpec | None, path: str, raw: str, where: str) -> None:
    if not raw or not path:
        return
    if spec is None:
        raise errors.business_error(f"{where}: '{path}' is not available in this company.")
    try:
        values[path] = normalise(spec, raw)
    except ValueProblem as problem:
        raise errors.business_error(
            f"{where}: {problem}", f"Correct the value of {path}."
        ) from None


def _fields(
    function: str,
    element: etree._Element,
    mapping: dict[str, str],
    lookup: dict[str, FieldSpec],
    values: dict[str, str],
    skip: frozenset[str] = frozenset(),
) -> None:
    for item in _elements(element):
        name = _name(item)
        if name in skip:
            continue
        if name not in mapping:
            raise errors.schema_function_error(f"Element '{name}' is not valid in {function}.")
        path = mapping[name]
        _set(values, lookup.get(path), path, _raw(item, name), function)


_TAX_ELEMENTS = {"detailid": "DETAILID", "trx_tax": "TRX_TAX"}


def _tax_entries(
    where: str, element: etree._Element, specs: dict[str, FieldSpec], line: dict[str, str]
) -> None:
    """``<taxentries><taxentry><detailid/><trx_tax/></taxentry>…</taxentries>`` onto the
    line's tax entries (the same as the 3.0 ``TAXENTRIES``)."""
    entries: list[dict[str, str]] = []
    for number, entry in enumerate(_elements(element), start=1):
        if _name(entry) != "taxentry":
            raise errors.schema_function_error(
                f"Unexpected element '{_name(entry)}' in <taxentries> of {where}; expected "
                "taxentry."
            )
        found: dict[str, str] = {}
        for part in _elements(entry):
            name = _name(part)
            if name not in _TAX_ELEMENTS or _elements(part):
                raise errors.schema_function_error(
                    f"Element '{name}' is not valid in taxentry {number} of {where}."
                )
            key = _TAX_ELEMENTS[name]
            _set(found, specs.get(f"{tax.PREFIX}{key}"), f"{tax.PREFIX}{key}",
                 (part.text or "").strip(), where)  # fmt: skip
        entries.append({path[len(tax.PREFIX) :]: value for path, value in found.items()})
    tax.store_entries(line, entries)


def _resolve(ctx: Context, name: str) -> ObjectType:
    otype = objects.resolve(ctx.company, name)
    if otype is None:
        raise errors.unknown_object(name)
    return otype


def _insert(
    ctx: Context,
    otype: ObjectType,
    values: dict[str, str],
    lines: dict[str, list[dict[str, str]]],
) -> Record:
    try:
        return insert_record(ctx, otype, values, lines)
    except errors.FunctionError as exc:
        if len(exc.details) > 1:
            raise
        raise errors.with_companion(exc, f"Could not create {otype.name.lower()} record!") from None


def _document(function: str, object_name: str, items_name: str, extra: dict[str, str]) -> None:
    mapping = {**_COMMON, **extra}

    def handler(ctx: Context, element: etree._Element) -> Outcome:
        otype = _resolve(ctx, object_name)
        collection = otype.collections[0]
        header = {spec.path: spec for spec in otype.visible_fields(ctx.modules)}
        line_specs = {spec.path: spec for spec in collection.fields}
        line_map = {**_LINE, **{f"gldim{u.lower()}": f"GLDIM{u}" for u in ctx.company.udds}}
        values: dict[str, str] = {}
        _fields(function, element, mapping, header, values, frozenset({items_name}))
        holder = child(element, items_name)
        if holder is None:
            raise errors.schema_function_error(f"{function} needs <{items_name}>.")
        lines: list[dict[str, str]] = []
        for number, item in enumerate(_elements(holder), start=1):
            if _name(item) != "lineitem":
                raise errors.schema_function_error(
                    f"Unexpected element '{_name(item)}' in <{items_name}>; expected lineitem."
                )
            line: dict[str, str] = {}
            _fields(f"{function} line {number}", item, line_map, line_specs, line)
            taxes = child(item, "taxentries")
            if taxes is not None:
                _tax_entries(f"{function} line {number}", taxes, line_specs, line)
            lines.append(line)
        record = _insert(ctx, otype, values, {collection.container: lines})
        return Outcome(key=str(record.recordno))

    register(function, writes=True)(handler)


for _function, (_object, _items, _extra) in _DOCUMENTS.items():
    _document(_function, _object, _items, _extra)


#: Legacy deletes of transactions, keyed by RECORDNO (``key="…"``).
_DELETES = {
    "delete_bill": "APBILL",
    "delete_invoice": "ARINVOICE",
    "delete_apadjustment": "APADJUSTMENT",
    "delete_aradjustment": "ARADJUSTMENT",
    "delete_arpayment": "ARPYMT",
}


def _delete(function: str, object_name: str) -> None:
    def handler(ctx: Context, element: etree._Element) -> Outcome:
        otype = _resolve(ctx, object_name)
        key = (element.get("key") or "").strip()
        number = whole_number(key)
        table = ctx.company.data.table(otype.name)
        record = table.records.get(number) if number is not None else None
        if record is None or not visible(ctx, record):
            raise cannot_find(otype, key)
        try:
            delete_record(ctx, otype, record)
        except errors.FunctionError as exc:
            if len(exc.details) > 1:
                raise
            raise errors.with_companion(
                exc, f"Could not delete {otype.name.lower()} record!"
            ) from None
        return Outcome(key=key)

    register(function, writes=True)(handler)


for _function, _object in _DELETES.items():
    _delete(_function, _object)


# --- AR payments ------------------------------------------------------------------------------

_PAYMENT = {
    "customerid": "CUSTOMERID",
    "paymentamount": DECLARED_AMOUNT,
    "translatedamount": "",
    "batchkey": "",
    "bankaccountid": "FINANCIALENTITY",
    "undepfundsacct": "UNDEPOSITEDACCOUNTNO",
    "refid": "DOCNUMBER",
    "overpaylocid": "OVERPAYMENTLOCATIONID",
    "overpaydeptid": "OVERPAYMENTDEPARTMENTID",
    "datereceived": "RECEIPTDATE",
    "paymentmethod": "PAYMENTMETHOD",
    "basecurr": "BASECURR",
    "currency": "CURRENCY",
    "exchratedate": "EXCH_RATE_DATE",
    "exchratetype": "EXCH_RATE_TYPE_ID",
    "exchrate": "EXCHANGE_RATE",
    "cctype": "",
    "authcode": "",
}
_AMOUNT = FieldSpec(DECLARED_AMOUNT, "decimal", required=True, label="Payment amount")


def _item(item: etree._Element, function: str) -> tuple[str, str]:
    """``(invoicekey, amount)`` of one ``arpaymentitem``."""
    if _name(item) != "arpaymentitem":
        raise errors.schema_function_error(
            f"Unexpected element '{_name(item)}' in {function}; expected arpaymentitem."
        )
    for part in _elements(item):
        if _name(part) not in ("invoicekey", "amount"):
            raise errors.schema_function_error(
                f"Element '{_name(part)}' is not valid in arpaymentitem of {function}."
            )
    amount = child_text(item, "amount")
    try:
        amount = normalise(_AMOUNT_SPEC, amount)
    except ValueProblem as problem:
        raise errors.business_error(f"{function}: {problem}", "Correct the amount.") from None
    return child_text(item, "invoicekey"), amount


_AMOUNT_SPEC = FieldSpec("amount", "decimal")


@register("create_arpayment", writes=True)
def create_arpayment(ctx: Context, element: etree._Element) -> Outcome:
    otype = _resolve(ctx, "ARPYMT")
    lookup = {spec.path: spec for spec in otype.visible_fields(ctx.modules)}
    lookup[DECLARED_AMOUNT] = _AMOUNT
    values: dict[str, str] = {}
    items: list[tuple[str, str]] = []
    for item in _elements(element):
        name = _name(item)
        if name == "arpaymentitem":
            items.append(_item(item, "create_arpayment"))
            continue
        if name in ("onlinecardpayment", "onlineachpayment"):
            raise errors.business_error(
                "Online card and ACH payments are not emulated by the sandbox.",
                "Record the payment with bankaccountid or undepfundsacct.",
            )
        if name not in _PAYMENT:
            raise errors.schema_function_error(
                f"Element '{name}' is not valid in create_arpayment."
            )
        path = _PAYMENT[name]
        _set(values, lookup.get(path), path, _raw(item, name), "create_arpayment")
    if not values.get(DECLARED_AMOUNT):
        raise errors.business_error(
            "Required field paymentamount is missing.", "Give the amount received."
        )
    values.setdefault("RECEIPTDATE", format_date(ctx.now.date()))
    values.setdefault("PAYMENTMETHOD", "Printed Check")
    values.setdefault("CURRENCY", values.get("BASECURR", "") or ctx.company.books.base_currency)
    details = [{"RECORDKEY": key, "TRX_PAYMENTAMOUNT": amount} for key, amount in items]
    record = _insert(ctx, otype, values, {"ARPYMTDETAILS": details})
    return Outcome(key=str(record.recordno))


@register("apply_arpayment", writes=True)
def apply_arpayment(ctx: Context, element: etree._Element) -> Outcome:
    """Apply the unapplied amount of an AR payment to invoices."""
    otype = _resolve(ctx, "ARPYMT")
    allowed = {"arpaymentkey", "paymentdate", "batchkey", "memo", "overpaylocid",
               "overpaydeptid", "arpaymentitems"}  # fmt: skip
    for item in _elements(element):
        if _name(item) not in allowed:
            raise errors.schema_function_error(
                f"Element '{_name(item)}' is not valid in apply_arpayment."
            )
    key = child_text(element, "arpaymentkey")
    number = whole_number(key)
    table = ctx.company.data.table(otype.name)
    payment = table.records.get(number) if number is not None else None
    if payment is None or not visible(ctx, payment):
        raise errors.business_error(
            f"Invalid AR payment '{key}' specified.", "Give the key of an existing AR payment."
        )
    dated = child(element, "paymentdate")
    when = legacy_date(dated, "paymentdate") if dated is not None else ""
    if not when:
        raise errors.business_error("Required field paymentdate is missing.")
    periods.check_open(ctx, when)
    holder = child(element, "arpaymentitems")
    items = (
        [_item(item, "apply_arpayment") for item in _elements(holder)] if holder is not None else []
    )
    if not items:
        raise errors.business_error(
            "apply_arpayment needs at least one arpaymentitem.",
            "Name the invoices and amounts to apply the payment to.",
        )
    if remaining(payment).is_zero():
        raise errors.business_error(
            f"AR payment {key} has nothing left to apply.",
            "Record a new payment for the invoices.",
        )
    details = [
        {
            "RECORDKEY": invoice,
            "OVERPAYMENTKEY": key,
            "TRX_POSTEDOVERPAYMENTAMOUNT": amount,
        }
        for invoice, amount in items
    ]
    existing = payment.lines.get("ARPYMTDETAILS", [])
    stored, result = run_details(ctx, AR_PAYMENT, payment, details, when, len(existing) + 1)
    current = table.records[payment.recordno]
    lines = {**current.lines, "ARPYMTDETAILS": [*existing, *stored]}
    updated = Record(current.recordno, dict(current.values), current.entity, lines)
    ctx.company.data.replace(otype.name, updated, None)
    ledger.post(ctx, updated, ledger_header(ctx, AR_PAYMENT, updated, when), result.postings)
    return Outcome(key=key)
