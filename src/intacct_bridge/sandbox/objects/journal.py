"""GLBATCH (journal entries with their ENTRIES/GLENTRY lines) and GLDETAIL (the ledger).

A GLBATCH is validated as Intacct validates it (reference §14.8) and, when Posted, writes
its lines to the company ledger (:mod:`intacct_bridge.sandbox.ledger`), where the read-only
GLDETAIL object shows them. Texts are the sandbox's own *(inferred)* unless the docstring of
the helper that raises them says otherwise (closed period: verbatim; missing dimension,
invalid account: verbatim production texts; see :mod:`.transactions`).
"""

from __future__ import annotations

import json
from decimal import Decimal

from intacct_bridge.sandbox import currencies, errors, ledger, periods
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.ledger import ZERO, Posting, fmt
from intacct_bridge.sandbox.objects import approvals, tax
from intacct_bridge.sandbox.objects.transactions import (
    LineRules,
    active_record,
    amount_of,
    dimension_fields,
)
from intacct_bridge.sandbox.records import OWN_REFERENCES
from intacct_bridge.sandbox.schema import FieldSpec, LineCollection, ObjectType, object_type
from intacct_bridge.sandbox.store import Record
from intacct_bridge.sandbox.values import parse_date

#: (readByQuery code, display value) of GLBATCH.STATE (reference §14.8).
BATCH_STATES = (
    ("I", "Draft"),
    ("S", "Submitted"),
    ("X", "Partially Approved"),
    ("A", "Approved"),
    ("P", "Posted"),
    ("R", "Declined"),
    ("L", "Reversal pending"),
    ("Z", "Reversed"),
)
#: States a client may write (approval states are the approver's: ``objects/approvals.py``).
WRITABLE_STATES = ("Draft", "Posted")

_TAX = (
    FieldSpec("TAXENTRIES.TAXENTRY.DETAILID", ref="TAXDETAIL", label="Tax detail"),
    FieldSpec("TAXENTRIES.TAXENTRY.TRX_TAX", "decimal", label="Tax amount"),
)

GLENTRY = LineCollection(
    "ENTRIES",
    "GLENTRY",
    (
        FieldSpec("LINE_NO", "integer", readonly=True, label="Line number"),
        FieldSpec("ACCOUNTNO", required=True, ref="GLACCOUNT", label="Account"),
        FieldSpec("TR_TYPE", "integer", required=True, label="Transaction type"),
        FieldSpec("TRX_AMOUNT", "decimal", required=True, label="Transaction amount"),
        FieldSpec("AMOUNT", "decimal", readonly=True, label="Amount"),
        FieldSpec("DOCUMENT", max_length=30),
        FieldSpec("CURRENCY", max_length=3),
        FieldSpec("EXCH_RATE_DATE", "date", label="Exchange rate date"),
        FieldSpec("EXCH_RATE_TYPE_ID", label="Exchange rate type"),
        FieldSpec("EXCHANGE_RATE", "decimal", label="Exchange rate"),
        FieldSpec("DESCRIPTION", max_length=1000),
        FieldSpec("ALLOCATION", label="Allocation"),
        *dimension_fields("gl"),
        FieldSpec("COSTTYPEID", module="projects", label="Cost type"),
        FieldSpec("BILLABLE", "boolean", label="Billable"),
        *_TAX,
    ),
    # Two for a GL entry, one for a statistical entry (checked in ``_check_batch``).
    min_items=1,
    aliases=(("AMOUNT", "TRX_AMOUNT"),),
)


def _problem(text: str, correction: str = "") -> errors.FunctionError:
    return errors.business_error(text, correction)


#: TAXIMPLICATIONS -> the tax type of the entry's tax details *(inferred values)*.
TAX_IMPLICATIONS = {"Inbound": "P", "Outbound": "S"}


