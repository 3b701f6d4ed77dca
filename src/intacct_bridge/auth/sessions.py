"""Browser sessions in the store: created at sign-in, checked on every request, revoked.

The cookie carries a 256-bit random token; the ``auth_session`` row is keyed by its
SHA-256, so nothing in the database can be replayed as a cookie. A session ends when it
has been idle for ``idle_timeout``, at ``absolute_timeout`` after sign-in whatever its
activity, at sign-out, when the user's password changes, and when the user is removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from intacct_bridge.auth.errors import SessionInvalidError
from intacct_bridge.auth.model import User
from intacct_bridge.auth.tokens import new_token, token_digest
from intacct_bridge.auth.users import load_user
from intacct_bridge.store.tables.auth import AuthSessionRow

#: how often (at most) a request writes the session's last-seen time
TOUCH_INTERVAL = dt.timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long sessions live and how their cookie is set."""

    idle_timeout: dt.timedelta = dt.timedelta(hours=2)
    absolute_timeout: dt.timedelta = dt.timedelta(hours=12)
    cookie_name: str = "ib_session"
    #: ``True``: always mark the cookie Secure; ``None``: when the request came over https
    secure_cookies: bool | None = None

    def __post_init__(self) -> None:
        if not dt.timedelta(0) < self.idle_timeout <= self.absolute_timeout:
            raise ValueError("need 0 < idle_timeout <= absolute_timeout")


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session: its user (with roles as of this request) and the chosen tenant."""

    token: str
    user: User
    tenant_id: str | None
    expires_at: dt.datetime

    def __repr__(self) -> str:
        return f"SignedIn(user={self.user.name!r}, tenant_id={self.tenant_id!r})"


def start_session(
    db: Session,
    user: User,
    now: dt.datetime,
    policy: SessionPolicy,
    client_ip: str | None = None,
) -> SignedIn:
    """A new session for ``user``; the returned token goes into the cookie, never the store."""
    token = new_token()
    tenant_id = user.tenants[0] if len(user.tenants) == 1 else None
    expires_at = now + policy.absolute_timeout
    db.add(
        AuthSessionRow(
            token_hash=token_digest(token),
            user_id=user.id,
            tenant_id=tenant_id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
            client_ip=(client_ip or None) and client_ip[:64],
        )
    )
    db.flush()
    return SignedIn(token, user, tenant_id, expires_at)


def resume_session(
    db: Session, token: str | None, now: dt.datetime, policy: SessionPolicy
) -> SignedIn:
    """The live session behind ``token``, or :class:`SessionInvalidError`.

    An expired session is deleted on the spot. The last-seen time is written at most once a
    minute, so a busy page costs no write per request.
    """
    if not token or len(token) > 200:
        raise SessionInvalidError()
    row = db.get(AuthSessionRow, token_digest(token))
    if row is None:
        raise SessionInvalidError()
    if now >= row.expires_at or now >= row.last_seen_at + policy.idle_timeout:
        db.delete(row)
        db.flush()
        raise SessionInvalidError("the session has expired; sign in again")
    user = load_user(db, row.user_id)
    if user is None:  # removed meanwhile (its sessions are deleted with it)
        raise SessionInvalidError()
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now
        db.flush()
    tenant_id = row.tenant_id if row.tenant_id in user.roles else None
    return SignedIn(token, user, tenant_id, row.expires_at)


def choose_tenant(db: Session, signed_in: SignedIn, tenant_id: str) -> SignedIn:
    """Remember the tenant the console shows (the caller has :func:`authorize`-d it)."""
    db.execute(
        update(AuthSessionRow)
        .where(AuthSessionRow.token_hash == token_digest(signed_in.token))
        .values(tenant_id=tenant_id)
    )
    return SignedIn(signed_in.token, signed_in.user, tenant_id, signed_in.expires_at)


def end_session(db: Session, token: str | None) -> bool:
    """Sign out: delete the session; ``False`` if there was none."""
    if not token:
        return False
    result = db.execute(
        delete(AuthSessionRow).where(AuthSessionRow.token_hash == token_digest(token))
    )
    return bool(getattr(result, "rowcount", 0))


def end_user_sessions(db: Session, user_id: int) -> int:
    """Sign the user out everywhere; the number of sessions ended."""
    result = db.execute(delete(AuthSessionRow).where(AuthSessionRow.user_id == user_id))
    return int(getattr(result, "rowcount", 0))


def purge_expired(db: Session, now: dt.datetime, policy: SessionPolicy) -> int:
    """Delete every expired session; the number deleted."""
    result = db.execute(
        delete(AuthSessionRow).where(
            or_(
                AuthSessionRow.expires_at <= now,
                AuthSessionRow.last_seen_at <= now - policy.idle_timeout,
            )
        )
    )
    return int(getattr(result, "rowcount", 0))


def count_sessions(db: Session, user_id: int) -> int:
    return len(
        db.scalars(select(AuthSessionRow.token_hash).where(AuthSessionRow.user_id == user_id)).all()
    )
