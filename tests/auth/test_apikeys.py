"""API keys in the store: shown once, stored hashed, scoped to one tenant, revocable."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from intacct_bridge.auth.apikeys import (
    create_api_key,
    list_api_keys,
    revoke_api_key,
    verify_api_key,
)
from intacct_bridge.auth.errors import ApiKeyInvalidError, ApiKeyNotFoundError, UserError
from intacct_bridge.auth.model import Scope
from intacct_bridge.auth.tokens import api_key_digest, parse_api_key
from intacct_bridge.store.errors import UnknownTenantError
from intacct_bridge.store.tables.auth import ApiKeyRow
from tests.auth.conftest import FakeClock

SCOPES = [Scope.DOCUMENTS_WRITE, Scope.STATE_READ]


def test_create_then_verify(session: Session, tenants: tuple[str, str], clock: FakeClock) -> None:
    key, info = create_api_key(session, "acme-a", "wms", SCOPES, clock(), "alice")
    assert key.text.startswith(f"ibk_{info.prefix}_")
    assert info.scopes == set(SCOPES) and info.active and info.created_by == "alice"
    principal = verify_api_key(session, key.text, clock())
    assert principal.tenant_id == "acme-a" and principal.name == "wms"
    assert principal.scopes == set(SCOPES)
    assert key.secret not in repr(key)


def test_only_a_keyed_digest_is_stored(
    session: Session, tenants: tuple[str, str], clock: FakeClock
) -> None:
    key, info = create_api_key(session, "acme-a", "wms", SCOPES, clock())
    [row] = session.scalars(select(ApiKeyRow)).all()
    values = [str(getattr(row, c.key)) for c in ApiKeyRow.__table__.columns]
    assert not any(key.secret in value or key.text in value for value in values)
    assert row.digest == api_key_digest(key.secret) and row.prefix == info.prefix


@pytest.mark.parametrize(
    "mangle",
    [
        lambda text: text[:-1] + ("A" if text[-1] != "A" else "B"),  # wrong secret
        lambda text: "ibk_000000000000_" + text.split("_", 2)[2],  # unknown prefix
        lambda text: text.replace("ibk_", "xyz_"),
        lambda text: text[:20],
        lambda text: "",
        lambda text: text + "\x00",
    ],
)
def test_wrong_keys_are_refused(
    session: Session,
    tenants: tuple[str, str],
    clock: FakeClock,
    mangle: object,
) -> None:
    key, _ = create_api_key(session, "acme-a", "wms", SCOPES, clock())
    assert callable(mangle)
    wrong = mangle(key.text)
    with pytest.raises(ApiKeyInvalidError) as caught:
        verify_api_key(session, wrong, clock())
    assert key.secret not in str(caught.value)


def test_revoke(session: Session, tenants: tuple[str, str], clock: FakeClock) -> None:
    key, info = create_api_key(session, "acme-a", "wms", SCOPES, clock())
    other, _ = create_api_key(session, "acme-a", "erp", SCOPES, clock())
    clock.advance(minutes=5)
    revoked = revoke_api_key(session, "acme-a", info.prefix, clock())
    assert revoked.revoked_at == clock() and not revoked.active
    with pytest.raises(ApiKeyInvalidError):
        verify_api_key(session, key.text, clock())
    verify_api_key(session, other.text, clock())
    clock.advance(minutes=5)
    assert revoke_api_key(session, "acme-a", info.prefix, clock()).revoked_at == revoked.revoked_at


def test_revoke_is_tenant_scoped(
    session: Session, tenants: tuple[str, str], clock: FakeClock
) -> None:
    key, info = create_api_key(session, "acme-a", "wms", SCOPES, clock())
    with pytest.raises(ApiKeyNotFoundError, match="acme-b"):
        revoke_api_key(session, "acme-b", info.prefix, clock())
    verify_api_key(session, key.text, clock())


def test_list_is_per_tenant_and_shows_last_use(
    session: Session, tenants: tuple[str, str], clock: FakeClock
) -> None:
    key, _ = create_api_key(session, "acme-a", "wms", SCOPES, clock())
    clock.advance(minutes=1)
    create_api_key(session, "acme-b", "erp", [Scope.SYNC_RUN], clock())
    assert [k.name for k in list_api_keys(session, "acme-a")] == ["wms"]
    assert list_api_keys(session, "acme-a")[0].last_used_at is None
    clock.advance(minutes=1)
    used_at = clock()
    verify_api_key(session, key.text, clock())
    session.expire_all()
    assert list_api_keys(session, "acme-a")[0].last_used_at == used_at
    clock.advance(seconds=30)  # within a minute: no write
    verify_api_key(session, key.text, clock())
    session.expire_all()
    assert list_api_keys(session, "acme-a")[0].last_used_at == used_at
    clock.advance(seconds=31)
    verify_api_key(session, key.text, clock())
    session.expire_all()
    assert list_api_keys(session, "acme-a")[0].last_used_at == clock()


def test_create_refuses_bad_input(
    session: Session, tenants: tuple[str, str], clock: FakeClock
) -> None:
    with pytest.raises(UnknownTenantError):
        create_api_key(session, "acme-zz", "wms", SCOPES, clock())
    with pytest.raises(UserError, match="name"):
        create_api_key(session, "acme-a", "  ", SCOPES, clock())
    with pytest.raises(UserError, match="scope"):
        create_api_key(session, "acme-a", "wms", [], clock())
    assert session.scalars(select(ApiKeyRow)).all() == []


def test_key_format() -> None:
    assert parse_api_key("ibk_0123456789ab_" + "A" * 43) == ("0123456789ab", "A" * 43)
    assert parse_api_key("ibk_0123456789ab_" + "A" * 42) is None
    assert parse_api_key("ibk_0123456789AB_" + "A" * 43) is None
