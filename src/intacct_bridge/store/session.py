"""Engine and session factories: SQLite file by default, PostgreSQL by URL.

Nothing here runs at import time; callers build an engine from a URL and pass it on.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

#: the embedded default: a SQLite file in the working directory
DEFAULT_DATABASE_URL = "sqlite:///./intacct-bridge.db"
#: environment variable that overrides the default URL
DATABASE_URL_ENV = "INTACCT_BRIDGE_DB_URL"


def database_url(url: str | None = None) -> str:
    """The URL to use: ``url`` if given, else ``$INTACCT_BRIDGE_DB_URL``, else the default."""
    return url or os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


def normalise_url(url: str | URL) -> URL:
    """Parse ``url``; ``postgresql://`` and ``postgres://`` get the psycopg 3 driver."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_store_engine(url: str | URL | None = None, **options: Any) -> Engine:
    """An engine for ``url`` (see :func:`database_url`).

    On SQLite, foreign keys are switched on for every connection, and transactions are
    begun explicitly so that SAVEPOINTs (one per imported record) work.
    """
    parsed = normalise_url(database_url(url) if not isinstance(url, URL) else url)
    engine = create_engine(parsed, **options)
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # ``engine.execution_options(sqlite_begin="immediate")`` takes the write lock at
        # BEGIN: a transaction that reads before it writes then waits for another writer
        # instead of failing with "database is locked".
        immediate = connection.get_execution_options().get("sqlite_begin") == "immediate"
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
