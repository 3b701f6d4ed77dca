"""Browser sessions in the store: expiry (idle and absolute), sign-out, removed users."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from intacct_bridge.auth.errors import SessionInvalidError
from intacct_bridge.auth.model import Role, User
from intacct_bridge.auth.passwords import PasswordHasher
from intacct_bridge.auth.sessions import (
    SessionPolicy,
    choose_tenant,
    end_session,
    purge_expired,
    resume_session,
    start_session,
)
from intacct_bridge.auth.tokens import token_digest
from intacct_bridge.auth.users import create_user, remove_user, revoke, set_password
from intacct_bridge.store.tables.auth import AuthSessionRow
from tests.auth.conftest import PASSWORD, FakeClock

POLICY = SessionPolicy()


@pytest.fixture
def alice(
    session: Session, hasher: PasswordHasher, tenants: tuple[str, str], clock: FakeClock
) -> User:
    return create_user(session, hasher, "alice", PASSWORD, ["acme-a"], Role.ADMIN, clock())


def test_only_the_token_hash_is_stored(session: Session, alice: User, clock: FakeClock) -> None:
    signed_in = start_session(session, alice, clock(), POLICY, "10.0.0.1")
    assert len(signed_in.token) >= 43  # 256 bits, base64
    [row] = session.scalars(select(AuthSessionRow)).all()
    assert row.token_hash == token_digest(signed_in.token) != signed_in.token
    assert signed_in.token not in repr(signed_in)
    # the stored hash is no good as a cookie
    with pytest.raises(SessionInvalidError):
        resume_session(session, row.token_hash, clock(), POLICY)


def test_tokens_are_unique(session: Session, alice: User, clock: FakeClock) -> None:
    tokens = {start_session(session, alice, clock(), POLICY).token for _ in range(50)}
    assert len(tokens) == 50


def test_a_single_tenant_user_lands_in_it(session: Session, alice: User, clock: FakeClock) -> None:
    signed_in = start_session(session, alice, clock(), POLICY)
    assert signed_in.tenant_id == "acme-a"
    assert resume_session(session, signed_in.token, clock(), POLICY).user.name == "alice"


def test_idle_expiry(session: Session, alice: User, clock: FakeClock) -> None:
    token = start_session(session, alice, clock(), POLICY).token
    clock.advance(hours=1, minutes=59)
    resume_session(session, token, clock(), POLICY)  # activity restarts the idle clock
    clock.advance(hours=1, minutes=59)
    resume_session(session, token, clock(), POLICY)
    clock.advance(hours=2)
    with pytest.raises(SessionInvalidError, match="expired"):
        resume_session(session, token, clock(), POLICY)
    assert session.scalars(select(AuthSessionRow)).all() == []  # deleted on the spot


def test_absolute_expiry_whatever_the_activity(
    session: Session, alice: User, clock: FakeClock
) -> None:
    token = start_session(session, alice, clock(), POLICY).token
    for _ in range(11):
        clock.advance(hours=1)
        resume_session(session, token, clock(), POLICY)
    clock.advance(minutes=59, seconds=59)
    resume_session(session, token, clock(), POLICY)
    clock.advance(seconds=1)
    with pytest.raises(SessionInvalidError):
        resume_session(session, token, clock(), POLICY)


def test_sign_out_kills_the_session(session: Session, alice: User, clock: FakeClock) -> None:
    token = start_session(session, alice, clock(), POLICY).token
    other = start_session(session, alice, clock(), POLICY).token
    assert end_session(session, token)
    with pytest.raises(SessionInvalidError):
        resume_session(session, token, clock(), POLICY)
    assert not end_session(session, token)
    resume_session(session, other, clock(), POLICY)  # another browser stays signed in


@pytest.mark.parametrize("token", [None, "", "x", "y" * 5000])
def test_garbage_tokens_are_refused(
    session: Session, alice: User, clock: FakeClock, token: str | None
) -> None:
    start_session(session, alice, clock(), POLICY)
    with pytest.raises(SessionInvalidError):
        resume_session(session, token, clock(), POLICY)


def test_a_removed_users_sessions_are_dead(session: Session, alice: User, clock: FakeClock) -> None:
    tokens = [start_session(session, alice, clock(), POLICY).token for _ in range(3)]
    remove_user(session, "alice")
    for token in tokens:
        with pytest.raises(SessionInvalidError):
            resume_session(session, token, clock(), POLICY)
    assert session.scalars(select(AuthSessionRow)).all() == []


def test_a_new_password_ends_every_session(
    session: Session, hasher: PasswordHasher, alice: User, clock: FakeClock
) -> None:
    token = start_session(session, alice, clock(), POLICY).token
    set_password(session, hasher, "alice", "another long passphrase", clock())
    with pytest.raises(SessionInvalidError):
        resume_session(session, token, clock(), POLICY)


def test_roles_are_read_fresh_on_every_request(
    session: Session, alice: User, clock: FakeClock
) -> None:
    signed_in = start_session(session, alice, clock(), POLICY)
    revoke(session, "alice", ["acme-a"])
    resumed = resume_session(session, signed_in.token, clock(), POLICY)
    assert resumed.user.roles == {} and resumed.tenant_id is None


def test_choose_tenant_is_remembered(
    session: Session, hasher: PasswordHasher, tenants: tuple[str, str], clock: FakeClock
) -> None:
    user = create_user(session, hasher, "bob", PASSWORD, list(tenants), Role.VIEWER, clock())
    signed_in = start_session(session, user, clock(), POLICY)
    assert signed_in.tenant_id is None  # several tenants: the user chooses
    choose_tenant(session, signed_in, "acme-b")
    assert resume_session(session, signed_in.token, clock(), POLICY).tenant_id == "acme-b"


def test_purge_expired(session: Session, alice: User, clock: FakeClock) -> None:
    start_session(session, alice, clock(), POLICY)
    clock.advance(hours=1)
    fresh = start_session(session, alice, clock(), POLICY).token
    clock.advance(hours=1, minutes=30)
    assert purge_expired(session, clock(), POLICY) == 1
    resume_session(session, fresh, clock(), POLICY)
