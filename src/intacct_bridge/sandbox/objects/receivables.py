"""Accounts receivable: ARINVOICE, ARADJUSTMENT, ARPYMT and ARADVANCE.

* ARINVOICE (+ ARINVOICEITEM) — legacy ``create_invoice`` (the documented path, §14.11) and
  the generic create third-party code uses; generic update and delete, ``delete_invoice``.
* ARADJUSTMENT — legacy ``create_aradjustment`` (§14.12): positive lines make a debit memo
  (paid like an invoice), negative lines a credit memo (applied with ``ADJUSTMENTKEY``).
* ARPYMT (+ ARPYMTDETAIL) — a receipt applied to invoices and debit memos, with cash and/or
  advances, credit memos and unapplied payments (§14.13; legacy ``create_arpayment`` /
  ``apply_arpayment``). Not updatable; deleting it undoes its applications.
* ARADVANCE (+ ARADVANCEITEM) — a prepayment (§14.13): cash in, credited to the lines'
  accounts; ``TOTALDUE`` is what is left to apply to invoices.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from intacct_bridge.sandbox import currencies, errors, ledger, periods
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.ledger import ZERO, Posting, fmt
from intacct_bridge.sandbox.objects import balances
from intacct_bridge.sandbox.objects.payments import (
    PaymentKind,
    bank_account,
    default_undeposited,
)
from intacct_bridge.sandbox.objects.paymenttypes import detail_fields, ledger_header, payment_type
from intacct_bridge.sandbox.objects.subledger import (
    TOTALS,
    DocumentKind,
    document_type,
    header_fields,
    line_fields,
    refuse_if_paid,
    set_totals,
)
from intacct_bridge.sandbox.objects.transactions import (
    LineRules,
    active_record,
    amount_of,
    dimension_fields,
    missing_field,
)
from intacct_bridge.sandbox.schema import (
    SYSTEM_FIELDS,
    FieldSpec,
    LineCollection,
    ObjectType,
)
from intacct_bridge.sandbox.store import Record


def _ar(
    name: str, label: str, container: str, item: str, record_type: str, term: str | None
) -> DocumentKind:
    return DocumentKind(
        name, label, container, item, "CUSTOMER", "CUSTOMERID", "Customer", -1, "ARJ", "4.AR",
        record_type, "Receivables account", term, adjustment=term is None,
    )  # fmt: skip


INVOICE = _ar("ARINVOICE", "Invoice", "ARINVOICEITEMS", "ARINVOICEITEM", "ri", "ARTERM")
AR_ADJUSTMENT = _ar(
    "ARADJUSTMENT", "AR Adjustment", "ARADJUSTMENTITEMS", "ARADJUSTMENTITEM", "ra", None
)

_CONTACT_PARTS = (
    "PREFIX",
    "FIRSTNAME",
    "INITIAL",
    "LASTNAME",
    "COMPANYNAME",
    "PRINTAS",
    "PHONE1",
    "PHONE2",
    "CELLPHONE",
    "PAGER",
    "FAX",
    "EMAIL1",
    "EMAIL2",
    "URL1",
    "URL2",
    "MAILADDRESS.ADDRESS1",
    "MAILADDRESS.ADDRESS2",
    "MAILADDRESS.CITY",
    "MAILADDRESS.STATE",
    "MAILADDRESS.ZIP",
    "MAILADDRESS.COUNTRY",
    "MAILADDRESS.COUNTRYCODE",
)


def _contact_group(group: str, *, writable: bool) -> tuple[FieldSpec, ...]:
    """``BILLTO.CONTACTNAME`` and the contact's fields read through it (``BILLTO.EMAIL1``)."""
    key = f"{group}.CONTACTNAME"
    return (
        FieldSpec(key, ref="CONTACT", readonly=not writable, label=f"{group.title()} contact"),
        *(
            FieldSpec(f"{group}.{part}", readonly=True, via=(key, "CONTACT", part))
            for part in _CONTACT_PARTS
        ),
    )


