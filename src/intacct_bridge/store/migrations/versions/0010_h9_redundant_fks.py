"""Drop the line attributes' own foreign key to ``tenant`` (their line's key pins it).

Revision ID: 0010_h9_redundant_fks
Revises: 0009_posting_config
Create Date: 2026-12-06

A line attribute's ``(tenant_id, document_id, line_number)`` references its line (every
column ``NOT NULL``, ``ON DELETE CASCADE``), whose own keys require its document and its
tenant: a row naming an unknown tenant, or another tenant's line, is refused by that key
alone, and deleting the tenant deletes the attribute with its line. The separate
``tenant_id → tenant`` key checked nothing more, at the price of one more check per row
written (a document of the demo data has some 14 attribute rows).

The same key of lines and line dimensions stays: they also reference rows that the tenant's
deletion removes with their own ``NO ACTION`` check (items, accounts, tax details,
dimensions), and on PostgreSQL those checks run before the rows deleted through the
document's cascade are gone; only a row deleted directly with its tenant passes them.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010_h9_redundant_fks"
down_revision: str | None = "0009_posting_config"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "document_line_attribute"
NAME = "fk_document_line_attribute_tenant_id"


def upgrade() -> None:
    # SQLite: batch mode copies the table without the key (nothing references its rows)
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_constraint(NAME, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.create_foreign_key(NAME, "tenant", ["tenant_id"], ["id"], ondelete="CASCADE")
