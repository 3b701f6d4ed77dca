"""Expected posting problems: data, not exceptions.

A document that cannot be posted yields :class:`PostingProblem` values, each naming the
document, the line (if any), the field and the fix, so a person can act on it before anything
is sent to Intacct.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ProblemCode(StrEnum):
    """What kind of problem; stable values for grouping in the console and the API."""

    UNKNOWN_ACCOUNT = "unknown_account"
    INACTIVE_ACCOUNT = "inactive_account"
    NO_ACCOUNT = "no_account"
    DIRECT_ENTRY_FORBIDDEN = "direct_entry_forbidden"
    REQUIRED_DIMENSION = "required_dimension"
    REQUIRED_ATTRIBUTE = "required_attribute"
    UNKNOWN_RECORD = "unknown_record"
    UNKNOWN_ENTITY = "unknown_entity"
    CLOSED_PERIOD = "closed_period"
    NO_EXCHANGE_RATE = "no_exchange_rate"
    NO_JOURNAL = "no_journal"
    MIXED_ENTITY_DOCUMENT = "mixed_entity_document"
    NOT_POSTED = "not_posted"
    MIXED_SIGNS = "mixed_signs"
    NO_PRICE = "no_price"


@dataclass(frozen=True, slots=True)
class PostingProblem:
    """One reason a document cannot be posted, and how to fix it."""

    code: ProblemCode
    document: str
    #: the document line number, or ``None`` for the document as a whole
    line: int | None
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = self.document if self.line is None else f"{self.document} line {self.line}"
        return f"{where}: {self.field}: {self.message}; {self.fix}"
