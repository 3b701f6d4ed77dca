"""Accounting periods and the other book-keeping settings of a company.

What an administrator sets in Intacct's *General Ledger > Setup* and *Close books* screens:

* **closed periods** — the books are closed *through* a date (``closed_through``); a
  transaction dated on or before it cannot be added, changed or deleted. Intacct closes
  whole periods (months); the sandbox closes through the exact day it is given, so close
  through a period's last day to mimic it. Reopening moves the date back.
* **inter-entity balancing** (MEGA) — with inter-entity relationships set up, a journal
  entry whose lines do not balance by entity is accepted when it names its
  ``BASELOCATION_NO``; without them every entity must balance on its own.
* **sequences** — the last number used per journal (``BATCHNO``), kept here so that
  numbering never scans the ledger; changes are journaled with the company's undo log.

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

    def is_closed(self, day: date) -> bool:
        return self.closed_through is not None and day <= self.closed_through

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


def check_open(ctx: Context, day: str) -> None:
    """Refuse a transaction dated ``day`` (``MM/DD/YYYY``, already normalised) when its
    period is closed. An empty date is left to the required-field checks."""
    books = ctx.company.books
    if not day or books.closed_through is None:
        return
    try:
        when = parse_date(day)
    except ValueProblem:
        return
    if books.is_closed(when):
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
