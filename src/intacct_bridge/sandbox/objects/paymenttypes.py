"""The payment objects' behaviour: ARPYMT and APPYMT types, their details, their
validation, posting and deletion (the application engine is :mod:`.payments`).

A payment is created with its details and deleted whole; it is never updated (Intacct
reverses payments instead). Draft payments are refused: the sandbox posts and applies a
payment at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

from intacct_bridge.sandbox import currencies, ledger, periods
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.ledger import ZERO, Posting, fmt, money
from intacct_bridge.sandbox.objects import balances
from intacct_bridge.sandbox.objects.payments import (
    APPLIED,
    DECLARED_AMOUNT,
    UNAPPLIED_ACCOUNT,
    Application,
    PaymentKind,
    Piece,
    bank_account,
    consume,
    default_undeposited,
    error,
    run_details,
)
from intacct_bridge.sandbox.objects.subledger import TOTALS, default_offset, set_totals
from intacct_bridge.sandbox.objects.transactions import LineRules, active_record
from intacct_bridge.sandbox.schema import SYSTEM_FIELDS, FieldSpec, LineCollection, ObjectType
from intacct_bridge.sandbox.store import Record
from intacct_bridge.sandbox.values import whole_number


def ledger_header(ctx: Context, kind: PaymentKind, record: Record, when: str) -> dict[str, str]:
    values = record.values
    party = values.get(kind.party_field, "") or values.get("PAYERNAME", "")
    return {
        "BATCH_DATE": when,
        "BATCH_TITLE": f"{kind.party_label} {party}: {kind.label} {record.recordno}".strip(),
        "JOURNAL": kind.journal,
        "BATCHNO": str(periods.next_number(ctx.company.data, ctx.company.books, kind.journal)),
        "MODULEKEY": kind.module_key,
        "RECORDTYPE": kind.record_type,
        "PRRECORDKEY": str(record.recordno),
        "DOCNUMBER": values.get("DOCNUMBER", ""),
        "CURRENCY": values.get("CURRENCY", ""),
        "BASECURR": values.get("BASECURR", ""),
    }


def undo_applications(ctx: Context, payment: Record, container: str) -> Decimal:
    """Reverse every application recorded on ``payment``'s details; returns how much of the
    payment itself (cash or unapplied amount) they had used."""
    own = ZERO
    for detail in payment.lines.get(container, []):
        for row in json.loads(detail.get(APPLIED) or "[]"):
            app = Application.decode(row)
            consume(
                ctx, app.target, app.target_no, [Piece(app.target_line, app.amount)], "", undo=True
            )
            if app.source_no == payment.recordno:
                own += app.amount
            else:
                source_line = [Piece(app.source_line, app.amount)]
                consume(ctx, app.source, app.source_no, source_line, "", undo=True)
    return own


def payment_deleter(kind: PaymentKind) -> Callable[..., None]:
    def delete(ctx: Context, otype: object, record: Record) -> None:
        periods.check_open(ctx, record.values.get(kind.date_field, ""), _module(kind))
        own = undo_applications(ctx, record, kind.container)
        values = record.values
        used = Decimal(values.get("TRX_TOTALPAID") or values.get("TOTALPAID") or "0")
        if used != own:
            raise error(
                f"{kind.label} {record.recordno} cannot be deleted: {fmt(used - own)} of it is "
                "applied by other payments.",
                "Delete those payments first.",
            )
        ledger.unpost(ctx, record.recordno)
        balances.moved(ctx, kind.name, record.values, None)

    return delete


def payment_type(
    kind: PaymentKind,
    fields: tuple[FieldSpec, ...],
    details: tuple[FieldSpec, ...],
    **kw: object,
) -> ObjectType:
    """ARPYMT / APPYMT: created with their details, deleted whole; never updated."""
    head = tuple(f for f in SYSTEM_FIELDS if f.path == "RECORDNO")
    tail = tuple(f for f in SYSTEM_FIELDS if f.path not in ("RECORDNO", "WHENCREATED"))
    return ObjectType(
        kind.name,
        kind.label,
        head + fields + PAYMENT_TOTALS + tail,
        module="ar" if kind.party == "CUSTOMER" else "ap",
        collections=(LineCollection(kind.container, kind.item, details),),
        generic_update=False,
        validators=(payment_validator(kind),),
        after_write=payment_poster(kind),
        before_delete=payment_deleter(kind),
        audit_created="AUWHENCREATED",
        **kw,  # type: ignore[arg-type]
    )


PAYMENT_TOTALS: tuple[FieldSpec, ...] = (
    FieldSpec("STATE", readonly=True, label="State"),
    FieldSpec("RECORDTYPE", readonly=True, label="Record type"),
    FieldSpec("MODULEKEY", readonly=True, label="Module"),
    FieldSpec("WHENCREATED", "date", readonly=True, label="Date"),
    FieldSpec("WHENPAID", "date", readonly=True, label="Date fully applied"),
    *(FieldSpec(name, "decimal", readonly=True) for name in TOTALS),
    FieldSpec("AUWHENCREATED", "datetime", readonly=True, label="When created (audit)"),
)


def detail_fields(*extra: FieldSpec) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("RECORDNO", "integer", readonly=True, label="Detail record number"),
        FieldSpec("LINE_NO", "integer", readonly=True, label="Line number"),
        # Required unless the detail names a positive AP adjustment (POSADJKEY); checked
        # by ``payments.apply_detail``.
        FieldSpec("RECORDKEY", "integer", label="Document record number"),
        FieldSpec("ENTRYKEY", "integer", label="Document line record number"),
        FieldSpec("TRX_PAYMENTAMOUNT", "decimal", label="Payment amount"),
        FieldSpec("PAYMENTAMOUNT", "decimal", readonly=True, label="Payment amount (base)"),
        # An advance (APADVANCE / ARADVANCE) applied to the document.
        FieldSpec("ADVANCEKEY", "integer", label="Advance record number"),
        FieldSpec("ADVANCEENTRYKEY", "integer", label="Advance line"),
        FieldSpec("TRX_POSTEDADVANCEAMOUNT", "decimal", label="Advance amount"),
        *extra,
        FieldSpec("ADJUSTMENTKEY", "integer", label="Credit memo record number"),
        FieldSpec("ADJUSTMENTENTRYKEY", "integer", label="Credit memo line"),
        FieldSpec("TRX_ADJUSTMENTAMOUNT", "decimal", label="Credit memo amount"),
        FieldSpec("INLINEKEY", "integer", label="Inline credit record number"),
        FieldSpec("INLINEENTRYKEY", "integer", label="Inline credit line"),
        FieldSpec("TRX_INLINEAMOUNT", "decimal", label="Inline credit amount"),
        FieldSpec("TRX_TOTALDISCOUNTTOAPPLY", "decimal", label="Discount to apply"),
        # Written by the official SDKs' bill details; refused with a "not emulated" message
        # when they carry a value (``payments.NOT_EMULATED``).
        FieldSpec("DISCOUNTDATE", "date", label="Discount date"),
        FieldSpec("DISCOUNTTOAPPLY", "decimal", label="Discount to apply (legacy name)"),
        FieldSpec("CREDITTOAPPLY", "decimal", label="Credit to apply"),
    )


def payment_validator(kind: PaymentKind) -> Callable[..., None]:
    def check(ctx: Context, otype: ObjectType, new: Record, old: Record | None) -> None:
        values = new.values
        if not new.lines.get(kind.container) and not values.get(DECLARED_AMOUNT):
            raise error(
                f"{kind.label} needs at least 1 {kind.item} line(s) in {kind.container}; got 0.",
            )
        if values.get("ACTION") == "Draft":
            raise error(
                f"Draft {kind.label.lower()}s are not emulated by the sandbox.",
                "Leave ACTION out: the payment is posted and applied at once.",
            )
        when = values.get(kind.date_field, "")
        periods.check_open(ctx, when, _module(kind))
        party = values.get(kind.party_field, "")
        if party:
            active_record(ctx, kind.party, party, kind.party_label)
        if kind.party == "CUSTOMER":
            default_undeposited(ctx, values)
        bank_account(ctx, values, required=False)
        if not values.get("CURRENCY"):
            values["CURRENCY"] = _documents_currency(ctx, kind, new)
        currencies.convert(ctx, values, kind.date_field, ctx.location_id)
        values["WHENCREATED"] = when
        if kind.date_field == "RECEIPTDATE" and not values.get("PAYMENTDATE"):
            values["PAYMENTDATE"] = when
        values["RECORDTYPE"] = kind.record_type
        values["MODULEKEY"] = kind.module_key
        values["STATE"] = "Posted"

    return check


def payment_poster(kind: PaymentKind) -> Callable[..., None]:
    def post(ctx: Context, otype: ObjectType, record: Record, old: Record | None) -> None:
        values = record.values
        when = values.get(kind.date_field, "")
        declared = values.pop(DECLARED_AMOUNT, "")
        details = record.lines.get(kind.container, [])
        stored, result = run_details(ctx, kind, record, details, when)
        record.lines[kind.container] = stored
        entered = result.cash
        if declared:
            entered = money(declared)
            if entered < result.cash:
                raise error(
                    f"The payment amount {fmt(entered)} is less than the {fmt(result.cash)} "
                    "applied to invoices.",
                    "Make the payment amount at least the sum of the amounts applied.",
                )
            unapplied = entered - result.cash
            if unapplied:
                result.postings += _unapplied(ctx, kind, record, unapplied)
        conversion = currencies.stored(values)
        base_entered = conversion.to_base(entered)
        base_cash = base_entered if entered == result.cash else conversion.to_base(result.cash)
        set_totals(values, entered, result.cash, base_entered, base_cash)
        if entered == result.cash:
            values["WHENPAID"] = when
        entities = tuple(sorted({posting.entity for posting in result.postings} - {""}))
        if entities:
            periods.check_open(ctx, when, _module(kind), entities)
        ledger.post(ctx, record, ledger_header(ctx, kind, record, when), result.postings)
        balances.moved(ctx, kind.name, None, values)

    return post


def _documents_currency(ctx: Context, kind: PaymentKind, record: Record) -> str:
    """A payment without CURRENCY is in the currency of the first document it pays (``""``
    when that is unknown: then the base currency) *(inferred)*."""
    for detail in record.lines.get(kind.container, []):
        number = whole_number(detail.get("RECORDKEY", ""))
        for name in kind.targets:
            table = ctx.company.data.tables.get(name)
            target = table.records.get(number) if table is not None and number else None
            if target is not None:
                return target.values.get("CURRENCY", "")
        break
    return ""


def _module(kind: PaymentKind) -> str:
    return "ap" if kind.party == "VENDOR" else "ar"


def _unapplied(ctx: Context, kind: PaymentKind, record: Record, amount: Decimal) -> list[Posting]:
    """An AR payment's unapplied amount: cash in, credited to the customer's receivables
    account until it is applied (``apply_arpayment`` or ``OVERPAYMENTKEY``)."""
    values = record.values
    bank = bank_account(ctx, values, required=True)
    party_id = values.get(kind.party_field, "")
    party = active_record(ctx, kind.party, party_id, kind.party_label) if party_id else None
    account = default_offset(ctx, "Receivables account", party)
    values[UNAPPLIED_ACCOUNT] = account
    dims = {
        "LOCATIONID": values.get("OVERPAYMENTLOCATIONID", ""),
        "DEPARTMENTID": values.get("OVERPAYMENTDEPARTMENTID", ""),
        kind.party_field: party_id,
    }
    dims = {key: value for key, value in dims.items() if value}
    entity = LineRules(ctx, "doc").entity(dims)
    base = currencies.stored(values).to_base(amount)
    text = "Unapplied payment"
    return [
        Posting(bank, kind.sign * base, dims, text, entity, trx=kind.sign * amount),
        Posting(account, -kind.sign * base, dims, text, entity, trx=-kind.sign * amount),
    ]
