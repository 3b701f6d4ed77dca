"""The posting engine: operations documents → balanced Intacct entries. Pure: no I/O.

``post_document(document, setup)`` returns a :class:`PostingResult` with the document's
entries (each bound for GLBATCH, APBILL, ARINVOICE, APADJUSTMENT or ARADJUSTMENT) or the
problems that stop it, each naming the document, line, field and fix.
"""

from intacct_bridge.posting.engine import PostingResult, cents, post_document
from intacct_bridge.posting.entries import Entry, EntryLine, Side, Target, UnbalancedEntryError
from intacct_bridge.posting.problems import PostingProblem, ProblemCode
from intacct_bridge.posting.recipes import RECIPES, Amount, Recipe, RecipeLine
from intacct_bridge.posting.roles import AccountType, Resolver
from intacct_bridge.posting.setup import (
    DEFAULT_ATTRIBUTE_OBJECTS,
    ClosedPeriodPolicy,
    ExchangeRates,
    PostingSetup,
    RevenueRecognition,
    dimension_field,
    setup_from_records,
)

__all__ = [
    "DEFAULT_ATTRIBUTE_OBJECTS",
    "RECIPES",
    "AccountType",
    "Amount",
    "ClosedPeriodPolicy",
    "Entry",
    "EntryLine",
    "ExchangeRates",
    "PostingProblem",
    "PostingResult",
    "PostingSetup",
    "ProblemCode",
    "Recipe",
    "RecipeLine",
    "Resolver",
    "RevenueRecognition",
    "Side",
    "Target",
    "UnbalancedEntryError",
    "cents",
    "dimension_field",
    "post_document",
    "setup_from_records",
]
