"""What AP and AR documents share: bills, invoices and adjustments with their lines.

One :class:`DocumentKind` describes each of APBILL, APADJUSTMENT, ARINVOICE and
ARADJUSTMENT; :func:`document_type` builds its object type with the validators and GL
posting below. Rules (reference §14.9 to §14.12; texts *(inferred)* unless noted in
:mod:`.transactions` or :mod:`intacct_bridge.sandbox.periods`):

* the vendor / customer must exist and be active;
* ``WHENCREATED`` (the document date) and, for bills and invoices, ``WHENDUE`` are required
  unless ``ACTION`` is ``Draft``; ``WHENDUE`` is computed from the term (``TERMNAME``, else
  the party's term) when it is not given; ``WHENPOSTED`` (GL date) defaults to
  ``WHENCREATED`` and must be in a period open for the module (and for the entities the
  lines post to);
* every line names an existing, active account with the dimensions it requires (the party
  fills the vendor / customer dimension); amounts are rounded to two decimals;
* bills and invoices cannot total less than zero; an adjustment's lines are all positive (a
  debit memo) or all negative (a credit memo);
* tax entries (``TAXENTRIES``) are computed by :mod:`.tax`; a line's ``TRX_AMOUNT`` is its
  net amount, ``TOTALTRXAMOUNT`` net plus tax;
* a document in another currency converts line by line (:mod:`intacct_bridge.sandbox.
  currencies`): ``AMOUNT`` and ``TOTAL*`` in base currency, ``TRX_AMOUNT`` and ``TRX_*``
  in the transaction currency;
* totals: ``TOTALENTERED`` = the lines' sum with their tax, ``TOTALPAID`` = what payments
  and credits have applied, ``TOTALDUE`` = the difference; ``STATE`` is Draft, Submitted /
  Declined (bill approval, :mod:`.approvals`), Posted, Partially Paid or Paid;
* a bill number the vendor already used is refused when the AP configuration says so
  (``Books.duplicate_bills``);
* a document with payments applied cannot be changed or deleted; nor can one dated in a
  closed period.

Posting (when not a draft or waiting for approval), in base currency: per line, the line
account takes the net amount (a debit on AP documents, a credit on AR ones), each tax its
tax account, and the offset account — the line's ``OFFSETGLACCOUNTNO``, else the party's,
else the company's first active account flagged *Payables account* / *Receivables account*
— the opposite total, with the line's dimensions. The party's open balance follows
(:mod:`.balances`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from intacct_bridge.sandbox import currencies, errors, ledger, periods
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.currencies import Conversion
from intacct_bridge.sandbox.ledger import ZERO, Posting, fmt
from intacct_bridge.sandbox.objects import approvals, balances, tax
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
from intacct_bridge.sandbox.values import format_date, parse_date

#: (readByQuery code, display value) of the documents' STATE *(inferred codes)*.
DOC_STATES = (
    ("I", "Draft"),
    ("S", "Submitted"),
    ("X", "Partially Approved"),
    ("R", "Declined"),
    ("A", "Approved"),
    ("P", "Posted"),
    ("T", "Partially Paid"),
    ("C", "Paid"),
    ("Z", "Reversed"),
)
ACTIONS = (("Submit", "Submit"), ("Draft", "Draft"))
TOTALS = (
    "TOTALENTERED",
    "TOTALSELECTED",
    "TOTALPAID",
    "TOTALDUE",
    "TRX_TOTALENTERED",
    "TRX_TOTALSELECTED",
    "TRX_TOTALPAID",
    "TRX_TOTALDUE",
)


@dataclass(frozen=True)
class DocumentKind:
    """How one AP/AR document object behaves."""

    name: str
    label: str
    container: str
    item: str
    #: VENDOR or CUSTOMER, and the header field naming it.
    party: str
    party_field: str
    party_label: str
    #: +1: the lines are debits (AP); -1: the lines are credits (AR).
    sign: int
    journal: str
    module_key: str
    record_type: str
    #: GLACCOUNT.ALTERNATIVEACCOUNT value of the default offset account.
    offset_flag: str
    #: APTERM / ARTERM for bills and invoices; ``None`` for adjustments.
    term: str | None
    adjustment: bool = False

    @property
    def module(self) -> str:
        return "ap" if self.party == "VENDOR" else "ar"


# --- field lists ------------------------------------------------------------------------------

_TAX = (
    FieldSpec("TAXENTRIES.TAXENTRY.DETAILID", ref="TAXDETAIL", label="Tax detail"),
    FieldSpec("TAXENTRIES.TAXENTRY.TRX_TAX", "decimal", label="Tax amount"),
)


def header_fields(kind: DocumentKind) -> tuple[FieldSpec, ...]:
    party = kind.party_field
    fields = [
        FieldSpec("RECORDID", max_length=45, label="Document number"),
        FieldSpec("STATE", "enum", readonly=True, choices=DOC_STATES, label="State"),
        FieldSpec(party, ref=kind.party, label=f"{kind.party_label} ID"),
        FieldSpec(
            f"{kind.party}NAME",
            readonly=True,
            via=(party, kind.party, "NAME"),
            label=f"{kind.party_label} name",
        ),
        FieldSpec("DOCNUMBER", max_length=45, label="Reference number"),
        FieldSpec("DESCRIPTION", max_length=1000),
    ]
    if kind.term is not None:
        fields.append(FieldSpec("TERMNAME", ref=kind.term, label="Term"))
    fields += [
        FieldSpec("WHENCREATED", "date", label="Date"),
        FieldSpec("WHENPOSTED", "date", label="GL posting date"),
        FieldSpec("WHENDUE", "date", label="Due date"),
        FieldSpec("WHENDISCOUNT", "date", readonly=True, label="Discount date"),
        FieldSpec("WHENPAID", "date", readonly=True, label="Date fully paid"),
        FieldSpec("RECPAYMENTDATE", "date", label="Recommended payment date"),
        FieldSpec("ACTION", "enum", choices=ACTIONS, default="Submit", label="Action"),
        FieldSpec("PRBATCH", label="Summary"),
        FieldSpec("PRBATCHKEY", "integer", readonly=True, label="Summary key"),
        FieldSpec("CURRENCY", max_length=3, label="Transaction currency"),
        FieldSpec("BASECURR", max_length=3, label="Base currency"),
        FieldSpec("EXCH_RATE_DATE", "date", label="Exchange rate date"),
        FieldSpec("EXCH_RATE_TYPE_ID", label="Exchange rate type"),
        FieldSpec("EXCHANGE_RATE", "decimal", label="Exchange rate"),
        FieldSpec("INCLUSIVETAX", "boolean", default="false", label="Inclusive taxes"),
        FieldSpec("TAXSOLUTIONID", ref="TAXSOLUTION", label="Tax solution"),
        FieldSpec("SUPDOCID", label="Attachment"),
        *(FieldSpec(name, "decimal", readonly=True) for name in TOTALS),
        FieldSpec("DUE_IN_DAYS", "integer", readonly=True, label="Due in days"),
        FieldSpec("RECORDTYPE", readonly=True, label="Record type"),
        FieldSpec("MODULEKEY", readonly=True, label="Module"),
        FieldSpec("SYSTEMGENERATED", "boolean", readonly=True),
        FieldSpec("AUWHENCREATED", "datetime", readonly=True, label="When created (audit)"),
    ]
    return tuple(fields)


def line_fields(kind: DocumentKind, *extra: FieldSpec) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("RECORDNO", "integer", readonly=True, label="Line record number"),
        FieldSpec("RECORDKEY", "integer", readonly=True, label="Document record number"),
        FieldSpec("LINE_NO", "integer", readonly=True, label="Line number"),
        FieldSpec("ACCOUNTNO", ref="GLACCOUNT", label="Account"),
        FieldSpec("ACCOUNTLABEL", label="Account label"),
        FieldSpec("OFFSETGLACCOUNTNO", ref="GLACCOUNT", label="Offset account"),
        FieldSpec("TRX_AMOUNT", "decimal", label="Transaction amount"),
        FieldSpec("AMOUNT", "decimal", readonly=True),
        FieldSpec("TOTALTRXAMOUNT", "decimal", label="Total transaction amount"),
        FieldSpec("ENTRYDESCRIPTION", max_length=1000, label="Memo"),
        FieldSpec("BILLABLE", "boolean"),
        FieldSpec("ALLOCATION"),
        *dimension_fields("doc"),
        FieldSpec("COSTTYPEID", module="projects", label="Cost type"),
        FieldSpec("PARTIALEXEMPT", "boolean", label="Partial exempt"),
        *extra,
        *_TAX,
        FieldSpec("TOTALPAID", "decimal", readonly=True),
        FieldSpec("TRX_TOTALPAID", "decimal", readonly=True),
        FieldSpec("TOTALSELECTED", "decimal", readonly=True),
        FieldSpec("TRX_TOTALSELECTED", "decimal", readonly=True),
    )


def document_type(
    kind: DocumentKind,
    fields: tuple[FieldSpec, ...],
    lines: tuple[FieldSpec, ...],
    *more_validators: Callable[[Context, ObjectType, Record, Record | None], None],
    **kw: object,
) -> ObjectType:
    """The object type of a document: ``WHENCREATED`` is its date (an input), the audit
    timestamp is ``AUWHENCREATED``."""
    head = tuple(f for f in SYSTEM_FIELDS if f.path == "RECORDNO")
    tail = tuple(f for f in SYSTEM_FIELDS if f.path not in ("RECORDNO", "WHENCREATED"))
    return ObjectType(
        kind.name,
        kind.label,
        head + fields + tail,
        module=kind.module,
        collections=(
            LineCollection(
                kind.container, kind.item, lines, min_items=1, aliases=(("AMOUNT", "TRX_AMOUNT"),)
            ),
        ),
        validators=(validator(kind), *more_validators),
        after_write=poster(kind),
        before_delete=deleter(kind),
        audit_created="AUWHENCREATED",
        **kw,  # type: ignore[arg-type]
    )


# --- dates and states -------------------------------------------------------------------------

_NTH_MONTH = re.compile(r"of (?:the )?(next|\d+)(?:st|nd|rd|th)? month")


def _month_day(year: int, month: int, day: int) -> date:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, max(1, min(day, calendar.monthrange(year, month)[1])))


def due_date(created: str, days: int, due_from: str) -> str:
    """The due date of a document dated ``created`` under a term *(inferred)*: ``from
    invoice/bill date`` adds the days; ``of the month of …`` is that day of the month; ``of
    next month from …`` / ``of 2nd month from …`` that day of a later month; ``after end of
    month of …`` adds the days to the month's end."""
    base = parse_date(created)
    text = due_from.lower()
    if "end of month" in text:
        end = _month_day(base.year, base.month, 31)
        return format_date(end + timedelta(days=days))
    nth = _NTH_MONTH.search(text)
    if nth is not None:
        ahead = 1 if nth[1] == "next" else int(nth[1])
        return format_date(_month_day(base.year, base.month + ahead, days))
    if "of the month" in text:
        return format_date(_month_day(base.year, base.month, days))
    return format_date(base + timedelta(days=days))