def _check_dates(ctx: Context, values: dict[str, str], old: Record | None) -> None:
    if old is not None:
        periods.check_open(ctx, old.values.get("BATCH_DATE", ""))
    batch_date = values.get("BATCH_DATE", "")
    periods.check_open(ctx, batch_date)
    reverse = values.get("REVERSEDATE", "")
    if reverse and batch_date:
        if parse_date(reverse) <= parse_date(batch_date):
            raise _problem(
                f"The reverse date {reverse} must be after the posting date {batch_date}.",
                "Use a REVERSEDATE later than BATCH_DATE, or leave it out.",
            )
        periods.check_open(ctx, reverse)


def _check_batch(ctx: Context, otype: ObjectType, new: Record, old: Record | None) -> None:
    """Every GLBATCH rule; normalises the entries (LINE_NO, rounded amounts)."""
    values = new.values
    state = values.get("STATE") or "Posted"
    if old is not None and state in (approvals.SUBMITTED, approvals.DECLINED):
        if old.values.get("STATE") == state:
            state = values["STATE"] = "Posted"  # saved again: submitted again
    if state not in WRITABLE_STATES:
        raise _problem(
            f"A journal entry cannot be saved in state {state}: only an approver moves an "
            "entry through the approval states.",
            "Use STATE Posted (the default; Submitted when the company requires approval) "
            "or Draft.",
        )
    if old is not None and old.values.get("STATE") == "Posted" and state == "Draft":
        raise _problem(
            "A posted journal entry cannot be changed back to Draft.",
            "Leave STATE out of the update, or reverse the entry.",
        )
    _check_dates(ctx, values, old)
    if state == "Posted" and approvals.required(ctx, "GLBATCH"):
        values["STATE"] = state = approvals.SUBMITTED
    symbol = values.get("JOURNAL", "")
    journal = active_record(ctx, "GLJOURNAL", symbol, "Journal")
    if journal.values.get("STATISTICAL") == "true":
        _check_statistical(ctx, new)
        return
    count = len(new.lines.get("ENTRIES", []))
    if count < 2:
        raise _problem(
            f"{otype.label} needs at least 2 GLENTRY line(s) in ENTRIES; got {count}.",
            "Give a debit and a credit line (only a statistical journal takes one line).",
        )
    rules = LineRules(ctx, "gl")
    title = values.get("BATCH_TITLE", "")
    entries: list[dict[str, str]] = []
    sums: dict[str, list[Decimal]] = {}
    debits = credits = ZERO
    implications = values.get("TAXIMPLICATIONS", "")
    solution = values.get("TAXSOLUTIONID", "")
    taxes = tax.TaxContext(
        ctx,
        TAX_IMPLICATIONS.get(implications, ""),
        f"journal entries with TAXIMPLICATIONS {implications}",
        solution,
        named=bool(solution),
    )
    if solution:
        taxes.solution_record()
    rates: set[tuple[str, Decimal]] = set()
    trx_sums = [ZERO, ZERO]
    for number, line in enumerate(new.lines.get("ENTRIES", []), start=1):
        where = f"line {number} of ENTRIES"
        tr_type = line.get("TR_TYPE", "")
        if tr_type not in ("1", "-1"):
            raise _problem(
                f"TR_TYPE on {where} must be 1 (debit) or -1 (credit); got '{tr_type}'.",
                "Send a debit as TR_TYPE 1 and a credit as TR_TYPE -1 with a positive amount.",
            )
        amount = amount_of(line.get("TRX_AMOUNT", ""), "TRX_AMOUNT", where, allow_negative=False)
        if line.get("ALLOCATION"):
            raise _problem(
                f"Allocation '{line['ALLOCATION']}' on {where}: the sandbox does not emulate "
                "allocations.",
                "Split the line into one line per dimension value instead.",
            )
        account = rules.account(line.get("ACCOUNTNO", ""))
        dims = rules.dims(line)
        rules.require(account, dims)
        entity = rules.entity(dims)
        entry = dict(line)
        entry.pop(tax.COMPUTED, None)
        entry["LINE_NO"] = str(number)
        conversion = _line_conversion(ctx, values, entry, entity)
        base = conversion.to_base(amount)
        entry["TRX_AMOUNT"] = fmt(amount)
        entry["AMOUNT"] = fmt(base)
        entry.setdefault("DESCRIPTION", title)
        found = _entry_taxes(taxes, implications, entry, amount, where, rules, dims)
        for item in found:
            item.base = conversion.to_base(item.trx)
            if not item.reverse:
                base += item.base
        if found:
            entry[tax.COMPUTED] = tax.encode(found)
        entries.append(entry)
        rates.add((conversion.currency, conversion.rate))
        trx_sums[0 if tr_type == "1" else 1] += amount + tax.owed(found)
        pair = sums.setdefault(entity, [ZERO, ZERO])
        if tr_type == "1":
            debits += base
            pair[0] += base
        else:
            credits += base
            pair[1] += base
    new.lines["ENTRIES"] = entries
    _check_entity_periods(ctx, rules, values, sums, old)
    if taxes.solution:
        values["TAXSOLUTIONID"] = taxes.solution
    values["MODULE"] = "2.GL"
    values.pop(INTERENTITY, None)
    if state == "Draft":
        return  # drafts need not balance (inferred)
    if debits != credits and len(rates) == 1 and trx_sums[0] == trx_sums[1]:
        # One foreign currency, balanced in it: the cent lost to rounding each line goes to
        # the largest line (inferred).
        difference = debits - credits
        largest = max(entries, key=lambda e: Decimal(e["AMOUNT"]))
        side = 1 if largest.get("TR_TYPE") == "1" else -1
        largest["AMOUNT"] = fmt(Decimal(largest["AMOUNT"]) - side * difference)
        pair = sums[rules.entity(rules.plain(largest))]
        pair[0 if side == 1 else 1] -= side * difference
        debits = credits
    if debits != credits:
        raise _problem(
            f"The journal entry is not balanced: debits total {fmt(debits)} and credits "
            f"total {fmt(credits)}.",
            "Make the debit lines (TR_TYPE 1) and the credit lines (TR_TYPE -1) add up to "
            "the same amount.",
        )
    unbalanced = sorted(entity for entity, (d, c) in sums.items() if d != c)
    if ctx.company.mega and unbalanced:
        if not ctx.company.books.interentity:
            entity = unbalanced[0]
            debit, credit = sums[entity]
            raise _problem(
                f"The journal entry is not balanced for entity {entity or '(top level)'}: "
                f"debits total {fmt(debit)} and credits total {fmt(credit)}.",
                "Balance the entry within each entity (the company has no inter-entity "
                "relationships set up).",
            )
        if not values.get("BASELOCATION_NO"):
            raise _problem(
                "BASELOCATION_NO is required when the entries do not balance by entity.",
                "Give the base location (entity) of the inter-entity transaction.",
            )
        if ctx.company.books.ie_accounts:
            lines = _interentity(ctx, rules, values["BASELOCATION_NO"], sums)
            values[INTERENTITY] = json.dumps(lines)


