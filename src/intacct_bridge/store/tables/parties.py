"""``contact``, ``customer`` and ``supplier`` with their addresses and contact links."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intacct_bridge.store.base import Base, key, tenant_key
from intacct_bridge.store.tables.common import AddressColumns, Tracked


class ContactRow(Tracked, Base):
    __tablename__ = "contact"

    tenant_id: Mapped[str] = tenant_key()
    name: Mapped[str] = key(200)
    print_as: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str | None] = mapped_column(String(15))
    first_name: Mapped[str | None] = mapped_column(String(40))
    last_name: Mapped[str | None] = mapped_column(String(40))
    company_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    address_line1: Mapped[str | None] = mapped_column(String(100))
    address_line2: Mapped[str | None] = mapped_column(String(100))
    address_line3: Mapped[str | None] = mapped_column(String(100))
    address_city: Mapped[str | None] = mapped_column(String(80))
    address_region: Mapped[str | None] = mapped_column(String(40))
    address_postal_code: Mapped[str | None] = mapped_column(String(30))
    address_country_code: Mapped[str | None] = mapped_column(String(2))
    is_active: Mapped[bool]


def _party_fks(ledger: str, posting_type: str) -> tuple[object, ...]:
    return (
        ForeignKeyConstraint(
            ["tenant_id", "payment_term_ledger", "payment_term_id"],
            ["payment_term.tenant_id", "payment_term.ledger", "payment_term.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "posting_class_type", "posting_class_id"],
            ["posting_class.tenant_id", "posting_class.type", "posting_class.id"],
        ),
        CheckConstraint(f"payment_term_ledger = '{ledger}'", name="payment_term_ledger"),
        CheckConstraint(f"posting_class_type = '{posting_type}'", name="posting_class_type"),
    )


class CustomerRow(Tracked, Base):
    __tablename__ = "customer"
    __table_args__ = _party_fks("ar", "customer")

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(20)
    name: Mapped[str] = mapped_column(String(100))
    #: always ``ar``: makes the payment-term reference an AR term in the database too
    payment_term_ledger: Mapped[str] = mapped_column(String(2), default="ar")
    payment_term_id: Mapped[str | None] = mapped_column(String(40))
    currency: Mapped[str | None] = mapped_column(String(3))
    tax_id: Mapped[str | None] = mapped_column(String(20))
    #: always ``customer``: the posting class must be a customer posting class
    posting_class_type: Mapped[str] = mapped_column(String(10), default="customer")
    posting_class_id: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool]

    addresses: Mapped[list[CustomerAddressRow]] = relationship(
        cascade="all, delete-orphan", order_by="CustomerAddressRow.role"
    )
    contacts: Mapped[list[CustomerContactRow]] = relationship(
        cascade="all, delete-orphan", order_by="CustomerContactRow.position"
    )


class CustomerAddressRow(AddressColumns, Base):
    __tablename__ = "customer_address"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customer.tenant_id", "customer.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint("role IN ('bill_to', 'ship_to')", name="role"),
    )

    tenant_id: Mapped[str] = tenant_key()
    customer_id: Mapped[str] = key(20)
    role: Mapped[str] = key(10)


class CustomerContactRow(Base):
    __tablename__ = "customer_contact"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customer.tenant_id", "customer.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(["tenant_id", "contact_name"], ["contact.tenant_id", "contact.name"]),
    )

    tenant_id: Mapped[str] = tenant_key()
    customer_id: Mapped[str] = key(20)
    contact_name: Mapped[str] = key(200)
    #: 0 is the primary contact when ``is_primary``; the others follow in order
    position: Mapped[int]
    is_primary: Mapped[bool]


class SupplierRow(Tracked, Base):
    __tablename__ = "supplier"
    __table_args__ = _party_fks("ap", "supplier")

    tenant_id: Mapped[str] = tenant_key()
    id: Mapped[str] = key(20)
    name: Mapped[str] = mapped_column(String(100))
    payment_term_ledger: Mapped[str] = mapped_column(String(2), default="ap")
    payment_term_id: Mapped[str | None] = mapped_column(String(40))
    currency: Mapped[str | None] = mapped_column(String(3))
    tax_id: Mapped[str | None] = mapped_column(String(20))
    posting_class_type: Mapped[str] = mapped_column(String(10), default="supplier")
    posting_class_id: Mapped[str | None] = mapped_column(String(40))
    is_active: Mapped[bool]

    addresses: Mapped[list[SupplierAddressRow]] = relationship(
        cascade="all, delete-orphan", order_by="SupplierAddressRow.role"
    )
    contacts: Mapped[list[SupplierContactRow]] = relationship(
        cascade="all, delete-orphan", order_by="SupplierContactRow.position"
    )


class SupplierAddressRow(AddressColumns, Base):
    __tablename__ = "supplier_address"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "supplier_id"],
            ["supplier.tenant_id", "supplier.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint("role IN ('pay_to', 'return_to')", name="role"),
    )

    tenant_id: Mapped[str] = tenant_key()
    supplier_id: Mapped[str] = key(20)
    role: Mapped[str] = key(10)


class SupplierContactRow(Base):
    __tablename__ = "supplier_contact"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "supplier_id"],
            ["supplier.tenant_id", "supplier.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(["tenant_id", "contact_name"], ["contact.tenant_id", "contact.name"]),
    )

    tenant_id: Mapped[str] = tenant_key()
    supplier_id: Mapped[str] = key(20)
    contact_name: Mapped[str] = key(200)
    position: Mapped[int]
    is_primary: Mapped[bool]
