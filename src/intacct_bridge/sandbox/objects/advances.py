"""The rules APADVANCE and ARADVANCE share: money paid or received before the document.

An advance moves cash through a bank account (``FINANCIALENTITY``; an AR advance may name an
undeposited funds account instead) before the bill or invoice exists. Each line names the
account that takes the other side (a prepayment asset on AP, a customer deposit on AR); its
``TOTALDUE`` is what is left to apply, which a payment detail with ``ADVANCEKEY`` does later
(:mod:`.payments`). An advance is in the base currency, created with the generic ``create``,
never updated, and deleted only while nothing of it is applied.

Layer: object catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from intacct_bridge.sandbox import currencies, errors, ledger, periods
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.ledger import ZERO, Posting, fmt
from intacct_bridge.sandbox.objects import balances
from intacct_bridge.sandbox.objects.payments import PaymentKind, bank_account, default_undeposited
from intacct_bridge.sandbox.objects.paymenttypes import ledger_header
from intacct_bridge.sandbox.objects.subledger import (
    TOTALS,
    DocumentKind,
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
from intacct_bridge.sandbox.schema import SYSTEM_FIELDS, FieldSpec, LineCollection, ObjectType
from intacct_bridge.sandbox.store import Record


@dataclass(frozen=True)
class AdvanceKind:
    """One side's advance: its payment kind (name, label, party, date field, journal, record
    type of the ledger entry) and its document kind (for the "cannot be deleted" text)."""

    payment: PaymentKind
    document: DocumentKind
    item: str

    @property
    def name(self) -> str:
        return self.payment.name

    @property
    def container(self) -> str:
        return f"{self.name}ITEMS"

    @property
    def module(self) -> str:
        return self.document.module

    @property
    def receives(self) -> bool:
        """AR: cash comes in (the bank is debited); AP: it goes out."""
        return self.payment.sign > 0


def advance_lines(kind: AdvanceKind, *after_account: FieldSpec) -> LineCollection:
    """The advance's lines; ``after_account``: fields of one side only, after ACCOUNTNO."""
    return LineCollection(
        kind.container,
        kind.item,
        (
            FieldSpec("RECORDNO", "integer", readonly=True, label="Line record number"),
            FieldSpec("RECORDKEY", "integer", readonly=True, label="Advance record number"),
            FieldSpec("LINE_NO", "integer", readonly=True, label="Line number"),
            FieldSpec("ACCOUNTNO", ref="GLACCOUNT", label="Account"),
            *after_account,
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


def _check(ctx: Context, kind: AdvanceKind, new: Record) -> None:
    values = new.values
    payment = kind.payment
    when = values.get(payment.date_field, "")
    periods.check_open(ctx, when, kind.module)
    if currencies.convert(ctx, values, payment.date_field, ctx.location_id).foreign:
        verb = "Record" if kind.receives else "Pay"
        raise errors.business_error(
            f"{kind.module.upper()} advances in {values['CURRENCY']} (not the base currency "
            f"{values['BASECURR']}) are not emulated by the sandbox.",
            f"{verb} the advance in {values['BASECURR']}.",
        )
    party = values.get(payment.party_field, "")
    active_record(ctx, payment.party, party, payment.party_label)
    if kind.receives:
        default_undeposited(ctx, values)
    bank_account(ctx, values, required=True)
    rules = LineRules(ctx, "doc")
    defaults = {payment.party_field: party}
    lines: list[dict[str, str]] = []
    total = ZERO
    for number, line in enumerate(new.lines.get(kind.container, []), start=1):
        where = f"line {number} of {kind.container}"
        if not line.get("ACCOUNTNO"):
            raise missing_field("ACCOUNTNO", "Account", where)
        amount = amount_of(line.get("TRX_AMOUNT", ""), "TRX_AMOUNT", where)
        if amount <= 0:
            raise errors.business_error(
                f"The amount on {where} must be more than zero; got {fmt(amount)}.",
                "An advance receives money: give positive amounts."
                if kind.receives
                else "An advance pays money out: give positive amounts.",
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
    new.lines[kind.container] = lines
    set_totals(values, total, ZERO)
    values.update(
        WHENCREATED=when,
        STATE="Posted",
        RECORDTYPE=payment.record_type,
        MODULEKEY=payment.module_key,
    )
    if kind.receives:
        values.setdefault("PAYMENTDATE", when)


def _post(ctx: Context, kind: AdvanceKind, record: Record) -> None:
    bank = bank_account(ctx, record.values, required=True)
    rules = LineRules(ctx, "doc")
    party_field = kind.payment.party_field
    defaults = {party_field: record.values.get(party_field, "")}
    postings: list[Posting] = []
    for line in record.lines.get(kind.container, []):
        line["RECORDKEY"] = str(record.recordno)
        amount = Decimal(line["TRX_AMOUNT"])
        dims = rules.plain(line, defaults)
        entity = rules.entity(dims)
        memo = line.get("ENTRYDESCRIPTION", "") or record.values.get("DESCRIPTION", "")
        number = int(line["LINE_NO"])
        debit, credit = (bank, line["ACCOUNTNO"]) if kind.receives else (line["ACCOUNTNO"], bank)
        postings.append(Posting(debit, amount, dims, memo, entity, number))
        postings.append(Posting(credit, -amount, dims, memo, entity, number))
    when = record.values.get(kind.payment.date_field, "")
    ledger.post(ctx, record, ledger_header(ctx, kind.payment, record, when), postings)
    balances.moved(ctx, kind.name, None, record.values)


def _delete(ctx: Context, kind: AdvanceKind, record: Record) -> None:
    refuse_if_paid(kind.document, record, "deleted")
    periods.check_open(ctx, record.values.get(kind.payment.date_field, ""), kind.module)
    ledger.unpost(ctx, record.recordno)
    balances.moved(ctx, kind.name, record.values, None)


def advance_type(
    kind: AdvanceKind,
    fields: Sequence[FieldSpec],
    lines: LineCollection,
    *,
    plural: str,
    url_path: str,
) -> ObjectType:
    """The advance object: RECORDNO, ``fields`` (the party, bank and dates of one side), then
    the state, totals and audit fields every advance has."""

    def check(ctx: Context, otype: ObjectType, new: Record, old: Record | None) -> None:
        _check(ctx, kind, new)

    def post(ctx: Context, otype: ObjectType, record: Record, old: Record | None) -> None:
        _post(ctx, kind, record)

    def delete(ctx: Context, otype: ObjectType, record: Record) -> None:
        _delete(ctx, kind, record)

    head = tuple(f for f in SYSTEM_FIELDS if f.path == "RECORDNO")
    tail = tuple(f for f in SYSTEM_FIELDS if f.path not in ("RECORDNO", "WHENCREATED"))
    return ObjectType(
        kind.name,
        kind.payment.label,
        (
            *head,
            *fields,
            FieldSpec("STATE", readonly=True, label="State"),
            FieldSpec("RECORDTYPE", readonly=True, label="Record type"),
            FieldSpec("MODULEKEY", readonly=True, label="Module"),
            FieldSpec("WHENCREATED", "date", readonly=True, label="Date"),
            FieldSpec("WHENPAID", "date", readonly=True, label="Date fully applied"),
            *(FieldSpec(name, "decimal", readonly=True) for name in TOTALS),
            FieldSpec("AUWHENCREATED", "datetime", readonly=True, label="When created (audit)"),
            *tail,
        ),
        module=kind.module,
        plural=plural,
        collections=(lines,),
        generic_update=False,
        validators=(check,),
        after_write=post,
        before_delete=delete,
        audit_created="AUWHENCREATED",
        url_path=url_path,
    )
