"""What the posting engine produces: balanced entries, each bound for one Intacct object.

Every line keeps its amount in the document's transaction currency and in the ledger's base
currency, the side it posts to, the entity it belongs to, its Intacct dimension fields, and
the document line it came from. An :class:`Entry` is balanced in both currencies by
construction; :meth:`Entry.check_balanced` is the last gate before it leaves the engine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from intacct_bridge.model.documents import DocumentType
from intacct_bridge.model.money import ZERO, Money
from intacct_bridge.posting.roles import AccountType


class Target(StrEnum):
    """The Intacct object an entry becomes."""

    JOURNAL_ENTRY = "GLBATCH"
    AP_BILL = "APBILL"
    AR_INVOICE = "ARINVOICE"
    AP_ADJUSTMENT = "APADJUSTMENT"
    AR_ADJUSTMENT = "ARADJUSTMENT"

    @property
    def module(self) -> str:
        """The Intacct subledger whose period must be open: ``GL``, ``AP`` or ``AR``."""
        if self in (Target.AP_BILL, Target.AP_ADJUSTMENT):
            return "AP"
        if self in (Target.AR_INVOICE, Target.AR_ADJUSTMENT):
            return "AR"
        return "GL"


class Side(StrEnum):
    """Debit or credit."""

    DEBIT = "debit"
    CREDIT = "credit"

    @property
    def opposite(self) -> Side:
        """The other side."""
        return Side.CREDIT if self is Side.DEBIT else Side.DEBIT


@dataclass(frozen=True, slots=True)
class EntryLine:
    """One line of an entry. Amounts are positive; :attr:`side` says where they go."""

    account_id: str
    account_type: AccountType
    side: Side
    #: in the ledger's base currency, two decimals
    amount: Money
    #: in the document's currency, two decimals
    trx_amount: Money
    #: the Intacct entity whose books the line is in (``None`` in a single-entity company)
    entity_id: str | None
    #: Intacct dimension fields of the line (``DEPARTMENTID`` …), sorted by field
    dimensions: tuple[tuple[str, str], ...]
    memo: str
    #: the document line the amount comes from (``None`` for control and rounding lines)
    source_line: int | None = None
    #: the tax detail of a tax line
    tax_detail_id: str | None = None

    @property
    def signed_amount(self) -> Money:
        """Base amount, positive for a debit and negative for a credit."""
        return self.amount if self.side is Side.DEBIT else -self.amount

    @property
    def signed_trx_amount(self) -> Money:
        """Transaction amount, positive for a debit and negative for a credit."""
        return self.trx_amount if self.side is Side.DEBIT else -self.trx_amount

    def dimension(self, field: str) -> str | None:
        """The value of one Intacct dimension field on this line."""
        for name, value in self.dimensions:
            if name == field:
                return value
        return None


class UnbalancedEntryError(AssertionError):
    """An entry that does not balance reached the engine's last gate: a defect, never data."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One accounting entry, bound for one Intacct object."""

    target: Target
    document_type: DocumentType
    document_number: str
    date: dt.date
    #: transaction currency of every ``trx_amount``
    currency: str
    #: ledger (company or entity) currency of every ``amount``
    base_currency: str
    #: base amount = transaction amount x rate
    exchange_rate: Decimal
    lines: tuple[EntryLine, ...]
    #: journal of a journal entry
    journal_id: str | None = None
    #: the customer or supplier of an AP/AR document
    party_id: str | None = None
    #: the supplier's invoice number on AP documents, the document number otherwise
    reference: str | None = None
    description: str | None = None
    #: the entity of the document's ledger (used at entity level in a multi-entity company)
    entity_id: str | None = None
    tax_solution_id: str | None = None
    payment_term_id: str | None = None
    due_date: dt.date | None = None
    #: the document this one reverses (the invoice of a credit memo)
    reverses: str | None = None
    #: the GL posting date when it differs from the document date (an AP/AR document
    #: dated in a period closed in its subledger, posted on the first open day)
    posting_date: dt.date | None = None

    @property
    def gl_date(self) -> dt.date:
        """The date the entry is in the general ledger on."""
        return self.posting_date or self.date

    @property
    def key(self) -> str:
        """The bridge's key for this entry: stable across retries and resends."""
        return f"{self.document_type.value}/{self.document_number}/{self.target.value}"

    def total(self, side: Side, *, base: bool = True) -> Money:
        """Sum of one side's amounts."""
        return sum(
            (
                (line.amount if base else line.trx_amount)
                for line in self.lines
                if line.side is side
            ),
            ZERO,
        )

    @property
    def is_balanced(self) -> bool:
        """Debits equal credits in base and in transaction currency."""
        return self.total(Side.DEBIT) == self.total(Side.CREDIT) and self.total(
            Side.DEBIT, base=False
        ) == self.total(Side.CREDIT, base=False)

    def check_balanced(self) -> Entry:
        """Return the entry; raise :class:`UnbalancedEntryError` if it does not balance."""
        if not self.is_balanced:
            raise UnbalancedEntryError(
                f"{self.key}: debits {self.total(Side.DEBIT)} / credits "
                f"{self.total(Side.CREDIT)} (base), {self.total(Side.DEBIT, base=False)} / "
                f"{self.total(Side.CREDIT, base=False)} ({self.currency})"
            )
        return self

    def lines_of(self, account_type: AccountType) -> tuple[EntryLine, ...]:
        """The lines posting to one account type."""
        return tuple(line for line in self.lines if line.account_type is account_type)