def state_of(values: dict[str, str]) -> str:
    """Posted / Partially Paid / Paid from the totals (documents that are not drafts)."""
    entered = Decimal(values.get("TRX_TOTALENTERED") or values.get("TOTALENTERED") or "0")
    paid = Decimal(values.get("TRX_TOTALPAID") or values.get("TOTALPAID") or "0")
    if paid.is_zero():
        return "Posted"
    if paid == entered:
        return "Paid"
    return "Partially Paid"


def set_totals(
    values: dict[str, str],
    entered: Decimal,
    paid: Decimal,
    base_entered: Decimal | None = None,
    base_paid: Decimal | None = None,
) -> None:
    """``TRX_*`` totals in the transaction currency, the others in base currency (the same
    amounts when no base amounts are given)."""
    base_entered = entered if base_entered is None else base_entered
    base_paid = paid if base_paid is None else base_paid
    for prefix, whole, part in (("", base_entered, base_paid), ("TRX_", entered, paid)):
        values[f"{prefix}TOTALENTERED"] = fmt(whole)
        values[f"{prefix}TOTALPAID"] = fmt(part)
        values[f"{prefix}TOTALDUE"] = fmt(whole - part)
        values[f"{prefix}TOTALSELECTED"] = "0.00"


#: Hidden line key: what the line owes in base currency (net + tax, reverse charge aside).
BASE_TOTAL = "_BASETOTAL"


