"""Auth test fixtures: databases (SQLite, PostgreSQL), tenants, a fast hasher, a clock."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from intacct_bridge.auth.passwords import PasswordHasher
from intacct_bridge.auth.ratelimit import LoginRateLimiter
from intacct_bridge.model.tenancy import Tenant
from intacct_bridge.store.repositories import create_tenant
from tests.store.fixtures import backend, db_engine, fresh_url, session

__all__ = ["backend", "db_engine", "fresh_url", "session"]

START = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)
#: a password long enough for the policy, used by most tests
PASSWORD = "correct horse battery staple"


class FakeClock:
    """A clock the test moves by hand (no sleeps)."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def hasher() -> PasswordHasher:
    """argon2id with small parameters: the same code path, a fraction of the work."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def limiter(clock: FakeClock) -> LoginRateLimiter:
    return LoginRateLimiter(clock=clock)


def add_tenants(db: Session, *ids: str) -> None:
    for tenant_id in ids:
        create_tenant(db, Tenant(id=tenant_id, name=f"Company {tenant_id}"))
    db.flush()


@pytest.fixture
def tenants(session: Session) -> tuple[str, str]:
    add_tenants(session, "acme-a", "acme-b")
    return ("acme-a", "acme-b")
