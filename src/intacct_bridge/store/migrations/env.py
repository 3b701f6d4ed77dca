"""Alembic environment: our metadata, a URL from the config or a connection handed in.

Run through :func:`intacct_bridge.store.migrate.upgrade` (or ``intacct-bridge db upgrade``),
or with the ``alembic`` command and the repository's ``alembic.ini``.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

import intacct_bridge.store.tables  # noqa: F401  (registers every table)
from intacct_bridge.store.base import Base
from intacct_bridge.store.migrate import include_name
from intacct_bridge.store.session import create_store_engine, database_url

config = context.config
target_metadata = Base.metadata


def _render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our column types through ``intacct_bridge.store.base`` in new revisions."""
    if kind == "type" and type(obj).__module__ == "intacct_bridge.store.base":
        autogen_context.imports.add("from intacct_bridge.store import base")
        return f"base.{type(obj).__name__}()"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=_render_item,
        include_name=include_name,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_migrations_offline() -> None:
    """Emit SQL instead of running it (``alembic upgrade head --sql``)."""
    context.configure(
        url=database_url(config.get_main_option("sqlalchemy.url") or None),
        target_metadata=target_metadata,
        render_item=_render_item,
        include_name=include_name,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against a live database (a connection passed in ``attributes``, or a URL)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_store_engine(config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
