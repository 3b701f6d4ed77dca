"""Sync engine: per-record sync state, mapping overrides, outbox cursors.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

``sync_state`` (one row per synchronised record: state, Intacct ID, RECORDNO, deep link, last
message, version, difference, attempts, next attempt, fingerprint of what was last sent, and
the lease of the worker sending it), ``sync_map_override`` (a tenant's changes to the
delivered maps), ``sync_cursor`` (how far each consumer read the ``change_event`` outbox).
Smart Event receipts are revision 0004's ``smart_event_receipt``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from intacct_bridge.store import base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_cursor",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("consumer", sa.String(length=40), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("gaps", sa.JSON(), nullable=True),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_sync_cursor_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "consumer", name=op.f("pk_sync_cursor")),
    )
    op.create_table(
        "sync_map_override",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("intacct_object", sa.String(length=40), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_sync_map_override_tenant_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "intacct_object", name=op.f("pk_sync_map_override")),
    )
    op.create_table(
        "sync_state",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("intacct_object", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("intacct_id", sa.String(length=250), nullable=True),
        sa.Column("record_no", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("last_message", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("difference", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", base.UtcDateTime(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("source_hash", sa.String(length=64), nullable=True),
        sa.Column("pending_hash", sa.String(length=64), nullable=True),
        sa.Column("sent_values", sa.JSON(), nullable=True),
        sa.Column("intacct_modified", sa.String(length=40), nullable=True),
        sa.Column("synced_at", base.UtcDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", base.UtcDateTime(), nullable=True),
        sa.Column("created_at", base.UtcDateTime(), nullable=False),
        sa.Column("updated_at", base.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "state IN ('not', 'pending', 'success', 'error', 'desynchronized')",
            name=op.f("ck_sync_state_state"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_sync_state_tenant_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "kind", "key", name=op.f("pk_sync_state")),
    )
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_state_tenant_id_state_next_attempt_at"),
            ["tenant_id", "state", "next_attempt_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_state_tenant_id_state_next_attempt_at"))

    op.drop_table("sync_state")
    op.drop_table("sync_map_override")
    op.drop_table("sync_cursor")