def line_total(line: dict[str, str]) -> tuple[Decimal, Decimal]:
    """``(transaction, base)`` amount a document line owes: its amount plus its tax."""
    trx = Decimal(line.get("TOTALTRXAMOUNT") or line.get("TRX_AMOUNT") or "0")
    base = Decimal(line.get(BASE_TOTAL) or line.get("AMOUNT") or line.get("TRX_AMOUNT") or "0")
    return trx, base


# --- validation -------------------------------------------------------------------------------


def default_offset(ctx: Context, flag: str, party: Record | None) -> str:
    """The party's offset account, else the first active account flagged as the payables /
    receivables account; ``""`` when the company has neither (then the offset side posts
    without an account — see docs/sandbox.md, *Known gaps*)."""
    if party is not None and party.values.get("OFFSETGLACCOUNTNO"):
        return party.values["OFFSETGLACCOUNTNO"]
    for record in ctx.company.data.table("GLACCOUNT").records.values():
        values = record.values
        if values.get("ALTERNATIVEACCOUNT") == flag and values.get("STATUS") != ("inactive"):
            return values.get("ACCOUNTNO", "")
    return ""


def refuse_if_paid(kind: DocumentKind, record: Record, action: str) -> None:
    paid = record.values.get("TOTALPAID") or "0"
    if not Decimal(paid).is_zero():
        raise errors.business_error(
            f"{kind.label} {record.recordno} cannot be {action}: payments or credits of "
            f"{fmt(abs(Decimal(paid)))} are applied to it.",
            "Delete the payments that apply to it first.",
        )