#: Line fields a statistical entry cannot have (it counts units: no currency, tax or
#: allocation) *(inferred)*.
_NOT_STATISTICAL = (
    "CURRENCY",
    "EXCHANGE_RATE",
    "EXCH_RATE_TYPE_ID",
    "EXCH_RATE_DATE",
    "ALLOCATION",
    "TAXENTRIES.TAXENTRY.DETAILID",
    "TAXENTRIES.TAXENTRY.TRX_TAX",
)


def _check_statistical(ctx: Context, new: Record) -> None:
    """A statistical journal entry: one or more lines, each on an active STATACCOUNT with
    the dimensions it requires, TR_TYPE 1 (increase) or -1 (decrease) and a positive
    quantity; nothing to balance and no GL posting *(inferred rules, reference: the official
    SDKs' StatisticalJournalEntryCreate)*."""
    values = new.values
    rules = LineRules(ctx, "gl")
    title = values.get("BATCH_TITLE", "")
    entries: list[dict[str, str]] = []
    for number, line in enumerate(new.lines.get("ENTRIES", []), start=1):
        where = f"line {number} of ENTRIES"
        tr_type = line.get("TR_TYPE", "")
        if tr_type not in ("1", "-1"):
            raise _problem(
                f"TR_TYPE on {where} must be 1 (increase) or -1 (decrease); got '{tr_type}'.",
                "Send an increase as TR_TYPE 1 and a decrease as TR_TYPE -1.",
            )
        for name in _NOT_STATISTICAL:
            if line.get(name):
                raise _problem(
                    f"{name} on {where}: a statistical journal entry counts units, so it has "
                    "no currency, tax or allocation.",
                    f"Leave {name} out of statistical entries.",
                )
        amount = amount_of(line.get("TRX_AMOUNT", ""), "TRX_AMOUNT", where, allow_negative=False)
        account = active_record(
            ctx, "STATACCOUNT", line.get("ACCOUNTNO", ""), "Statistical Account"
        )
        dims = rules.dims(line)
        rules.require(account, dims)
        entry = dict(line)
        entry["LINE_NO"] = str(number)
        entry["TRX_AMOUNT"] = entry["AMOUNT"] = fmt(amount)
        entry.setdefault("DESCRIPTION", title)
        entry[OWN_REFERENCES] = "1"
        entries.append(entry)
    new.lines["ENTRIES"] = entries
    values["MODULE"] = "2.GL"
    values.pop(INTERENTITY, None)


