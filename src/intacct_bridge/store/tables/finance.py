"""Financial data received from Intacct, and posting classes."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intacct_bridge.model.analytics import AttributeTypeKind
from intacct_bridge.model.finance import (
    BankAccountType,
    Ledger,
    PostingClassKind,
    TaxManagement,
    TaxType,
)
from intacct_bridge.store.base import Base, key, one_of, tenant_key
from intacct_bridge.store.tables.common import Tracked


class AccountRow(Tracked, Base):
    __tablename__ = "account"
    __table_args__ = (one_of("tax_management", TaxManagement),)

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(24)
    name: Mapped[str] = mapped_column(String(80))
    is_control: Mapped[bool]
    is_direct_entry_forbidden: Mapped[bool]
    tax_management: Mapped[str] = mapped_column(String(20))
    is_active: Mapped[bool]

    required_dimensions: Mapped[list[AccountRequiredDimensionRow]] = relationship(
        cascade="all, delete-orphan", order_by="AccountRequiredDimensionRow.dimension_type_id"
    )
    required_attributes: Mapped[list[AccountRequiredAttributeRow]] = relationship(
        cascade="all, delete-orphan", order_by="AccountRequiredAttributeRow.attribute_type"
    )


class AccountRequiredDimensionRow(Base):
    __tablename__ = "account_required_dimension"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["account.tenant_id", "account.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "dimension_type_id"], ["dimension_type.tenant_id", "dimension_type.id"]
        ),
    )

    tenant_id: Mapped[str] = tenant_key()
    account_id: Mapped[str] = key(24)
    dimension_type_id: Mapped[str] = key(40)


class AccountRequiredAttributeRow(Base):
    __tablename__ = "account_required_attribute"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["account.tenant_id", "account.id"], ondelete="CASCADE"
        ),
        one_of("attribute_type", AttributeTypeKind),
    )

    tenant_id: Mapped[str] = tenant_key()
    account_id: Mapped[str] = key(24)
    attribute_type: Mapped[str] = key(20)


class JournalRow(Tracked, Base):
    __tablename__ = "journal"

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(12)
    name: Mapped[str] = mapped_column(String(80))
    is_active: Mapped[bool]


class PaymentTermRow(Tracked, Base):
    __tablename__ = "payment_term"
    __table_args__ = (one_of("ledger", Ledger),)

    tenant_id: Mapped[str] = tenant_key()
    ledger: Mapped[str] = key(2)
    id: Mapped[str] = key(40)
    description: Mapped[str | None] = mapped_column(String(80))
    due_days: Mapped[int]
    discount_days: Mapped[int | None]
    discount_percent: Mapped[Decimal | None]
    is_active: Mapped[bool]


class TaxSolutionRow(Tracked, Base):
    __tablename__ = "tax_solution"

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(40)
    description: Mapped[str | None] = mapped_column(String(200))
    #: ISO country codes, sorted
    countries: Mapped[list[str]] = mapped_column(JSON)
    is_active: Mapped[bool]


class TaxDetailRow(Tracked, Base):
    __tablename__ = "tax_detail"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "tax_solution_id"], ["tax_solution.tenant_id", "tax_solution.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "account_id"], ["account.tenant_id", "account.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "posting_class_type", "posting_class_id"],
            ["posting_class.tenant_id", "posting_class.type", "posting_class.id"],
        ),
        one_of("tax_type", TaxType),
        CheckConstraint("posting_class_type = 'tax'", name="posting_class_type"),
    )

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(100)
    tax_type: Mapped[str] = mapped_column(String(10))
    rate: Mapped[Decimal]
    description: Mapped[str | None] = mapped_column(String(200))
    tax_solution_id: Mapped[str | None] = mapped_column(String(40))
    account_id: Mapped[str | None] = mapped_column(String(24))
    is_reverse_charge: Mapped[bool]
    posting_class_type: Mapped[str] = mapped_column(String(10), default="tax")
    posting_class_id: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool]


class BankAccountRow(Tracked, Base):
    __tablename__ = "bank_account"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "account_id"], ["account.tenant_id", "account.id"]),
        ForeignKeyConstraint(["tenant_id", "financial_site_id"], ["site.tenant_id", "site.id"]),
        one_of("bank_account_type", BankAccountType),
    )

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(20)
    name: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[str] = mapped_column(String(24))
    currency: Mapped[str] = mapped_column(String(3))
    bank_account_type: Mapped[str] = mapped_column(String(10))
    financial_site_id: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool]


class EntityRow(Tracked, Base):
    __tablename__ = "entity"

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(20)
    name: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str | None] = mapped_column(String(3))
    is_active: Mapped[bool]


class PostingClassRow(Tracked, Base):
    __tablename__ = "posting_class"
    __table_args__ = (one_of("type", PostingClassKind),)

    tenant_id: Mapped[str] = tenant_key()
    type: Mapped[str] = key(10)
    id: Mapped[str] = key(40)
    name: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool]

    lines: Mapped[list[PostingClassLineRow]] = relationship(
        cascade="all, delete-orphan", order_by="PostingClassLineRow.account_type"
    )


class PostingClassLineRow(Base):
    __tablename__ = "posting_class_line"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "posting_class_type", "posting_class_id"],
            ["posting_class.tenant_id", "posting_class.type", "posting_class.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(["tenant_id", "account_id"], ["account.tenant_id", "account.id"]),
    )

    tenant_id: Mapped[str] = tenant_key()
    posting_class_type: Mapped[str] = key(10)
    posting_class_id: Mapped[str] = key(40)
    account_type: Mapped[str] = key(40)
    account_id: Mapped[str] = mapped_column(String(24))
