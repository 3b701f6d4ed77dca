"""Who may use the bridge: console users, their tenants and roles, sessions, API keys.

Pure parts: :mod:`model` (roles, scopes, :func:`authorize`), :mod:`tokens` (token and key
formats, digests), :mod:`passwords` (argon2id), :mod:`ratelimit` (sign-in throttle).
Store parts: :mod:`users`, :mod:`sessions`, :mod:`apikeys`. HTTP parts: :mod:`web`
(FastAPI dependencies and the ``/auth`` routes). See ``docs/security.md``.
"""

from intacct_bridge.auth.errors import (
    AccessDeniedError,
    ApiKeyInvalidError,
    AuthError,
    InvalidCredentialsError,
    LoginThrottledError,
    SessionInvalidError,
    UnknownUserError,
    UserError,
)
from intacct_bridge.auth.model import ApiPrincipal, Role, Scope, User, authorize

__all__ = [
    "AccessDeniedError",
    "ApiKeyInvalidError",
    "ApiPrincipal",
    "AuthError",
    "InvalidCredentialsError",
    "LoginThrottledError",
    "Role",
    "Scope",
    "SessionInvalidError",
    "UnknownUserError",
    "User",
    "UserError",
    "authorize",
]