_AR_HEADER = (
    FieldSpec("DESCRIPTION2", readonly=True, label="Description 2"),
    FieldSpec("CUSTMESSAGEID", label="Customer message"),
    FieldSpec("CUSTMESSAGE.MESSAGE", readonly=True, label="Customer message text"),
    # ``<onhold>`` of create_invoice (the official SDKs' InvoiceCreate writes it).
    FieldSpec("ONHOLD", "boolean", default="false", label="On hold"),
    FieldSpec("BILLTOPAYTOCONTACTNAME", ref="CONTACT", label="Bill-to contact"),
    FieldSpec("SHIPTORETURNTOCONTACTNAME", ref="CONTACT", label="Ship-to contact"),
    *_contact_group("CONTACT", writable=False),
    *_contact_group("SHIPTO", writable=True),
    FieldSpec("SHIPTO.VISIBLE", "boolean", readonly=True),
    FieldSpec("SHIPTO.TAXGROUP.NAME", readonly=True, label="Ship-to tax group"),
    FieldSpec("SHIPTO.TAXGROUP.RECORDNO", "integer", readonly=True),
    FieldSpec("SHIPTO.TAXID", readonly=True, label="Ship-to tax ID"),
    *_contact_group("BILLTO", writable=True),
    FieldSpec("BILLTO.VISIBLE", "boolean", readonly=True),
    FieldSpec("TAXMETHOD", readonly=True, label="Tax method"),
    FieldSpec("RETAINAGEPERCENTAGE", "decimal", readonly=True),
    FieldSpec("TRX_TOTALRETAINED", "decimal", readonly=True),
    FieldSpec("TRX_TOTALRELEASED", "decimal", readonly=True),
    FieldSpec("TOTALRETAINED", "decimal", readonly=True),
)
_REVREC = (
    FieldSpec("REVRECTEMPLATE", label="Revenue recognition template"),
    FieldSpec("REVRECSTARTDATE", "date", label="Revenue recognition start"),
    FieldSpec("REVRECENDDATE", "date", label="Revenue recognition end"),
)


def _contacts(ctx: Context, otype: ObjectType, new: Record, old: Record | None) -> None:
    """The customer's display contact is the invoice's CONTACT; bill-to / ship-to default to
    the customer's."""
    values = new.values
    customer_id = values.get("CUSTOMERID", "")
    table = ctx.company.data.tables.get("CUSTOMER")
    number = table.by_id.get(customer_id) if table is not None else None
    if number is None or table is None:
        return
    customer = table.records[number].values
    values["CONTACT.CONTACTNAME"] = customer.get("DISPLAYCONTACT.CONTACTNAME", "")
    for group in ("BILLTO", "SHIPTO"):
        key = f"{group}.CONTACTNAME"
        if not values.get(key):
            values[key] = customer.get(key, "")


ARINVOICE = document_type(
    INVOICE,
    header_fields(INVOICE) + _AR_HEADER,
    line_fields(INVOICE, *_REVREC),
    _contacts,
    plural="Invoices",
    url_path="/ia/acct/arinvoice.phtml",
)

ARADJUSTMENT = document_type(
    AR_ADJUSTMENT,
    (*header_fields(AR_ADJUSTMENT), FieldSpec("INVOICENO", label="Invoice number")),
    line_fields(AR_ADJUSTMENT),
    plural="AR Adjustments",
    generic_create=False,
    generic_update=False,
    legacy_create="create_aradjustment",
    url_path="/ia/acct/aradjustment.phtml",
)

# --- payments ---------------------------------------------------------------------------------

