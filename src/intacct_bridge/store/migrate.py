"""Run the store's Alembic migrations from Python."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

from intacct_bridge.store.errors import StoreError
from intacct_bridge.store.session import SQLITE_BEGIN, create_store_engine, database_url


class MigrationError(StoreError):
    """A revision that does not exist, or a move in the wrong direction."""


MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: tables of the task engine (procrastinate, PostgreSQL only): created by revision
#: 0006_engine from the engine's own schema, not described by our models
ENGINE_TABLE_PREFIX = "procrastinate_"


def include_name(name: str | None, type_: str, _parents: object = None) -> bool:
    """Alembic's ``include_name`` hook: our models' objects, not the task engine's."""
    return not (type_ == "table" and (name or "").startswith(ENGINE_TABLE_PREFIX))


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic config for our migrations: a database ``url``, or an open ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` (default: :func:`database_url`) up to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def upgrade_engine(engine: Engine) -> None:
    """Bring ``engine``'s database to head unless it is there; safe with concurrent callers.

    On SQLite the check and the migration run under the write lock (``BEGIN IMMEDIATE``),
    so a second process waits and then finds the schema current.
    """
    connection = engine.connect()
    try:
        if engine.dialect.name == "sqlite":
            connection = connection.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
        with connection.begin():
            current = MigrationContext.configure(connection).get_current_revision()
            if current != head_revision():
                upgrade_connection(connection)
    finally:
        connection.close()


def resolve(revision: str) -> str | None:
    """The full revision ID of ``revision`` (``head``, ``base``, ``0002`` …); base is None.

    Raises:
        MigrationError: no such revision.
    """
    if revision == "base":
        return None
    script = ScriptDirectory.from_config(alembic_config())
    try:
        found = script.get_revision(revision)
    except CommandError:
        found = None
    if found is None:
        known = ", ".join(["base", *reversed([r.revision for r in script.walk_revisions()])])
        raise MigrationError(f"unknown revision {revision!r}; the revisions are: {known}, head")
    return found.revision


def is_behind(current: str | None, target: str | None) -> bool:
    """Whether ``target`` is older than ``current`` (reaching it is a downgrade)."""
    if current is None or current == target:
        return False
    if target is None:
        return True
    script = ScriptDirectory.from_config(alembic_config())
    older = {r.revision for r in script.iterate_revisions(current, "base")} - {current}
    return target in older


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    """Like :func:`upgrade`, on a connection the caller owns (and commits)."""
    command.upgrade(alembic_config(connection=connection), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    """Take the database at ``url`` down to ``revision``."""
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    """The newest revision shipped with this version."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` when it was never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(url: str | None = None) -> bool:
    """Whether the database at ``url`` is at the head revision."""
    engine = create_store_engine(url)
    try:
        return current_revision(engine) == head_revision()
    finally:
        engine.dispose()
