from __future__ import annotations

from decimal import Decimal

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
