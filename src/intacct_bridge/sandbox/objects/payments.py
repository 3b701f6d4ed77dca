"""Payments: applying cash and credits to AR invoices and AP bills.

An ARPYMT (or APPYMT) detail names the document it pays (``RECORDKEY``, optionally one line
with ``ENTRYKEY``) and what pays it: cash (``TRX_PAYMENTAMOUNT``) and/or a credit — an AR
advance (``ADVANCEKEY`` + ``TRX_POSTEDADVANCEAMOUNT``), a credit memo adjustment
(``ADJUSTMENTKEY`` + ``TRX_ADJUSTMENTAMOUNT``) or an earlier payment's unapplied amount
(``OVERPAYMENTKEY`` + ``TRX_POSTEDOVERPAYMENTAMOUNT``). Field names follow reference
§14.13; the advance and adjustment amount names are *(inferred)* by analogy, and a credit
key without its amount applies as much as both sides allow *(inferred)*.

Amounts are in the transaction currency (a payment pays documents of its own currency).
Applying an amount moves ``TRX_TOTALPAID`` / ``TRX_TOTALDUE`` / ``STATE`` of the paid
document (and of its lines, first line first) — the base ``TOTALPAID`` / ``TOTALDUE``
follow proportionally, to the cent — and consumes the credit the same way (``TOTALDUE`` of an
advance or credit memo is what is left to apply). Over-application is refused
(``… exceeds total amount due (<due>)``, the production fragment in reference §5), as is
paying a paid document (``Payment cannot be processed because one or more bills are already
paid``, verbatim for AP; the AR wording *(inferred)*).

GL: cash debits the bank's GL account (``FINANCIALENTITY`` → CHECKINGACCOUNT.GLACCOUNTNO, or
``UNDEPOSITEDACCOUNTNO``) and credits the paid line's offset (AR) account — the other way
round for AP; an advance debits the account its line credited; a credit memo or unapplied
payment moves the amount between receivables (payables) lines. Each side posts in base
currency at its own rate — the document's part at the document's, the cash at the
payment's — and the difference is the realised exchange gain or loss, posted to the
subledger's gain/loss account (``Books.fx_accounts``). Deleting a payment undoes all of
it. The ARPYMT / APPYMT object types are built in :mod:`.paymenttypes`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from intacct_bridge.sandbox import currencies, errors
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.currencies import Conversion
from intacct_bridge.sandbox.ledger import CENT, ZERO, Posting, fmt, money
from intacct_bridge.sandbox.objects import balances
from intacct_bridge.sandbox.objects.subledger import line_total, set_totals, state_of
from intacct_bridge.sandbox.objects.transactions import LineRules, active_record, missing_field
from intacct_bridge.sandbox.store import Record
from intacct_bridge.sandbox.values import whole_number

#: Line collection of each object that can be paid or used as a credit.
CONTAINERS = {
    "ARINVOICE": "ARINVOICEITEMS",
    "ARADJUSTMENT": "ARADJUSTMENTITEMS",
    "ARADVANCE": "ARADVANCEITEMS",
    "APBILL": "APBILLITEMS",
    "APADJUSTMENT": "APADJUSTMENTITEMS",
    "APADVANCE": "APADVANCEITEMS",
    "ARPYMT": "",
}
#: Hidden detail key holding how the detail was applied (for deletion).
APPLIED = "_APPLIED"
#: Hidden payment key: the receivables account its unapplied amount was credited to.
UNAPPLIED_ACCOUNT = "_UNAPPLIEDACCOUNTNO"
#: Hidden input (legacy ``create_arpayment paymentamount``): the amount received, which may
#: exceed what the payment applies; the rest stays unapplied.
DECLARED_AMOUNT = "_PAYMENTAMOUNT"


@dataclass(frozen=True)
class PaymentKind:
    name: str
    label: str
    container: str
    item: str
    party: str
    party_field: str
    party_label: str
    #: Objects a detail's RECORDKEY may name (documents that are paid).
    targets: tuple[str, ...]
    #: Credit sources: (key field, amount fields, line key field, object).
    credits: tuple[tuple[str, tuple[str, ...], str, str], ...]
    #: +1: cash is a debit to the bank (AR); -1: a credit (AP).
    sign: int
    journal: str
    module_key: str
    record_type: str
    date_field: str
    documents_word: str


@dataclass
class Piece:
    """An amount taken from one line (``line`` = its RECORDNO, ``""`` for a payment)."""

    line: str
    amount: Decimal


@dataclass
class Application:
    target: str
    target_no: int
    target_line: str
    source: str
    source_no: int
    source_line: str
    amount: Decimal
    #: ``cash`` (the payment's money), ``unapplied`` (its earlier unapplied amount), or
    #: ``credit`` (another record's credit).
    how: str = "credit"

    def encode(self) -> list[str]:
        return [
            self.target,
            str(self.target_no),
            self.target_line,
            self.source,
            str(self.source_no),
            self.source_line,
            fmt(self.amount),
            self.how,
        ]

    @classmethod
    def decode(cls, row: list[str]) -> Application:
        target, target_no, target_line, source, source_no, source_line, amount, how = row
        return cls(
            target,
            int(target_no),
            target_line,
            source,
            int(source_no),
            source_line,
            Decimal(amount),
            how,
        )


@dataclass
class Applied:
    applications: list[Application] = field(default_factory=list)
    postings: list[Posting] = field(default_factory=list)
    cash: Decimal = ZERO


def error(text: str, correction: str = "") -> errors.FunctionError:
    return errors.business_error(text, correction)


# --- consuming documents ----------------------------------------------------------------------


def find(ctx: Context, names: tuple[str, ...], key: str, what: str) -> tuple[str, Record]:
    """The record numbered ``key`` in one of ``names`` (a RECORDNO is unique per company)."""
    number = whole_number(key)
    data = ctx.company.data
    for name in names:
        table = data.tables.get(name)
        record = table.records.get(number) if table is not None and number is not None else None
        if record is not None and (not ctx.location_id or record.entity in (None, ctx.location_id)):
            return name, record
    raise error(f"Invalid {what} '{key}' specified.", f"Give the RECORDNO of an existing {what}.")


def remaining(record: Record) -> Decimal:
    """What is left to pay on a document, or to apply from a credit (always ≥ 0), in its
    transaction currency."""
    values = record.values
    return abs(Decimal(values.get("TRX_TOTALDUE") or values.get("TOTALDUE") or "0"))


def _base_paid(trx_paid: Decimal, trx_total: Decimal, base_total: Decimal) -> Decimal:
    """The base-currency part of ``base_total`` that ``trx_paid`` of ``trx_total`` settles:
    proportional, rounded to cents, and exactly ``base_total`` once all is paid (so partial
    payments add up to the whole)."""
    if trx_paid == trx_total or trx_total.is_zero():
        return base_total if trx_paid == trx_total else ZERO
    with localcontext() as context:
        context.prec = 90
        return (trx_paid * base_total / trx_total).quantize(CENT, rounding=ROUND_HALF_UP)


def split(record: Record, container: str, amount: Decimal, entry_key: str) -> list[Piece]:
    """How ``amount`` is taken from the lines of ``record`` (first line first)."""
    if not container:
        return [Piece("", amount)]
    sign = 1 if Decimal(record.values.get("TOTALENTERED") or "0") >= 0 else -1
    pieces: list[Piece] = []
    left = amount
    for line in record.lines.get(container, []):
        if entry_key and line.get("RECORDNO") != entry_key:
            continue
        line_amount = line_total(line)[0] * sign
        room = line_amount - _trx_paid(line) * sign
        take = min(room, left)
        if line_amount <= 0 or take <= 0:
            continue
        pieces.append(Piece(line.get("RECORDNO", ""), take))
        left -= take
        if not left:
            break
    if left:
        where = f"line {entry_key} of " if entry_key else ""
        raise error(
            f"The amount {fmt(amount)} exceeds total amount due ({fmt(amount - left)}) on "
            f"{where}record {record.recordno}.",
            "Apply no more than what is due.",
        )
    return pieces


def _trx_paid(line: dict[str, str]) -> Decimal:
    return Decimal(line.get("TRX_TOTALPAID") or line.get("TOTALPAID") or "0")


def consume(
    ctx: Context, name: str, number: int, pieces: list[Piece], when: str, *, undo: bool = False
) -> Record:
    """Move ``pieces`` (transaction currency) into (or, with ``undo``, out of)
    TRX_TOTALPAID of record ``number``; the base TOTALPAID follows (:func:`_base_paid`)."""
    return consume_base(ctx, name, number, pieces, when, undo=undo)[0]


def consume_base(
    ctx: Context, name: str, number: int, pieces: list[Piece], when: str, *, undo: bool = False
) -> tuple[Record, dict[str, Decimal]]:
    """:func:`consume`, also returning the base amount each piece settled (by line
    RECORDNO; ``""`` for a record without lines), positive."""
    data = ctx.company.data
    old = data.table(name).records[number]
    old_values = old.values
    sign = 1 if Decimal(old_values.get("TOTALENTERED") or "0") >= 0 else -1
    factor = -sign if undo else sign
    container = CONTAINERS.get(name, "")
    lines = old.lines
    settled: dict[str, Decimal] = {}
    base_delta = ZERO
    if container:
        by_no = {piece.line: piece.amount for piece in pieces}
        new_lines = []
        for line in old.lines.get(container, []):
            taken = by_no.get(line.get("RECORDNO", ""))
            if taken is not None:
                line = dict(line)
                trx_total, base_total = line_total(line)
                before = _trx_paid(line)
                after = before + factor * taken
                base_before = Decimal(line.get("TOTALPAID") or "0")
                base_after = _base_paid(after, trx_total, base_total)
                line["TRX_TOTALPAID"] = fmt(after)
                line["TOTALPAID"] = fmt(base_after)
                settled[line.get("RECORDNO", "")] = abs(base_after - base_before)
                base_delta += base_after - base_before
            new_lines.append(line)
        lines = {**old.lines, container: new_lines}
    values = dict(old_values)
    total = sum((piece.amount for piece in pieces), ZERO)
    entered = Decimal(values.get("TRX_TOTALENTERED") or values.get("TOTALENTERED") or "0")
    base_entered = Decimal(values.get("TOTALENTERED") or "0")
    paid = Decimal(values.get("TRX_TOTALPAID") or values.get("TOTALPAID") or "0")
    paid += factor * total
    base_paid_before = Decimal(values.get("TOTALPAID") or "0")
    if container:
        base_paid = base_paid_before + base_delta
    else:
        base_paid = _base_paid(paid, entered, base_entered)
        settled[""] = abs(base_paid - base_paid_before)
    set_totals(values, entered, paid, base_entered, base_paid)
    if values.get("STATE") != "Draft" and name != "ARPYMT":
        values["STATE"] = state_of(values)
    if values["TRX_TOTALDUE"] == "0.00" and when:
        values["WHENPAID"] = when
    else:
        values.pop("WHENPAID", None)
    new = Record(old.recordno, values, old.entity, lines)
    data.replace(name, new, None)
    balances.moved(ctx, name, old_values, values)
    return new, settled


def _line(record: Record, name: str, line_no: str) -> dict[str, str]:
    for line in record.lines.get(CONTAINERS.get(name, ""), []):
        if line.get("RECORDNO") == line_no:
            return line
    return {}


# --- applying details -------------------------------------------------------------------------


@dataclass
class Payer:
    """The payment being applied: its kind, record, date, bank account and party."""

    kind: PaymentKind
    record: Record
    when: str
    bank: str
    party: str
    rules: LineRules
    #: The payment's currency and rate (its cash converts at this rate).
    conversion: Conversion = field(default_factory=lambda: Conversion("", "", Decimal(1)))

    def dims_of(self, name: str, record: Record, line: dict[str, str]) -> dict[str, str]:
        party_field = "VENDORID" if name.startswith("AP") else "CUSTOMERID"
        defaults = {party_field: record.values.get(party_field, "")}
        return self.rules.plain(line, defaults) if line else defaults


def _amount(detail: dict[str, str], names: tuple[str, ...], where: str) -> Decimal | None:
    for name in names:
        text = detail.get(name, "")
        if text:
            value = money(text)
            if value <= 0:
                raise error(f"{name} on {where} must be more than zero; got {text}.")
            return value
    return None


#: Detail fields the sandbox does not emulate: (object, fields, message, fix); a detail
#: giving one of them a value (an amount other than zero) is refused with the message.
NOT_EMULATED: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    (
        "",
        ("INLINEKEY", "TRX_INLINEAMOUNT"),
        "{field} on {where}: inline credits are not emulated by the sandbox.",
        "Apply credit memos with ADJUSTMENTKEY instead.",
    ),
    (
        "",
        ("TRX_TOTALDISCOUNTTOAPPLY", "DISCOUNTTOAPPLY", "DISCOUNTDATE"),
        "Discounts on {where} are not emulated by the sandbox.",
        "Pay the discounted amount with TRX_PAYMENTAMOUNT and leave the discount out.",
    ),
    (
        "",
        ("CREDITTOAPPLY",),
        "{field} on {where}: applying credits by amount is not emulated by the sandbox.",
        "Apply each credit with its own key (ADJUSTMENTKEY) and amount.",
    ),
)


def refuse_not_emulated(name: str, detail: dict[str, str], where: str) -> None:
    """Refuse a detail that uses a payment feature the sandbox does not emulate."""
    for owner, fields, message, fix in NOT_EMULATED:
        if owner and owner != name:
            continue
        for field_name in fields:
            text = detail.get(field_name, "")
            if not text:
                continue
            if field_name.endswith(("AMOUNT", "TOAPPLY")) and money(text).is_zero():
                continue
            raise error(message.format(field=field_name, where=where), fix)


def apply_detail(payer: Payer, number: int, detail: dict[str, str], result: Applied) -> None:
    """Apply one detail: check it, consume the document and the credits, and collect the
    ledger postings."""
    kind, ctx = payer.kind, payer.rules.ctx
    where = f"line {number} of {kind.container}"
    refuse_not_emulated(kind.name, detail, where)
    key, targets, entry_field = detail.get("RECORDKEY", ""), kind.targets, "ENTRYKEY"
    if detail.get("POSADJKEY"):
        if key:
            raise error(
                f"Line {number} of {kind.container} names both RECORDKEY and POSADJKEY.",
                "Give RECORDKEY for a bill, or POSADJKEY for a positive adjustment.",
            )
        key, targets, entry_field = detail["POSADJKEY"], ("APADJUSTMENT",), "POSADJENTRYKEY"
    if not key:
        raise missing_field("RECORDKEY", "Record key", where)
    word = kind.documents_word[:-1]
    target_name, target = find(ctx, targets, key, word)
    if payer.party and target.values.get(kind.party_field) != payer.party:
        raise error(
            f"The {word} {key} belongs to {kind.party_label.lower()} "
            f"{target.values.get(kind.party_field)}, not {payer.party}.",
            f"Pay the {kind.documents_word} of one {kind.party_label.lower()} per payment.",
        )
    state = target.values.get("STATE", "")
    if state in ("Submitted", "Declined"):
        raise error(
            f"Record {key} cannot be paid: it is {state} (bill approval).",
            f"Have the {word} approved first.",
        )
    if state == "Draft" or Decimal(target.values["TOTALENTERED"]) <= 0:
        raise error(
            f"Record {key} cannot be paid: it is a draft or a credit.",
            f"Pay posted {kind.documents_word} and debit memos.",
        )
    currency = target.values.get("CURRENCY", "")
    if payer.conversion.currency and currency and currency != payer.conversion.currency:
        raise error(
            f"The {word} {key} is in {currency}; this payment is in {payer.conversion.currency}.",
            f"Pay {currency} {kind.documents_word} with a {currency} payment (CURRENCY).",
        )
    due = remaining(target)
    if due.is_zero():
        raise error(
            f"Payment cannot be processed because one or more {kind.documents_word} are "
            "already paid",
            f"Remove the paid {word} {key} from the payment.",
        )
    parts: list[tuple[str, str, Record | None, str, Decimal | None]] = []
    cash = _amount(detail, ("TRX_PAYMENTAMOUNT",), where)
    if cash is not None:
        parts.append(("cash", kind.name, None, "", cash))
    for key_field, amount_fields, line_field, source_object in kind.credits:
        source_key = detail.get(key_field, "")
        if source_key:
            found_name, found = find(ctx, (source_object,), source_key, source_object.lower())
            parts.append(
                (
                    "credit",
                    found_name,
                    found,
                    detail.get(line_field, ""),
                    _amount(detail, amount_fields, where),
                )
            )
    if not parts:
        raise error(
            f"Nothing to apply on {where}.",
            "Give TRX_PAYMENTAMOUNT, or a credit (ADVANCEKEY, ADJUSTMENTKEY, OVERPAYMENTKEY).",
        )
    left = due
    for how, source_name, source, source_entry, amount in parts:
        if source is not None:
            owner = payer.party or target.values.get(kind.party_field, "")
            _check_credit(kind, owner, source_name, source)
            credit_currency = source.values.get("CURRENCY", "")
            if currency and credit_currency and credit_currency != currency:
                raise error(
                    f"The credit {source.recordno} is in {credit_currency}; the {word} {key} "
                    f"is in {currency}.",
                    "Apply credits in the currency of the document they pay.",
                )
            available = remaining(source)
            if amount is None:
                amount = min(available, left)
            if amount > available or available.is_zero():
                raise error(
                    f"The credit {source.recordno} has {fmt(available)} left to apply; "
                    f"{fmt(amount)} was asked for on {where}.",
                    "Apply no more than the credit's TOTALDUE.",
                )
        assert amount is not None
        if amount > left:
            raise error(
                f"The amount to apply to {word} {key} ({fmt(due - left + amount)}) exceeds "
                f"total amount due ({fmt(due)}).",
                "Apply no more than the document's TOTALDUE.",
            )
        left -= amount
        _take(
            payer,
            result,
            target_name,
            target,
            detail.get(entry_field, ""),
            how,
            source_name,
            source,
            source_entry,
            amount,
        )
        target = ctx.company.data.table(target_name).records[target.recordno]


def _check_credit(kind: PaymentKind, party: str, name: str, source: Record) -> None:
    values = source.values
    if values.get(kind.party_field) and values.get(kind.party_field) != party:
        raise error(
            f"The credit {source.recordno} belongs to {kind.party_label.lower()} "
            f"{values.get(kind.party_field)}, not {party}.",
            "Apply credits of the same customer or vendor.",
        )
    entered = Decimal(values.get("TOTALENTERED") or "0")
    is_credit = entered < 0 if name.endswith("ADJUSTMENT") else entered > 0
    if values.get("STATE") == "Draft" or not is_credit:
        raise error(
            f"Record {source.recordno} is not a credit that can be applied.",
            "Apply a posted advance, credit memo or unapplied payment.",
        )


def _take(
    payer: Payer,
    result: Applied,
    target_name: str,
    target: Record,
    entry_key: str,
    how: str,
    source_name: str,
    source: Record | None,
    source_entry: str,
    amount: Decimal,
) -> None:
    ctx, kind = payer.rules.ctx, payer.kind
    target_pieces = split(target, CONTAINERS[target_name], amount, entry_key)
    source_settled: dict[str, Decimal] = {}
    if source is None:
        source_pieces = [Piece("", amount)]
    else:
        source_pieces = split(source, CONTAINERS[source_name], amount, source_entry)
        source, source_settled = consume_base(
            ctx, source_name, source.recordno, source_pieces, payer.when
        )
    target, target_settled = consume_base(
        ctx, target_name, target.recordno, target_pieces, payer.when
    )
    source_no = source.recordno if source is not None else payer.record.recordno
    if source is not None and source.recordno == payer.record.recordno:
        how = "unapplied"
    # Base amounts per piece: each side's settled base is shared out over its pieces.
    target_base = _shares(target_pieces, target_settled)
    source_base = _shares(source_pieces, source_settled)
    for target_piece, source_piece, piece in _pairs(target_pieces, source_pieces):
        result.applications.append(
            Application(
                target_name,
                target.recordno,
                target_piece,
                source_name,
                source_no,
                source_piece,
                piece,
                how,
            )
        )
        target_line = _line(target, target_name, target_piece)
        dims = payer.dims_of(target_name, target, target_line)
        entity = payer.rules.entity(dims)
        offset = target_line.get("OFFSETGLACCOUNTNO", "")
        base_t = target_base.take(target_piece, piece)
        result.postings.append(
            Posting(offset, -kind.sign * base_t, dims, "", entity, trx=-kind.sign * piece)
        )
        if how == "cash":
            cash_dims = {k: v for k, v in dims.items() if k in ("LOCATIONID", kind.party_field)}
            base_s = payer.conversion.to_base(piece)
            result.postings.append(
                Posting(
                    payer.bank, kind.sign * base_s, cash_dims, "", entity, trx=kind.sign * piece
                )
            )
            result.cash += piece
            _exchange(payer, result, base_t, base_s, cash_dims, entity)
            continue
        if how == "unapplied":
            account = payer.record.values.get(UNAPPLIED_ACCOUNT, "")
            base_s = source_base.take(source_piece, piece)
            result.postings.append(
                Posting(account, kind.sign * base_s, dims, "", entity, trx=kind.sign * piece)
            )
            _exchange(payer, result, base_t, base_s, dims, entity)
            continue
        assert source is not None
        source_line = _line(source, source_name, source_piece)
        source_dims = payer.dims_of(source_name, source, source_line)
        if source_name == "ARPYMT":
            account = source.values.get(UNAPPLIED_ACCOUNT, "")
        elif source_name in ("ARADVANCE", "APADVANCE"):
            account = source_line.get("ACCOUNTNO", "")
        else:
            account = source_line.get("OFFSETGLACCOUNTNO", "")
        source_entity = payer.rules.entity(source_dims)
        base_s = source_base.take(source_piece, piece)
        result.postings.append(
            Posting(account, kind.sign * base_s, source_dims, "", source_entity,
                    trx=kind.sign * piece)
        )  # fmt: skip
        _exchange(payer, result, base_t, base_s, source_dims, source_entity)


@dataclass
class _Shares:
    """Shares out the base amount settled on each line over the pieces taken from it: the
    last piece of a line gets what is left, so the shares add up exactly."""

    pieces: dict[str, Decimal]
    base: dict[str, Decimal]

    def take(self, line: str, amount: Decimal) -> Decimal:
        trx_left = self.pieces.get(line, ZERO)
        base_left = self.base.get(line, ZERO)
        if amount >= trx_left:
            share = base_left
        else:
            with localcontext() as context:
                context.prec = 90
                share = (amount * base_left / trx_left).quantize(CENT, rounding=ROUND_HALF_UP)
        self.pieces[line] = trx_left - amount
        self.base[line] = base_left - share
        return share


def _shares(pieces: list[Piece], settled: dict[str, Decimal]) -> _Shares:
    trx: dict[str, Decimal] = {}
    for piece in pieces:
        trx[piece.line] = trx.get(piece.line, ZERO) + piece.amount
    base = {line: settled.get(line, trx[line]) for line in trx}
    return _Shares(trx, base)


def _exchange(
    payer: Payer, result: Applied, base_t: Decimal, base_s: Decimal, dims: dict[str, str],
    entity: str,
) -> None:  # fmt: skip
    """Realised exchange gain or loss: the document was carried at ``base_t`` and is settled
    with ``base_s`` (both base currency); the difference goes to the subledger's
    *Multi-currency gain and losses* account (``Books.fx_accounts``)."""
    difference = payer.kind.sign * (base_t - base_s)
    if difference.is_zero():
        return
    module = "ap" if payer.kind.party == "VENDOR" else "ar"
    account = payer.rules.ctx.company.books.fx_accounts.get(module, "")
    if not account:
        raise error(
            f"The payment settles {fmt(abs(base_t - base_s))} of exchange gain or loss, and "
            f"the company has no {module.upper()} exchange gain/loss account.",
            "Have an administrator set it (Admin.set_currency_accounts).",
        )
    payer.rules.account(account)
    text = "Realized exchange gain/loss"
    result.postings.append(Posting(account, difference, dims, text, entity, trx=ZERO))


def _pairs(targets: list[Piece], sources: list[Piece]) -> list[tuple[str, str, Decimal]]:
    """Match the target pieces with the source pieces (both add up to the same amount)."""
    pairs: list[tuple[str, str, Decimal]] = []
    left = [Piece(p.line, p.amount) for p in sources]
    index = 0
    for target in targets:
        need = target.amount
        while need > 0 and index < len(left):
            take = min(need, left[index].amount)
            pairs.append((target.line, left[index].line, take))
            need -= take
            left[index].amount -= take
            if not left[index].amount:
                index += 1
    return pairs


def default_undeposited(ctx: Context, values: dict[str, str]) -> None:
    """An AR receipt naming neither a bank nor an undeposited funds account goes to the
    company's default undeposited funds account, when it has one."""
    default = ctx.company.books.undeposited_account
    if default and not values.get("FINANCIALENTITY") and not values.get("UNDEPOSITEDACCOUNTNO"):
        values["UNDEPOSITEDACCOUNTNO"] = default


