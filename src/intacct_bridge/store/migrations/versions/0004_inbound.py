"""Inbound sync: links to Intacct records, pull cursors, Smart Event receipts.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-06

``inbound_link`` (one row per Intacct record read: RECORDNO, the bridge record it became,
WHENMODIFIED, active/inactive/deleted), ``inbound_cursor`` (per tenant and Intacct object,
the incremental pull's high-water mark) and ``smart_event_receipt`` (every Smart Event post
received, with its outcome; authenticated posts carry a unique de-duplication key).

The coordinator re-chains ``down_revision`` after the sync core's 0003 at merge time.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from intacct_bridge.store import base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "smart_event_receipt",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("dedupe_key", sa.String(length=64), nullable=True),
        sa.Column("received_at", base.UtcDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("intacct_object", sa.String(length=60), nullable=True),
        sa.Column("recordno", sa.String(length=20), nullable=True),
        sa.Column("intacct_id", sa.String(length=100), nullable=True),
        sa.Column("event", sa.String(length=10), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("remote", sa.String(length=100), nullable=True),
        sa.Column("processed_at", base.UtcDateTime(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('accepted', 'applied', 'deleted', 'desynchronized', 'failed', "
            "'refused', 'replayed')",
            name=op.f("ck_smart_event_receipt_outcome"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_smart_event_receipt")),
        sa.UniqueConstraint(
            "tenant_id", "dedupe_key", name=op.f("uq_smart_event_receipt_tenant_id_dedupe_key")
        ),
    )
    with op.batch_alter_table("smart_event_receipt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_smart_event_receipt_outcome_id"), ["outcome", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_smart_event_receipt_tenant_id_id"), ["tenant_id", "id"], unique=False
        )

    op.create_table(
        "inbound_cursor",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("intacct_object", sa.String(length=60), nullable=False),
        sa.Column("high_water", sa.String(length=30), nullable=True),
        sa.Column("full_pull_at", base.UtcDateTime(), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_inbound_cursor_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "intacct_object", name=op.f("pk_inbound_cursor")),
    )
    op.create_table(
        "inbound_link",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("intacct_object", sa.String(length=60), nullable=False),
        sa.Column("recordno", sa.String(length=20), nullable=False),
        sa.Column("intacct_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_key", sa.String(length=250), nullable=False),
        sa.Column("when_modified", sa.String(length=30), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'inactive', 'deleted')", name=op.f("ck_inbound_link_status")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_inbound_link_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "intacct_object", "recordno", name=op.f("pk_inbound_link")
        ),
    )
    with op.batch_alter_table("inbound_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_link_tenant_id_kind_record_key"),
            ["tenant_id", "kind", "record_key"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("inbound_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_link_tenant_id_kind_record_key"))

    op.drop_table("inbound_link")
    op.drop_table("inbound_cursor")
    with op.batch_alter_table("smart_event_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_smart_event_receipt_tenant_id_id"))
        batch_op.drop_index(batch_op.f("ix_smart_event_receipt_outcome_id"))

    op.drop_table("smart_event_receipt")