def _statistical(ctx: Context, values: dict[str, str]) -> bool:
    journals = ctx.company.data.tables.get("GLJOURNAL")
    number = journals.by_id.get(values.get("JOURNAL", "")) if journals is not None else None
    if journals is None or number is None:
        return False
    return journals.records[number].values.get("STATISTICAL") == "true"


#: Hidden GLBATCH key: the due-to / due-from lines the entry needs, JSON
#: ``[[entity, account, amount], …]`` (amount > 0 debit).
INTERENTITY = "_INTERENTITY"


def _interentity(
    ctx: Context, rules: LineRules, base_location: str, sums: dict[str, list[Decimal]]
) -> list[list[str]]:
    """Due-to / due-from lines that balance every entity against the base entity: an
    entity with more debits than credits owes the base (Cr *due to* base; the base Dr *due
    from* it), and the other way round (accounts: ``Books.ie_accounts``; a company that
    allows inter-entity entries without mapping any accounts gets no such lines)."""
    base = ledger.entity_of(ctx.company.data, base_location) or base_location
    books = ctx.company.books
    found: list[list[str]] = []

    def accounts(entity: str, other: str) -> list[str]:
        pair = books.ie_accounts.get(f"{entity}>{other}") or books.ie_accounts.get("*")
        if not pair:
            raise _problem(
                f"There are no inter-entity accounts for entity {entity} and entity {other}.",
                "Have an administrator map the inter-entity accounts "
                "(Admin.set_interentity_accounts).",
            )
        for account in pair:
            rules.account(account)
        return pair

    for entity, (debit, credit) in sorted(sums.items()):
        if entity == base or debit == credit:
            continue
        net = debit - credit
        own_from, own_to = accounts(entity, base)
        base_from, base_to = accounts(base, entity)
        found.append([entity, own_to if net > 0 else own_from, fmt(-net), base])
        found.append([base, base_from if net > 0 else base_to, fmt(net), entity])
    return found


def _check_entity_periods(
    ctx: Context,
    rules: LineRules,
    values: dict[str, str],
    sums: dict[str, list[Decimal]],
    old: Record | None,
) -> None:
    """The dates of the entry (and of the entry it replaces) in the periods of every entity
    its lines post to (a GL closed for one entity only)."""
    if not ctx.company.books.closes:
        return
    entities = tuple(entity for entity in sums if entity)
    for day in (values.get("BATCH_DATE", ""), values.get("REVERSEDATE", "")):
        periods.check_open(ctx, day, "gl", entities)
    if old is not None:
        before = tuple(
            {rules.entity(rules.plain(line)) for line in old.lines.get("ENTRIES", [])} - {""}
        )
        periods.check_open(ctx, old.values.get("BATCH_DATE", ""), "gl", before)


