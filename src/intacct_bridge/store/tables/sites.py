"""``company`` and ``site``."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from intacct_bridge.store.base import Base, key, tenant_key
from intacct_bridge.store.tables.common import Tracked


class CompanyRow(Tracked, Base):
    __tablename__ = "company"

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(20)
    name: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    country: Mapped[str | None] = mapped_column(String(2))
    intacct_entity_id: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool]


class SiteRow(Tracked, Base):
    __tablename__ = "site"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "company_id"], ["company.tenant_id", "company.id"]),
        ForeignKeyConstraint(["tenant_id", "financial_site_id"], ["site.tenant_id", "site.id"]),
        CheckConstraint(
            "is_financial OR is_business OR is_stock OR is_manufacturing", name="has_role"
        ),
        CheckConstraint(
            "(is_financial AND financial_site_id IS NULL)"
            " OR (NOT is_financial AND financial_site_id IS NOT NULL)",
            name="financial_site",
        ),
    )

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(20)
    name: Mapped[str] = mapped_column(String(100))
    company_id: Mapped[str] = mapped_column(String(20))
    is_financial: Mapped[bool]
    is_business: Mapped[bool]
    is_stock: Mapped[bool]
    is_manufacturing: Mapped[bool]
    financial_site_id: Mapped[str | None] = mapped_column(String(20))
    intacct_entity_id: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool]