AR_PAYMENT = PaymentKind(
    name="ARPYMT",
    label="AR Payment",
    container="ARPYMTDETAILS",
    item="ARPYMTDETAIL",
    party="CUSTOMER",
    party_field="CUSTOMERID",
    party_label="Customer",
    targets=("ARINVOICE", "ARADJUSTMENT"),
    credits=(
        (
            "ADVANCEKEY",
            ("TRX_POSTEDADVANCEAMOUNT", "TRX_ADVANCEAMOUNT"),
            "ADVANCEENTRYKEY",
            "ARADVANCE",
        ),
        ("ADJUSTMENTKEY", ("TRX_ADJUSTMENTAMOUNT",), "ADJUSTMENTENTRYKEY", "ARADJUSTMENT"),
        ("OVERPAYMENTKEY", ("TRX_POSTEDOVERPAYMENTAMOUNT",), "OVERPAYMENTENTRYKEY", "ARPYMT"),
    ),
    sign=1,
    journal="CRJ",
    module_key="4.AR",
    record_type="rp",
    date_field="RECEIPTDATE",
    documents_word="invoices",
)

AR_METHODS = tuple(
    (name, name)
    for name in (
        "Printed Check",
        "Check",
        "Cash",
        "EFT",
        "ACH",
        "Credit Card",
        "Online",
        "Online Charge Card",
        "Online ACH Debit",
        "Record Transfer",
    )
)

_RECEIPT = (
    FieldSpec("PAYMENTMETHOD", "enum", required=True, choices=AR_METHODS, label="Payment method"),
    FieldSpec("RECEIPTDATE", "date", required=True, label="Receipt date"),
    FieldSpec("PAYMENTDATE", "date", label="Payment date"),
    FieldSpec("FINANCIALENTITY", ref="CHECKINGACCOUNT", label="Bank account"),
    FieldSpec("UNDEPOSITEDACCOUNTNO", ref="GLACCOUNT", label="Undeposited funds account"),
    FieldSpec("CUSTOMERID", ref="CUSTOMER", label="Customer ID"),
    FieldSpec("CUSTOMERNAME", readonly=True, via=("CUSTOMERID", "CUSTOMER", "NAME")),
    FieldSpec("DOCNUMBER", max_length=45, label="Reference number"),
    FieldSpec("DESCRIPTION", max_length=1000),
    FieldSpec("BASECURR", max_length=3, label="Base currency"),
    FieldSpec("EXCH_RATE_DATE", "date", label="Exchange rate date"),
    FieldSpec("EXCH_RATE_TYPE_ID", label="Exchange rate type"),
    FieldSpec("EXCHANGE_RATE", "decimal", label="Exchange rate"),
    FieldSpec("PRBATCH", label="Summary"),
    FieldSpec("PRBATCHKEY", "integer", readonly=True, label="Summary key"),
    FieldSpec("SUPDOCID", label="Attachment"),
    FieldSpec("TAXSOLUTIONID", ref="TAXSOLUTION", label="Tax solution"),
    FieldSpec("ACTION", "enum", choices=(("Submit", "Submit"), ("Draft", "Draft"))),
)

