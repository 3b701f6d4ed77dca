"""The general ledger of a sandbox company: GL detail lines and balances.

Every posted transaction — a GLBATCH, an AP bill or adjustment, an AR invoice or
adjustment, an AR advance, an AR or AP payment — writes its debits and credits here as
``GLDETAIL`` records: one per account line, with the posting date, the account, the debit
or credit, the entity the line posts to, its dimensions, and the source record (``BATCHKEY``
= the source's RECORDNO, ``RECORDTYPE``/``MODULEKEY``, ``DOCNUMBER``). The GLDETAIL object
(:mod:`intacct_bridge.sandbox.objects.journal`) reads them with readByQuery and query.

Ledger lines are ordinary records of the company, so they are journaled with everything
else: a failed or rolled-back function leaves no ledger lines behind, and they are saved in
the state file. Updating or deleting a source replaces or removes its lines.

Amounts are decimals rounded to two places, half away from zero (Intacct rounds currency
values with more than two decimals, reference §7). ``AMOUNT``, ``DEBITAMOUNT`` and
``CREDITAMOUNT`` are in the base currency (``BASECURR``); ``TRX_AMOUNT`` is the absolute
amount in the transaction currency (``CURRENCY``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import TYPE_CHECKING

from intacct_bridge.sandbox.store import Record, Table
from intacct_bridge.sandbox.values import ValueProblem, parse_date

if TYPE_CHECKING:
    from intacct_bridge.sandbox.context import Context
    from intacct_bridge.sandbox.store import CompanyData
    from intacct_bridge.sandbox.tenancy import Company

TABLE = "GLDETAIL"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: Dimension fields a ledger line carries (the names AP/AR lines use), in output order.
DIMENSIONS: tuple[str, ...] = (
    "LOCATIONID",
    "DEPARTMENTID",
    "PROJECTID",
    "TASKID",
    "CUSTOMERID",
    "VENDORID",
    "EMPLOYEEID",
    "ITEMID",
    "CLASSID",
    "CONTRACTID",
    "WAREHOUSEID",
)

#: Fields a balance can be grouped by.
GROUPABLE: frozenset[str] = frozenset(
    {"ACCOUNTNO", "ENTITY", "LOCATION", "DEPARTMENT", "JOURNAL", "RECORDTYPE", "MODULEKEY"}
    | set(DIMENSIONS)
)


def money(text: str) -> Decimal:
    """``text`` (a normalised decimal) rounded to cents, half away from zero."""
    with localcontext() as context:
        context.prec = 90
        try:
            return Decimal(text).quantize(CENT, rounding=ROUND_HALF_UP)
        except InvalidOperation:  # pragma: no cover - values are normalised first
            raise ValueProblem(f"'{text[:40]}' is not a valid amount.") from None


def fmt(amount: Decimal) -> str:
    """Two decimals, never ``-0.00``."""
    return "0.00" if amount.is_zero() else f"{amount:.2f}"


@dataclass
class Posting:
    """One ledger line: ``amount`` > 0 is a debit, < 0 a credit."""

    account: str
    amount: Decimal
    #: Dimension values by the names in :data:`DIMENSIONS` (and ``GLDIM<UDD>``).
    dims: dict[str, str] = field(default_factory=dict)
    description: str = ""
    #: The entity (LOCATIONENTITY ID) the line posts to; ``""`` = none (single entity).
    entity: str = ""
    line_no: int = 0
    #: Posting date when it differs from the batch's (a reversal).
    when: str = ""
    #: The amount in the transaction currency (``None``: the same as ``amount``).
    trx: Decimal | None = None
    #: Transaction and base currency of this line when they differ from the header's (a
    #: journal entry line in its own currency).
    currency: str = ""
    base_currency: str = ""


def entity_of(data: CompanyData, location_id: str) -> str:
    """The entity a location belongs to: itself if it is an entity, else the entity of its
    nearest parent that is one, else the entity the location record was created in."""
    entities = data.tables.get("LOCATIONENTITY")
    if entities is None or not entities.by_id or not location_id:
        return ""
    locations = data.tables.get("LOCATION") or Table()
    current = location_id
    for _depth in range(64):
        if current in entities.by_id:
            return current
        number = locations.by_id.get(current)
        if number is None:
            return ""
        record = locations.records[number]
        parent = record.values.get("PARENTID", "")
        if not parent:
            return record.entity or ""
        current = parent
    return ""


def post(ctx: Context, source: Record, header: dict[str, str], postings: Iterable[Posting]) -> int:
    """Write ``postings`` of ``source`` to the ledger; returns the number of lines.

    ``header`` holds what every line shares: ``BATCH_DATE``, ``BATCH_TITLE``, ``JOURNAL``,
    ``BATCHNO``, ``MODULEKEY``, ``RECORDTYPE``, ``DOCNUMBER``, ``REFERENCENO``, ``CURRENCY``,
    ``ADJ`` …; the lines are owned by the source's entity (who may see them).
    """
    data = ctx.company.data
    accounts = data.table("GLACCOUNT")
    base = {key: value for key, value in header.items() if value}
    base["BATCHKEY"] = str(source.recordno)
    base.setdefault("STATE", "Posted")
    base.setdefault("BOOKID", "ACCRUAL")
    base["STATISTICAL"] = "false"
    journal = base.get("JOURNAL", "")
    base["SYMBOL"] = journal
    base["MODULE"] = base.get("MODULEKEY", "")
    batchno = base.get("BATCHNO", "")
    if batchno:
        base["BATCH_NO"] = batchno
    count = 0
    titles: dict[str, str] = {}
    insert, allocate, entity = data.insert, data.allocate_recordno, source.entity
    for posting in postings:
        amount = posting.amount
        absolute = fmt(-amount if amount < 0 else amount)
        trx = posting.trx
        trx_absolute = absolute if trx is None else fmt(-trx if trx < 0 else trx)
        account = posting.account
        title = titles.get(account)
        if title is None:
            number = accounts.by_id.get(account)
            title = accounts.records[number].values.get("TITLE", "") if number is not None else ""
            titles[account] = title
        values = {
            **base,
            "LINE_NO": str(posting.line_no),
            "ACCOUNTNO": account,
            "TR_TYPE": "-1" if amount < 0 else "1",
            "AMOUNT": absolute,
            "TRX_AMOUNT": trx_absolute,
            "DEBITAMOUNT": "0.00" if amount < 0 else absolute,
            "CREDITAMOUNT": absolute if amount < 0 else "0.00",
        }
        if title:
            values["ACCOUNTTITLE"] = title
        if posting.when:
            values["BATCH_DATE"] = posting.when
        values["ENTRY_DATE"] = values.get("BATCH_DATE", "")
        if posting.description:
            values["DESCRIPTION"] = posting.description
        if posting.entity:
            values["ENTITY"] = posting.entity
        if posting.currency:
            values["CURRENCY"] = posting.currency
            values["BASECURR"] = posting.base_currency
        dims = posting.dims
        if dims:
            values.update(dims)
            if "LOCATIONID" in dims:
                values["LOCATION"] = dims["LOCATIONID"]
            if "DEPARTMENTID" in dims:
                values["DEPARTMENT"] = dims["DEPARTMENTID"]
        insert(TABLE, Record(allocate(), values, entity), None)
        count += 1
    return count


def unpost(ctx: Context, source_recordno: int) -> int:
    """Remove every ledger line of a source; returns how many were removed."""
    data = ctx.company.data
    table = data.tables.get(TABLE)
    if table is None:
        return 0
    key = str(source_recordno)
    doomed = [
        number for number, record in table.records.items() if record.values.get("BATCHKEY") == key
    ]
    for number in doomed:
        data.remove(TABLE, number, None)
    return len(doomed)


# --- reading ------------------------------------------------------------------------------------


def period_bounds(period: str | tuple[date, date] | None) -> tuple[date | None, date | None]:
    """``"MM/YYYY"``, ``"YYYY-MM"``, a ``(start, end)`` pair, or ``None`` (all time).

    Raises:
        ValueError: ``period`` is not one of those forms.
    """
    if period is None:
        return None, None
    if isinstance(period, tuple):
        start, end = period
        if start > end:
            raise ValueError("The period starts after it ends.")
        return start, end
    text = period.strip()
    month = year = 0
    if len(text) == 7 and text[2] == "/" and text[:2].isdigit() and text[3:].isdigit():
        month, year = int(text[:2]), int(text[3:])
    elif len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        year, month = int(text[:4]), int(text[5:])
    if not 1 <= month <= 12 or year < 1:
        raise ValueError(f"'{period}' is not a period; use MM/YYYY (e.g. 03/2025).")
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


@dataclass
class Balance:
    """Activity of one group of ledger lines."""

    key: dict[str, str]
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    lines: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            **self.key,
            "debit": fmt(self.debit),
            "credit": fmt(self.credit),
            "net": fmt(self.debit - self.credit),
            "lines": self.lines,
        }


def balances(
    company: Company,
    start: date | None,
    end: date | None,
    by: Sequence[str] = ("ACCOUNTNO",),
    *,
    entity: str | None = None,
) -> list[Balance]:
    """Debits and credits of the posted ledger lines dated ``start`` to ``end`` (inclusive),
    grouped by the fields in ``by``, in key order. ``entity`` limits them to one entity."""
    table = company.data.tables.get(TABLE)
    groups: dict[tuple[str, ...], Balance] = {}
    if table is None:
        return []
    for record in table.records.values():
        values = record.values
        if entity is not None and values.get("ENTITY", "") != entity:
            continue
        if start is not None or end is not None:
            try:
                when = parse_date(values.get("BATCH_DATE", ""))
            except ValueProblem:
                continue
            if (start is not None and when < start) or (end is not None and when > end):
                continue
        key = tuple(values.get(name, "") for name in by)
        found = groups.get(key)
        if found is None:
            found = groups[key] = Balance(dict(zip(by, key, strict=True)))
        found.debit += Decimal(values.get("DEBITAMOUNT", "0") or "0")
        found.credit += Decimal(values.get("CREDITAMOUNT", "0") or "0")
        found.lines += 1
    return [groups[key] for key in sorted(groups)]
