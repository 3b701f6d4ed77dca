"""Session tokens, CSRF tokens and API keys — generation, digests, parsing. Pure, no I/O.

* **Session token**: 32 random bytes (256 bits), URL-safe base64 in the cookie; the store
  keeps only its SHA-256 (:func:`token_digest`). A database dump gives no usable session.
* **CSRF token**: HMAC-SHA256 of a fixed label under the session token itself
  (:func:`csrf_token_for`), so it is bound to the session, needs no storage, and cannot be
  computed without the HttpOnly cookie.
* **API key**: ``ibk_<prefix>_<secret>`` — a 12-hex-digit public prefix (finds the row,
  shown in lists) and 32 random bytes of secret. The store keeps the SHA-256 of the secret
  (:func:`api_key_digest`). With 256 random bits a fast hash is enough: there is nothing to
  guess, so argon2 or a pepper would add cost but no safety — and a pepper tied to the
  deployment's Fernet keys would make every API key die at ``config rotate-key``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

TOKEN_BYTES = 32
API_KEY_PREFIX = "ibk"
_API_KEY = re.compile(r"^ibk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_CSRF_LABEL = b"intacct-bridge csrf v1"


def new_token() -> str:
    """A fresh session token: 256 random bits, URL-safe base64 without padding."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """The SHA-256 (hex) the store keeps for a session token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def csrf_token_for(session_token: str) -> str:
    """The CSRF token of the session whose cookie token is ``session_token``."""
    mac = hmac.new(session_token.encode("utf-8", "replace"), _CSRF_LABEL, hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")


def csrf_matches(session_token: str, presented: str | None) -> bool:
    """Whether ``presented`` is this session's CSRF token (constant time)."""
    if not presented:
        return False
    expected = csrf_token_for(session_token).encode("ascii")
    return hmac.compare_digest(expected, presented.encode("utf-8", "replace"))


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A key as created: the full text is shown once, then only ``prefix`` is ever seen."""

    prefix: str
    secret: str

    @property
    def text(self) -> str:
        return f"{API_KEY_PREFIX}_{self.prefix}_{self.secret}"

    def __repr__(self) -> str:
        return f"NewApiKey(prefix={self.prefix!r})"


def new_api_key() -> NewApiKey:
    return NewApiKey(prefix=secrets.token_hex(6), secret=secrets.token_urlsafe(TOKEN_BYTES))


def parse_api_key(text: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of a well-formed key; ``None`` otherwise."""
    match = _API_KEY.match(text.strip())
    return (match.group(1), match.group(2)) if match else None


def api_key_digest(secret: str) -> str:
    """The SHA-256 (hex) the store keeps for an API key's secret part."""
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))
