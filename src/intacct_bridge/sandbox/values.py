"""Normalising field values the way Intacct stores them."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from intacct_bridge.sandbox.schema import FieldSpec

_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_US_DATETIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")


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


def parse_date(text: str) -> date:
    """Accept ``MM/DD/YYYY`` (Intacct's form) or ISO ``YYYY-MM-DD``."""
    match = _US_DATE.match(text)
    try:
        if match:
            return date(int(match[3]), int(match[1]), int(match[2]))
        match = _ISO_DATE.match(text)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass
    raise ValueProblem(f"'{text}' is not a valid date. Use the format mm/dd/yyyy.")


def format_date(value: date) -> str:
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


def format_datetime(value: datetime) -> str:
    return value.strftime("%m/%d/%Y %H:%M:%S")


def parse_datetime(text: str) -> datetime:
    for pattern, order in ((_US_DATETIME, (3, 1, 2)), (_ISO_DATETIME, (1, 2, 3))):
        match = pattern.match(text)
        if match:
            year, month, day = (int(match[i]) for i in order)
            try:
                return datetime(year, month, day, int(match[4]), int(match[5]), int(match[6] or 0))
            except ValueError:
                break
    try:
        d = parse_date(text)
        return datetime(d.year, d.month, d.day)
    except ValueProblem:
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
