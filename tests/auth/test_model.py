"""Roles, scopes, names and :func:`authorize` (pure)."""

from __future__ import annotations

import pytest

from intacct_bridge.auth.errors import AccessDeniedError, UserError
from intacct_bridge.auth.model import Role, Scope, User, authorize, check_user_name, parse_scopes
from intacct_bridge.store.tables.auth import ROLES

ALICE = User(1, "alice", {"acme-a": Role.ADMIN, "acme-b": Role.VIEWER})


def test_table_roles_match_the_enum() -> None:
    assert ROLES == tuple(role.value for role in Role)


def test_authorize_gives_the_role_held() -> None:
    assert authorize(ALICE, "acme-a", Role.ADMIN) is Role.ADMIN
    assert authorize(ALICE, "acme-a") is Role.ADMIN  # admin includes viewer
    assert authorize(ALICE, "acme-b", Role.VIEWER) is Role.VIEWER


def test_a_viewer_is_refused_what_needs_an_admin() -> None:
    with pytest.raises(AccessDeniedError) as caught:
        authorize(ALICE, "acme-b", Role.ADMIN)
    assert caught.value.have == "viewer" and caught.value.need == "admin"
    assert "acme-b" in str(caught.value) and "user grant" in str(caught.value)


@pytest.mark.parametrize("tenant_id", ["acme-c", "ACME-A", "acme-a ", ""])
def test_another_tenant_is_refused(tenant_id: str) -> None:
    with pytest.raises(AccessDeniedError) as caught:
        authorize(ALICE, tenant_id, Role.VIEWER)
    assert caught.value.have is None


def test_a_user_without_memberships_sees_nothing() -> None:
    nobody = User(2, "nobody")
    assert nobody.tenants == ()
    with pytest.raises(AccessDeniedError):
        authorize(nobody, "acme-a")


def test_user_names_are_case_folded_and_checked() -> None:
    assert check_user_name("  Alice@Example.COM ") == "alice@example.com"
    for bad in ["", " ", "a b", "-alice", "x" * 81, "al/ice", "al'ice"]:
        with pytest.raises(UserError):
            check_user_name(bad)


def test_scopes_parse_and_unknown_ones_are_named() -> None:
    assert parse_scopes(["state:read", "sync:run"]) == {Scope.STATE_READ, Scope.SYNC_RUN}
    with pytest.raises(UserError, match=r"'state:write'.*master-data:write"):
        parse_scopes(["state:write"])
    with pytest.raises(UserError, match="at least one scope"):
        parse_scopes([])