ARPYMT = payment_type(
    AR_PAYMENT,
    (
        FieldSpec("CURRENCY", required=True, max_length=3, label="Currency"),
        *_RECEIPT,
        FieldSpec("PAYERNAME", label="Payer name"),
        FieldSpec("OVERPAYMENTLOCATIONID", ref="LOCATION", label="Overpayment location"),
        FieldSpec("OVERPAYMENTDEPARTMENTID", ref="DEPARTMENT", label="Overpayment department"),
        *(
            FieldSpec(name, readonly=True)
            for name in (
                "DISPLAYSTATE",
                "FINANCIALENTITYTYPE",
                "FINANCIALACCOUNTNAME",
                "FINANCIALACCOUNTCURRENCY",
                "SUMMARYTITLE",
                "PAYMENTMETHODKEY",
                "BILLTOPAYTONAME",
                "BILLTOPAYTOKEY",
                "CLEARED",
                "CLRDATE",
                "RECORDID",
                "PARENTPAYMENTKEY",
                "MULTIENTITYPYMTKEY",
            )
        ),
    ),
    detail_fields(
        FieldSpec("ADVANCEKEY", "integer", label="Advance record number"),
        FieldSpec("ADVANCEENTRYKEY", "integer", label="Advance line"),
        FieldSpec("TRX_POSTEDADVANCEAMOUNT", "decimal", label="Advance amount"),
        FieldSpec("TRX_ADVANCEAMOUNT", "decimal", label="Advance amount"),
        FieldSpec("OVERPAYMENTKEY", "integer", label="Overpayment record number"),
        FieldSpec("OVERPAYMENTENTRYKEY", "integer", label="Overpayment line"),
        FieldSpec("TRX_POSTEDOVERPAYMENTAMOUNT", "decimal", label="Overpayment amount"),
    ),
    plural="AR Payments",
    url_path="/ia/acct/arpymt.phtml",
)

# --- advances ---------------------------------------------------------------------------------

_ADVANCE_LINES = LineCollection(
    "ARADVANCEITEMS",
    "ARADVANCEITEM",
    (
        FieldSpec("RECORDNO", "integer", readonly=True, label="Line record number"),
        FieldSpec("RECORDKEY", "integer", readonly=True, label="Advance record number"),
        FieldSpec("LINE_NO", "integer", readonly=True, label="Line number"),
        FieldSpec("ACCOUNTNO", ref="GLACCOUNT", label="Account"),
        FieldSpec("ACCOUNTLABEL", label="Account label"),
        FieldSpec("TRX_AMOUNT", "decimal", required=True, label="Transaction amount"),
        FieldSpec("AMOUNT", "decimal", readonly=True),
        FieldSpec("ENTRYDESCRIPTION", max_length=1000, label="Memo"),
        *dimension_fields("doc"),
        FieldSpec("TOTALPAID", "decimal", readonly=True),
        FieldSpec("TRX_TOTALPAID", "decimal", readonly=True),
    ),
    min_items=1,
    aliases=(("AMOUNT", "TRX_AMOUNT"),),
)


def _check_advance(ctx: Context, otype: ObjectType, new: Record, old: Record | None) -> None:
    values = new.values
    when = values.get("RECEIPTDATE", "")
    periods.check_open(ctx, when, "ar")
    if currencies.convert(ctx, values, "RECEIPTDATE", ctx.location_id).foreign:
        raise errors.business_error(
            f"AR advances in {values['CURRENCY']} (not the base currency "
            f"{values['BASECURR']}) are not emulated by the sandbox.",
            f"Record the advance in {values['BASECURR']}.",
        )
    customer = values.get("CUSTOMERID", "")
    active_record(ctx, "CUSTOMER", customer, "Customer")
    default_undeposited(ctx, values)
    bank_account(ctx, values, required=True)
    rules = LineRules(ctx, "doc")
    defaults = {"CUSTOMERID": customer}
    lines: list[dict[str, str]] = []
    total = ZERO
    for number, line in enumerate(new.lines.get("ARADVANCEITEMS", []), start=1):
        where = f"line {number} of ARADVANCEITEMS"
        if not line.get("ACCOUNTNO"):
            raise missing_field("ACCOUNTNO", "Account", where)
        amount = amount_of(line.get("TRX_AMOUNT", ""), "TRX_AMOUNT", where)
        if amount <= 0:
            raise errors.business_error(
                f"The amount on {where} must be more than zero; got {fmt(amount)}.",
                "An advance receives money: give positive amounts.",
            )
        account = rules.account(line["ACCOUNTNO"])
        rules.require(account, rules.dims(line, defaults))
        out = dict(line)
        out.update(
            RECORDNO=str(ctx.company.data.allocate_recordno()),
            LINE_NO=str(number),
            TRX_AMOUNT=fmt(amount),
            AMOUNT=fmt(amount),
            TOTALPAID="0.00",
            TRX_TOTALPAID="0.00",
        )
        lines.append(out)
        total += amount
    new.lines["ARADVANCEITEMS"] = lines
    set_totals(values, total, ZERO)
    values.update(WHENCREATED=when, STATE="Posted", RECORDTYPE="rr", MODULEKEY="4.AR")
    values.setdefault("PAYMENTDATE", when)