def _dates(ctx: Context, kind: DocumentKind, values: dict[str, str], party: Record | None) -> None:
    draft = values.get("ACTION") == "Draft"
    created = values.get("WHENCREATED", "")
    if not created and not draft:
        raise missing_field("WHENCREATED", "Date")
    if created and not values.get("WHENPOSTED"):
        values["WHENPOSTED"] = created
    if not draft:
        periods.check_open(ctx, values.get("WHENPOSTED", ""), kind.module)
    if kind.term is None:
        return
    term_name = values.get("TERMNAME", "")
    if not term_name and party is not None:
        term_name = values["TERMNAME"] = party.values.get("TERMNAME", "")
    if term_name:
        term = active_record(ctx, kind.term, term_name, "Term")
        if not values.get("WHENDUE") and created:
            days = int(term.values.get("DUEDATE") or "0")
            try:
                values["WHENDUE"] = due_date(created, days, term.values.get("DUEFROM", ""))
            except (OverflowError, ValueError):
                raise errors.business_error(
                    f"The due date of term '{term_name}' ({days} days) is out of range.",
                    "Give WHENDUE, or use a term with a sensible number of days.",
                ) from None
    if not values.get("WHENDUE") and not draft:
        raise missing_field("WHENDUE", "Due date")


def validator(kind: DocumentKind) -> Callable[[Context, ObjectType, Record, Record | None], None]:
    def check(ctx: Context, otype: ObjectType, new: Record, old: Record | None) -> None:
        values = new.values
        draft = values.get("ACTION") == "Draft"
        if old is not None:
            refuse_if_paid(kind, old, "changed")
            if old.values.get("STATE") != "Draft":
                periods.check_open(ctx, old.values.get("WHENPOSTED", ""), kind.module)
                if draft:
                    raise errors.business_error(
                        f"{kind.label} {old.recordno} is posted; it cannot be changed back "
                        "to a draft.",
                        "Leave ACTION out of the update.",
                    )
        party_id = values.get(kind.party_field, "")
        party: Record | None = None
        if party_id:
            party = active_record(ctx, kind.party, party_id, kind.party_label)
        elif not draft:
            raise missing_field(kind.party_field, f"{kind.party_label} ID")
        _dates(ctx, kind, values, party)
        solution = values.get("TAXSOLUTIONID", "")
        taxes = tax.TaxContext(
            ctx,
            "P" if kind.party == "VENDOR" else "S",
            "AP bills and adjustments" if kind.party == "VENDOR" else "AR invoices and adjustments",
            solution,
            named=bool(solution),
        )
        if solution:
            taxes.solution_record()
        lines, entities = _lines(ctx, kind, new, party, taxes)
        if taxes.solution:
            values["TAXSOLUTIONID"] = taxes.solution
        if not draft:
            periods.check_open(ctx, values.get("WHENPOSTED", ""), kind.module, tuple(entities))
        entity = ctx.location_id or (min(entities) if entities else "")
        if len({currencies.entity_currency(ctx, e) for e in entities}) > 1:
            raise errors.business_error(
                f"The lines of this {kind.label.lower()} post to entities with different base "
                "currencies; the sandbox does not emulate that.",
                "Enter one document per entity.",
            )
        conversion = currencies.convert(ctx, values, "WHENCREATED", entity)
        total, base_total = _in_base(lines, conversion)
        new.lines[kind.container] = lines
        if total < 0 and not kind.adjustment:
            raise errors.business_error(
                f"The total of a {kind.label.lower()} cannot be negative (it is {fmt(total)}).",
                f"Use an adjustment (credit memo) for a negative {kind.label.lower()}.",
            )
        set_totals(values, total, ZERO, base_total, ZERO)
        values["STATE"] = "Draft" if draft else "Posted"
        if not draft and approvals.required(ctx, kind.name):
            values["STATE"] = approvals.SUBMITTED
        values["RECORDTYPE"] = kind.record_type
        values["MODULEKEY"] = kind.module_key
        values.pop("WHENPAID", None)
        values.setdefault("SYSTEMGENERATED", "false")
        if kind.name == "APBILL" and not draft:
            _check_duplicate(ctx, new)

    return check


