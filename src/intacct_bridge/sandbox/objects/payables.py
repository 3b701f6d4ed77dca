"""Accounts payable: APBILL (+ APBILLITEM), APADJUSTMENT, APPYMT (+ APPYMTDETAIL).

* APBILL — generic create/update/delete (reference §14.9), or legacy ``create_bill`` /
  ``delete_bill`` (:mod:`intacct_bridge.sandbox.functions.documents`).
* APADJUSTMENT — legacy ``create_apadjustment`` only (§14.10); generic read, query and
  delete. A positive adjustment increases what is owed (a debit memo, posted like a bill),
  a negative one is a credit memo that can be applied to bills *(inferred sign, §14.10)*.
* APPYMT — pays bills (``APPYMTDETAILS/APPYMTDETAIL``: ``RECORDKEY``, ``ENTRYKEY``,
  ``TRX_PAYMENTAMOUNT``, or a credit memo with ``ADJUSTMENTKEY``; a positive adjustment can
  also be named with ``POSADJKEY``/``POSADJENTRYKEY``); generic create and delete.

The rules are in :mod:`.subledger` (documents) and :mod:`.payments`.
"""

from __future__ import annotations

from intacct_bridge.sandbox.objects.payments import PaymentKind
from intacct_bridge.sandbox.objects.paymenttypes import detail_fields, payment_type
from intacct_bridge.sandbox.objects.subledger import (
    DocumentKind,
    document_type,
    header_fields,
    line_fields,
)
from intacct_bridge.sandbox.schema import FieldSpec


def _ap(
    name: str, label: str, container: str, item: str, record_type: str, term: str | None
) -> DocumentKind:
    return DocumentKind(
        name, label, container, item, "VENDOR", "VENDORID", "Vendor", 1, "APJ", "3.AP",
        record_type, "Payables account", term, adjustment=term is None,
    )  # fmt: skip


BILL = _ap("APBILL", "Bill", "APBILLITEMS", "APBILLITEM", "pi", "APTERM")
AP_ADJUSTMENT = _ap(
    "APADJUSTMENT", "AP Adjustment", "APADJUSTMENTITEMS", "APADJUSTMENTITEM", "pa", None
)

_PRIORITY = FieldSpec(
    "PAYMENTPRIORITY",
    "enum",
    choices=(("U", "Urgent"), ("H", "High"), ("N", "Normal"), ("L", "Low")),
    default="Normal",
    label="Payment priority",
)
_AP_HEADER = (
    _PRIORITY,
    FieldSpec("ONHOLD", "boolean", default="false", label="On hold"),
    FieldSpec("BILLTOPAYTOCONTACTNAME", ref="CONTACT", label="Pay-to contact"),
    FieldSpec("SHIPTORETURNTOCONTACTNAME", ref="CONTACT", label="Return-to contact"),
)
_1099 = (
    FieldSpec("FORM1099", "boolean", label="Form 1099"),
    FieldSpec("FORM1099TYPE", label="Form 1099 type"),
    FieldSpec("FORM1099BOX", label="Form 1099 box"),
)

APBILL = document_type(
    BILL,
    header_fields(BILL) + _AP_HEADER,
    line_fields(BILL, *_1099),
    plural="Bills",
    url_path="/ia/acct/apbill.phtml",
)

APADJUSTMENT = document_type(
    AP_ADJUSTMENT,
    (*header_fields(AP_ADJUSTMENT), FieldSpec("BILLNO", label="Bill number")),
    line_fields(AP_ADJUSTMENT, *_1099),
    plural="AP Adjustments",
    generic_create=False,
    generic_update=False,
    legacy_create="create_apadjustment",
    url_path="/ia/acct/apadjustment.phtml",
)

AP_PAYMENT = PaymentKind(
    name="APPYMT",
    label="AP Payment",
    container="APPYMTDETAILS",
    item="APPYMTDETAIL",
    party="VENDOR",
    party_field="VENDORID",
    party_label="Vendor",
    targets=("APBILL", "APADJUSTMENT"),
    credits=(
        ("ADVANCEKEY", ("TRX_POSTEDADVANCEAMOUNT",), "ADVANCEENTRYKEY", "APADVANCE"),
        ("ADJUSTMENTKEY", ("TRX_ADJUSTMENTAMOUNT",), "ADJUSTMENTENTRYKEY", "APADJUSTMENT"),
    ),
    sign=-1,
    journal="CDJ",
    module_key="3.AP",
    record_type="pp",
    date_field="PAYMENTDATE",
    documents_word="bills",
)

AP_METHODS = tuple(
    (name, name)
    for name in (
        "Printed Check",
        "Check",
        "Cash",
        "EFT",
        "ACH",
        "Charge Card",
        "Credit Card",
        "Record Transfer",
        "Joint Check",
    )
)

APPYMT = payment_type(
    AP_PAYMENT,
    (
        FieldSpec("FINANCIALENTITY", required=True, ref="CHECKINGACCOUNT", label="Bank account"),
        FieldSpec(
            "PAYMENTMETHOD", "enum", required=True, choices=AP_METHODS, label="Payment method"
        ),
        FieldSpec("PAYMENTDATE", "date", required=True, label="Payment date"),
        FieldSpec("VENDORID", required=True, ref="VENDOR", label="Vendor ID"),
        FieldSpec("VENDORNAME", readonly=True, via=("VENDORID", "VENDOR", "NAME")),
        FieldSpec("CURRENCY", max_length=3),
        FieldSpec("BASECURR", max_length=3, label="Base currency"),
        FieldSpec("EXCH_RATE_DATE", "date", label="Exchange rate date"),
        FieldSpec("EXCH_RATE_TYPE_ID", label="Exchange rate type"),
        FieldSpec("EXCHANGE_RATE", "decimal", label="Exchange rate"),
        FieldSpec("DOCNUMBER", max_length=45, label="Document number"),
        FieldSpec("DESCRIPTION", max_length=1000),
        FieldSpec("ACTION", "enum", choices=(("Submit", "Submit"), ("Draft", "Draft"))),
        # What the official SDKs' ApPaymentCreate writes besides (stored and read back; the
        # sandbox makes no payment requests, so they change nothing else).
        FieldSpec("PAYMENTREQUESTMETHOD", max_length=20, label="Payment request merge option"),
        FieldSpec("GROUPPAYMENTS", "boolean", default="false", label="Group payments"),
        FieldSpec("PAYMENTCONTACT", ref="CONTACT", label="Notification contact"),
    ),
    detail_fields(
        # A positive AP adjustment paid by the payment (the SDKs' "credit memo" detail).
        FieldSpec("POSADJKEY", "integer", label="Positive adjustment record number"),
        FieldSpec("POSADJENTRYKEY", "integer", label="Positive adjustment line"),
    ),
    plural="AP Payments",
    url_path="/ia/acct/appymt.phtml",
)

OBJECTS = (APBILL, APADJUSTMENT, APPYMT)
