"""Users in the store and password sign-in, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from intacct_bridge.auth.errors import (
    InvalidCredentialsError,
    LoginThrottledError,
    UnknownUserError,
    UserError,
)
from intacct_bridge.auth.model import Role
from intacct_bridge.auth.passwords import PasswordHasher
from intacct_bridge.auth.ratelimit import LoginRateLimiter
from intacct_bridge.auth.users import (
    authenticate,
    create_user,
    get_user,
    grant,
    list_users,
    remove_user,
    revoke,
    set_password,
)
from intacct_bridge.store.errors import UnknownTenantError
from intacct_bridge.store.tables.auth import AuthMembershipRow, AuthUserRow
from tests.auth.conftest import PASSWORD, FakeClock


def test_create_stores_only_an_argon2_hash(
    session: Session, hasher: PasswordHasher, tenants: tuple[str, str], clock: FakeClock
) -> None:
    user = create_user(session, hasher, "Alice", PASSWORD, list(tenants), Role.ADMIN, clock())
    assert user.name == "alice"
    assert user.roles == {"acme-a": Role.ADMIN, "acme-b": Role.ADMIN}
    row = session.scalars(select(AuthUserRow).where(AuthUserRow.name == "alice")).one()
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash


def test_create_refuses_duplicates_unknown_tenants_and_weak_passwords(
    session: Session, hasher: PasswordHasher, tenants: tuple[str, str], clock: FakeClock
) -> None:
    create_user(session, hasher, "alice", PASSWORD, ["acme-a"], Role.VIEWER, clock())
    with pytest.raises(UserError, match="exists"):
        create_user(session, hasher, "ALICE", PASSWORD, ["acme-a"], Role.VIEWER, clock())
    with pytest.raises(UnknownTenantError, match="acme-zz"):
        create_user(session, hasher, "bob", PASSWORD, ["acme-zz"], Role.VIEWER, clock())
    with pytest.raises(UserError, match="at least"):
        create_user(session, hasher, "bob", "short", ["acme-a"], Role.VIEWER, clock())
    assert [u.name for u in list_users(session)] == ["alice"]


def test_grant_revoke_and_list(
    session: Session, hasher: PasswordHasher, tenants: tuple[str, str], clock: FakeClock
) -> None:
    create_user(session, hasher, "alice", PASSWORD, ["acme-a"], Role.VIEWER, clock())
    assert grant(session, "alice", ["acme-b"], Role.ADMIN).roles == {
        "acme-a": Role.VIEWER,
        "acme-b": Role.ADMIN,
    }
    assert grant(session, "alice", ["acme-a"], Role.ADMIN).roles["acme-a"] is Role.ADMIN
    assert revoke(session, "alice", ["acme-a"]).roles == {"acme-b": Role.ADMIN}
    [listed] = list_users(session)
    assert listed.roles == {"acme-b": Role.ADMIN}
    with pytest.raises(UnknownUserError):
        grant(session, "nobody", ["acme-a"], Role.ADMIN)


def test_remove_deletes_memberships(
    session: Session, hasher: PasswordHasher, tenants: tuple[str, str], clock: FakeClock
) -> None:
    user = create_user(session, hasher, "alice", PASSWORD, list(tenants), Role.VIEWER, clock())
    remove_user(session, "alice")
    assert session.get(AuthUserRow, user.id) is None
    assert session.scalars(select(AuthMembershipRow)).all() == []
    with pytest.raises(UnknownUserError):
        remove_user(session, "alice")


def test_sign_in_with_the_right_password(
    session: Session,
    hasher: PasswordHasher,
    limiter: LoginRateLimiter,
    tenants: tuple[str, str],
    clock: FakeClock,
) -> None:
    create_user(session, hasher, "alice", PASSWORD, ["acme-a"], Role.ADMIN, clock())
    user = authenticate(session, hasher, limiter, "ALICE", PASSWORD, "10.0.0.1", clock())
    assert user.name == "alice" and user.roles == {"acme-a": Role.ADMIN}


def test_wrong_password_and_unknown_user_are_indistinguishable(
    session: Session,
    hasher: PasswordHasher,
    limiter: LoginRateLimiter,
    tenants: tuple[str, str],
    clock: FakeClock,
) -> None:
    create_user(session, hasher, "alice", PASSWORD, ["acme-a"], Role.ADMIN, clock())
    errors = []
    for name, password in [("alice", "wrong password!"), ("mallory", PASSWORD), ("a b", "x")]:
        with pytest.raises(InvalidCredentialsError) as caught:
            authenticate(session, hasher, limiter, name, password, "10.0.0.1", clock())
        errors.append((type(caught.value), str(caught.value), caught.value.args))
    assert errors[0] == errors[1] == errors[2]


class CountingHasher(PasswordHasher):
    """Counts the argon2 verifications a sign-in costs."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.work: list[str] = []

    def verify(self, stored_hash: str, password: str) -> bool:
        self.work.append("verify")
        return super().verify(stored_hash, password)

    def verify_unknown(self, password: str) -> bool:
        self.work.append("dummy")
        return super().verify_unknown(password)


