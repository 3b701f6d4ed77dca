"""API keys in the store: create (shown once), list, revoke, verify.

Used by the CLI (``intacct-bridge apikey``), by the console (the same functions), and by
:func:`intacct_bridge.auth.web.require_api_key` on every API request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from intacct_bridge.auth.errors import ApiKeyInvalidError, ApiKeyNotFoundError, UserError
from intacct_bridge.auth.model import ApiPrincipal, Scope
from intacct_bridge.auth.tokens import (
    NewApiKey,
    api_key_digest,
    digests_equal,
    new_api_key,
    parse_api_key,
)
from intacct_bridge.store.errors import UnknownTenantError
from intacct_bridge.store.tables.auth import ApiKeyRow
from intacct_bridge.store.tables.tenancy import TenantRow

#: how often (at most) a request writes a key's last-used time
LAST_USED_INTERVAL = dt.timedelta(seconds=60)
_DUMMY_DIGEST = "0" * 64


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """What may be shown about a key: never its secret."""

    tenant_id: str
    prefix: str
    name: str
    scopes: frozenset[Scope]
    created_at: dt.datetime
    created_by: str | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _scopes(text: str) -> frozenset[Scope]:
    known = {scope.value for scope in Scope}
    return frozenset(Scope(value) for value in text.split() if value in known)


def _info(row: ApiKeyRow) -> ApiKeyInfo:
    return ApiKeyInfo(
        row.tenant_id,
        row.prefix,
        row.name,
        _scopes(row.scopes),
        row.created_at,
        row.created_by,
        row.last_used_at,
        row.revoked_at,
    )


def create_api_key(
    db: Session,
    tenant_id: str,
    name: str,
    scopes: Iterable[Scope],
    now: dt.datetime,
    created_by: str | None = None,
) -> tuple[NewApiKey, ApiKeyInfo]:
    """A new key for ``tenant_id``; its text (``key.text``) exists only in the return value."""
    clean = " ".join(name.split())
    if not clean or len(clean) > 80:
        raise UserError("an API key needs a name of 1-80 characters (--name), e.g. the client")
    chosen = sorted(set(scopes))
    if not chosen:
        raise UserError("an API key needs at least one scope (--scope)")
    if db.get(TenantRow, tenant_id) is None:
        raise UnknownTenantError(tenant_id)
    key = new_api_key()
    while db.scalar(select(ApiKeyRow.prefix).where(ApiKeyRow.prefix == key.prefix)) is not None:
        key = new_api_key()  # 48-bit prefixes: practically never taken
    row = ApiKeyRow(
        tenant_id=tenant_id,
        prefix=key.prefix,
        name=clean,
        scopes=" ".join(scope.value for scope in chosen),
        digest=api_key_digest(key.secret),
        created_at=now,
        created_by=created_by,
        last_used_at=None,
        revoked_at=None,
    )
    db.add(row)
    db.flush()
    return key, _info(row)


def list_api_keys(db: Session, tenant_id: str) -> list[ApiKeyInfo]:
    """The tenant's keys, newest first, revoked ones included."""
    rows = db.scalars(
        select(ApiKeyRow)
        .where(ApiKeyRow.tenant_id == tenant_id)
        .order_by(ApiKeyRow.created_at.desc(), ApiKeyRow.prefix)
    )
    return [_info(row) for row in rows]


def revoke_api_key(db: Session, tenant_id: str, prefix: str, now: dt.datetime) -> ApiKeyInfo:
    """Revoke the key (at once, for good); revoking a revoked key changes nothing."""
    row = db.get(ApiKeyRow, (tenant_id, prefix.strip().lower()))
    if row is None:
        raise ApiKeyNotFoundError(prefix, tenant_id)
    if row.revoked_at is None:
        row.revoked_at = now
        db.flush()
    return _info(row)


def verify_api_key(db: Session, text: str, now: dt.datetime) -> ApiPrincipal:
    """The client behind the key ``text``, or :class:`ApiKeyInvalidError`.

    The digest is compared in constant time, and an unknown prefix costs the same hash and
    comparison as a known one. The last-used time is written at most once a minute
    (:func:`check_api_key` then :func:`touch_api_key` when it is stale).
    """
    principal, last_used = check_api_key(db, text)
    if is_stale(last_used, now):
        touch_api_key(db, principal, now)
    return principal


