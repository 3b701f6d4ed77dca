"""Currencies of a sandbox company: base currencies, exchange rates, conversion.

A company keeps its books in its **base currency** (``Books.base_currency``, ``USD`` by
default); in a MEGA company an entity with its own ``LOCATIONENTITY.CURRENCY`` keeps its
books in that one. A document or payment in another currency (``CURRENCY``) carries an
exchange rate: ``EXCHANGE_RATE`` given outright, or looked up by rate type
(``EXCH_RATE_TYPE_ID``, default *Intacct Daily Rate*) on the rate date (``EXCH_RATE_DATE``,
default the document's date) from the rates an administrator seeded
(``Admin.add_exchange_rate``): the latest rate of that type and currency pair effective on
or before the date, or the inverse of the opposite pair's. Base amounts are the
transaction amounts times the rate, rounded to cents half away from zero, line by line.

Texts here are the sandbox's own *(inferred)*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import TYPE_CHECKING

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.ledger import CENT
from intacct_bridge.sandbox.values import ValueProblem, parse_date

if TYPE_CHECKING:
    from intacct_bridge.sandbox.context import Context
    from intacct_bridge.sandbox.periods import Books

DEFAULT_RATE_TYPE = "Intacct Daily Rate"
ONE = Decimal(1)
_CODE = re.compile(r"^[A-Z]{3}$")
#: The rates a transaction may carry *(sandbox limit)*.
MIN_RATE = Decimal("0.0000000001")
MAX_RATE = Decimal("1000000000000")
#: Rates keep at most this many decimals.
RATE_PLACES = Decimal("0.0000000001")


@dataclass(frozen=True)
class Conversion:
    """How one document converts: its transaction currency, base currency and rate."""

    currency: str
    base: str
    rate: Decimal

    @property
    def foreign(self) -> bool:
        return self.currency != self.base

    def to_base(self, amount: Decimal) -> Decimal:
        if not self.foreign:
            return amount
        with localcontext() as context:
            context.prec = 90
            return (amount * self.rate).quantize(CENT, rounding=ROUND_HALF_UP)


def check_code(code: str, what: str) -> str:
    if not _CODE.match(code):
        raise errors.business_error(
            f"{what} '{code[:10]}' is not a currency code.",
            "Use a three-letter ISO 4217 code in capitals, e.g. USD or EUR.",
        )
    return code


def entity_currency(ctx: Context, entity: str) -> str:
    """The base currency of ``entity`` (``""``: the company's)."""
    books = ctx.company.books
    if entity:
        table = ctx.company.data.tables.get("LOCATIONENTITY")
        number = table.by_id.get(entity) if table is not None else None
        if table is not None and number is not None:
            own = table.records[number].values.get("CURRENCY", "")
            if own:
                return own
    return books.base_currency


def find_rate(books: Books, rate_type: str, source: str, target: str, day: date) -> Decimal | None:
    """1 ``source`` in ``target`` on ``day`` by ``rate_type`` (``None`` when unknown)."""
    if source == target:
        return ONE
    best: tuple[date, Decimal] | None = None
    for rate in books.rates:
        if rate.rate_type != rate_type or rate.effective > day:
            continue
        if (rate.from_currency, rate.to_currency) == (source, target):
            value = Decimal(rate.rate)
        elif (rate.from_currency, rate.to_currency) == (target, source):
            value = (ONE / Decimal(rate.rate)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
        else:
            continue
        if best is None or rate.effective >= best[0]:
            best = (rate.effective, value)
    return best[1] if best is not None else None


def convert(ctx: Context, values: dict[str, str], date_field: str, entity: str) -> Conversion:
    """Settle the currency fields of a document or payment (``values`` is updated: CURRENCY,
    BASECURR, and for a foreign currency EXCHANGE_RATE, EXCH_RATE_DATE, EXCH_RATE_TYPE_ID).

    Raises:
        FunctionError: a bad code, a base currency that is not the company's, or no rate.
    """
    base = entity_currency(ctx, entity)
    given_base = values.get("BASECURR", "")
    if given_base and given_base != base:
        raise errors.business_error(
            f"BASECURR '{given_base}' is not the base currency of "
            f"{'entity ' + entity if entity else 'the company'} ({base}).",
            f"Leave BASECURR out, or send {base}.",
        )
    currency = values.get("CURRENCY", "") or base
    check_code(currency, "CURRENCY")
    values["CURRENCY"] = currency
    values["BASECURR"] = base
    if currency == base:
        return Conversion(currency, base, ONE)
    text = values.get("EXCHANGE_RATE", "")
    if text:
        try:
            rate = Decimal(text)
        except InvalidOperation:  # pragma: no cover - normalised as a decimal first
            rate = Decimal(0)
        if rate <= 0:
            raise errors.business_error(
                f"EXCHANGE_RATE must be more than zero; got {text}.",
                "Give the rate as the base amount of one unit of the transaction currency.",
            )
        if not MIN_RATE <= rate <= MAX_RATE:
            raise errors.business_error(
                f"EXCHANGE_RATE {text[:40]} is out of range ({MIN_RATE:f} to {MAX_RATE:f}).",
                "Give the rate as the base amount of one unit of the transaction currency.",
            )
        return Conversion(currency, base, rate)
    when = values.get("EXCH_RATE_DATE", "") or values.get(date_field, "")
    try:
        day = parse_date(when)
    except ValueProblem:
        raise errors.business_error(
            f"A {currency} transaction needs an exchange rate date (EXCH_RATE_DATE or "
            f"{date_field}).",
            "Give the document date, or EXCHANGE_RATE.",
        ) from None
    rate_type = values.get("EXCH_RATE_TYPE_ID", "") or DEFAULT_RATE_TYPE
    found = find_rate(ctx.company.books, rate_type, currency, base, day)
    if found is None:
        raise errors.business_error(
            f"No {rate_type} exchange rate from {currency} to {base} is effective on {when}.",
            "Give EXCHANGE_RATE, or have an administrator add the rate (Admin.add_exchange_rate).",
        )
    values["EXCH_RATE_DATE"] = when
    values["EXCH_RATE_TYPE_ID"] = rate_type
    values["EXCHANGE_RATE"] = format_rate(found)
    return Conversion(currency, base, found)


def format_rate(rate: Decimal) -> str:
    text = f"{rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP):f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def stored(values: dict[str, str]) -> Conversion:
    """The conversion a stored document was posted with."""
    currency = values.get("CURRENCY", "")
    base = values.get("BASECURR", "") or currency
    rate = Decimal(values.get("EXCHANGE_RATE") or "1") if currency != base else ONE
    return Conversion(currency or base, base, rate)
