"""``item``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from intacct_bridge.store.base import Base, key, tenant_key
from intacct_bridge.store.tables.common import Tracked


class ItemRow(Tracked, Base):
    __tablename__ = "item"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "posting_class_type", "posting_class_id"],
            ["posting_class.tenant_id", "posting_class.type", "posting_class.id"],
        ),
        CheckConstraint("posting_class_type = 'item'", name="posting_class_type"),
    )

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(30)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    stock_unit: Mapped[str] = mapped_column(String(10))
    is_stock_managed: Mapped[bool]
    is_sold: Mapped[bool]
    is_purchased: Mapped[bool]
    standard_cost: Mapped[Decimal | None]
    base_price: Mapped[Decimal | None]
    posting_class_type: Mapped[str] = mapped_column(String(10), default="item")
    posting_class_id: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool]
    #: set once the item exists in Intacct; from then on its ID cannot change
    integrated_at: Mapped[dt.datetime | None]