def _line_conversion(
    ctx: Context, values: dict[str, str], entry: dict[str, str], entity: str
) -> currencies.Conversion:
    """The currency of one entry (``CURRENCY``, rate by ``EXCHANGE_RATE`` or rate type on
    ``EXCH_RATE_DATE``, default the posting date)."""
    if not entry.get("CURRENCY") and not entry.get("EXCHANGE_RATE"):
        return currencies.Conversion("", "", currencies.ONE)
    probe = dict(entry)
    probe["BATCH_DATE"] = values.get("BATCH_DATE", "")
    conversion = currencies.convert(ctx, probe, "BATCH_DATE", ctx.location_id or entity)
    for name in ("CURRENCY", "EXCHANGE_RATE", "EXCH_RATE_DATE", "EXCH_RATE_TYPE_ID"):
        if probe.get(name):
            entry[name] = probe[name]
    return conversion


def _entry_taxes(
    taxes: tax.TaxContext,
    implications: str,
    entry: dict[str, str],
    amount: Decimal,
    where: str,
    rules: LineRules,
    dims: dict[str, str],
) -> list[tax.Tax]:
    """The taxes of one journal entry line: posted on the line's side to the detail's
    account, on top of the line's amount *(inferred)*."""
    given = tax.entries_of(entry)
    if not given:
        return []
    if not taxes.tax_type:
        raise _problem(
            f"{where} has tax entries, but the journal entry's TAXIMPLICATIONS is "
            f"'{implications or 'None'}'.",
            "Set TAXIMPLICATIONS to Inbound (purchase tax) or Outbound (sales tax).",
        )
    _net, found = tax.line_taxes(taxes, given, amount, inclusive=False, where=where)
    for item in found:
        rules.require(rules.account(item.account), dims)
        if item.reverse:
            rules.require(rules.account(item.reverse), dims)
    tax.store_entries(entry, [{"DETAILID": t.detail, "TRX_TAX": fmt(t.trx)} for t in found])
    return found


def _postings(record: Record, ctx: Context) -> list[Posting]:
    rules = LineRules(ctx, "gl")
    found: list[Posting] = []
    for line in record.lines.get("ENTRIES", []):
        trx = Decimal(line.get("TRX_AMOUNT", "0"))
        amount = Decimal(line.get("AMOUNT") or line.get("TRX_AMOUNT", "0"))
        sign = -1 if line.get("TR_TYPE") == "-1" else 1
        dims = {
            dim.doc_field: line[dim.field_of("gl")]
            for dim in rules.dimensions
            if line.get(dim.field_of("gl"))
        }
        entity = rules.entity(dims)
        line_no = int(line.get("LINE_NO", "0") or 0)
        currency = line.get("CURRENCY", "")
        base_currency = currencies.entity_currency(ctx, entity) if currency else ""
        found.append(
            Posting(
                account=line.get("ACCOUNTNO", ""),
                amount=sign * amount,
                dims=dims,
                description=line.get("DESCRIPTION", ""),
                entity=entity,
                line_no=line_no,
                trx=sign * trx,
                currency=currency,
                base_currency=base_currency,
            )
        )
        for item in tax.computed(line):
            text = f"Tax: {item.detail}"
            found.append(
                Posting(item.account, sign * item.base, dims, text, entity, line_no,
                        trx=sign * item.trx, currency=currency, base_currency=base_currency)
            )  # fmt: skip
            if item.reverse:
                found.append(
                    Posting(item.reverse, -sign * item.base, dims, text, entity, line_no,
                            trx=-sign * item.trx, currency=currency,
                            base_currency=base_currency)
                )  # fmt: skip
    return found


def _header(ctx: Context, record: Record) -> dict[str, str]:
    values = record.values
    journals = ctx.company.data.table("GLJOURNAL")
    number = journals.by_id.get(values.get("JOURNAL", ""))
    adj = journals.records[number].values.get("ADJ", "false") if number is not None else "false"
    return {
        "BATCH_DATE": values.get("BATCH_DATE", ""),
        "BATCH_TITLE": values.get("BATCH_TITLE", ""),
        "JOURNAL": values.get("JOURNAL", ""),
        "BATCHNO": values.get("BATCHNO", ""),
        "REFERENCENO": values.get("REFERENCENO", ""),
        "MODULEKEY": "2.GL",
        "ADJ": adj,
    }


