"""Session tokens, CSRF tokens and API keys — generation, digests, parsing. Pure, no I/O.

* **Session token**: 32 random bytes (256 bits), URL-safe base64 in the cookie; the store
  keeps only its SHA-256 (:func:`token_digest`). A database dump gives no usable session.
* **CSRF token**: HMAC-SHA256 of a fixed label under the session token itself
  (:func:`csrf_token_for`), so it is bound to the session, needs no storage, and cannot be
  computed without the HttpOnly cookie.
* **API key**: ``ibk_<prefix>_<secret>`` — a 12-hex-digit public prefix (finds the row,
  shown in lists) and 32 random bytes of secret. The store keeps HMAC-SHA256 of the secret
  under a server *pepper* (:func:`api_key_digest`), derived from the deployment's secret
  key, so a database dump alone cannot even test a guessed key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOKEN_BYTES = 32
API_KEY_PREFIX = "ibk"
_API_KEY = re.compile(r"^ibk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_CSRF_LABEL = b"intacct-bridge csrf v1"
_PEPPER_INFO = b"intacct-bridge api-key pepper v1"


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
class Pepper:
    """A server-side key for API key digests, named by a short non-secret ID."""

    id: str
    key: bytes

    def __repr__(self) -> str:
        return f"Pepper(id={self.id!r})"


def derive_pepper(secret_key: bytes) -> Pepper:
    """The API key pepper derived (HKDF-SHA256) from one of the deployment's secret keys."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PEPPER_INFO).derive(
        secret_key
    )
    return Pepper(id=hashlib.sha256(key).hexdigest()[:16], key=key)


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


def api_key_digest(pepper: Pepper, secret: str) -> str:
    """HMAC-SHA256 (hex) of an API key's secret under ``pepper``."""
    return hmac.new(pepper.key, secret.encode("ascii"), hashlib.sha256).hexdigest()


def digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


def peppers_from_keys(keys: tuple[bytes, ...] | list[bytes]) -> tuple[Pepper, ...]:
    """One pepper per secret key, newest first (the first makes new digests)."""
    if not keys:
        raise ValueError("at least one secret key is needed for API key digests")
    return tuple(derive_pepper(key) for key in keys)