def _check_duplicate(ctx: Context, record: Record) -> None:
    """A bill number (RECORDID) the vendor already used, per the AP configuration
    (``Books.duplicate_bills``): ``refuse`` fails the bill *(text inferred)*."""
    if ctx.company.books.duplicate_bills != "refuse":
        return
    number = record.values.get("RECORDID", "")
    vendor = record.values.get("VENDORID", "")
    if not number:
        return
    table = ctx.company.data.tables.get("APBILL")
    if table is None:
        return
    for other in table.records.values():
        values = other.values
        if (
            other.recordno != record.recordno
            and values.get("RECORDID") == number
            and values.get("VENDORID") == vendor
            and values.get("STATE") != "Draft"
        ):
            raise errors.business_error(
                f"Bill number {number} already exists for vendor {vendor} (record "
                f"{other.recordno}).",
                "Check that this bill was not entered before; give it its own bill number.",
            )


def _in_base(lines: list[dict[str, str]], conversion: Conversion) -> tuple[Decimal, Decimal]:
    """Fill the base-currency amounts of ``lines``; returns the document's
    ``(transaction, base)`` totals."""
    total = base_total = ZERO
    for line in lines:
        net = Decimal(line["TRX_AMOUNT"])
        base_net = conversion.to_base(net)
        taxes = tax.computed(line)
        for item in taxes:
            item.base = conversion.to_base(item.trx)
        line["AMOUNT"] = fmt(base_net)
        if taxes:
            line[tax.COMPUTED] = tax.encode(taxes)
        trx_line = net + tax.owed(taxes)
        base_line = base_net + tax.owed(taxes, base=True)
        line["TOTALTRXAMOUNT"] = fmt(trx_line)
        line[BASE_TOTAL] = fmt(base_line)
        total += trx_line
        base_total += base_line
    return total, base_total