def bank_account(ctx: Context, values: dict[str, str], *, required: bool) -> str:
    """The GL account of the payment's bank (FINANCIALENTITY) or undeposited funds account."""
    entity = values.get("FINANCIALENTITY", "")
    if entity:
        bank = active_record(ctx, "CHECKINGACCOUNT", entity, "Checking account")
        account = bank.values.get("GLACCOUNTNO", "")
        LineRules(ctx, "doc").account(account)
        return account
    undeposited = values.get("UNDEPOSITEDACCOUNTNO", "")
    if undeposited:
        LineRules(ctx, "doc").account(undeposited)
        return undeposited
    if required:
        raise error(
            "A payment needs a bank account (FINANCIALENTITY) or an undeposited funds "
            "account (UNDEPOSITEDACCOUNTNO).",
            "Give the BANKACCOUNTID of a checking account in FINANCIALENTITY.",
        )
    return ""


def run_details(
    ctx: Context, kind: PaymentKind, record: Record, details: list[dict[str, str]], when: str,
    first_line: int = 1,
) -> tuple[list[dict[str, str]], Applied]:  # fmt: skip
    """Apply ``details`` for payment ``record``; returns the stored detail lines and what was
    applied (postings not yet written)."""
    rules = LineRules(ctx, "doc")
    bank = bank_account(ctx, record.values, required=False)
    party = record.values.get(kind.party_field, "")
    payer = Payer(kind, record, when, bank, party, rules, currencies.stored(record.values))
    result = Applied()
    stored: list[dict[str, str]] = []
    for number, detail in enumerate(details, start=first_line):
        before = len(result.applications)
        cash_before = result.cash
        apply_detail(payer, number, detail, result)
        if result.cash != cash_before and not bank:
            bank_account(ctx, record.values, required=True)
        out = dict(detail)
        out["LINE_NO"] = str(number)
        out["RECORDNO"] = str(ctx.company.data.allocate_recordno())
        out["PAYMENTAMOUNT"] = fmt(result.cash - cash_before)
        out[APPLIED] = json.dumps([a.encode() for a in result.applications[before:]])
        stored.append(out)
    return stored, result
