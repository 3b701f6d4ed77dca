"""The errors of sign-in, sessions, access checks and API keys.

None of them ever carries a password, a session token or an API key: messages name the
user, the tenant, the key's public prefix or the scope — never the secret.
"""

from __future__ import annotations

from intacct_bridge.errors import BridgeError


class AuthError(BridgeError):
    """Authentication or authorization failed."""


class InvalidCredentialsError(AuthError):
    """Wrong user name or password (the same error for both, on purpose)."""

    def __init__(self) -> None:
        super().__init__("wrong user name or password")


class LoginThrottledError(AuthError):
    """Too many failed sign-ins for this user from this address; wait and try again."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(f"too many failed sign-ins; try again in {self.retry_after} s")


class SessionInvalidError(AuthError):
    """No session, an unknown token, an expired session or a signed-out one: sign in again."""


class AccessDeniedError(AuthError):
    """The user has no access to the tenant, or not with the role needed."""

    def __init__(self, user: str, tenant_id: str, need: str, have: str | None) -> None:
        self.user = user
        self.tenant_id = tenant_id
        self.need = need
        self.have = have
        if have is None:
            reason = f"user {user!r} has no access to tenant {tenant_id!r}"
            fix = "an administrator can grant it: intacct-bridge user grant"
        else:
            reason = f"user {user!r} is {have} of tenant {tenant_id!r}, {need} is needed"
            fix = "an administrator can change the role: intacct-bridge user grant --role"
        super().__init__(f"{reason}; {fix}")


class ApiKeyInvalidError(AuthError):
    """The API key is missing, malformed, unknown or revoked."""


class UserError(AuthError):
    """A user could not be created or changed (bad name, short password, unknown user …)."""


class UnknownUserError(UserError):
    """The user does not exist."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no user {name!r}; list them with: intacct-bridge user list")


class ApiKeyNotFoundError(AuthError):
    """No API key with this prefix in the tenant."""

    def __init__(self, prefix: str, tenant_id: str) -> None:
        super().__init__(
            f"no API key {prefix!r} in tenant {tenant_id!r}; "
            "list them with: intacct-bridge apikey list --tenant " + tenant_id
        )