def _post_advance(ctx: Context, otype: ObjectType, record: Record, old: Record | None) -> None:
    bank = bank_account(ctx, record.values, required=True)
    rules = LineRules(ctx, "doc")
    defaults = {"CUSTOMERID": record.values.get("CUSTOMERID", "")}
    postings: list[Posting] = []
    for line in record.lines.get("ARADVANCEITEMS", []):
        line["RECORDKEY"] = str(record.recordno)
        amount = Decimal(line["TRX_AMOUNT"])
        dims = rules.plain(line, defaults)
        entity = rules.entity(dims)
        memo = line.get("ENTRYDESCRIPTION", "") or record.values.get("DESCRIPTION", "")
        number = int(line["LINE_NO"])
        postings.append(Posting(bank, amount, dims, memo, entity, number))
        postings.append(Posting(line["ACCOUNTNO"], -amount, dims, memo, entity, number))
    when = record.values.get("RECEIPTDATE", "")
    ledger.post(ctx, record, ledger_header(ctx, ADVANCE_KIND, record, when), postings)
    balances.moved(ctx, "ARADVANCE", None, record.values)


def _delete_advance(ctx: Context, otype: ObjectType, record: Record) -> None:
    refuse_if_paid(INVOICE_ADVANCE, record, "deleted")
    periods.check_open(ctx, record.values.get("RECEIPTDATE", ""), "ar")
    ledger.unpost(ctx, record.recordno)
    balances.moved(ctx, "ARADVANCE", record.values, None)


#: For error texts and the ledger header only.
INVOICE_ADVANCE = replace(
    INVOICE, name="ARADVANCE", label="AR Advance", container="ARADVANCEITEMS", term=None
)
ADVANCE_KIND = replace(AR_PAYMENT, name="ARADVANCE", label="AR Advance", record_type="rr")

_head = tuple(f for f in SYSTEM_FIELDS if f.path == "RECORDNO")
_tail = tuple(f for f in SYSTEM_FIELDS if f.path not in ("RECORDNO", "WHENCREATED"))
ARADVANCE = ObjectType(
    "ARADVANCE",
    "AR Advance",
    (
        *_head,
        FieldSpec("CUSTOMERID", required=True, ref="CUSTOMER", label="Customer ID"),
        *(spec for spec in _RECEIPT if spec.path != "CUSTOMERID"),
        FieldSpec("CURRENCY", max_length=3, label="Currency"),
        FieldSpec("STATE", readonly=True, label="State"),
        FieldSpec("RECORDTYPE", readonly=True, label="Record type"),
        FieldSpec("MODULEKEY", readonly=True, label="Module"),
        FieldSpec("WHENCREATED", "date", readonly=True, label="Date"),
        FieldSpec("WHENPAID", "date", readonly=True, label="Date fully applied"),
        *(FieldSpec(name, "decimal", readonly=True) for name in TOTALS),
        FieldSpec("AUWHENCREATED", "datetime", readonly=True, label="When created (audit)"),
        *_tail,
    ),
    module="ar",
    plural="AR Advances",
    collections=(_ADVANCE_LINES,),
    generic_update=False,
    validators=(_check_advance,),
    after_write=_post_advance,
    before_delete=_delete_advance,
    audit_created="AUWHENCREATED",
    url_path="/ia/acct/aradvance.phtml",
)

OBJECTS = (ARINVOICE, ARADJUSTMENT, ARPYMT, ARADVANCE)
