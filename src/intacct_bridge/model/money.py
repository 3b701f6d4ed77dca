"""Money and quantities: always :class:`~decimal.Decimal`, never float.

Amounts, unit prices, unit costs, quantities and rates share one numeric domain: at most
:data:`SCALE` digits after the decimal point and :data:`INTEGER_DIGITS` before it, which is
what the store keeps (``NUMERIC(24, 6)`` on PostgreSQL, exact text on SQLite).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from intacct_bridge.model.errors import ModelError

Money = Decimal
Quantity = Decimal
Rate = Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)

#: digits kept after the decimal point
SCALE = 6
#: digits allowed before the decimal point
INTEGER_DIGITS = 18

_LIMIT = Decimal(10) ** INTEGER_DIGITS
#: the smallest step the store keeps (``0.000001``)
_QUANTUM = Decimal(1).scaleb(-SCALE)
_ONE = Decimal(1)
#: texts of decimals kept by :func:`to_text`
_TEXTS: dict[Decimal, str] = {}
_TEXTS_KEPT = 4096
#: digits before the point below which :func:`canonical` takes its short way
_EXACT_DIGITS = 27
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def canonical(value: Decimal) -> Decimal:
    """The same number with no trailing fractional zeros and no exponent.

    ``Decimal("1.500000")`` and ``Decimal("1.5")`` are equal but print differently;
    hashing and storing the canonical form keeps ``1.5`` read back from PostgreSQL's
    ``NUMERIC(24, 6)`` identical to the ``1.5`` that was written.
    """
    # ``normalize`` drops the trailing zeros; adding zero (exponent 0) turns a positive
    # exponent (``1E+2``) into digits and ``-0`` into ``0``. Exact for up to 27 digits before
    # the point (the model keeps 18); larger values and the non-finite take the long way.
    result = value.normalize() + ZERO
    if result.adjusted() < _EXACT_DIGITS and result.is_finite():
        return result
    if value == value.to_integral_value():
        return value.quantize(_ONE) + ZERO
    return value.normalize() + ZERO


def to_text(value: Decimal) -> str:
    """Fixed-point text of the canonical value (``"1.5"``, ``"100"``, ``"-0.000001"``)."""
    if not value.is_finite():
        return format(canonical(value), "f")
    # equal values have the same canonical text, so the text of each value is kept (amounts
    # and prices repeat) in a bounded table
    text = _TEXTS.get(value)
    if text is None:
        text = format(canonical(value), "f")
        if len(_TEXTS) >= _TEXTS_KEPT:
            _TEXTS.clear()
        _TEXTS[value] = text
    return text


def parse_decimal(field: str, text: str) -> Decimal:
    """Read a decimal written as text (``"12.50"``); raise :class:`ModelError` otherwise."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ModelError(field, f"{text!r} is not a number", "write it like 12.50") from None
    return check_decimal(field, value)


def check_decimal(field: str, value: object, *, allow_negative: bool = True) -> Decimal:
    """Check that ``value`` is a finite Decimal the store can keep exactly; return it."""
    if type(value) is Decimal:
        # a value equal to one checked before has its canonical form kept (prices and
        # quantities repeat); the checks depend on the value only
        if value.is_finite():
            known = _CHECKED.get(value)
            if known is not None and (allow_negative or not known.is_signed()):
                return known
        number = value
    elif isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ModelError(
            field,
            f"must be a Decimal, got {type(value).__name__}",
            "pass Decimal('12.50') or an int; floats lose cents",
        )
    else:
        number = Decimal(value)
    if not number.is_finite():
        raise ModelError(field, f"{number} is not a finite number", "give a real amount")
    if abs(number) >= _LIMIT:
        raise ModelError(
            field, f"{number} is too large", f"keep it under 10^{INTEGER_DIGITS} in magnitude"
        )
    number = canonical(number)
    # canonical: no trailing zeros, so a digit beyond the scale changes it when rounded
    if number.quantize(_QUANTUM) != number:
        raise ModelError(
            field,
            f"{number} has more than {SCALE} decimal places",
            f"round it to {SCALE} decimal places",
        )
    if not allow_negative and number < 0:
        raise ModelError(field, f"{number} is negative", "give zero or a positive number")
    if len(_CHECKED) >= _TEXTS_KEPT:
        _CHECKED.clear()
    _CHECKED[number] = number
    return number


#: canonical forms of the decimals :func:`check_decimal` accepted, by value (bounded)
_CHECKED: dict[Decimal, Decimal] = {}


def check_positive(field: str, value: object) -> Decimal:
    """A Decimal strictly greater than zero."""
    number = check_decimal(field, value)
    if number <= 0:
        raise ModelError(
            field, f"must be greater than zero, got {number}", "give a positive number"
        )
    return number


def check_percent(field: str, value: object) -> Decimal:
    """A percentage between 0 and 100 inclusive."""
    number = check_decimal(field, value, allow_negative=False)
    if number > HUNDRED:
        raise ModelError(field, f"{number}% is over 100%", "give a percentage from 0 to 100")
    return number


def check_currency(field: str, value: object) -> str:
    """An ISO 4217 currency code in capitals (``USD``, ``EUR``)."""
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise ModelError(
            field, f"{value!r} is not an ISO 4217 currency code", "use three capitals like USD"
        )
    return value
