"""Export: asynchronous posting requests and open items.

Revision ID: 0007_posting
Revises: 0005
Create Date: 2026-12-06

``posting_async_request`` (each asynchronous request submitted under a transport policy,
matched by control ID when Intacct's callback arrives) and ``open_item`` (posted AP/AR
documents with Intacct's paid and due amounts and the derived payment status).

The coordinator re-chains ``down_revision`` at merge time.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from intacct_bridge.store import base

revision: str = "0007_posting"
down_revision: str | None = "0006_engine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "posting_async_request",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("control_id", sa.String(length=80), nullable=False),
        sa.Column("policy_id", sa.String(length=40), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("submitted_at", base.UtcDateTime(), nullable=False),
        sa.Column("deadline_at", base.UtcDateTime(), nullable=False),
        sa.Column("answered_at", base.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_posting_async_request_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "control_id", name=op.f("pk_posting_async_request")),
    )
    op.create_table(
        "open_item",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("document_key", sa.String(length=250), nullable=False),
        sa.Column("intacct_object", sa.String(length=40), nullable=False),
        sa.Column("record_no", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("total_amount", base.DecimalType(), nullable=False),
        sa.Column("paid_amount", base.DecimalType(), nullable=False),
        sa.Column("due_amount", base.DecimalType(), nullable=False),
        sa.Column("intacct_state", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("prepaid_amount", base.DecimalType(), nullable=True),
        sa.Column("pulled_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('notPaid', 'partiallyPaid', 'paid')", name=op.f("ck_open_item_status")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_open_item_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "document_key", name=op.f("pk_open_item")),
    )


def downgrade() -> None:
    op.drop_table("open_item")
    op.drop_table("posting_async_request")
