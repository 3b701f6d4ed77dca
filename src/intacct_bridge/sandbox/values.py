"""Normalising field values the way Intacct stores them."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from intacct_bridge.sandbox.schema import FieldSpec

_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_TIME = r"(?:[ T]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?)?"
#: ``MM/DD/YYYY`` (Intacct's form), optionally with ``HH:MM[:SS]``.
_US_DATETIME = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})" + _TIME)
#: ISO ``YYYY-MM-DD``, optionally with a time and a zone (``Z``, ``+00:00``; ignored).
_ISO_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})" + _TIME + r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?"
)

#: Numbers are kept within Oracle NUMBER's 38 significant digits: magnitudes from 1e-38
#: to below 1e38 (anything else, e.g. ``1e999999``, is refused rather than expanded).
MAX_DIGITS = 38


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def whole_number(text: str) -> int | None:
    """``text`` as a non-negative int if it is plain ASCII digits (``'²'`` is not)."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
        return int(text)
    return None


class ValueProblem(ValueError):
    """A value does not fit its field; the message names the valid form."""


def _date_and_time(text: str) -> tuple[date, tuple[int, int, int]] | None:
    """The date and time (``(0, 0, 0)`` when absent) in ``text``, or ``None``."""
    stripped = text.strip()
    match = _US_DATETIME.fullmatch(stripped)
    order = (3, 1, 2)
    if match is None:
        match = _ISO_DATETIME.fullmatch(stripped)
        order = (1, 2, 3)
        if match is None:
            return None
    year, month, day = (int(match[i]) for i in order)
    try:
        return date(year, month, day), (int(match[4] or 0), int(match[5] or 0), int(match[6] or 0))
    except ValueError:  # 02/30/2024
        return None


def parse_date(text: str) -> date:
    """Accept ``MM/DD/YYYY`` (Intacct's form) or ISO ``YYYY-MM-DD`` (no time of day).

    Raises:
        ValueProblem: anything else, including impossible dates such as ``02/30/2024``.
    """
    found = _date_and_time(text)
    if found is None or _TIME_PART.search(text):
        raise ValueProblem(f"'{text}' is not a valid date. Use the format mm/dd/yyyy.")
    return found[0]


_TIME_PART = re.compile(r"[0-9]:[0-9]")


def format_date(value: date) -> str:
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


def format_datetime(value: datetime) -> str:
    return value.strftime("%m/%d/%Y %H:%M:%S")


def parse_datetime(text: str) -> datetime:
    """Read ``MM/DD/YYYY[ HH:MM[:SS]]`` or ISO ``YYYY-MM-DD[THH:MM[:SS[.fff]]][zone]``; a
    date without a time is midnight. The one date reader of the sandbox (values and query
    filters alike).

    Raises:
        ValueProblem: anything else, including impossible dates and times.
    """
    found = _date_and_time(text)
    if found is not None:
        day, (hour, minute, second) = found
        try:
            return datetime(day.year, day.month, day.day, hour, minute, second)
        except ValueError:  # 25:00
            pass
    raise ValueProblem(f"'{text}' is not a valid date and time. Use mm/dd/yyyy hh:mm:ss.")


def normalise(spec: FieldSpec, raw: str) -> str:
    """Return the stored (display) form of ``raw`` for ``spec``.

    Raises:
        ValueProblem: the value is not valid for the field.
    """
    text = raw.strip()
    if text == "":
        return ""
    if spec.max_length is not None and len(text) > spec.max_length:
        raise ValueProblem(
            f"The value for {spec.path} is {len(text)} characters long; "
            f"the maximum is {spec.max_length}."
        )
    kind = spec.kind
    if kind == "text":
        return text
    if kind == "boolean":
        lowered = text.lower()
        if lowered in ("true", "t", "1", "yes"):
            return "true"
        if lowered in ("false", "f", "0", "no"):
            return "false"
        raise ValueProblem(f"'{text}' is not a valid value for {spec.path}. Use true or false.")
    if kind == "enum":
        for _code, shown in spec.choices:
            if shown == text or shown.lower() == text.lower():
                return shown
        valid = ", ".join(shown for _code, shown in spec.choices)
        raise ValueProblem(f"'{text}' is not a valid value for {spec.path}. Valid values: {valid}.")
    if kind in ("integer", "decimal"):
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueProblem(f"'{_short(text)}' is not a valid number for {spec.path}.") from None
        if not number.is_finite():
            raise ValueProblem(f"'{_short(text)}' is not a valid number for {spec.path}.")
        zero = number.is_zero()
        if not zero and not -MAX_DIGITS <= number.adjusted() < MAX_DIGITS:
            raise ValueProblem(f"'{_short(text)}' is out of range for {spec.path}.")
        if kind == "integer":
            if zero:
                return "0"
            if number != number.to_integral_value():
                raise ValueProblem(f"'{_short(text)}' is not a whole number for {spec.path}.")
            return str(int(number))
        if _PLAIN_DECIMAL.fullmatch(text):
            return text.removeprefix("+")
        return "0" if zero else format(number, "f")  # 1e3 -> 1000, .5 -> 0.5
    if kind == "date":
        return format_date(parse_date(text))
    if kind == "datetime":
        return format_datetime(parse_datetime(text))
    raise AssertionError(kind)  # pragma: no cover
