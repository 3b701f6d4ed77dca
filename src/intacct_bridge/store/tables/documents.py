"""``document`` and its lines, line attributes and line dimensions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intacct_bridge.model.analytics import AttributeTypeKind
from intacct_bridge.model.documents import DocumentStatus, DocumentType
from intacct_bridge.store.base import (
    TENANT_ID_LENGTH,
    Base,
    key,
    one_of,
    parent_tenant_key,
    tenant_key,
)


class DocumentRow(Base):
    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("tenant_id", "type", "number"),
        UniqueConstraint("tenant_id", "id"),
        one_of("type", DocumentType),
        one_of("reverses_type", DocumentType),
        one_of("status", DocumentStatus),
        CheckConstraint(
            "(status = 'posted') = (posted_at IS NOT NULL)", name="posted_at_when_posted"
        ),
        ForeignKeyConstraint(["tenant_id", "site_id"], ["site.tenant_id", "site.id"]),
        ForeignKeyConstraint(["tenant_id", "to_site_id"], ["site.tenant_id", "site.id"]),
        ForeignKeyConstraint(["tenant_id", "customer_id"], ["customer.tenant_id", "customer.id"]),
        ForeignKeyConstraint(["tenant_id", "supplier_id"], ["supplier.tenant_id", "supplier.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "payment_term_ledger", "payment_term_id"],
            ["payment_term.tenant_id", "payment_term.ledger", "payment_term.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "tax_solution_id"], ["tax_solution.tenant_id", "tax_solution.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "reverses_type", "reverses"],
            ["document.tenant_id", "document.type", "document.number"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(
        String(TENANT_ID_LENGTH), ForeignKey("tenant.id", ondelete="CASCADE")
    )
    type: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))
    date: Mapped[dt.date]
    site_id: Mapped[str] = mapped_column(String(20))
    to_site_id: Mapped[str | None] = mapped_column(String(20))
    customer_id: Mapped[str | None] = mapped_column(String(20))
    supplier_id: Mapped[str | None] = mapped_column(String(20))
    currency: Mapped[str | None] = mapped_column(String(3))
    #: ``ar`` on sales documents, ``ap`` on purchase documents (the term's ledger)
    payment_term_ledger: Mapped[str | None] = mapped_column(String(2))
    payment_term_id: Mapped[str | None] = mapped_column(String(40))
    due_date: Mapped[dt.date | None]
    tax_solution_id: Mapped[str | None] = mapped_column(String(40))
    supplier_invoice_number: Mapped[str | None] = mapped_column(String(40))
    #: type of the reversed document (set when ``reverses`` is)
    reverses_type: Mapped[str | None] = mapped_column(String(30))
    reverses: Mapped[str | None] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    posted_at: Mapped[dt.datetime | None]

    lines: Mapped[list[DocumentLineRow]] = relationship(
        cascade="all, delete-orphan", order_by="DocumentLineRow.line_number"
    )


class DocumentLineRow(Base):
    __tablename__ = "document_line"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "document_id"], ["document.tenant_id", "document.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(["tenant_id", "item_id"], ["item.tenant_id", "item.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "tax_detail_id"], ["tax_detail.tenant_id", "tax_detail.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "account_id"], ["account.tenant_id", "account.id"]),
    )

    tenant_id: Mapped[str] = tenant_key()
    document_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    line_number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    item_id: Mapped[str] = mapped_column(String(30))
    quantity: Mapped[Decimal]
    unit: Mapped[str | None] = mapped_column(String(10))
    unit_cost: Mapped[Decimal | None]
    unit_price: Mapped[Decimal | None]
    tax_detail_id: Mapped[str | None] = mapped_column(String(100))
    tax_amount: Mapped[Decimal]
    account_id: Mapped[str | None] = mapped_column(String(24))
    description: Mapped[str | None] = mapped_column(Text)

    attributes: Mapped[list[DocumentLineAttributeRow]] = relationship(
        cascade="all, delete-orphan", order_by="DocumentLineAttributeRow.attribute_type"
    )
    dimensions: Mapped[list[DocumentLineDimensionRow]] = relationship(
        cascade="all, delete-orphan", order_by="DocumentLineDimensionRow.dimension_type_id"
    )


_LINE = ["document_line.tenant_id", "document_line.document_id", "document_line.line_number"]


class DocumentLineAttributeRow(Base):
    __tablename__ = "document_line_attribute"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "document_id", "line_number"], _LINE, ondelete="CASCADE"
        ),
        one_of("attribute_type", AttributeTypeKind),
    )

    tenant_id: Mapped[str] = parent_tenant_key()
    document_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    line_number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    attribute_type: Mapped[str] = key(20)
    #: the attribute value's ID (a project, a site, a customer … depending on the type)
    value_id: Mapped[str] = mapped_column(String(40))


class DocumentLineDimensionRow(Base):
    __tablename__ = "document_line_dimension"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "document_id", "line_number"], _LINE, ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "dimension_type_id", "dimension_id"],
            ["dimension.tenant_id", "dimension.type_id", "dimension.id"],
        ),
    )

    tenant_id: Mapped[str] = tenant_key()
    document_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    line_number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    dimension_type_id: Mapped[str] = key(40)
    dimension_id: Mapped[str] = mapped_column(String(40))
