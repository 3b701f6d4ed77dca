"""Roles, scopes, principals and :func:`authorize` — pure, no I/O.

Every console page and API handler that touches a tenant's data calls :func:`authorize`
(or goes through a dependency that does); it is the one place that says who may see what.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from intacct_bridge.auth.errors import AccessDeniedError, UserError


class Role(StrEnum):
    """A user's role in one tenant; each role includes the ones before it."""

    VIEWER = "viewer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        return self.rank >= other.rank


class Scope(StrEnum):
    """What an API key may do (within its one tenant)."""

    MASTER_DATA_WRITE = "master-data:write"
    DOCUMENTS_WRITE = "documents:write"
    STATE_READ = "state:read"
    SYNC_RUN = "sync:run"


def parse_scopes(values: list[str] | tuple[str, ...]) -> frozenset[Scope]:
    """Scopes from their names; an unknown name is refused with the list of known ones."""
    scopes: set[Scope] = set()
    for value in values:
        try:
            scopes.add(Scope(value.strip()))
        except ValueError:
            known = ", ".join(s.value for s in Scope)
            raise UserError(f"unknown scope {value!r}; use one of: {known}") from None
    if not scopes:
        raise UserError("an API key needs at least one scope (--scope)")
    return frozenset(scopes)


_USER_NAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,79}$")


def check_user_name(name: str) -> str:
    """A sign-in name, case-folded: 1-80 letters, digits, ``. _ @ + -``."""
    folded = name.strip().casefold()
    if not _USER_NAME.match(folded):
        raise UserError(
            f"{name!r} is not a user name; use 1-80 letters, digits, '.', '_', '@', '+' or '-', "
            "starting with a letter or digit"
        )
    return folded


@dataclass(frozen=True, slots=True)
class User:
    """A signed-in (or looked-up) user and their role in each tenant."""

    id: int
    name: str
    roles: Mapping[str, Role] = field(default_factory=dict)

    @property
    def tenants(self) -> tuple[str, ...]:
        """The tenants this user may see, sorted (the tenant switcher's list)."""
        return tuple(sorted(self.roles))

    def role_in(self, tenant_id: str) -> Role | None:
        return self.roles.get(tenant_id)


@dataclass(frozen=True, slots=True)
class ApiPrincipal:
    """The client behind a valid API key."""

    tenant_id: str
    prefix: str
    name: str
    scopes: frozenset[Scope]


def authorize(user: User, tenant_id: str, need: Role = Role.VIEWER) -> Role:
    """The user's role in ``tenant_id`` if it includes ``need``; else :class:`AccessDeniedError`.

    A user without a membership in the tenant is refused the same way whether or not the
    tenant exists, so the error tells nothing about other tenants.
    """
    have = user.roles.get(tenant_id)
    if have is None or not have.includes(need):
        raise AccessDeniedError(user.name, tenant_id, need.value, None if have is None else have)
    return have
