"""Database fixtures: every store test runs on SQLite and, when configured, PostgreSQL.

PostgreSQL runs when ``INTACCT_BRIDGE_TEST_PG_URL`` is set (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test session works in a scratch
schema of that database, dropped at the end, so parallel runs never see each other.

Each test gets a :class:`Session` inside an outer transaction that is rolled back afterwards
(SQLAlchemy's "join a session into an external transaction" recipe), so tests may commit.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from intacct_bridge.store.migrate import upgrade
from intacct_bridge.store.session import create_store_engine

PG_URL_ENV = "INTACCT_BRIDGE_TEST_PG_URL"
PG_URL = os.environ.get(PG_URL_ENV)

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason=f"set {PG_URL_ENV} to run on PostgreSQL"),
    ),
]


#: how long :func:`dispose_engine` waits for a connection still in use to come back
RETURN_WAIT = 30.0


def dispose_engine(engine: Engine) -> None:
    """Close every connection of ``engine``, once the ones still in use have come back.

    A sync run that fails (a refused sign-in) returns while the database threads of its
    other lanes may still finish a read they began: their connection comes back to the
    pool a moment later. Disposed before that, the pool would no longer close it, and
    psycopg's "connection was deleted while still open" warning would fail a later test
    when the garbage collector finds it. A connection that never comes back is a leak:
    it fails the test that made it.
    """
    pool = engine.pool
    checked_out = getattr(pool, "checkedout", None)  # SingletonThreadPool has none
    if checked_out is not None:
        deadline = time.monotonic() + RETURN_WAIT
        while checked_out() and time.monotonic() < deadline:
            time.sleep(0.01)
        left = checked_out()
        engine.dispose()
        assert not left, f"{left} connection(s) of {engine.url!r} still in use at the end"
        return
    engine.dispose()


@contextmanager
def scratch_pg_url() -> Iterator[str]:
    """A URL whose connections work in a fresh, empty schema; the schema is dropped after."""
    assert PG_URL is not None
    schema = f"ib_test_{uuid.uuid4().hex[:12]}"
    admin = create_store_engine(PG_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def scratch_url(backend: str, directory: Path) -> Iterator[str]:
    """An empty database of ``backend``: a new SQLite file, or a scratch PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / f'store-{uuid.uuid4().hex[:8]}.db'}"
    else:
        with scratch_pg_url() as url:
            yield url


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def db_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An engine on a database migrated to head, shared by the session's tests."""
    with scratch_url(backend, tmp_path_factory.mktemp("db")) as url:
        upgrade(url)
        engine = create_store_engine(url)
        yield engine
        dispose_engine(engine)


@pytest.fixture
def session(db_engine: Engine) -> Iterator[Session]:
    """A session whose every write is rolled back after the test."""
    connection = db_engine.connect()
    outer = connection.begin()
    db_session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield db_session
    finally:
        db_session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database (not migrated) for tests that need real commits."""
    with scratch_url(backend, tmp_path) as url:
        yield url