def _lines(
    ctx: Context, kind: DocumentKind, record: Record, party: Record | None, taxes: tax.TaxContext
) -> tuple[list[dict[str, str]], set[str]]:
    rules = LineRules(ctx, "doc")
    defaults = {kind.party_field: record.values.get(kind.party_field, "")}
    offset_default = default_offset(ctx, kind.offset_flag, party)
    inclusive = record.values.get("INCLUSIVETAX") == "true"
    signs: set[bool] = set()
    result: list[dict[str, str]] = []
    entities: set[str] = set()
    allocate = ctx.company.data.allocate_recordno
    for number, line in enumerate(record.lines.get(kind.container, []), start=1):
        where = f"line {number} of {kind.container}"
        account_no = line.get("ACCOUNTNO", "")
        if not account_no:
            if line.get("ACCOUNTLABEL"):
                raise errors.business_error(
                    f"Account label '{line['ACCOUNTLABEL']}' on {where}: the sandbox does not "
                    "emulate account labels.",
                    "Give the GL account number in ACCOUNTNO instead.",
                )
            raise missing_field("ACCOUNTNO", "Account", where)
        if inclusive:
            text = line.get("TOTALTRXAMOUNT", "") or line.get("TRX_AMOUNT", "")
        else:
            text = line.get("TRX_AMOUNT", "")
        amount = amount_of(text, "TOTALTRXAMOUNT" if inclusive else "TRX_AMOUNT", where)
        if line.get("ALLOCATION"):
            raise errors.business_error(
                f"Allocation '{line['ALLOCATION']}' on {where}: the sandbox does not emulate "
                "allocations.",
                "Split the line into one line per dimension value instead.",
            )
        account = rules.account(account_no)
        dims = rules.dims(line, defaults)
        rules.require(account, dims)
        entities.add(rules.entity(dims))
        offset = line.get("OFFSETGLACCOUNTNO", "") or offset_default
        if offset:
            rules.require(rules.account(offset), dims)
        entries = tax.entries_of(line)
        net, found = tax.line_taxes(taxes, entries, amount, inclusive=inclusive, where=where)
        for item in found:
            rules.require(rules.account(item.account), dims)
            if item.reverse:
                rules.require(rules.account(item.reverse), dims)
        if not amount.is_zero():
            signs.add(amount > 0)
        out = dict(line)
        out.pop(tax.COMPUTED, None)
        out.update(
            RECORDNO=str(allocate()),
            LINE_NO=str(number),
            TRX_AMOUNT=fmt(net),
            AMOUNT=fmt(net),
            TOTALPAID="0.00",
            TRX_TOTALPAID="0.00",
            TOTALSELECTED="0.00",
            TRX_TOTALSELECTED="0.00",
        )
        tax.store_entries(
            out,
            [{"DETAILID": item.detail, "TRX_TAX": fmt(item.trx)} for item in found],
        )
        if found:
            out[tax.COMPUTED] = tax.encode(found)
        if offset:
            out["OFFSETGLACCOUNTNO"] = offset
        if record.recordno:
            out["RECORDKEY"] = str(record.recordno)
        result.append(out)
    if kind.adjustment and len(signs) > 1:
        raise errors.business_error(
            f"The lines of an {kind.label.lower()} must all be positive (a debit memo) or all "
            "be negative (a credit memo).",
            "Send the debit memo and the credit memo as two adjustments.",
        )
    entities.discard("")
    return result, entities


