"""Field checks shared by the canonical model; each raises :class:`ModelError` naming the fix."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from enum import StrEnum
from typing import TypeVar

from intacct_bridge.model.errors import ModelError

E = TypeVar("E", bound=StrEnum)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def identifier(field: str, value: object, *, max_length: int) -> str:
    """An ID as Intacct keys it: non-empty, no surrounding spaces or control characters."""
    if (
        type(value) is str
        and 0 < len(value) <= max_length
        and value.isascii()
        and value.isprintable()
        and value[0] != " "
        and value[-1] != " "
    ):
        # the common case at once: printable ASCII has no control characters, and a
        # space is its only character that strip() removes
        return value
    if not isinstance(value, str):
        raise ModelError(field, f"must be text, got {type(value).__name__}", "give the ID as text")
    if not value:
        raise ModelError(field, "is empty", "give a non-empty ID")
    if value != value.strip():
        raise ModelError(field, f"{value!r} has surrounding spaces", "remove the spaces")
    if _CONTROL.search(value):
        raise ModelError(field, f"{value!r} contains control characters", "remove them")
    if len(value) > max_length:
        raise ModelError(
            field,
            f"{value!r} is {len(value)} characters long",
            f"shorten it to at most {max_length} characters (the Intacct limit)",
        )
    return value


def optional_identifier(field: str, value: object, *, max_length: int) -> str | None:
    """Like :func:`identifier`, or ``None``."""
    return None if value is None else identifier(field, value, max_length=max_length)


def text(field: str, value: object, *, max_length: int) -> str:
    """Required free text: not blank, at most ``max_length`` characters."""
    if not isinstance(value, str):
        raise ModelError(field, f"must be text, got {type(value).__name__}", "give it as text")
    if not value.strip():
        raise ModelError(field, "is blank", "give a value")
    if len(value) > max_length:
        raise ModelError(
            field, f"is {len(value)} characters long", f"shorten it to {max_length} characters"
        )
    return value


def optional_text(field: str, value: object, *, max_length: int) -> str | None:
    """Optional free text; ``None`` when absent."""
    return None if value is None else text(field, value, max_length=max_length)


def code(field: str, value: object) -> str:
    """A lower-case code such as an account role (``revenue``, ``cost_of_goods_sold``)."""
    if not isinstance(value, str) or not _CODE.match(value):
        raise ModelError(
            field,
            f"{value!r} is not a lower-case code",
            "use lower-case letters, digits and underscores, starting with a letter",
        )
    return value


def country(field: str, value: object) -> str | None:
    """An ISO 3166 alpha-2 country code, or ``None``."""
    if value is None:
        return None
    if not isinstance(value, str) or not _COUNTRY.match(value):
        raise ModelError(
            field, f"{value!r} is not an ISO 3166 country code", "use two capitals like US or FR"
        )
    return value


def flag(field: str, value: object) -> bool:
    """A real boolean (not 0/1, not "yes")."""
    if not isinstance(value, bool):
        raise ModelError(field, f"must be true or false, got {value!r}", "give true or false")
    return value


def member(field: str, value: object, enum: type[E]) -> E:
    """A member of ``enum``; its string value is accepted too."""
    if isinstance(value, enum):
        return value
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ModelError(field, f"{value!r} is not allowed", f"use one of: {allowed}") from None


def optional_member(field: str, value: object, enum: type[E]) -> E | None:
    """Like :func:`member`, or ``None``."""
    return None if value is None else member(field, value, enum)


def whole(field: str, value: object, *, minimum: int, maximum: int | None = None) -> int:
    """An int within bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelError(field, f"must be a whole number, got {value!r}", "give a whole number")
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        raise ModelError(field, f"{value} is out of range", f"give a whole number {bounds}")
    return value


def day(field: str, value: object) -> dt.date:
    """A calendar date (not a datetime)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ModelError(field, f"must be a date, got {value!r}", "give a date like 2024-01-31")
    return value


def optional_day(field: str, value: object) -> dt.date | None:
    """Like :func:`day`, or ``None``."""
    return None if value is None else day(field, value)


def unique(field: str, values: Sequence[object], *, what: str) -> None:
    """Refuse repeated values in a collection."""
    if len(set(values)) == len(values):
        return
    seen: set[object] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise ModelError(
                f"{field}[{index}]", f"{what} {value!r} appears twice", f"list each {what} once"
            )
        seen.add(value)


def as_tuple(field: str, value: object) -> tuple[object, ...]:
    """Collections are tuples in the model; lists are converted, anything else refused."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, list):
        return tuple(value)
    raise ModelError(field, f"must be a tuple, got {type(value).__name__}", "pass a tuple")