def check_api_key(db: Session, text: str) -> tuple[ApiPrincipal, dt.datetime | None]:
    """The client behind the key ``text`` and when the key was last used; reads only.

    :class:`ApiKeyInvalidError` for a malformed, unknown or revoked key. One indexed
    ``SELECT`` and one SHA-256: cheap enough for every request (no password hash — the
    secret has 256 random bits, there is nothing to guess).
    """
    parsed = parse_api_key(text)
    if parsed is None:
        raise ApiKeyInvalidError("malformed API key; expected ibk_<prefix>_<secret>")
    prefix, secret = parsed
    row = db.execute(
        select(
            ApiKeyRow.tenant_id,
            ApiKeyRow.name,
            ApiKeyRow.scopes,
            ApiKeyRow.digest,
            ApiKeyRow.last_used_at,
            ApiKeyRow.revoked_at,
        ).where(ApiKeyRow.prefix == prefix)
    ).one_or_none()
    expected = row.digest if row is not None else _DUMMY_DIGEST
    if not digests_equal(api_key_digest(secret), expected) or row is None:
        raise ApiKeyInvalidError("unknown or revoked API key")
    if row.revoked_at is not None:
        raise ApiKeyInvalidError("unknown or revoked API key")
    principal = ApiPrincipal(row.tenant_id, prefix, row.name, _scopes(row.scopes))
    return principal, row.last_used_at


#: how long a process serving the API trusts a key it has verified without reading it again
#: (:class:`VerifiedKeys`): a key revoked (or its tenant deleted) is refused by every process
#: at most this long after
VERIFIED_KEY_TTL = dt.timedelta(seconds=2)


class VerifiedKeys:
    """The API keys one process verified in the last :data:`VERIFIED_KEY_TTL`: a client
    sending many requests costs one key check (a query) per key every two seconds, not one
    per request. Held by the SHA-256 of the key's text (never the text), valid keys only;
    thread-safe (single dictionary operations); at most ``size`` keys (then it starts over).
    """

    def __init__(self, ttl: dt.timedelta = VERIFIED_KEY_TTL, size: int = 1024) -> None:
        self.ttl = ttl
        self._size = size
        self._keys: dict[bytes, tuple[ApiPrincipal, dt.datetime]] = {}

    def get(self, text: str, now: dt.datetime) -> ApiPrincipal | None:
        """The client of the key ``text`` if verified less than the TTL before ``now``."""
        found = self._keys.get(_slot(text))
        if found is None:
            return None
        principal, verified = found
        if not verified <= now < verified + self.ttl:  # expired (or the clock went back)
            self._keys.pop(_slot(text), None)
            return None
        return principal

    def forget(self, tenant_id: str, prefix: str) -> None:
        """Trust the key ``prefix`` of ``tenant_id`` no longer (revoked in this process: it
        is refused at once here, and within the TTL by the other processes)."""
        for slot, (principal, _verified) in list(self._keys.items()):
            if principal.tenant_id == tenant_id and principal.prefix == prefix:
                self._keys.pop(slot, None)

    def put(self, text: str, principal: ApiPrincipal, now: dt.datetime) -> None:
        """Remember that the key ``text`` was verified at ``now``."""
        if len(self._keys) >= self._size:
            self._keys.clear()
        self._keys[_slot(text)] = (principal, now)


def _slot(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def is_stale(last_used: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a key last used at ``last_used`` needs its last-used time written again."""
    if last_used is None:
        return True
    if last_used.tzinfo is None:
        last_used = last_used.replace(tzinfo=dt.UTC)
    return last_used < now - LAST_USED_INTERVAL


def touch_api_key(db: Session, principal: ApiPrincipal, now: dt.datetime) -> None:
    """Write the key's last-used time (a no-op when another request just did)."""
    db.execute(
        update(ApiKeyRow)
        .where(
            ApiKeyRow.tenant_id == principal.tenant_id,
            ApiKeyRow.prefix == principal.prefix,
            or_(
                ApiKeyRow.last_used_at.is_(None), ApiKeyRow.last_used_at < now - LAST_USED_INTERVAL
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.flush()
