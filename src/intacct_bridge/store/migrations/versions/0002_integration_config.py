"""Integration configuration: the "Sage Intacct configuration" page of each tenant.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

``integration_config`` (one row per tenant; passwords and the webhook secret only as Fernet
ciphertext) and ``integration_tax_default`` (the Defaults tab's tax grid, one row per
country).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from intacct_bridge.store import base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "integration_config",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("config_id", sa.String(length=30), nullable=False),
        sa.Column("option_active", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("endpoint_url", sa.String(length=500), nullable=False),
        sa.Column("sender_id", sa.String(length=40), nullable=False),
        sa.Column("sender_password_ciphertext", sa.Text(), nullable=True),
        sa.Column("company_id", sa.String(length=40), nullable=True),
        sa.Column("user_id", sa.String(length=80), nullable=True),
        sa.Column("user_password_ciphertext", sa.Text(), nullable=True),
        sa.Column("entity_id", sa.String(length=20), nullable=True),
        sa.Column("policy_id", sa.String(length=40), nullable=True),
        sa.Column("is_asynchronous", sa.Boolean(), nullable=False),
        sa.Column("async_timeout", sa.Integer(), nullable=False),
        sa.Column("audit_trail", sa.Boolean(), nullable=False),
        sa.Column("legislation", sa.String(length=2), nullable=True),
        sa.Column("chart_of_accounts", sa.String(length=40), nullable=True),
        sa.Column("transaction_level", sa.String(length=20), nullable=False),
        sa.Column("tax_solution", sa.String(length=40), nullable=True),
        sa.Column("contact_category_names", sa.Boolean(), nullable=False),
        sa.Column("exclude_display_contact", sa.Boolean(), nullable=False),
        sa.Column("clean_contact_list", sa.Boolean(), nullable=False),
        sa.Column("webhook_url", sa.String(length=500), nullable=True),
        sa.Column("webhook_secret_ciphertext", sa.Text(), nullable=True),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "transaction_level IN ('top_level', 'entity_level')",
            name=op.f("ck_integration_config_transaction_level"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_integration_config_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_integration_config")),
    )
    op.create_table(
        "integration_tax_default",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("intacct_tax_solution", sa.String(length=60), nullable=True),
        sa.Column("tax_solution", sa.String(length=60), nullable=True),
        sa.Column("tax_category", sa.String(length=60), nullable=True),
        sa.Column("transaction_level", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "transaction_level IN ('top_level', 'entity_level')",
            name=op.f("ck_integration_tax_default_transaction_level"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["integration_config.tenant_id"],
            name=op.f("fk_integration_tax_default_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "country", name=op.f("pk_integration_tax_default")),
    )


def downgrade() -> None:
    op.drop_table("integration_tax_default")
    op.drop_table("integration_config")
