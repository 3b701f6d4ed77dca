"""Leases of the Intacct concurrency slots shared through PostgreSQL.

Revision ID: 0008_slot_leases
Revises: 0005
Create Date: 2026-12-06

``sync_slot_lease``: per slot (its advisory-lock key), who took it last and until when a
request taken under it may still be in flight at the gateway (``intacct_bridge.sync.slots``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from intacct_bridge.store import base

revision: str = "0008_slot_leases"
down_revision: str | None = "0007_posting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_slot_lease",
        sa.Column("lock_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("holder", sa.String(length=80), nullable=True),
        sa.Column("busy_until", base.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("lock_id", name=op.f("pk_sync_slot_lease")),
    )


def downgrade() -> None:
    op.drop_table("sync_slot_lease")
