"""A secret value that never shows itself — the one ``Secret`` of the whole bridge.

Passwords, session IDs and webhook secrets travel as :class:`Secret`: ``str``, ``repr``,
f-strings, logs, tracebacks and pydantic dumps show ``••••``; only :meth:`Secret.reveal`
gives the value, and only where it is needed (the request envelope, the Fernet keyring).

It lives at the top of the package, beside ``errors.py``, because both the Intacct client
(``intacct/``) and the configuration (``config/``) use it and ``intacct/`` must not import
``config/``.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from intacct_bridge.errors import BridgeError

#: What a secret looks like wherever it is shown.
MASK = "••••"


class SecretUnavailableError(BridgeError):
    """A stored secret cannot be read with the current key(s)."""


class Secret:
    """A secret value that never shows itself; :meth:`reveal` returns it.

    ``Secret.unavailable(reason)`` stands for a secret that is stored but cannot be read
    (no key, or the wrong key): it still says "set", and :meth:`reveal` raises
    :class:`SecretUnavailableError` with the reason.
    """

    __slots__ = ("_problem", "_value")

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise ValueError("a secret must be a non-empty string")
        self._value = value
        self._problem = ""

    @classmethod
    def unavailable(cls, problem: str) -> Secret:
        secret = cls.__new__(cls)
        secret._value = ""
        secret._problem = problem
        return secret

    @property
    def readable(self) -> bool:
        return not self._problem

    @property
    def problem(self) -> str:
        return self._problem

    def reveal(self) -> str:
        """The value itself; only ever pass it to where it is needed."""
        if self._problem:
            raise SecretUnavailableError(self._problem)
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        if self._problem or other._problem:
            return self is other
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(hashlib.sha256(self._value.encode()).digest())

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")

    def __copy__(self) -> Secret:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    # pydantic: accept a str or a Secret; dump as the mask (never the value).
    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: Any) -> Secret:
            if isinstance(value, Secret):
                return value
            if isinstance(value, str):
                return cls(value)
            raise ValueError("a secret must be text")

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda _value: MASK, when_used="always"
            ),
        )


__all__ = ["MASK", "Secret", "SecretUnavailableError"]