def _post_batch(ctx: Context, otype: ObjectType, record: Record, old: Record | None) -> None:
    if old is not None:
        ledger.unpost(ctx, record.recordno)
    values = record.values
    journal = values.get("JOURNAL", "")
    if not values.get("BATCHNO") or (old is not None and old.values.get("JOURNAL") != journal):
        values["BATCHNO"] = str(periods.next_number(ctx.company.data, ctx.company.books, journal))
    if values.get("STATE") != "Posted" or _statistical(ctx, values):
        return  # statistical entries post nothing to the GL (inferred)
    postings = _postings(record, ctx)
    for entity, account, amount, other in json.loads(values.get(INTERENTITY) or "[]"):
        postings.append(
            Posting(
                account,
                Decimal(amount),
                {"LOCATIONID": entity},
                f"Inter-entity: due to/from {other}",
                entity,
                0,
                trx=Decimal(amount),
            )
        )
    reverse = values.get("REVERSEDATE", "")
    if reverse:
        postings += [
            Posting(
                p.account,
                -p.amount,
                p.dims,
                f"Reversal: {p.description}".strip(),
                p.entity,
                p.line_no,
                when=reverse,
                trx=None if p.trx is None else -p.trx,
                currency=p.currency,
                base_currency=p.base_currency,
            )
            for p in list(postings)
        ]
    ledger.post(ctx, record, _header(ctx, record), postings)


def _delete_batch(ctx: Context, otype: ObjectType, record: Record) -> None:
    rules = LineRules(ctx, "gl")
    entities = {rules.entity(rules.plain(line)) for line in record.lines.get("ENTRIES", [])}
    periods.check_open(ctx, record.values.get("BATCH_DATE", ""), "gl", tuple(entities - {""}))
    ledger.unpost(ctx, record.recordno)


GLBATCH = object_type(
    "GLBATCH",
    "Journal Entry",
    (
        FieldSpec("BATCHNO", "integer", readonly=True, label="Batch number"),
        FieldSpec("JOURNAL", required=True, ref="GLJOURNAL", label="Journal"),
        FieldSpec(
            "JOURNALKEY",
            "integer",
            readonly=True,
            via=("JOURNAL", "GLJOURNAL", "RECORDNO"),
            label="Journal key",
        ),
        FieldSpec("ADJ", "boolean", readonly=True, via=("JOURNAL", "GLJOURNAL", "ADJ")),
        FieldSpec("BATCH_DATE", "date", required=True, label="Posting date"),
        FieldSpec("BATCH_TITLE", required=True, max_length=400, label="Description"),
        FieldSpec("REVERSEDATE", "date", label="Reverse date"),
        FieldSpec("HISTORY_COMMENT", max_length=1000, label="History comment"),
        FieldSpec("REFERENCENO", max_length=100, label="Reference number"),
        FieldSpec("BASELOCATION_NO", ref="LOCATION", label="Base location"),
        FieldSpec(
            "BASELOCATION",
            "integer",
            readonly=True,
            via=("BASELOCATION_NO", "LOCATION", "RECORDNO"),
            label="Base location key",
        ),
        FieldSpec(
            "BASELOCATION_NAME",
            readonly=True,
            via=("BASELOCATION_NO", "LOCATION", "NAME"),
            label="Base location name",
        ),
        FieldSpec("SUPDOCID", label="Attachment"),
        FieldSpec("STATE", "enum", choices=BATCH_STATES, default="Posted", label="State"),
        FieldSpec("MODULE", readonly=True, label="Module"),
        FieldSpec("TAXIMPLICATIONS", label="Tax implications"),
        FieldSpec("VATVENDORID", ref="VENDOR", label="Tax vendor"),
        FieldSpec("VATCUSTOMERID", ref="CUSTOMER", label="Tax customer"),
        FieldSpec("VATCONTACTID", label="Tax contact"),
        FieldSpec("TAXSOLUTIONID", ref="TAXSOLUTION", label="Tax solution"),
        FieldSpec("TRANSACTIONSOURCE", label="Transaction source"),
    ),
    module="gl",
    plural="Journal Entries",
    collections=(GLENTRY,),
    validators=(_check_batch,),
    after_write=_post_batch,
    before_delete=_delete_batch,
    url_path="/ia/acct/glbatch.phtml",
)


