"""The delivered journal entry types: for each document type, what its lines post.

A :class:`Recipe` says which Intacct object a document becomes and, for each source line,
which account types receive which amount on which side (DMO's journal entry type lines:
movement, account type, amount type, sign). AP and AR documents add a control line (payable
or receivable) that balances the entry. See ``docs/posting.md`` for the table in prose.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from intacct_bridge.model.documents import DocumentType
from intacct_bridge.posting.entries import Side, Target
from intacct_bridge.posting.roles import AccountType

_A = AccountType
_D = Side.DEBIT
_C = Side.CREDIT


class Amount(StrEnum):
    """Which amount of a source line a recipe line takes (DMO's amount types)."""

    #: quantity x unit cost: the stock value of a movement
    COST = "cost"
    #: quantity x unit price: the line's amount excluding tax
    NET = "net"
    TAX = "tax"
    #: the stock value the goods were received at (quantity x receipt unit cost)
    RECEIPT_VALUE = "receipt_value"
    #: invoice amount less receipt value: the purchase price variance
    VARIANCE = "variance"
    #: quantity x the item's price (``Item.base_price``): what a shipment accrues as revenue
    SHIPMENT_VALUE = "shipment_value"
    #: invoice amount less shipment value: revenue the shipment did not accrue
    PRICE_DIFFERENCE = "price_difference"


class Items(StrEnum):
    """Which items a recipe line applies to."""

    ANY = "any"
    STOCK = "stock"
    NON_STOCK = "non_stock"


@dataclass(frozen=True, slots=True)
class RecipeLine:
    """One journal entry type line."""

    account_type: AccountType
    amount: Amount
    side: Side
    items: Items = Items.ANY
    #: the line belongs to the receiving site of a transfer (its entity and stock account)
    at_destination: bool = False


@dataclass(frozen=True, slots=True)
class Recipe:
    """The journal entry type of one document type."""

    target: Target
    lines: tuple[RecipeLine, ...]
    #: the control line of an AP/AR document, on the side it balances
    control: AccountType | None = None
    #: quantities are signed: a negative quantity's amounts swap sides (a loss, not a gain)
    signed: bool = False


def _pair(debit: AccountType, credit: AccountType) -> tuple[RecipeLine, ...]:
    return (
        RecipeLine(debit, Amount.COST, _D, Items.STOCK),
        RecipeLine(credit, Amount.COST, _C, Items.STOCK),
    )


_PURCHASE_LINES = (
    RecipeLine(_A.GRNI, Amount.RECEIPT_VALUE, _D, Items.STOCK),
    RecipeLine(_A.PPV, Amount.VARIANCE, _D, Items.STOCK),
    RecipeLine(_A.EXPENSE, Amount.NET, _D, Items.NON_STOCK),
    RecipeLine(_A.TAX_RECOVERABLE, Amount.TAX, _D),
)


def _flipped(lines: tuple[RecipeLine, ...]) -> tuple[RecipeLine, ...]:
    return tuple(
        RecipeLine(ln.account_type, ln.amount, ln.side.opposite, ln.items, ln.at_destination)
        for ln in lines
    )


_T = DocumentType
RECIPES: dict[DocumentType, Recipe] = {
    _T.PURCHASE_RECEIPT: Recipe(Target.JOURNAL_ENTRY, _pair(_A.STOCK, _A.GRNI)),
    _T.PURCHASE_RETURN: Recipe(Target.JOURNAL_ENTRY, _pair(_A.GRNI, _A.STOCK)),
    _T.PURCHASE_INVOICE: Recipe(Target.AP_BILL, _PURCHASE_LINES, control=_A.PAYABLE),
    _T.PURCHASE_CREDIT_MEMO: Recipe(
        Target.AP_ADJUSTMENT, _flipped(_PURCHASE_LINES), control=_A.PAYABLE
    ),
    _T.SALES_SHIPMENT: Recipe(Target.JOURNAL_ENTRY, _pair(_A.COGS, _A.STOCK)),
    _T.SALES_RETURN_RECEIPT: Recipe(Target.JOURNAL_ENTRY, _pair(_A.STOCK, _A.COGS)),
    _T.SALES_INVOICE: Recipe(
        Target.AR_INVOICE,
        (
            RecipeLine(_A.REVENUE, Amount.NET, _C),
            RecipeLine(_A.TAX_PAYABLE, Amount.TAX, _C),
        ),
        control=_A.RECEIVABLE,
    ),
    _T.SALES_CREDIT_MEMO: Recipe(
        Target.AR_ADJUSTMENT,
        (
            RecipeLine(_A.SALES_RETURNS, Amount.NET, _D),
            RecipeLine(_A.TAX_PAYABLE, Amount.TAX, _D),
        ),
        control=_A.RECEIVABLE,
    ),
    _T.STOCK_ADJUSTMENT: Recipe(
        Target.JOURNAL_ENTRY, _pair(_A.STOCK, _A.STOCK_ADJUSTMENT), signed=True
    ),
    _T.MISC_STOCK_RECEIPT: Recipe(Target.JOURNAL_ENTRY, _pair(_A.STOCK, _A.MISC_RECEIPT)),
    _T.MISC_STOCK_ISSUE: Recipe(Target.JOURNAL_ENTRY, _pair(_A.MISC_ISSUE, _A.STOCK)),
    _T.STOCK_TRANSFER: Recipe(
        Target.JOURNAL_ENTRY,
        (
            RecipeLine(_A.GOODS_IN_TRANSIT, Amount.COST, _D, Items.STOCK),
            RecipeLine(_A.STOCK, Amount.COST, _C, Items.STOCK),
            RecipeLine(_A.STOCK, Amount.COST, _D, Items.STOCK, at_destination=True),
            RecipeLine(_A.GOODS_IN_TRANSIT, Amount.COST, _C, Items.STOCK),
        ),
    ),
}


#: the journal entry types that change when revenue is recognised on shipment
ON_SHIPMENT_RECIPES: dict[DocumentType, Recipe] = {
    _T.SALES_SHIPMENT: Recipe(
        Target.JOURNAL_ENTRY,
        (
            *_pair(_A.COGS, _A.STOCK),
            RecipeLine(_A.SHIPPED_NOT_INVOICED, Amount.SHIPMENT_VALUE, _D, Items.STOCK),
            RecipeLine(_A.REVENUE, Amount.SHIPMENT_VALUE, _C, Items.STOCK),
        ),
    ),
    _T.SALES_INVOICE: Recipe(
        Target.AR_INVOICE,
        (
            RecipeLine(_A.SHIPPED_NOT_INVOICED, Amount.SHIPMENT_VALUE, _C, Items.STOCK),
            RecipeLine(_A.REVENUE, Amount.PRICE_DIFFERENCE, _C, Items.STOCK),
            RecipeLine(_A.REVENUE, Amount.NET, _C, Items.NON_STOCK),
            RecipeLine(_A.TAX_PAYABLE, Amount.TAX, _C),
        ),
        control=_A.RECEIVABLE,
    ),
}
