"""Accounting periods and the other book-keeping settings of a company.

What an administrator sets in Intacct's *General Ledger > Setup* and *Close books* screens:

* **closed periods** — the books are closed *through* a date (``closed_through``); a
  transaction dated on or before it cannot be added, changed or deleted. Intacct closes
  whole periods (months); the sandbox closes through the exact day it is given, so close
  through a period's last day to mimic it. Reopening moves the date back.
* **inter-entity balancing** (MEGA) — with inter-entity relationships set up, a journal
  entry whose lines do not balance by entity is accepted when it names its
  ``BASELOCATION_NO``; without them every entity must balance on its own.
* **module closes** — Intacct closes each subledger (AP, AR, CM …) before the GL, and can
  close them per entity; ``closes`` holds "closed through" dates per module, or per module
  and entity (key ``"ap"`` or ``"ap:E100"``). A transaction of module *M* dated *d* is
  refused when the company is closed through *d* (``closed_through``, every module), or
  the GL is (closing the GL closes its subledgers), or *M* is — for the company or for one
  of the entities the transaction posts to.
* **currencies** — the company's base currency (``base_currency``; in a MEGA company an
  entity's own is its ``LOCATIONENTITY.CURRENCY``), the exchange rates by rate type and date
  (``rates``), and the realised exchange gain/loss account of each subledger
  (``fx_accounts``, Intacct's *Multi-currency gain and losses* account of *Configure
  Accounts Payable / Receivable*).
* **duplicate bill numbers** — what AP does with a bill whose number (``RECORDID``) the
  same vendor already used: ``allow``, ``warn`` (accepted: the XML API has no warnings)
  or ``refuse``.
* **inter-entity accounts** (MEGA) — the due-to / due-from accounts added to an entry that
  does not balance by entity (``ie_accounts``: key ``"E1>E2"`` = E1's accounts for its
  relationship with E2, or ``"*"`` for every pair; value ``(due_from, due_to)``).
* **approvals** — the objects (journal entries ``GLBATCH``, bills ``APBILL``) whose entries
  wait as *Submitted*, posting nothing, until an administrator approves them
  (:mod:`intacct_bridge.sandbox.objects.approvals`).
* **sequences** — the last number used per journal (``BATCHNO``), kept here so that
  numbering never scans the ledger; changes are journaled with the company's undo log.
* **ID numbering** — Intacct's *document sequencing* of vendor, customer, employee and
  project IDs (``id_numbering``): a create without the ID gets the next number of the
  object's sequence (``sequences["ID:VENDOR"]``), prefixed and zero-padded; numbers already
  taken by an ID given by hand are skipped *(inferred)*.
* **undeposited funds** — the default undeposited funds account of AR receipts and
  advances that name neither a bank (``FINANCIALENTITY``) nor an ``UNDEPOSITEDACCOUNTNO``
  (``undeposited_account``; Intacct's *Configure Accounts Receivable* default).

The closed-period text is verbatim from Intacct (intacct-sdk-net issue #105, reference §5);
its error number is not public, so the sandbox uses the generic ``BL01001973``
*(inferred)*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.values import ValueProblem, format_date, parse_date

if TYPE_CHECKING:
    from intacct_bridge.sandbox.context import Context
    from intacct_bridge.sandbox.store import CompanyData


#: Objects whose IDs can be numbered automatically.
NUMBERED_OBJECTS = ("VENDOR", "CUSTOMER", "EMPLOYEE", "PROJECT")

#: Modules a period can be closed for (``gl`` closes every subledger too).
CLOSABLE_MODULES = ("gl", "ap", "ar", "cm", "inventory", "purchasing", "order_entry")
DUPLICATE_POLICIES = ("allow", "warn", "refuse")


@dataclass
class ExchangeRate:
    """One daily rate: 1 ``from_currency`` = ``rate`` ``to_currency`` from ``effective`` on
    (until the next rate of the same type and pair)."""

    rate_type: str
    from_currency: str
    to_currency: str
    effective: date
    #: Decimal text, up to 10 decimals.
    rate: str


@dataclass
class IdNumbering:
    """The automatic numbering of one object's IDs: ``prefix`` then the number, padded with
    zeros to ``width`` digits (``0``: no padding)."""

    prefix: str = ""
    width: int = 0

    def format(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.width}d}"


@dataclass
class Books:
    """Book-keeping settings of one company (persisted with it)."""

    #: Books are closed through this day (inclusive); ``None`` = every period is open.
    closed_through: date | None = None
    #: MEGA: inter-entity relationships are set up, so entries may be unbalanced by entity
    #: when they name a ``BASELOCATION_NO``.
    interentity: bool = False
    #: Last number used per sequence, e.g. ``{"GJ": 12}`` (GLBATCH ``BATCHNO`` per journal).
    sequences: dict[str, int] = field(default_factory=dict)
    #: Closed-through dates per module (``"ap"``) or per module and entity (``"ap:E100"``).
    closes: dict[str, date] = field(default_factory=dict)
    #: Base currency of the company (and of every entity without its own).
    base_currency: str = "USD"
    #: Exchange rates, in the order they were added.
    rates: list[ExchangeRate] = field(default_factory=list)
    #: Realised exchange gain/loss account per subledger (``"ap"``, ``"ar"``).
    fx_accounts: dict[str, str] = field(default_factory=dict)
    #: ``allow``, ``warn`` or ``refuse`` a bill number the vendor already used.
    duplicate_bills: str = "allow"
    #: MEGA: inter-entity accounts, ``"E1>E2"`` or ``"*"`` -> ``[due_from, due_to]``.
    ie_accounts: dict[str, list[str]] = field(default_factory=dict)
    #: Objects whose new entries wait as Submitted for approval (``GLBATCH``, ``APBILL``).
    approvals: list[str] = field(default_factory=list)
    #: Objects whose IDs are numbered automatically (``VENDOR`` …) and how.
    id_numbering: dict[str, IdNumbering] = field(default_factory=dict)
    #: Default undeposited funds GL account of AR receipts (``""``: none).
    undeposited_account: str = ""

    def is_closed(self, day: date, module: str = "gl", entities: tuple[str, ...] = ()) -> bool:
        """Whether a transaction of ``module`` dated ``day`` (posting to ``entities``) falls in
        a closed period."""
        if self.closed_through is not None and day <= self.closed_through:
            return True
        closes = self.closes
        if not closes:
            return False
        keys = {"gl", module}
        for entity in entities:
            if entity:
                keys.update((f"gl:{entity}", f"{module}:{entity}"))
        return any(key in closes and day <= closes[key] for key in keys)

    def close_module(self, module: str, entity: str, day: date) -> None:
        """Close ``module`` (for ``entity``, or the whole company when ``""``) through ``day``
        (never reopens anything)."""
        key = f"{module}:{entity}" if entity else module
        if key not in self.closes or day > self.closes[key]:
            self.closes[key] = day

    def reopen_module(self, module: str, entity: str, day: date | None) -> None:
        key = f"{module}:{entity}" if entity else module
        current = self.closes.get(key)
        if current is None:
            return
        if day is None or day == date.min:
            self.closes.pop(key)
        elif day <= current:
            self.closes[key] = day - timedelta(days=1)

    def close_through(self, day: date) -> None:
        """Close every period up to and including ``day`` (never reopens anything)."""
        if self.closed_through is None or day > self.closed_through:
            self.closed_through = day

    def reopen_from(self, day: date | None) -> None:
        """Reopen the periods from ``day`` on (``None``: reopen everything)."""
        if day is None:
            self.closed_through = None
        elif self.closed_through is not None and day <= self.closed_through:
            self.closed_through = day - timedelta(days=1)

    def describe(self) -> dict[str, object]:
        return {
            "closed_through": format_date(self.closed_through) if self.closed_through else None,
            "interentity": self.interentity,
        }

    def describe_settings(self) -> dict[str, object]:
        """Every accounting setting (:meth:`describe` plus module closes, currencies,
        duplicate-bill policy, inter-entity accounts)."""
        return {
            **self.describe(),
            "closes": {key: format_date(day) for key, day in sorted(self.closes.items())},
            "interentity_accounts": {
                key: list(value) for key, value in sorted(self.ie_accounts.items())
            },
            "base_currency": self.base_currency,
            "exchange_rates": len(self.rates),
            "fx_accounts": dict(sorted(self.fx_accounts.items())),
            "duplicate_bills": self.duplicate_bills,
            "approvals": list(self.approvals),
            "id_numbering": {
                name: {
                    "prefix": rule.prefix,
                    "width": rule.width,
                    "next": self.sequences.get(f"ID:{name}", 0) + 1,
                }
                for name, rule in sorted(self.id_numbering.items())
            },
            "undeposited_account": self.undeposited_account,
        }


def closed_period_text(day: str) -> str:
    """Intacct's closed-period text (two spaces after each sentence, as Intacct sends it)."""
    return (
        f"Periods are closed.  Your transaction date ({day}) is within a period that's been "
        "closed.  You can add, modify, or delete a transaction only if the date of the "
        "transaction is within a period that's open."
    )


