"""Posting configuration: one JSON document per tenant.

Revision ID: 0009_posting_config
Revises: 0008_slot_leases (the branch was made on 0005; re-chained when main was merged in)
Create Date: 2026-12-06

``posting_config`` holds each tenant's posting settings (stock journal, company-wide
accounts, rates, closed periods, policies, dimensions left off), validated by
``intacct_bridge.config.posting.PostingSettings``; no secrets.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from intacct_bridge.store import base

revision: str = "0009_posting_config"
down_revision: str | None = "0008_slot_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "posting_config",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_posting_config_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_posting_config")),
    )


def downgrade() -> None:
    op.drop_table("posting_config")