def _ledger_fields() -> tuple[FieldSpec, ...]:
    text = ("BATCH_TITLE", "JOURNAL", "SYMBOL", "BOOKID", "REFERENCENO", "DOCUMENT", "DOCNUMBER")
    return (
        FieldSpec("BATCHKEY", "integer", readonly=True, label="Source record number"),
        FieldSpec("BATCH_DATE", "date", readonly=True, label="Posting date"),
        FieldSpec("ENTRY_DATE", "date", readonly=True, label="Entry date"),
        *(FieldSpec(name, readonly=True) for name in text),
        FieldSpec("BATCHNO", "integer", readonly=True, label="Batch number"),
        FieldSpec("BATCH_NO", "integer", readonly=True, label="Batch number"),
        FieldSpec("CHILDENTITY", readonly=True, label="Child entity"),
        FieldSpec("MODIFIED", "datetime", readonly=True),
        FieldSpec("ADJ", "boolean", readonly=True, label="Adjustment"),
        FieldSpec("MODULEKEY", readonly=True, label="Module"),
        FieldSpec("MODULE", readonly=True, label="Module"),
        FieldSpec("RECORDTYPE", readonly=True, label="Record type"),
        FieldSpec("PRRECORDKEY", "integer", readonly=True, label="AP/AR record key"),
        FieldSpec("OWNERSHIPKEY", readonly=True),
        FieldSpec("STATE", readonly=True),
        FieldSpec("LINE_NO", "integer", readonly=True, label="Line number"),
        FieldSpec("TR_TYPE", "integer", readonly=True, label="Transaction type"),
        FieldSpec("ACCOUNTNO", readonly=True, ref="GLACCOUNT", label="Account"),
        FieldSpec("ACCOUNTTITLE", readonly=True, label="Account title"),
        FieldSpec("STATISTICAL", "boolean", readonly=True),
        FieldSpec("ENTITY", readonly=True, label="Entity"),
        FieldSpec("LOCATION", readonly=True, label="Location"),
        FieldSpec("LOCATIONID", readonly=True, ref="LOCATION", label="Location"),
        FieldSpec(
            "LOCATIONNAME", readonly=True, via=("LOCATIONID", "LOCATION", "NAME"), label="Location"
        ),
        FieldSpec("DEPARTMENT", readonly=True, label="Department"),
        FieldSpec("DEPARTMENTID", readonly=True, ref="DEPARTMENT", label="Department"),
        FieldSpec(
            "DEPARTMENTTITLE",
            readonly=True,
            via=("DEPARTMENTID", "DEPARTMENT", "TITLE"),
            label="Department",
        ),
        *(
            FieldSpec(spec.path, readonly=True, module=spec.module, label=spec.label)
            for spec in dimension_fields("doc")
            if spec.path not in ("LOCATIONID", "DEPARTMENTID")
        ),
        FieldSpec("CURRENCY", readonly=True),
        FieldSpec("BASECURR", readonly=True, label="Base currency"),
        FieldSpec("DESCRIPTION", readonly=True),
        FieldSpec("DEBITAMOUNT", "decimal", readonly=True, label="Debit amount"),
        FieldSpec("CREDITAMOUNT", "decimal", readonly=True, label="Credit amount"),
        FieldSpec("AMOUNT", "decimal", readonly=True),
        FieldSpec("TRX_AMOUNT", "decimal", readonly=True, label="Transaction amount"),
    )


GLDETAIL = object_type(
    "GLDETAIL",
    "GL Detail",
    _ledger_fields(),
    module="gl",
    plural="GL Detail",
    description="Posted general ledger lines (read-only), one per account line.",
    generic_create=False,
    generic_update=False,
    generic_delete=False,
    url_path="/ia/acct/gldetail.phtml",
)

OBJECTS = (GLBATCH, GLDETAIL)
