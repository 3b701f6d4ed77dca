"""``auth_user``, ``auth_membership``, ``auth_session`` and ``api_key``: who may use the bridge.

Users are global (one person may work for several tenants); what they may see is decided by
their memberships, one per tenant, keyed by ``tenant_id`` first like every tenant's row.
Nothing secret is stored in the clear: passwords as argon2id hashes, session tokens and API
keys' secrets as SHA-256 digests (see ``docs/security.md``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from intacct_bridge.store.base import TENANT_ID_LENGTH, Base, tenant_key

#: the values of :class:`intacct_bridge.auth.model.Role` (a test keeps them equal)
ROLES = ("viewer", "admin")


class AuthUserRow(Base):
    """A person who signs in to the console; created from the CLI."""

    __tablename__ = "auth_user"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    #: the sign-in name, stored case-folded (unique)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    #: argon2id PHC string (parameters and salt included)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime]
    password_changed_at: Mapped[dt.datetime]


class AuthMembershipRow(Base):
    """A user's role in one tenant; no row, no access."""

    __tablename__ = "auth_membership"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),
        Index(None, "user_id"),
    )

    tenant_id: Mapped[str] = tenant_key()
    user_id: Mapped[int] = mapped_column(
        ForeignKey("auth_user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20))


class AuthSessionRow(Base):
    """A signed-in browser: only the SHA-256 of its cookie token is kept."""

    __tablename__ = "auth_session"
    __table_args__ = (Index(None, "user_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id", ondelete="CASCADE"))
    #: the tenant the console shows (the tenant switcher); access is still checked per request
    tenant_id: Mapped[str | None] = mapped_column(
        String(TENANT_ID_LENGTH), ForeignKey("tenant.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime]
    #: the absolute end of the session, whatever its activity
    expires_at: Mapped[dt.datetime]
    #: the client address at sign-in (for the operator; never used to authenticate)
    client_ip: Mapped[str | None] = mapped_column(String(64))


class ApiKeyRow(Base):
    """A client's API key: its public prefix, scopes and the digest of its secret."""

    __tablename__ = "api_key"

    tenant_id: Mapped[str] = tenant_key()
    #: the public part of the key (``ibk_<prefix>_…``), unique across tenants
    prefix: Mapped[str] = mapped_column(String(16), primary_key=True, unique=True)
    name: Mapped[str] = mapped_column(String(80))
    #: space-separated scopes (``documents:write state:read``)
    scopes: Mapped[str] = mapped_column(String(500))
    #: SHA-256 of the secret part, hex (the key itself is never stored)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str | None] = mapped_column(String(80))
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