def closed_period(day: str) -> errors.FunctionError:
    return errors.business_error(
        closed_period_text(day),
        "Use a date in an open period, or have an administrator reopen the period.",
    )


def check_open(
    ctx: Context, day: str, module: str = "gl", entities: tuple[str, ...] | None = None
) -> None:
    """Refuse a transaction of ``module`` dated ``day`` (``MM/DD/YYYY``, already normalised)
    when its period is closed — for the company, or for one of ``entities`` (default: the
    session's entity). An empty date is left to the required-field checks."""
    books = ctx.company.books
    if not day or (books.closed_through is None and not books.closes):
        return
    try:
        when = parse_date(day)
    except ValueProblem:
        return
    if entities is None:
        entities = (ctx.location_id,) if ctx.location_id else ()
    if books.is_closed(when, module, entities):
        raise closed_period(day)


def next_number(data: CompanyData, books: Books, sequence: str) -> int:
    """The next number of ``sequence``; undone if the enclosing atomic block fails."""
    previous = books.sequences.get(sequence, 0)
    books.sequences[sequence] = previous + 1

    def undo() -> None:
        if previous:
            books.sequences[sequence] = previous
        else:
            books.sequences.pop(sequence, None)

    data.log_undo(undo)
    return previous + 1


def next_id(data: CompanyData, books: Books, object_name: str) -> str:
    """The next automatic ID of ``object_name`` (``""`` when its IDs are not numbered);
    numbers whose ID is already taken are skipped. Undone with the enclosing atomic block."""
    rule = books.id_numbering.get(object_name)
    if rule is None:
        return ""
    table = data.tables.get(object_name)
    while True:
        candidate = rule.format(next_number(data, books, f"ID:{object_name}"))
        if table is None or candidate not in table.by_id:
            return candidate