# --- posting ----------------------------------------------------------------------------------


def line_postings(ctx: Context, kind: DocumentKind, record: Record) -> list[Posting]:
    rules = LineRules(ctx, "doc")
    defaults = {kind.party_field: record.values.get(kind.party_field, "")}
    found: list[Posting] = []
    description = record.values.get("DESCRIPTION", "")
    sign = kind.sign
    for line in record.lines.get(kind.container, []):
        trx = Decimal(line.get("TRX_AMOUNT") or "0")
        amount = Decimal(line.get("AMOUNT") or line.get("TRX_AMOUNT") or "0")
        dims = rules.plain(line, defaults)
        entity = rules.entity(dims)
        number = int(line.get("LINE_NO") or 0)
        memo = line.get("ENTRYDESCRIPTION", "") or description
        account = line.get("ACCOUNTNO", "")
        found.append(Posting(account, sign * amount, dims, memo, entity, number, trx=sign * trx))
        for item in tax.computed(line):
            text = f"Tax: {item.detail}"
            found.append(
                Posting(item.account, sign * item.base, dims, text, entity, number,
                        trx=sign * item.trx)
            )  # fmt: skip
            if item.reverse:
                found.append(
                    Posting(item.reverse, -sign * item.base, dims, text, entity, number,
                            trx=-sign * item.trx)
                )  # fmt: skip
        trx_total, base_total = line_total(line)
        offset = line.get("OFFSETGLACCOUNTNO", "")
        found.append(
            Posting(offset, -sign * base_total, dims, memo, entity, number, trx=-sign * trx_total)
        )
    return found


def ledger_header(ctx: Context, kind: DocumentKind, record: Record, **extra: str) -> dict[str, str]:
    values = record.values
    number = values.get("RECORDID", "") or str(record.recordno)
    party = values.get(kind.party_field, "")
    return {
        "BATCH_DATE": values.get("WHENPOSTED", ""),
        "BATCH_TITLE": f"{kind.party_label} {party}: {kind.label} {number}",
        "JOURNAL": kind.journal,
        "BATCHNO": str(periods.next_number(ctx.company.data, ctx.company.books, kind.journal)),
        "MODULEKEY": kind.module_key,
        "RECORDTYPE": kind.record_type,
        "PRRECORDKEY": str(record.recordno),
        "DOCNUMBER": values.get("RECORDID", ""),
        "REFERENCENO": values.get("DOCNUMBER", ""),
        "CURRENCY": values.get("CURRENCY", ""),
        "BASECURR": values.get("BASECURR", ""),
        **extra,
    }


def poster(kind: DocumentKind) -> Callable[[Context, ObjectType, Record, Record | None], None]:
    def post(ctx: Context, otype: ObjectType, record: Record, old: Record | None) -> None:
        key = str(record.recordno)
        for line in record.lines.get(kind.container, []):
            line["RECORDKEY"] = key
        if old is not None:
            ledger.unpost(ctx, record.recordno)
        balances.moved(ctx, kind.name, old.values if old is not None else None, record.values)
        if record.values.get("STATE") in approvals.WAITING:
            return
        ledger.post(ctx, record, ledger_header(ctx, kind, record), line_postings(ctx, kind, record))

    return post


def deleter(kind: DocumentKind) -> Callable[[Context, ObjectType, Record], None]:
    def delete(ctx: Context, otype: ObjectType, record: Record) -> None:
        refuse_if_paid(kind, record, "deleted")
        if record.values.get("STATE") != "Draft":
            periods.check_open(ctx, record.values.get("WHENPOSTED", ""), kind.module)
        ledger.unpost(ctx, record.recordno)
        balances.moved(ctx, kind.name, record.values, None)

    return delete
