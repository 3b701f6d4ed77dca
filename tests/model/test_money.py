from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import pytest

from intacct_bridge.model.errors import ModelError
from intacct_bridge.model.money import (
    canonical,
    check_currency,
    check_decimal,
    check_percent,
    parse_decimal,
    to_text,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1.500000", "1.5"),
        ("100", "100"),
        ("1E+2", "100"),
        ("-0.000001", "-0.000001"),
        ("0.00", "0"),
    ],
)
def test_canonical_drops_trailing_zeros_and_exponents(given: str, expected: str) -> None:
    assert to_text(Decimal(given)) == expected
    assert canonical(Decimal(given)) == Decimal(given)


def test_check_decimal_refuses_float_naming_field_and_fix() -> None:
    with pytest.raises(ModelError) as caught:
        check_decimal("unit_price", 10.5)
    assert caught.value.field == "unit_price"
    assert "float" in caught.value.fix
    assert str(caught.value).startswith("unit_price: must be a Decimal")


def test_check_decimal_refuses_more_than_six_places_but_accepts_trailing_zeros() -> None:
    assert check_decimal("q", Decimal("1.1234560000")) == Decimal("1.123456")
    with pytest.raises(ModelError, match="more than 6 decimal places; round it"):
        check_decimal("q", Decimal("1.1234567"))


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("1E18"), True])
def test_check_decimal_refuses_non_storable_numbers(bad: object) -> None:
    with pytest.raises(ModelError):
        check_decimal("amount", bad)


def test_check_decimal_negative_switch() -> None:
    assert check_decimal("a", Decimal("-1")) == Decimal("-1")
    with pytest.raises(ModelError, match="a: -1 is negative"):
        check_decimal("a", Decimal("-1"), allow_negative=False)


def test_percent_and_currency_and_parse() -> None:
    assert check_percent("rate", Decimal("7.25")) == Decimal("7.25")
    with pytest.raises(ModelError, match="over 100%"):
        check_percent("rate", Decimal("100.01"))
    assert check_currency("currency", "EUR") == "EUR"
    with pytest.raises(ModelError, match="ISO 4217"):
        check_currency("currency", "eur")
    assert parse_decimal("x", " 12.50 ") == Decimal("12.5")
    with pytest.raises(ModelError, match="'twelve' is not a number"):
        parse_decimal("x", "twelve")


def _canonical_long_way(value: Decimal) -> Decimal:
    """The definition: integers without exponent, others without trailing zeros; -0 is 0."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1)) + Decimal(0)
    return value.normalize() + Decimal(0)


@pytest.mark.parametrize(
    "given",
    [
        "0", "-0", "0.000", "-0.00", "0E+5", "0E-30", "1", "-1", "10", "1E+2", "1.0E+3",
        "100.000", "12.50", "-12.50", "0.000001", "-0.0000010", "123456789012345678.123456",
        "999999999999999999", "1E+26", "1E+27", "1E+30", "12345678901234567890123456789",
        "0.1234567890123456789012345678901", "5E-40", "NaN",
    ],
)  # fmt: skip
def test_canonical_is_the_long_way_for_any_decimal(given: str) -> None:
    value = Decimal(given)
    assert _outcome(canonical, value) == _outcome(_canonical_long_way, value)


def _outcome(function: Callable[[Decimal], Decimal], value: Decimal) -> str:
    try:
        return str(function(value))
    except InvalidOperation:  # beyond the context's precision: both refuse
        return "InvalidOperation"


def test_canonical_of_infinity_fails_as_before() -> None:
    with pytest.raises(InvalidOperation):
        _canonical_long_way(Decimal("Infinity"))
    with pytest.raises(InvalidOperation):
        canonical(Decimal("Infinity"))


@pytest.mark.parametrize(
    ("given", "refused"),
    [
        (Decimal("1.0000001"), "has more than 6 decimal places"),
        (Decimal("1.00000010"), "has more than 6 decimal places"),
        (Decimal("1E+18"), "is too large"),
        (Decimal("-Infinity"), "is not a finite number"),
        (Decimal("sNaN"), "is not a finite number"),
        (True, "must be a Decimal, got bool"),
    ],
)
def test_check_decimal_refuses_what_the_store_cannot_keep(given: object, refused: str) -> None:
    with pytest.raises(ModelError, match=refused):
        check_decimal("amount", given)


def test_check_decimal_keeps_the_last_decimal_place() -> None:
    assert str(check_decimal("amount", Decimal("1.0000010"))) == "1.000001"
    assert str(check_decimal("amount", 7)) == "7"
