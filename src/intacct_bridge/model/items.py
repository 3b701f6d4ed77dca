"""Items, sent to Intacct as non-inventory items (ITEM).

An item's ID cannot change once the item has been integrated with Intacct; the store keeps
that lock (``intacct_bridge.store.repositories.rename_item``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from intacct_bridge.model import checks
from intacct_bridge.model.money import Money, check_decimal

ITEM_ID_LENGTH = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """A product or service the business buys, makes, stocks or sells."""

    KIND: ClassVar[str] = "item"

    id: str
    name: str
    description: str | None = None
    #: stock unit of measure (``EA``, ``KG``)
    stock_unit: str = "EA"
    #: whether stock quantities are tracked on the operations side
    is_stock_managed: bool = True
    is_sold: bool = True
    is_purchased: bool = True
    standard_cost: Money | None = None
    base_price: Money | None = None
    #: item posting class
    posting_class_id: str | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=ITEM_ID_LENGTH)
        checks.text("name", self.name, max_length=100)
        checks.optional_text("description", self.description, max_length=4000)
        checks.identifier("stock_unit", self.stock_unit, max_length=10)
        checks.flag("is_stock_managed", self.is_stock_managed)
        checks.flag("is_sold", self.is_sold)
        checks.flag("is_purchased", self.is_purchased)
        if self.standard_cost is not None:
            value = check_decimal("standard_cost", self.standard_cost, allow_negative=False)
            object.__setattr__(self, "standard_cost", value)
        if self.base_price is not None:
            value = check_decimal("base_price", self.base_price, allow_negative=False)
            object.__setattr__(self, "base_price", value)
        checks.optional_identifier("posting_class_id", self.posting_class_id, max_length=40)
        checks.flag("is_active", self.is_active)
