"""Base amounts the way Intacct books them from what the bridge sends.

The bridge sends an AP/AR document or journal entry in a foreign currency as transaction
amounts (``TRX_AMOUNT``, ``TRX_TAX``) with the document's ``EXCHANGE_RATE``; Intacct derives
each line's base amount (``AMOUNT``) itself: the line's transaction amount times the rate,
rounded half away from zero to cents, line by line and tax entry by tax entry, and the
document's base total (and its AP/AR offset) is the sum of those rounded lines — never the
rounded conversion of the total. The engine's expected base amount of a line is therefore
:func:`to_base` of the transaction amount it sends, whatever value it aimed at.

A value the bridge knows in base currency (GRNI cleared at the receipt value, the
shipment value on revenue-on-shipment invoices) can only be reached through a transaction
amount: :func:`trx_for_base` picks the one whose conversion lands on it, when one exists.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

from intacct_bridge.model.money import Money

CENT = Decimal("0.01")
ONE = Decimal(1)
#: exact for cents times a rate of at most 10 decimals and 12 digits (no local context to
#: enter and leave on every line)
_EXACT = Context(prec=60, rounding=ROUND_HALF_UP)


def to_base(trx: Money, rate: Decimal) -> Money:
    """``trx`` in base currency as Intacct books it: times ``rate``, rounded half away from
    zero to cents (``trx`` itself at rate 1)."""
    if rate == ONE:
        return trx
    return _EXACT.multiply(trx, rate).quantize(CENT, context=_EXACT)


def trx_for_base(base: Money, rate: Decimal) -> Money:
    """The transaction amount (cents) whose :func:`to_base` is ``base``, or the nearest
    one to it when no cent converts exactly (a rate above 1 skips some base cents)."""
    if rate == ONE:
        return base
    guess = _EXACT.divide(base, rate).quantize(CENT, context=_EXACT)
    best = guess
    best_gap: Decimal | None = None
    for step in (0, -1, 1, -2, 2):
        candidate = guess + CENT * step
        gap = abs(to_base(candidate, rate) - base)
        if best_gap is None or gap < best_gap:
            best, best_gap = candidate, gap
        if gap == 0:
            return candidate
    return best


__all__ = ["to_base", "trx_for_base"]
