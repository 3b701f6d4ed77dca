"""Account types (DMO's posting class definitions) and where each one is resolved.

An account type is a named slot such as ``stock`` or ``receivable``. A posting class maps
account types to GL accounts; which posting class a line uses depends on the type's
:class:`Resolver`: the line's item, the document's customer or supplier, the line's tax detail,
or (for company-wide slots such as rounding) the posting setup's own defaults.
"""

from __future__ import annotations

from enum import StrEnum

from intacct_bridge.model.finance import PostingClassKind


class Resolver(StrEnum):
    """Whose posting class decides an account type's account."""

    ITEM = "item"
    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    TAX = "tax"
    #: one account for the whole tenant (a non-detailed definition)
    COMPANY = "company"

    @property
    def posting_class_kind(self) -> PostingClassKind | None:
        """The kind of posting class this resolver reads, if any."""
        return None if self is Resolver.COMPANY else PostingClassKind(self.value)


class AccountType(StrEnum):
    """The account slots the delivered journal entry types post to.

    The values are the ``account_type`` keys of posting class lines.
    """

    STOCK = "stock"
    GRNI = "purchase_accrual"
    PPV = "purchase_price_variance"
    COGS = "cost_of_goods_sold"
    REVENUE = "revenue"
    SALES_RETURNS = "sales_returns"
    EXPENSE = "expense"
    STOCK_ADJUSTMENT = "stock_adjustment"
    MISC_RECEIPT = "misc_receipt_offset"
    MISC_ISSUE = "misc_issue_expense"
    GOODS_IN_TRANSIT = "goods_in_transit"
    RECEIVABLE = "receivable"
    PAYABLE = "payable"
    TAX_PAYABLE = "tax_payable"
    TAX_RECOVERABLE = "tax_recoverable"
    ROUNDING = "rounding"
    #: accrued revenue of goods shipped, cleared by the invoice (revenue on shipment)
    SHIPPED_NOT_INVOICED = "shipped_not_invoiced"

    @property
    def resolver(self) -> Resolver:
        """Whose posting class holds this account type."""
        return _RESOLVERS[self]

    @property
    def fallback(self) -> AccountType | None:
        """The account type used when a posting class has none of this one."""
        return _FALLBACKS.get(self)


_RESOLVERS: dict[AccountType, Resolver] = {
    AccountType.RECEIVABLE: Resolver.CUSTOMER,
    AccountType.PAYABLE: Resolver.SUPPLIER,
    AccountType.TAX_PAYABLE: Resolver.TAX,
    AccountType.TAX_RECOVERABLE: Resolver.TAX,
    AccountType.ROUNDING: Resolver.COMPANY,
    AccountType.GOODS_IN_TRANSIT: Resolver.COMPANY,
    AccountType.MISC_RECEIPT: Resolver.COMPANY,
    AccountType.MISC_ISSUE: Resolver.COMPANY,
}
for _type in AccountType:
    _RESOLVERS.setdefault(_type, Resolver.ITEM)

#: a credit memo without a sales-returns account credits revenue back
_FALLBACKS: dict[AccountType, AccountType] = {
    AccountType.SALES_RETURNS: AccountType.REVENUE,
    AccountType.MISC_RECEIPT: AccountType.STOCK_ADJUSTMENT,
    AccountType.MISC_ISSUE: AccountType.STOCK_ADJUSTMENT,
}
