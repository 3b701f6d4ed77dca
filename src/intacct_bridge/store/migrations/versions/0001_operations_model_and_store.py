"""Operations model and store: tenants, master and reference data, documents, change events.

Revision ID: 0001
Revises:
Create Date: 2026-11-27

Also creates the embedded deployment's single tenant, ``default``.
"""

# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from intacct_bridge.store import base

# the tenant of the embedded deployment (intacct_bridge.model.tenancy.DEFAULT_TENANT_ID)
DEFAULT_TENANT_ID = "default"

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tenant",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("intacct_company_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", base.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant")),
        sa.UniqueConstraint("intacct_company_id", name=op.f("uq_tenant_intacct_company_id")),
    )
    op.create_table(
        "account",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("is_control", sa.Boolean(), nullable=False),
        sa.Column("is_direct_entry_forbidden", sa.Boolean(), nullable=False),
        sa.Column("tax_management", sa.String(length=20), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "tax_management IN ('other', 'excluding_tax', 'including_tax', 'tax')",
            name=op.f("ck_account_tax_management"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_account_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_account")),
    )
    op.create_table(
        "attribute_type",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("intacct_object", sa.String(length=40), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "id IN ('business_site', 'customer', 'employee', 'financial_site', 'item', 'manufacturing_site', 'project', 'stock_site', 'supplier', 'task')",
            name=op.f("ck_attribute_type_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_attribute_type_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_attribute_type")),
    )
    op.create_table(
        "change_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("occurred_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "action IN ('created', 'updated', 'posted', 'renamed', 'integrated')",
            name=op.f("ck_change_event_action"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_change_event_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_event")),
    )
    op.create_index(
        op.f("ix_change_event_tenant_id_id"), "change_event", ["tenant_id", "id"], unique=False
    )

    op.create_table(
        "company",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("intacct_entity_id", sa.String(length=20), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_company_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_company")),
    )
    op.create_table(
        "contact",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("print_as", sa.String(length=200), nullable=False),
        sa.Column("prefix", sa.String(length=15), nullable=True),
        sa.Column("first_name", sa.String(length=40), nullable=True),
        sa.Column("last_name", sa.String(length=40), nullable=True),
        sa.Column("company_name", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("address_line1", sa.String(length=100), nullable=True),
        sa.Column("address_line2", sa.String(length=100), nullable=True),
        sa.Column("address_line3", sa.String(length=100), nullable=True),
        sa.Column("address_city", sa.String(length=80), nullable=True),
        sa.Column("address_region", sa.String(length=40), nullable=True),
        sa.Column("address_postal_code", sa.String(length=30), nullable=True),
        sa.Column("address_country_code", sa.String(length=2), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_contact_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "name", name=op.f("pk_contact")),
    )
    op.create_table(
        "dimension_type",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("intacct_object", sa.String(length=40), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint("slot BETWEEN 1 AND 20", name=op.f("ck_dimension_type_slot")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_dimension_type_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_dimension_type")),
        sa.UniqueConstraint("tenant_id", "slot", name=op.f("uq_dimension_type_tenant_id_slot")),
    )
    op.create_table(
        "entity",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_entity_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_entity")),
    )
    op.create_table(
        "journal",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_journal_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_journal")),
    )
    op.create_table(
        "payment_term",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("ledger", sa.String(length=2), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=80), nullable=True),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("discount_days", sa.Integer(), nullable=True),
        sa.Column("discount_percent", base.DecimalType(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint("ledger IN ('ap', 'ar')", name=op.f("ck_payment_term_ledger")),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_payment_term_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "ledger", "id", name=op.f("pk_payment_term")),
    )
    op.create_table(
        "posting_class",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "type IN ('item', 'customer', 'supplier', 'tax')", name=op.f("ck_posting_class_type")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_posting_class_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "type", "id", name=op.f("pk_posting_class")),
    )
    op.create_table(
        "tax_solution",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_tax_solution_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_tax_solution")),
    )
    op.create_table(
        "account_required_attribute",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=24), nullable=False),
        sa.Column("attribute_type", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "attribute_type IN ('business_site', 'customer', 'employee', 'financial_site', 'item', 'manufacturing_site', 'project', 'stock_site', 'supplier', 'task')",
            name=op.f("ck_account_required_attribute_attribute_type"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "account_id"],
            ["account.tenant_id", "account.id"],
            name=op.f("fk_account_required_attribute_account_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_account_required_attribute_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "account_id", "attribute_type", name=op.f("pk_account_required_attribute")
        ),
    )
    op.create_table(
        "account_required_dimension",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=24), nullable=False),
        sa.Column("dimension_type_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "account_id"],
            ["account.tenant_id", "account.id"],
            name=op.f("fk_account_required_dimension_account_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "dimension_type_id"],
            ["dimension_type.tenant_id", "dimension_type.id"],
            name=op.f("fk_account_required_dimension_dimension_type_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_account_required_dimension_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id",
            "account_id",
            "dimension_type_id",
            name=op.f("pk_account_required_dimension"),
        ),
    )
    op.create_table(
        "customer",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("payment_term_ledger", sa.String(length=2), nullable=False),
        sa.Column("payment_term_id", sa.String(length=40), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("tax_id", sa.String(length=20), nullable=True),
        sa.Column("posting_class_type", sa.String(length=10), nullable=False),
        sa.Column("posting_class_id", sa.String(length=40), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "payment_term_ledger = 'ar'", name=op.f("ck_customer_payment_term_ledger")
        ),
        sa.CheckConstraint(
            "posting_class_type = 'customer'", name=op.f("ck_customer_posting_class_type")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "payment_term_ledger", "payment_term_id"],
            ["payment_term.tenant_id", "payment_term.ledger", "payment_term.id"],
            name=op.f("fk_customer_payment_term_ledger_payment_term_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "posting_class_type", "posting_class_id"],
            ["posting_class.tenant_id", "posting_class.type", "posting_class.id"],
            name=op.f("fk_customer_posting_class_type_posting_class_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_customer_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_customer")),
    )
    op.create_table(
        "dimension",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("type_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "type_id"],
            ["dimension_type.tenant_id", "dimension_type.id"],
            name=op.f("fk_dimension_type_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_dimension_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "type_id", "id", name=op.f("pk_dimension")),
    )
    op.create_table(
        "item",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("stock_unit", sa.String(length=10), nullable=False),
        sa.Column("is_stock_managed", sa.Boolean(), nullable=False),
        sa.Column("is_sold", sa.Boolean(), nullable=False),
        sa.Column("is_purchased", sa.Boolean(), nullable=False),
        sa.Column("standard_cost", base.DecimalType(), nullable=True),
        sa.Column("base_price", base.DecimalType(), nullable=True),
        sa.Column("posting_class_type", sa.String(length=10), nullable=False),
        sa.Column("posting_class_id", sa.String(length=40), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("integrated_at", base.UtcDateTime(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint("posting_class_type = 'item'", name=op.f("ck_item_posting_class_type")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "posting_class_type", "posting_class_id"],
            ["posting_class.tenant_id", "posting_class.type", "posting_class.id"],
            name=op.f("fk_item_posting_class_type_posting_class_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_item_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_item")),
    )
    op.create_table(
        "posting_class_line",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("posting_class_type", sa.String(length=10), nullable=False),
        sa.Column("posting_class_id", sa.String(length=40), nullable=False),
        sa.Column("account_type", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "account_id"],
            ["account.tenant_id", "account.id"],
            name=op.f("fk_posting_class_line_account_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "posting_class_type", "posting_class_id"],
            ["posting_class.tenant_id", "posting_class.type", "posting_class.id"],
            name=op.f("fk_posting_class_line_posting_class_type_posting_class_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_posting_class_line_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id",
            "posting_class_type",
            "posting_class_id",
            "account_type",
            name=op.f("pk_posting_class_line"),
        ),
    )
    op.create_table(
        "site",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("company_id", sa.String(length=20), nullable=False),
        sa.Column("is_financial", sa.Boolean(), nullable=False),
        sa.Column("is_business", sa.Boolean(), nullable=False),
        sa.Column("is_stock", sa.Boolean(), nullable=False),
        sa.Column("is_manufacturing", sa.Boolean(), nullable=False),
        sa.Column("financial_site_id", sa.String(length=20), nullable=True),
        sa.Column("intacct_entity_id", sa.String(length=20), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "(is_financial AND financial_site_id IS NULL) OR (NOT is_financial AND financial_site_id IS NOT NULL)",
            name=op.f("ck_site_financial_site"),
        ),
        sa.CheckConstraint(
            "is_financial OR is_business OR is_stock OR is_manufacturing",
            name=op.f("ck_site_has_role"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "company_id"],
            ["company.tenant_id", "company.id"],
            name=op.f("fk_site_company_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "financial_site_id"],
            ["site.tenant_id", "site.id"],
            name=op.f("fk_site_financial_site_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_site_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_site")),
    )
    op.create_table(
        "supplier",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("payment_term_ledger", sa.String(length=2), nullable=False),
        sa.Column("payment_term_id", sa.String(length=40), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("tax_id", sa.String(length=20), nullable=True),
        sa.Column("posting_class_type", sa.String(length=10), nullable=False),
        sa.Column("posting_class_id", sa.String(length=40), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "payment_term_ledger = 'ap'", name=op.f("ck_supplier_payment_term_ledger")
        ),
        sa.CheckConstraint(
            "posting_class_type = 'supplier'", name=op.f("ck_supplier_posting_class_type")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "payment_term_ledger", "payment_term_id"],
            ["payment_term.tenant_id", "payment_term.ledger", "payment_term.id"],
            name=op.f("fk_supplier_payment_term_ledger_payment_term_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "posting_class_type", "posting_class_id"],
            ["posting_class.tenant_id", "posting_class.type", "posting_class.id"],
            name=op.f("fk_supplier_posting_class_type_posting_class_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_supplier_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_supplier")),
    )
    op.create_table(
        "tax_detail",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("tax_type", sa.String(length=10), nullable=False),
        sa.Column("rate", base.DecimalType(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("tax_solution_id", sa.String(length=40), nullable=True),
        sa.Column("account_id", sa.String(length=24), nullable=True),
        sa.Column("is_reverse_charge", sa.Boolean(), nullable=False),
        sa.Column("posting_class_type", sa.String(length=10), nullable=False),
        sa.Column("posting_class_id", sa.String(length=40), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "posting_class_type = 'tax'", name=op.f("ck_tax_detail_posting_class_type")
        ),
        sa.CheckConstraint(
            "tax_type IN ('sales', 'purchase')", name=op.f("ck_tax_detail_tax_type")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "account_id"],
            ["account.tenant_id", "account.id"],
            name=op.f("fk_tax_detail_account_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "posting_class_type", "posting_class_id"],
            ["posting_class.tenant_id", "posting_class.type", "posting_class.id"],
            name=op.f("fk_tax_detail_posting_class_type_posting_class_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "tax_solution_id"],
            ["tax_solution.tenant_id", "tax_solution.id"],
            name=op.f("fk_tax_detail_tax_solution_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_tax_detail_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_tax_detail")),
    )
    op.create_table(
        "attribute",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("restricted_to_type", sa.String(length=20), nullable=False),
        sa.Column("restricted_to", sa.String(length=40), nullable=True),
        sa.Column("site_id", sa.String(length=20), nullable=True),
        sa.Column("item_id", sa.String(length=30), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "restricted_to_type = 'project'", name=op.f("ck_attribute_restricted_to_type")
        ),
        sa.CheckConstraint(
            "type IN ('employee', 'project', 'task')", name=op.f("ck_attribute_type")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "item_id"],
            ["item.tenant_id", "item.id"],
            name=op.f("fk_attribute_item_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "restricted_to_type", "restricted_to"],
            ["attribute.tenant_id", "attribute.type", "attribute.id"],
            name=op.f("fk_attribute_restricted_to_type_restricted_to"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "site_id"],
            ["site.tenant_id", "site.id"],
            name=op.f("fk_attribute_site_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_attribute_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "type", "id", name=op.f("pk_attribute")),
    )
    op.create_table(
        "bank_account",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.String(length=24), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("bank_account_type", sa.String(length=10), nullable=False),
        sa.Column("financial_site_id", sa.String(length=20), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "bank_account_type IN ('checking', 'savings')",
            name=op.f("ck_bank_account_bank_account_type"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "account_id"],
            ["account.tenant_id", "account.id"],
            name=op.f("fk_bank_account_account_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "financial_site_id"],
            ["site.tenant_id", "site.id"],
            name=op.f("fk_bank_account_financial_site_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_bank_account_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_bank_account")),
    )
    op.create_table(
        "customer_address",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("line1", sa.String(length=100), nullable=False),
        sa.Column("line2", sa.String(length=100), nullable=True),
        sa.Column("line3", sa.String(length=100), nullable=True),
        sa.Column("city", sa.String(length=80), nullable=True),
        sa.Column("region", sa.String(length=40), nullable=True),
        sa.Column("postal_code", sa.String(length=30), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.CheckConstraint("role IN ('bill_to', 'ship_to')", name=op.f("ck_customer_address_role")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customer.tenant_id", "customer.id"],
            name=op.f("fk_customer_address_customer_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_customer_address_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "customer_id", "role", name=op.f("pk_customer_address")
        ),
    )
    op.create_table(
        "customer_contact",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=20), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "contact_name"],
            ["contact.tenant_id", "contact.name"],
            name=op.f("fk_customer_contact_contact_name"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customer.tenant_id", "customer.id"],
            name=op.f("fk_customer_contact_customer_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_customer_contact_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "customer_id", "contact_name", name=op.f("pk_customer_contact")
        ),
    )
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("site_id", sa.String(length=20), nullable=False),
        sa.Column("to_site_id", sa.String(length=20), nullable=True),
        sa.Column("customer_id", sa.String(length=20), nullable=True),
        sa.Column("supplier_id", sa.String(length=20), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("payment_term_ledger", sa.String(length=2), nullable=True),
        sa.Column("payment_term_id", sa.String(length=40), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("tax_solution_id", sa.String(length=40), nullable=True),
        sa.Column("supplier_invoice_number", sa.String(length=40), nullable=True),
        sa.Column("reverses_type", sa.String(length=30), nullable=True),
        sa.Column("reverses", sa.String(length=40), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", base.UtcDateTime(), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.Column("posted_at", base.UtcDateTime(), nullable=True),
        sa.CheckConstraint(
            "(status = 'posted') = (posted_at IS NOT NULL)",
            name=op.f("ck_document_posted_at_when_posted"),
        ),
        sa.CheckConstraint(
            "reverses_type IN ('purchase_receipt', 'purchase_return', 'purchase_invoice', 'purchase_credit_memo', 'sales_shipment', 'sales_return_receipt', 'sales_invoice', 'sales_credit_memo', 'stock_adjustment', 'misc_stock_receipt', 'misc_stock_issue', 'stock_transfer')",
            name=op.f("ck_document_reverses_type"),
        ),
        sa.CheckConstraint("status IN ('draft', 'posted')", name=op.f("ck_document_status")),
        sa.CheckConstraint(
            "type IN ('purchase_receipt', 'purchase_return', 'purchase_invoice', 'purchase_credit_memo', 'sales_shipment', 'sales_return_receipt', 'sales_invoice', 'sales_credit_memo', 'stock_adjustment', 'misc_stock_receipt', 'misc_stock_issue', 'stock_transfer')",
            name=op.f("ck_document_type"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customer.tenant_id", "customer.id"],
            name=op.f("fk_document_customer_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "payment_term_ledger", "payment_term_id"],
            ["payment_term.tenant_id", "payment_term.ledger", "payment_term.id"],
            name=op.f("fk_document_payment_term_ledger_payment_term_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "reverses_type", "reverses"],
            ["document.tenant_id", "document.type", "document.number"],
            name=op.f("fk_document_reverses_type_reverses"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "site_id"],
            ["site.tenant_id", "site.id"],
            name=op.f("fk_document_site_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "supplier_id"],
            ["supplier.tenant_id", "supplier.id"],
            name=op.f("fk_document_supplier_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "tax_solution_id"],
            ["tax_solution.tenant_id", "tax_solution.id"],
            name=op.f("fk_document_tax_solution_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "to_site_id"],
            ["site.tenant_id", "site.id"],
            name=op.f("fk_document_to_site_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_document_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_document_tenant_id_id")),
        sa.UniqueConstraint(
            "tenant_id", "type", "number", name=op.f("uq_document_tenant_id_type_number")
        ),
    )
    op.create_table(
        "supplier_address",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("supplier_id", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("line1", sa.String(length=100), nullable=False),
        sa.Column("line2", sa.String(length=100), nullable=True),
        sa.Column("line3", sa.String(length=100), nullable=True),
        sa.Column("city", sa.String(length=80), nullable=True),
        sa.Column("region", sa.String(length=40), nullable=True),
        sa.Column("postal_code", sa.String(length=30), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.CheckConstraint(
            "role IN ('pay_to', 'return_to')", name=op.f("ck_supplier_address_role")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "supplier_id"],
            ["supplier.tenant_id", "supplier.id"],
            name=op.f("fk_supplier_address_supplier_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_supplier_address_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "supplier_id", "role", name=op.f("pk_supplier_address")
        ),
    )
    op.create_table(
        "supplier_contact",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("supplier_id", sa.String(length=20), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "contact_name"],
            ["contact.tenant_id", "contact.name"],
            name=op.f("fk_supplier_contact_contact_name"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "supplier_id"],
            ["supplier.tenant_id", "supplier.id"],
            name=op.f("fk_supplier_contact_supplier_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_supplier_contact_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "supplier_id", "contact_name", name=op.f("pk_supplier_contact")
        ),
    )
    op.create_table(
        "document_line",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("line_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("item_id", sa.String(length=30), nullable=False),
        sa.Column("quantity", base.DecimalType(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=True),
        sa.Column("unit_cost", base.DecimalType(), nullable=True),
        sa.Column("unit_price", base.DecimalType(), nullable=True),
        sa.Column("tax_detail_id", sa.String(length=100), nullable=True),
        sa.Column("tax_amount", base.DecimalType(), nullable=False),
        sa.Column("account_id", sa.String(length=24), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "account_id"],
            ["account.tenant_id", "account.id"],
            name=op.f("fk_document_line_account_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "document_id"],
            ["document.tenant_id", "document.id"],
            name=op.f("fk_document_line_document_id"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "item_id"],
            ["item.tenant_id", "item.id"],
            name=op.f("fk_document_line_item_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "tax_detail_id"],
            ["tax_detail.tenant_id", "tax_detail.id"],
            name=op.f("fk_document_line_tax_detail_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_document_line_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "document_id", "line_number", name=op.f("pk_document_line")
        ),
    )
    op.create_table(
        "document_line_attribute",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("line_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("attribute_type", sa.String(length=20), nullable=False),
        sa.Column("value_id", sa.String(length=40), nullable=False),
        sa.CheckConstraint(
            "attribute_type IN ('business_site', 'customer', 'employee', 'financial_site', 'item', 'manufacturing_site', 'project', 'stock_site', 'supplier', 'task')",
            name=op.f("ck_document_line_attribute_attribute_type"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "document_id", "line_number"],
            ["document_line.tenant_id", "document_line.document_id", "document_line.line_number"],
            name=op.f("fk_document_line_attribute_document_id_line_number"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_document_line_attribute_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id",
            "document_id",
            "line_number",
            "attribute_type",
            name=op.f("pk_document_line_attribute"),
        ),
    )
    op.create_table(
        "document_line_dimension",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("line_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dimension_type_id", sa.String(length=40), nullable=False),
        sa.Column("dimension_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "dimension_type_id", "dimension_id"],
            ["dimension.tenant_id", "dimension.type_id", "dimension.id"],
            name=op.f("fk_document_line_dimension_dimension_type_id_dimension_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "document_id", "line_number"],
            ["document_line.tenant_id", "document_line.document_id", "document_line.line_number"],
            name=op.f("fk_document_line_dimension_document_id_line_number"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_document_line_dimension_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id",
            "document_id",
            "line_number",
            "dimension_type_id",
            name=op.f("pk_document_line_dimension"),
        ),
    )
    tenant = sa.table(
        "tenant",
        sa.column("id", sa.String),
        sa.column("name", sa.String),
        sa.column("created_at", base.UtcDateTime()),
    )
    op.bulk_insert(
        tenant,
        [{"id": DEFAULT_TENANT_ID, "name": "Default tenant", "created_at": datetime.now(UTC)}],
    )


def downgrade() -> None:
    op.drop_table("document_line_dimension")
    op.drop_table("document_line_attribute")
    op.drop_table("document_line")
    op.drop_table("supplier_contact")
    op.drop_table("supplier_address")
    op.drop_table("document")
    op.drop_table("customer_contact")
    op.drop_table("customer_address")
    op.drop_table("bank_account")
    op.drop_table("attribute")
    op.drop_table("tax_detail")
    op.drop_table("supplier")
    op.drop_table("site")
    op.drop_table("posting_class_line")
    op.drop_table("item")
    op.drop_table("dimension")
    op.drop_table("customer")
    op.drop_table("account_required_dimension")
    op.drop_table("account_required_attribute")
    op.drop_table("tax_solution")
    op.drop_table("posting_class")
    op.drop_table("payment_term")
    op.drop_table("journal")
    op.drop_table("entity")
    op.drop_table("dimension_type")
    op.drop_table("contact")
    op.drop_table("company")
    op.drop_index(op.f("ix_change_event_tenant_id_id"), table_name="change_event")

    op.drop_table("change_event")
    op.drop_table("attribute_type")
    op.drop_table("account")
    op.drop_table("tenant")
