"""Accounts receivable: ARINVOICE, ARADJUSTMENT, ARPYMT and ARADVANCE.

* ARINVOICE (+ ARINVOICEITEM) — legacy ``create_invoice`` (the documented path, §14.11) and
  the generic create third-party code uses; generic update and delete, ``delete_invoice``.
* ARADJUSTMENT — legacy ``create_aradjustment`` (§14.12): positive lines make a debit memo
  (paid like an invoice), negative lines a credit memo (applied with ``ADJUSTMENTKEY``).
* ARPYMT (+ ARPYMTDETAIL) — a receipt applied to invoices and debit memos, with cash and/or
  advances, credit memos and unapplied payments (§14.13; legacy ``create_arpayment`` /
  ``apply_arpayment``). Not updatable; deleting it undoes its applications.
* ARADVANCE (+ ARADVANCEITEM) — a prepayment (§14.13): cash in, credited to the lines'
  accounts; ``TOTALDUE`` is what is left to apply to invoices (rules in :mod:`.advances`).
"""

from __future__ import annotations

from dataclasses import replace

from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.objects.advances import AdvanceKind, advance_lines, advance_type
from intacct_bridge.sandbox.objects.payments import PaymentKind
from intacct_bridge.sandbox.objects.paymenttypes import detail_fields, payment_type
from intacct_bridge.sandbox.objects.subledger import (
    DocumentKind,
    document_type,
    header_fields,
    line_fields,
)
from intacct_bridge.sandbox.schema import FieldSpec, ObjectType
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
        FieldSpec("TRX_ADVANCEAMOUNT", "decimal", label="Advance amount"),
        FieldSpec("OVERPAYMENTKEY", "integer", label="Overpayment record number"),
        FieldSpec("OVERPAYMENTENTRYKEY", "integer", label="Overpayment line"),
        FieldSpec("TRX_POSTEDOVERPAYMENTAMOUNT", "decimal", label="Overpayment amount"),
    ),
    plural="AR Payments",
    url_path="/ia/acct/arpymt.phtml",
)

# --- advances ---------------------------------------------------------------------------------

ADVANCE = AdvanceKind(
    payment=replace(AR_PAYMENT, name="ARADVANCE", label="AR Advance", record_type="rr"),
    document=replace(
        INVOICE, name="ARADVANCE", label="AR Advance", container="ARADVANCEITEMS", term=None
    ),
    item="ARADVANCEITEM",
)

ARADVANCE = advance_type(
    ADVANCE,
    (
        FieldSpec("CUSTOMERID", required=True, ref="CUSTOMER", label="Customer ID"),
        *(spec for spec in _RECEIPT if spec.path != "CUSTOMERID"),
        FieldSpec("CURRENCY", max_length=3, label="Currency"),
    ),
    advance_lines(ADVANCE, FieldSpec("ACCOUNTLABEL", label="Account label")),
    plural="AR Advances",
    url_path="/ia/acct/aradvance.phtml",
)

OBJECTS = (ARINVOICE, ARADJUSTMENT, ARPYMT, ARADVANCE)
