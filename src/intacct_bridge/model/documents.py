"""Operations documents and their lines.

Each document type has one rule (:data:`RULES`): which party it names, whether its lines are
priced (invoices and credit memos: ``unit_price``, tax) or costed (stock movements:
``unit_cost``), and which document type it reverses. A posted document is never edited; it is
reversed by its credit memo or return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from intacct_bridge.model import checks
from intacct_bridge.model.analytics import (
    AttributeRef,
    DimensionRef,
    check_attributes,
    check_dimensions,
)
from intacct_bridge.model.errors import ModelError
from intacct_bridge.model.money import (
    ZERO,
    Money,
    Quantity,
    check_currency,
    check_decimal,
    check_positive,
)

DOCUMENT_NUMBER_LENGTH = 40


class DocumentType(StrEnum):
    """The operations documents the bridge accounts for."""

    PURCHASE_RECEIPT = "purchase_receipt"
    PURCHASE_RETURN = "purchase_return"
    PURCHASE_INVOICE = "purchase_invoice"
    PURCHASE_CREDIT_MEMO = "purchase_credit_memo"
    SALES_SHIPMENT = "sales_shipment"
    SALES_RETURN_RECEIPT = "sales_return_receipt"
    SALES_INVOICE = "sales_invoice"
    SALES_CREDIT_MEMO = "sales_credit_memo"
    STOCK_ADJUSTMENT = "stock_adjustment"
    MISC_STOCK_RECEIPT = "misc_stock_receipt"
    MISC_STOCK_ISSUE = "misc_stock_issue"
    STOCK_TRANSFER = "stock_transfer"


class DocumentStatus(StrEnum):
    """A draft may be replaced; a posted document is final."""

    DRAFT = "draft"
    POSTED = "posted"


class Party(StrEnum):
    """Which business partner a document type names."""

    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class TypeRule:
    """What a document type requires."""

    party: Party
    #: lines carry a transaction price (and may carry tax); the document needs a currency
    priced: bool
    #: lines carry the stock unit cost
    costed: bool
    #: quantities may be negative (their sign is the direction of the movement)
    signed: bool = False
    #: the document moves stock to ``to_site_id``
    transfer: bool = False
    #: the document type this one reverses, named by ``reverses``
    reverses: DocumentType | None = None


_T = DocumentType
RULES: dict[DocumentType, TypeRule] = {
    _T.PURCHASE_RECEIPT: TypeRule(Party.SUPPLIER, priced=False, costed=True),
    _T.PURCHASE_RETURN: TypeRule(
        Party.SUPPLIER, priced=False, costed=True, reverses=_T.PURCHASE_RECEIPT
    ),
    _T.PURCHASE_INVOICE: TypeRule(Party.SUPPLIER, priced=True, costed=False),
    _T.PURCHASE_CREDIT_MEMO: TypeRule(
        Party.SUPPLIER, priced=True, costed=False, reverses=_T.PURCHASE_INVOICE
    ),
    _T.SALES_SHIPMENT: TypeRule(Party.CUSTOMER, priced=False, costed=True),
    _T.SALES_RETURN_RECEIPT: TypeRule(
        Party.CUSTOMER, priced=False, costed=True, reverses=_T.SALES_SHIPMENT
    ),
    _T.SALES_INVOICE: TypeRule(Party.CUSTOMER, priced=True, costed=False),
    _T.SALES_CREDIT_MEMO: TypeRule(
        Party.CUSTOMER, priced=True, costed=False, reverses=_T.SALES_INVOICE
    ),
    _T.STOCK_ADJUSTMENT: TypeRule(Party.NONE, priced=False, costed=True, signed=True),
    _T.MISC_STOCK_RECEIPT: TypeRule(Party.NONE, priced=False, costed=True),
    _T.MISC_STOCK_ISSUE: TypeRule(Party.NONE, priced=False, costed=True),
    _T.STOCK_TRANSFER: TypeRule(Party.NONE, priced=False, costed=True, transfer=True),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentLine:
    """One line: an item, a quantity, its cost or price, tax, attributes and dimensions."""

    #: 1, 2, 3 … unique within the document
    line_number: int
    item_id: str
    #: in the item's stock unit unless ``unit`` says otherwise
    quantity: Quantity
    unit: str | None = None
    #: stock valuation cost per unit (stock movements)
    unit_cost: Money | None = None
    #: transaction price per unit, excluding tax (invoices and credit memos)
    unit_price: Money | None = None
    tax_detail_id: str | None = None
    tax_amount: Money = ZERO
    #: GL account overriding the posting class (e.g. a non-stock purchase)
    account_id: str | None = None
    description: str | None = None
    attributes: tuple[AttributeRef, ...] = ()
    dimensions: tuple[DimensionRef, ...] = ()

    def __post_init__(self) -> None:
        checks.whole("line_number", self.line_number, minimum=1, maximum=1_000_000)
        checks.identifier("item_id", self.item_id, max_length=30)
        object.__setattr__(self, "quantity", check_decimal("quantity", self.quantity))
        if self.quantity == 0:
            raise ModelError("quantity", "is zero", "give the quantity moved, or drop the line")
        checks.optional_identifier("unit", self.unit, max_length=10)
        if self.unit_cost is not None:
            value = check_decimal("unit_cost", self.unit_cost, allow_negative=False)
            object.__setattr__(self, "unit_cost", value)
        if self.unit_price is not None:
            value = check_decimal("unit_price", self.unit_price, allow_negative=False)
            object.__setattr__(self, "unit_price", value)
        checks.optional_identifier("tax_detail_id", self.tax_detail_id, max_length=100)
        tax = check_decimal("tax_amount", self.tax_amount, allow_negative=False)
        object.__setattr__(self, "tax_amount", tax)
        if tax != 0 and self.tax_detail_id is None:
            raise ModelError("tax_amount", "tax without a tax detail", "give tax_detail_id")
        checks.optional_identifier("account_id", self.account_id, max_length=24)
        checks.optional_text("description", self.description, max_length=1000)
        object.__setattr__(self, "attributes", check_attributes("attributes", self.attributes))
        object.__setattr__(self, "dimensions", check_dimensions("dimensions", self.dimensions))

    @property
    def net_amount(self) -> Money | None:
        """Quantity times unit price, before tax; ``None`` on unpriced lines."""
        return None if self.unit_price is None else self.quantity * self.unit_price

    @property
    def cost_amount(self) -> Money | None:
        """Quantity times unit cost; ``None`` on uncosted lines."""
        return None if self.unit_cost is None else self.quantity * self.unit_cost


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """An operations document, keyed by its type and number."""

    KIND: ClassVar[str] = "document"

    type: DocumentType
    number: str
    date: dt.date
    #: where the document happens (its financial site is the ledger it posts to)
    site_id: str
    lines: tuple[DocumentLine, ...]
    status: DocumentStatus = DocumentStatus.DRAFT
    customer_id: str | None = None
    supplier_id: str | None = None
    #: receiving site of a stock transfer
    to_site_id: str | None = None
    currency: str | None = None
    payment_term_id: str | None = None
    due_date: dt.date | None = None
    tax_solution_id: str | None = None
    #: the supplier's own invoice number (required on purchase invoices)
    supplier_invoice_number: str | None = None
    #: number of the document this one reverses (the invoice of a credit memo …)
    reverses: str | None = None
    reference: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        kind = checks.member("type", self.type, DocumentType)
        object.__setattr__(self, "type", kind)
        rule = RULES[kind]
        checks.identifier("number", self.number, max_length=DOCUMENT_NUMBER_LENGTH)
        checks.day("date", self.date)
        checks.identifier("site_id", self.site_id, max_length=20)
        object.__setattr__(self, "status", checks.member("status", self.status, DocumentStatus))
        self._check_party(rule)
        self._check_header(rule)
        lines = checks.as_tuple("lines", self.lines)
        if not lines:
            raise ModelError("lines", "a document needs at least one line", "add its lines")
        for index, line in enumerate(lines):
            if not isinstance(line, DocumentLine):
                raise ModelError(f"lines[{index}]", "must be a DocumentLine", "pass one")
            _check_line(f"lines[{index}]", line, rule)
        typed = [line for line in lines if isinstance(line, DocumentLine)]
        checks.unique("lines", [line.line_number for line in typed], what="line number")
        object.__setattr__(self, "lines", tuple(sorted(typed, key=lambda ln: ln.line_number)))

    @property
    def rule(self) -> TypeRule:
        """The rule of this document's type."""
        return RULES[self.type]

    @property
    def party_id(self) -> str | None:
        """The customer or supplier the document names, if any."""
        return self.customer_id if self.customer_id is not None else self.supplier_id

    @property
    def net_total(self) -> Money:
        """Sum of the lines' net amounts (priced documents)."""
        return sum((line.net_amount or ZERO for line in self.lines), ZERO)

    @property
    def tax_total(self) -> Money:
        """Sum of the lines' tax amounts."""
        return sum((line.tax_amount for line in self.lines), ZERO)

    @property
    def is_posted(self) -> bool:
        """Whether the document is final."""
        return self.status is DocumentStatus.POSTED

    def _check_party(self, rule: TypeRule) -> None:
        name = self.type.value.replace("_", " ")
        for party, field in ((Party.CUSTOMER, "customer_id"), (Party.SUPPLIER, "supplier_id")):
            value = getattr(self, field)
            if rule.party is party:
                if value is None:
                    raise ModelError(field, f"a {name} needs its {party.value}", f"give {field}")
                checks.identifier(field, value, max_length=20)
            elif value is not None:
                raise ModelError(field, f"a {name} has no {party.value}", f"remove {field}")

    def _check_header(self, rule: TypeRule) -> None:
        name = self.type.value.replace("_", " ")
        if rule.transfer:
            if self.to_site_id is None:
                raise ModelError(
                    "to_site_id", "a stock transfer needs its receiving site", "give it"
                )
            checks.identifier("to_site_id", self.to_site_id, max_length=20)
            if self.to_site_id == self.site_id:
                raise ModelError("to_site_id", "is the sending site", "give a different site")
        elif self.to_site_id is not None:
            raise ModelError("to_site_id", f"a {name} moves no stock between sites", "remove it")
        if self.currency is not None:
            check_currency("currency", self.currency)
        elif rule.priced:
            raise ModelError("currency", f"a {name} needs its currency", "give an ISO code")
        for field in ("payment_term_id", "due_date", "tax_solution_id"):
            if not rule.priced and getattr(self, field) is not None:
                raise ModelError(field, f"a {name} has no {field}", "remove it")
        checks.optional_identifier("payment_term_id", self.payment_term_id, max_length=40)
        checks.optional_identifier("tax_solution_id", self.tax_solution_id, max_length=40)
        due = checks.optional_day("due_date", self.due_date)
        if due is not None and due < self.date:
            raise ModelError("due_date", f"{due} is before the document date", "fix the due date")
        invoice_no = checks.optional_text(
            "supplier_invoice_number", self.supplier_invoice_number, max_length=40
        )
        if self.type is DocumentType.PURCHASE_INVOICE and invoice_no is None:
            raise ModelError(
                "supplier_invoice_number",
                "a purchase invoice needs the supplier's invoice number",
                "give the number printed on the supplier's invoice",
            )
        if rule.party is not Party.SUPPLIER and invoice_no is not None:
            raise ModelError("supplier_invoice_number", f"a {name} has none", "remove it")
        if self.reverses is not None:
            if rule.reverses is None:
                raise ModelError("reverses", f"a {name} reverses nothing", "remove it")
            checks.identifier("reverses", self.reverses, max_length=DOCUMENT_NUMBER_LENGTH)
        checks.optional_text("reference", self.reference, max_length=100)
        checks.optional_text("description", self.description, max_length=1000)


def _check_line(field: str, line: DocumentLine, rule: TypeRule) -> None:
    if not rule.signed and not line.quantity > 0:  # the line checked it is a Decimal
        check_positive(f"{field}.quantity", line.quantity)
    if rule.priced and line.unit_price is None:
        raise ModelError(f"{field}.unit_price", "a priced line needs its unit price", "give it")
    if not rule.priced:
        for name in ("unit_price", "tax_detail_id"):
            if getattr(line, name) is not None:
                raise ModelError(
                    f"{field}.{name}", "stock movements carry no price or tax", "remove it"
                )
    if rule.costed and line.unit_cost is None:
        raise ModelError(f"{field}.unit_cost", "a stock movement needs its unit cost", "give it")
    if not rule.costed and line.unit_cost is not None:
        raise ModelError(f"{field}.unit_cost", "invoices carry prices, not costs", "remove it")
