"""``alembic upgrade head`` on an empty database matches the models, on every backend."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

import intacct_bridge.store.tables  # noqa: F401
from intacct_bridge.store.base import Base
from intacct_bridge.store.migrate import (
    ENGINE_TABLE_PREFIX,
    alembic_config,
    downgrade,
    head_revision,
    include_name,
    is_up_to_date,
    upgrade,
)
from intacct_bridge.store.session import create_store_engine


def _diff(url: str) -> list[object]:
    engine = create_store_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_name}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_upgrade_head_on_an_empty_database_matches_the_models(fresh_url: str) -> None:
    assert not is_up_to_date(fresh_url)
    upgrade(fresh_url)
    assert is_up_to_date(fresh_url)
    assert _diff(fresh_url) == []
    command.check(alembic_config(fresh_url))  # raises when autogenerate would find changes
    engine = create_store_engine(fresh_url)
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        tenants = connection.execute(text("SELECT id FROM tenant")).scalars().all()
    engine.dispose()
    ours = {name for name in tables if not name.startswith(ENGINE_TABLE_PREFIX)}
    assert ours == set(Base.metadata.tables) | {"alembic_version"}
    engine_tables = tables - ours  # the task engine's, on PostgreSQL only
    if fresh_url.startswith("postgresql"):
        assert engine_tables == {
            "procrastinate_events",
            "procrastinate_jobs",
            "procrastinate_periodic_defers",
            "procrastinate_workers",
        }
    else:
        assert engine_tables == set()
    assert tenants == ["default"]


def test_downgrade_to_base_and_up_again(fresh_url: str) -> None:
    upgrade(fresh_url)
    downgrade(fresh_url, "base")
    engine = create_store_engine(fresh_url)
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(fresh_url)
    assert _diff(fresh_url) == []


def test_one_linear_history() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert head_revision() == script.get_current_head()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_connections_enforce_foreign_keys(fresh_url: str) -> None:
    engine = create_store_engine(fresh_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
