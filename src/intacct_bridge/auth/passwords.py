"""Password hashing with argon2id (``argon2-cffi``): hash, verify, rehash, dummy verify.

* Parameters are argon2-cffi's RFC 9106 "low memory" profile by default (time 3, 64 MiB,
  4 lanes). A stored hash made with other parameters still verifies, and
  :meth:`PasswordHasher.needs_rehash` tells the sign-in to store a fresh one.
* :meth:`PasswordHasher.verify_unknown` spends the same work on a dummy hash, so a sign-in
  with an unknown user name takes as long as one with a wrong password.
"""

from __future__ import annotations

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from intacct_bridge.auth.errors import UserError

#: shortest password accepted (NIST SP 800-63B asks for at least 8; we ask for more)
MIN_PASSWORD_LENGTH = 12
#: longest password accepted (argon2 takes any length; this keeps one request's work bounded)
MAX_PASSWORD_LENGTH = 1024


def check_password_strength(password: str) -> None:
    """Refuse a password that is too short, too long, or only white space."""
    if len(password) < MIN_PASSWORD_LENGTH or not password.strip():
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")


class PasswordHasher:
    """argon2id hashing with the parameters this deployment wants today."""

    def __init__(
        self,
        *,
        time_cost: int = argon2.DEFAULT_TIME_COST,
        memory_cost: int = argon2.DEFAULT_MEMORY_COST,
        parallelism: int = argon2.DEFAULT_PARALLELISM,
    ) -> None:
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            type=argon2.Type.ID,
        )
        #: made on first use: building a hasher costs nothing, so an app (each of its
        #: workers) starts at once and an API-only process never pays for an argon2 hash
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        """A PHC string (``$argon2id$v=19$m=…``) with a fresh random salt."""
        return self._hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        """Whether ``password`` matches ``stored_hash`` (a malformed hash never matches)."""
        if len(password) > MAX_PASSWORD_LENGTH:
            self.verify_unknown(password[:MAX_PASSWORD_LENGTH])
            return False
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def verify_unknown(self, password: str) -> bool:
        """Spend a verification's work on a dummy hash; always ``False``."""
        if self._dummy is None:
            self._dummy = self._hasher.hash("dummy password never used by anyone")
        try:
            self._hasher.verify(self._dummy, password[:MAX_PASSWORD_LENGTH])
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            pass
        return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether ``stored_hash`` was made with other parameters than today's."""
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except (InvalidHashError, ValueError):
            return True
