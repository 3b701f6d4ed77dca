"""Engine and session factories: SQLite file by default, PostgreSQL by URL.

Nothing here runs at import time; callers build an engine from a URL and pass it on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.store.errors import DatabaseUnavailableError

#: execution option: on SQLite, how a transaction begins (``"IMMEDIATE"`` takes the write
#: lock at once, so two writers queue instead of one failing with "database is locked")
SQLITE_BEGIN = "intacct_bridge_sqlite_begin"
#: execution option: on SQLite, the ``PRAGMA synchronous`` level of a transaction's commit
#: (``"NORMAL"`` or the default ``"FULL"``). Under WAL, ``NORMAL`` skips the fsync at each commit:
#: a crash of the process loses nothing committed, but a power loss or an operating-system
#: crash can undo the last transactions committed before it (never corrupt the database).
#: Imports use it: their batches are re-done by running the import again.
SQLITE_SYNCHRONOUS = "intacct_bridge_sqlite_synchronous"
_SYNCHRONOUS_LEVELS = ("FULL", "NORMAL")
#: seconds a SQLite connection waits for another writer before giving up
SQLITE_BUSY_TIMEOUT = 60.0
_URL_FIX = "use sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB"


def database_url(url: str | None = None) -> str:
    """The URL to use: ``url`` if given, else the deployment's setting
    (``$INTACCT_BRIDGE_DB_URL``, else ``sqlite:///./intacct-bridge.db``; see
    :mod:`intacct_bridge.config.settings`, the one reader of the environment).

    Raises:
        SettingsError: an ``INTACCT_BRIDGE_*`` variable has a value the bridge cannot use
            (the message names it).
    """
    if url:
        return url
    from intacct_bridge.config.settings import load_settings  # only when no URL is given

    return load_settings().db_url


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
    try:
        parsed = normalise_url(database_url(url) if not isinstance(url, URL) else url)
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError("only SQLite and PostgreSQL are supported")
        if parsed.get_backend_name() == "sqlite":
            options.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT)
        engine = create_engine(parsed, **options)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as error:
        shown = url.render_as_string() if isinstance(url, URL) else database_url(url)
        raise DatabaseUnavailableError(
            f"{_hide_password(shown)!r} is not a database URL this bridge can use ({error}); "
            + _URL_FIX
        ) from None
    if parsed.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
    return engine


def check_connection(engine: Engine) -> None:
    """Connect once, so that a wrong URL fails here with one clear sentence.

    Raises:
        DatabaseUnavailableError: the SQLite file's directory is missing, or the server cannot
            be reached or refuses the login; the message says which and how to fix it.
    """
    url = engine.url
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().resolve().parent
            if not folder.is_dir():
                raise DatabaseUnavailableError(
                    f"the directory {str(folder)!r} of the SQLite database does not exist; "
                    f"create it (mkdir -p {folder}) or give another --db"
                )
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as error:
        where = url.render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        if url.get_backend_name() == "sqlite":
            fix = "check the path and its permissions, or give another --db"
        else:
            fix = (
                "start the server, or fix host, port, user, password and database in --db "
                "(or INTACCT_BRIDGE_DB_URL)"
            )
        message = f"cannot open the database {where}: {reason}; {fix}"
        raise DatabaseUnavailableError(message) from None


def _hide_password(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


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
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # The execution option ``SQLITE_BEGIN="IMMEDIATE"`` (on an engine, connection or
        # session) takes the write lock at BEGIN: a transaction that reads before it writes
        # then waits for another writer instead of failing with "database is locked".
        options = connection.get_execution_options()
        # ``SQLITE_SYNCHRONOUS`` sets the commit's durability (see there); set only on change
        level = options.get(SQLITE_SYNCHRONOUS, "FULL")
        if level not in _SYNCHRONOUS_LEVELS:
            raise ValueError(f"{SQLITE_SYNCHRONOUS} must be one of {_SYNCHRONOUS_LEVELS}")
        info = connection.connection.info
        if info.get(SQLITE_SYNCHRONOUS, "FULL") != level:
            connection.exec_driver_sql(f"PRAGMA synchronous={level}")
            info[SQLITE_SYNCHRONOUS] = level
        mode = options.get(SQLITE_BEGIN)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")
