"""APADVANCE: an advance paid to a vendor, applied to its bills later.

An AP advance pays cash out of a bank account (``FINANCIALENTITY``) before the bill exists:
each ``APADVANCEITEMS/APADVANCEITEM`` line debits its account (a prepayment asset) and the
bank is credited. Its ``TOTALDUE`` is what is left to apply; an APPYMT detail applies it to
a bill with ``ADVANCEKEY`` (optionally ``ADVANCEENTRYKEY``) and ``TRX_POSTEDADVANCEAMOUNT``
— the field names the official SDKs' ``ApPaymentDetailAdvance`` writes — which debits the
bill's payables account and credits the advance line's account (:mod:`.payments`). The
rules mirror the AR advance (:mod:`.receivables`) *(inferred)*; like it, an AP advance is in
the base currency, created with the generic ``create``, never updated, and deleted only
while nothing of it is applied.

Layer: object catalogue.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from intacct_bridge.sandbox import currencies, errors, ledger, periods
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.ledger import ZERO, Posting, fmt
from intacct_bridge.sandbox.objects import balances
from intacct_bridge.sandbox.objects.payables import AP_METHODS, AP_PAYMENT, BILL
from intacct_bridge.sandbox.objects.payments import bank_account
from intacct_bridge.sandbox.objects.paymenttypes import ledger_header
from intacct_bridge.sandbox.objects.subledger import TOTALS, refuse_if_paid, set_totals
from intacct_bridge.sandbox.objects.transactions import (
    LineRules,
    active_record,
    amount_of,
    dimension_fields,
    missing_field,
)
from intacct_bridge.sandbox.schema import SYSTEM_FIELDS, FieldSpec, LineCollection, ObjectType
from intacct_bridge.sandbox.store import Record

CONTAINER = "APADVANCEITEMS"

_LINES = LineCollection(
    CONTAINER,
    "APADVANCEITEM",
    (
        FieldSpec("RECORDNO", "integer", readonly=True, label="Line record number"),
        FieldSpec("RECORDKEY", "integer", readonly=True, label="Advance record number"),
        FieldSpec("LINE_NO", "integer", readonly=True, label="Line number"),
        FieldSpec("ACCOUNTNO", ref="GLACCOUNT", label="Account"),
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

#: For error texts and the ledger header only.
ADVANCE_DOCUMENT = replace(BILL, name="APADVANCE", label="AP Advance", container=CONTAINER)
ADVANCE_KIND = replace(AP_PAYMENT, name="APADVANCE", label="AP Advance", record_type="pr")


def _check(ctx: Context, otype: ObjectType, new: Record, old: Record | None) -> None:
    values = new.values
    when = values.get("PAYMENTDATE", "")
    periods.check_open(ctx, when, "ap")
    if currencies.convert(ctx, values, "PAYMENTDATE", ctx.location_id).foreign:
        raise errors.business_error(
            f"AP advances in {values['CURRENCY']} (not the base currency "
            f"{values['BASECURR']}) are not emulated by the sandbox.",
            f"Pay the advance in {values['BASECURR']}.",
        )
    vendor = values.get("VENDORID", "")
    active_record(ctx, "VENDOR", vendor, "Vendor")
    bank_account(ctx, values, required=True)
    rules = LineRules(ctx, "doc")
    defaults = {"VENDORID": vendor}
    lines: list[dict[str, str]] = []
    total = ZERO
    for number, line in enumerate(new.lines.get(CONTAINER, []), start=1):
        where = f"line {number} of {CONTAINER}"
        if not line.get("ACCOUNTNO"):
            raise missing_field("ACCOUNTNO", "Account", where)
        amount = amount_of(line.get("TRX_AMOUNT", ""), "TRX_AMOUNT", where)
        if amount <= 0:
            raise errors.business_error(
                f"The amount on {where} must be more than zero; got {fmt(amount)}.",
                "An advance pays money out: give positive amounts.",
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
    new.lines[CONTAINER] = lines
    set_totals(values, total, ZERO)
    values.update(WHENCREATED=when, STATE="Posted", RECORDTYPE="pr", MODULEKEY="3.AP")


def _post(ctx: Context, otype: ObjectType, record: Record, old: Record | None) -> None:
    bank = bank_account(ctx, record.values, required=True)
    rules = LineRules(ctx, "doc")
    defaults = {"VENDORID": record.values.get("VENDORID", "")}
    postings: list[Posting] = []
    for line in record.lines.get(CONTAINER, []):
        line["RECORDKEY"] = str(record.recordno)
        amount = Decimal(line["TRX_AMOUNT"])
        dims = rules.plain(line, defaults)
        entity = rules.entity(dims)
        memo = line.get("ENTRYDESCRIPTION", "") or record.values.get("DESCRIPTION", "")
        number = int(line["LINE_NO"])
        postings.append(Posting(line["ACCOUNTNO"], amount, dims, memo, entity, number))
        postings.append(Posting(bank, -amount, dims, memo, entity, number))
    when = record.values.get("PAYMENTDATE", "")
    ledger.post(ctx, record, ledger_header(ctx, ADVANCE_KIND, record, when), postings)
    balances.moved(ctx, "APADVANCE", None, record.values)


def _delete(ctx: Context, otype: ObjectType, record: Record) -> None:
    refuse_if_paid(ADVANCE_DOCUMENT, record, "deleted")
    periods.check_open(ctx, record.values.get("PAYMENTDATE", ""), "ap")
    ledger.unpost(ctx, record.recordno)
    balances.moved(ctx, "APADVANCE", record.values, None)


_head = tuple(f for f in SYSTEM_FIELDS if f.path == "RECORDNO")
_tail = tuple(f for f in SYSTEM_FIELDS if f.path not in ("RECORDNO", "WHENCREATED"))
APADVANCE = ObjectType(
    "APADVANCE",
    "AP Advance",
    (
        *_head,
        FieldSpec("VENDORID", required=True, ref="VENDOR", label="Vendor ID"),
        FieldSpec("VENDORNAME", readonly=True, via=("VENDORID", "VENDOR", "NAME")),
        FieldSpec(
            "PAYMENTMETHOD", "enum", required=True, choices=AP_METHODS, label="Payment method"
        ),
        FieldSpec("FINANCIALENTITY", required=True, ref="CHECKINGACCOUNT", label="Bank account"),
        FieldSpec("PAYMENTDATE", "date", required=True, label="Payment date"),
        FieldSpec("DOCNUMBER", max_length=45, label="Document number"),
        FieldSpec("DESCRIPTION", max_length=1000),
        FieldSpec("CURRENCY", max_length=3, label="Currency"),
        FieldSpec("BASECURR", max_length=3, label="Base currency"),
        FieldSpec("EXCH_RATE_DATE", "date", label="Exchange rate date"),
        FieldSpec("EXCH_RATE_TYPE_ID", label="Exchange rate type"),
        FieldSpec("EXCHANGE_RATE", "decimal", label="Exchange rate"),
        FieldSpec("STATE", readonly=True, label="State"),
        FieldSpec("RECORDTYPE", readonly=True, label="Record type"),
        FieldSpec("MODULEKEY", readonly=True, label="Module"),
        FieldSpec("WHENCREATED", "date", readonly=True, label="Date"),
        FieldSpec("WHENPAID", "date", readonly=True, label="Date fully applied"),
        *(FieldSpec(name, "decimal", readonly=True) for name in TOTALS),
        FieldSpec("AUWHENCREATED", "datetime", readonly=True, label="When created (audit)"),
        *_tail,
    ),
    module="ap",
    plural="AP Advances",
    collections=(_LINES,),
    generic_update=False,
    validators=(_check,),
    after_write=_post,
    before_delete=_delete,
    audit_created="AUWHENCREATED",
    url_path="/ia/acct/apadvance.phtml",
)

OBJECTS = (APADVANCE,)