def test_unknown_user_costs_one_argon2_verification_like_a_known_one(
    session: Session, limiter: LoginRateLimiter, tenants: tuple[str, str], clock: FakeClock
) -> None:
    hasher = CountingHasher()
    create_user(session, hasher, "alice", PASSWORD, ["acme-a"], Role.ADMIN, clock())
    for name in ["mallory", "alice"]:
        with pytest.raises(InvalidCredentialsError):
            authenticate(session, hasher, limiter, name, "wrong password!", None, clock())
    assert hasher.work == ["dummy", "verify"]


def test_old_parameters_are_rehashed_at_sign_in(
    session: Session,
    hasher: PasswordHasher,
    limiter: LoginRateLimiter,
    tenants: tuple[str, str],
    clock: FakeClock,
) -> None:
    create_user(session, hasher, "alice", PASSWORD, ["acme-a"], Role.ADMIN, clock())
    row = session.scalars(select(AuthUserRow).where(AuthUserRow.name == "alice")).one()
    old = row.password_hash
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    authenticate(session, stronger, limiter, "alice", PASSWORD, None, clock())
    session.refresh(row)
    assert row.password_hash != old and "m=2048,t=2,p=1" in row.password_hash
    again = row.password_hash
    authenticate(session, stronger, limiter, "alice", PASSWORD, None, clock())
    session.refresh(row)
    assert row.password_hash == again  # no rehash once current


def test_failed_sign_ins_are_throttled_per_user_and_address(
    session: Session,
    hasher: PasswordHasher,
    tenants: tuple[str, str],
    clock: FakeClock,
) -> None:
    limiter = LoginRateLimiter(max_failures=3, clock=clock)
    create_user(session, hasher, "alice", PASSWORD, ["acme-a"], Role.ADMIN, clock())
    for _ in range(3):
        with pytest.raises(InvalidCredentialsError):
            authenticate(session, hasher, limiter, "alice", "wrong password!", "10.0.0.9", clock())
    # even the right password is refused now, from that address
    with pytest.raises(LoginThrottledError) as caught:
        authenticate(session, hasher, limiter, "alice", PASSWORD, "10.0.0.9", clock())
    assert 0 < caught.value.retry_after <= 15 * 60
    # another address, or another user from that address, is not held up
    authenticate(session, hasher, limiter, "alice", PASSWORD, "10.0.0.10", clock())
    with pytest.raises(InvalidCredentialsError):
        authenticate(session, hasher, limiter, "bob", "whatever pass", "10.0.0.9", clock())
    clock.advance(minutes=15, seconds=1)
    assert authenticate(session, hasher, limiter, "alice", PASSWORD, "10.0.0.9", clock())


def test_set_password_changes_what_signs_in(
    session: Session,
    hasher: PasswordHasher,
    limiter: LoginRateLimiter,
    tenants: tuple[str, str],
    clock: FakeClock,
) -> None:
    create_user(session, hasher, "alice", PASSWORD, ["acme-a"], Role.ADMIN, clock())
    set_password(session, hasher, "alice", "a brand new passphrase", clock())
    with pytest.raises(InvalidCredentialsError):
        authenticate(session, hasher, limiter, "alice", PASSWORD, None, clock())
    assert authenticate(session, hasher, limiter, "alice", "a brand new passphrase", None, clock())
    with pytest.raises(UserError):
        set_password(session, hasher, "alice", "short", clock())
    assert get_user(session, "alice").name == "alice"


def test_two_processes_creating_one_user(
    backend: str, fresh_url: str, hasher: PasswordHasher, clock: FakeClock
) -> None:
    """The loser of two concurrent creations gets a clear error, not an SQL message."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the race cannot happen there")
    import threading

    from intacct_bridge.store.migrate import upgrade
    from intacct_bridge.store.session import create_store_engine, session_factory
    from tests.auth.conftest import add_tenants

    upgrade(fresh_url)
    engine = create_store_engine(fresh_url)
    factory = session_factory(engine)
    outcome: list[BaseException | None] = []
    try:
        with factory() as db, db.begin():
            add_tenants(db, "acme-a")
        with factory() as first:
            first.begin()
            create_user(first, hasher, "alice", PASSWORD, ["acme-a"], Role.ADMIN, clock())

            def second() -> None:
                try:
                    with factory() as db, db.begin():
                        create_user(db, hasher, "alice", PASSWORD, ["acme-a"], Role.VIEWER, clock())
                    outcome.append(None)
                except BaseException as error:
                    outcome.append(error)

            thread = threading.Thread(target=second)
            thread.start()
            thread.join(1.0)  # it waits on the uncommitted row of the unique index
            first.commit()
            thread.join(30)
        [error] = outcome
        assert isinstance(error, UserError) and str(error) == "user 'alice' exists"
    finally:
        engine.dispose()
