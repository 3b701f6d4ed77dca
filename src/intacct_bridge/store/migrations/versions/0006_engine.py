"""The task engine's tables (procrastinate), on PostgreSQL only.

Revision ID: 0006_engine
Revises: 0005
Create Date: 2026-12-06

Worker processes on PostgreSQL schedule and recover their jobs through procrastinate
(``intacct_bridge.sync.engine``, docs/decisions/0003-task-engine.md). Its schema — four
``procrastinate_*`` tables, three types, its functions and triggers — is applied here, in
the database's current schema, from the installed package (``SchemaManager.get_schema()``
of the pinned version, 3.10). A later procrastinate version that changes the schema comes
with a new revision applying its migration files. On SQLite nothing happens: the embedded
worker needs no engine.

Downgrade drops every ``procrastinate_*`` table, routine and type of the current schema.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006_engine"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DROP = r"""
DO $$
DECLARE
    found record;
BEGIN
    FOR found IN
        SELECT c.relname AS name FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r'
           AND c.relname LIKE 'procrastinate\_%'
    LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', found.name);
    END LOOP;
    FOR found IN
        SELECT p.oid::regprocedure::text AS name FROM pg_proc p
          JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\_%'
    LOOP
        EXECUTE 'DROP ROUTINE IF EXISTS ' || found.name || ' CASCADE';
    END LOOP;
    FOR found IN
        SELECT t.typname AS name FROM pg_type t
          JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate\_%'
           AND t.typtype IN ('e', 'c')
           AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
    LOOP
        EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', found.name);
    END LOOP;
END;
$$
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    # no parameters: the driver sends the text as it is (several statements at once)
    bind.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.exec_driver_sql(_DROP.replace("%", "%%"))
