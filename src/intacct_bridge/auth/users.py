"""Users and their tenant memberships in the store, and password sign-in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intacct_bridge.auth.errors import InvalidCredentialsError, UnknownUserError, UserError
from intacct_bridge.auth.model import Role, User, check_user_name
from intacct_bridge.auth.passwords import PasswordHasher, check_password_strength
from intacct_bridge.auth.ratelimit import LoginRateLimiter
from intacct_bridge.store.errors import UnknownTenantError
from intacct_bridge.store.tables.auth import AuthMembershipRow, AuthSessionRow, AuthUserRow
from intacct_bridge.store.tables.tenancy import TenantRow


@dataclass(frozen=True, slots=True)
class UserSummary:
    """A user as listed: name, roles per tenant, dates."""

    name: str
    roles: dict[str, Role]
    created_at: dt.datetime
    password_changed_at: dt.datetime


def _row(db: Session, name: str) -> AuthUserRow:
    row = db.scalar(select(AuthUserRow).where(AuthUserRow.name == check_user_name(name)))
    if row is None:
        raise UnknownUserError(name)
    return row


def _roles(db: Session, user_id: int) -> dict[str, Role]:
    rows = db.scalars(select(AuthMembershipRow).where(AuthMembershipRow.user_id == user_id))
    return {row.tenant_id: Role(row.role) for row in rows}


def _check_tenants(db: Session, tenants: list[str]) -> None:
    for tenant_id in tenants:
        if db.get(TenantRow, tenant_id) is None:
            raise UnknownTenantError(tenant_id)


def load_user(db: Session, user_id: int) -> User | None:
    row = db.get(AuthUserRow, user_id)
    return None if row is None else User(row.id, row.name, _roles(db, row.id))


def get_user(db: Session, name: str) -> User:
    row = _row(db, name)
    return User(row.id, row.name, _roles(db, row.id))


def create_user(
    db: Session,
    hasher: PasswordHasher,
    name: str,
    password: str,
    tenants: list[str],
    role: Role,
    now: dt.datetime,
) -> User:
    """A new user with ``role`` in each of ``tenants``; the password is hashed, never kept."""
    folded = check_user_name(name)
    check_password_strength(password)
    if db.scalar(select(AuthUserRow.id).where(AuthUserRow.name == folded)) is not None:
        raise UserError(f"user {folded!r} exists; change it with: intacct-bridge user grant/passwd")
    _check_tenants(db, tenants)
    row = AuthUserRow(
        name=folded, password_hash=hasher.hash(password), created_at=now, password_changed_at=now
    )
    db.add(row)
    try:
        db.flush()
    except IntegrityError:  # created meanwhile by another process; the message would hold SQL
        raise UserError(f"user {folded!r} exists") from None
    for tenant_id in dict.fromkeys(tenants):
        db.add(AuthMembershipRow(tenant_id=tenant_id, user_id=row.id, role=role.value))
    db.flush()
    return User(row.id, row.name, _roles(db, row.id))


def list_users(db: Session) -> list[UserSummary]:
    rows = db.scalars(select(AuthUserRow).order_by(AuthUserRow.name))
    return [
        UserSummary(row.name, _roles(db, row.id), row.created_at, row.password_changed_at)
        for row in rows
    ]


def remove_user(db: Session, name: str) -> None:
    """Delete the user, their memberships and every session they had (signed out at once)."""
    row = _row(db, name)
    db.execute(delete(AuthSessionRow).where(AuthSessionRow.user_id == row.id))
    db.execute(delete(AuthMembershipRow).where(AuthMembershipRow.user_id == row.id))
    db.delete(row)
    db.flush()


def set_password(
    db: Session, hasher: PasswordHasher, name: str, password: str, now: dt.datetime
) -> None:
    """Change the password; every session of the user ends (sign in again)."""
    check_password_strength(password)
    row = _row(db, name)
    row.password_hash = hasher.hash(password)
    row.password_changed_at = now
    db.execute(delete(AuthSessionRow).where(AuthSessionRow.user_id == row.id))
    db.flush()


def grant(db: Session, name: str, tenants: list[str], role: Role) -> User:
    """Give the user ``role`` in each tenant (replacing the role they had there)."""
    row = _row(db, name)
    _check_tenants(db, tenants)
    for tenant_id in dict.fromkeys(tenants):
        membership = db.get(AuthMembershipRow, (tenant_id, row.id))
        if membership is None:
            db.add(AuthMembershipRow(tenant_id=tenant_id, user_id=row.id, role=role.value))
        else:
            membership.role = role.value
    db.flush()
    return User(row.id, row.name, _roles(db, row.id))


def revoke(db: Session, name: str, tenants: list[str]) -> User:
    """Take away the user's access to each tenant (effective on their next request)."""
    row = _row(db, name)
    db.execute(
        delete(AuthMembershipRow).where(
            AuthMembershipRow.user_id == row.id, AuthMembershipRow.tenant_id.in_(tenants)
        )
    )
    db.flush()
    return User(row.id, row.name, _roles(db, row.id))


def authenticate(
    db: Session,
    hasher: PasswordHasher,
    limiter: LoginRateLimiter,
    name: str,
    password: str,
    client: str | None,
    now: dt.datetime,
) -> User:
    """The user whose name and password these are, or :class:`InvalidCredentialsError`.

    An unknown name costs the same argon2 work as a wrong password and gives the same
    error. Failures count towards the rate limit for (name, client); while it is exceeded
    :class:`LoginThrottledError` is raised before any password is checked. A hash made with
    older parameters is replaced by a fresh one.
    """
    limiter.check(name, client)
    try:
        folded = check_user_name(name)
    except UserError:
        folded = None
    row = None
    if folded is not None:
        row = db.scalar(select(AuthUserRow).where(AuthUserRow.name == folded))
    if row is None:
        hasher.verify_unknown(password)
        limiter.failed(name, client)
        raise InvalidCredentialsError()
    if not hasher.verify(row.password_hash, password):
        limiter.failed(name, client)
        raise InvalidCredentialsError()
    if hasher.needs_rehash(row.password_hash):
        row.password_hash = hasher.hash(password)
        db.flush()
    limiter.succeeded(name, client)
    return User(row.id, row.name, _roles(db, row.id))
