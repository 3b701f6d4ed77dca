"""The month's schedule: how many documents of each kind happen on each business day, and
which earlier document each invoice, return and credit memo refers to.

Nothing here holds a document. Every document is named by its *origin* — the business day
and position of the shipment or receipt it belongs to — and every choice about it (when the
supplier invoices a receipt, which shipments come back, how late) is a hash of the seed and
that origin. The plan keeps a handful of counts per business day, so its size depends on the
calendar only; the generator walks it day by day and rebuilds any earlier document it needs
from its origin instead of remembering it.

Flows:

* **sales**: every shipment is invoiced the same day. A few shipments per day are returned
  1-7 business days later (a return receipt reversing the shipment plus a credit memo
  reversing its invoice), and a few invoices get a price credit memo 1-8 days later.
* **purchases**: the supplier invoices a receipt 1-6 business days after it arrives; receipts
  whose invoice would fall after the month stay uninvoiced (goods received not invoiced).
  Some invoiced receipts are partly returned after the invoice (a purchase return reversing
  the receipt plus a supplier credit memo reversing the invoice), and some invoices get a
  price credit memo.
* **stock**: transfers, production receipts and issues, and count adjustments; adjustments
  also absorb the rounding so that the month holds exactly the documents asked for.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum
from math import gcd

from intacct_bridge.model.documents import DocumentType

MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _avalanche(value: int) -> int:
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & MASK64
    return value ^ (value >> 31)


def mix(key: int, *parts: int) -> int:
    """A 64-bit hash of ``key`` and ``parts`` (SplitMix64 steps); stable across runs."""
    value = key & MASK64
    for part in parts:
        value = _avalanche((value ^ ((part * _GOLDEN) & MASK64)) + _GOLDEN & MASK64)
    return value


def seed_key(seed: int) -> int:
    """The 64-bit root key of a seed (any integer)."""
    digest = hashlib.blake2b(f"intacct-bridge demo {seed}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class Stream(IntEnum):
    """Independent sub-streams of randomness; a document's key is (stream, day, position)."""

    DAY_WEIGHT = 1
    PERMUTATION = 2
    INVOICE_LAG = 3
    FOLLOW_UP_LAG = 4
    SALES_ORDER = 10
    SALES_INVOICE = 11
    SALES_RETURN = 12
    SALES_PRICE_CREDIT = 13
    RECEIPT = 20
    PURCHASE_INVOICE = 21
    PURCHASE_RETURN = 22
    PURCHASE_PRICE_CREDIT = 23
    TRANSFER = 30
    PRODUCTION_RECEIPT = 31
    MATERIAL_ISSUE = 32
    ADJUSTMENT = 33
    STATUS = 40
    MASTER = 50


class Primary(IntEnum):
    """Document streams whose daily counts are planned directly."""

    SHIPMENT = 0
    RECEIPT = 1
    TRANSFER = 2
    PRODUCTION_RECEIPT = 3
    MATERIAL_ISSUE = 4
    ADJUSTMENT = 5


#: relative share of each primary stream
MIX = {
    Primary.SHIPMENT: 40,
    Primary.RECEIPT: 20,
    Primary.TRANSFER: 6,
    Primary.PRODUCTION_RECEIPT: 4,
    Primary.MATERIAL_ISSUE: 6,
    Primary.ADJUSTMENT: 4,
}
#: per mille of shipments returned / of invoices credited for price
SALES_RETURN_PER_MILLE = 30
SALES_PRICE_CREDIT_PER_MILLE = 20
#: per mille of receipts returned to the supplier / credited for price
PURCHASE_RETURN_PER_MILLE = 20
PURCHASE_PRICE_CREDIT_PER_MILLE = 12
#: business days between a receipt and its supplier invoice: 1..MAX_INVOICE_LAG
MAX_INVOICE_LAG = 6
MAX_SALES_RETURN_LAG = 7
MAX_SALES_CREDIT_LAG = 8
MAX_PURCHASE_FOLLOW_UP_LAG = 5
#: how many business days back a day's follow-ups can originate
SALES_WINDOW = max(MAX_SALES_RETURN_LAG, MAX_SALES_CREDIT_LAG)
PURCHASE_WINDOW = MAX_INVOICE_LAG + MAX_PURCHASE_FOLLOW_UP_LAG


def business_days(year: int, month: int) -> tuple[dt.date, ...]:
    """Monday to Friday of the month."""
    last = calendar.monthrange(year, month)[1]
    days = (dt.date(year, month, day) for day in range(1, last + 1))
    return tuple(day for day in days if day.weekday() < 5)


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to integer ``weights`` (largest remainder, exact)."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    shares = [total * weight // whole for weight in weights]
    remainders = sorted(
        range(len(weights)), key=lambda index: (-(total * weights[index] % whole), index)
    )
    for index in remainders[: total - sum(shares)]:
        shares[index] += 1
    return shares


@dataclass(frozen=True, slots=True)
class SalesFollowUp:
    """A shipment (and its invoice) that comes back or gets a price credit."""

    #: position of the shipment on its day
    position: int
    is_return: bool
    #: business day of the return / credit memo
    day: int
    #: number index of the credit memo (and of the return receipt for returns)
    credit_index: int
    return_index: int


@dataclass(frozen=True, slots=True)
class PurchaseFollowUp:
    """A receipt partly returned to its supplier, or an invoice credited for price."""

    position: int
    is_return: bool
    #: business day of the supplier invoice being reversed
    invoice_day: int
    day: int
    credit_index: int
    return_index: int


class MonthPlan:
    """Per business day counts of every document type; O(business days) memory."""

    def __init__(self, key: int, year: int, month: int, documents: int) -> None:
        self.key = key
        self.days = business_days(year, month)
        self.last = len(self.days) - 1
        self.weights = self._day_weights()
        self.counts: dict[Primary, list[int]] = {}
        self._size(documents)
        self.starts = {kind: _starts(counts) for kind, counts in self.counts.items()}

    # -- sizing ---------------------------------------------------------------------------

    def _day_weights(self) -> list[int]:
        weights = []
        for index, day in enumerate(self.days):
            weight = 100 + {0: 10, 4: -12}.get(day.weekday(), 0)
            if index >= self.last - 1:
                weight += 25  # month-end push
            weight += mix(self.key, Stream.DAY_WEIGHT, index) % 21 - 10
            weights.append(weight)
        return weights

    def _size(self, documents: int) -> None:
        """Pick the primary volume whose documents fit ``documents``; adjustments fill up."""
        primaries = documents * 10 // 18
        total = self._plan_primaries(primaries)
        if total > 0:
            primaries = primaries * documents // total
            total = self._plan_primaries(primaries)
        while total > documents:
            primaries -= max(1, (total - documents) // 2)
            total = self._plan_primaries(max(primaries, 0))
        extra = apportion(documents - total, self.weights)
        adjustments = self.counts[Primary.ADJUSTMENT]
        for day, count in enumerate(extra):
            adjustments[day] += count

    def _plan_primaries(self, primaries: int) -> int:
        """Split ``primaries`` over the streams, then each stream over the days."""
        totals = apportion(primaries, [MIX[kind] for kind in Primary])
        self.counts = {
            kind: apportion(total, self.weights)
            for kind, total in zip(Primary, totals, strict=True)
        }
        self._plan_follow_ups()
        return sum(self.type_counts().values())

    def _plan_follow_ups(self) -> None:
        shipments = self.counts[Primary.SHIPMENT]
        receipts = self.counts[Primary.RECEIPT]
        eligible = [count if day < self.last else 0 for day, count in enumerate(shipments)]
        self.sales_returns = _per_mille(eligible, SALES_RETURN_PER_MILLE)
        price = _per_mille(eligible, SALES_PRICE_CREDIT_PER_MILLE)
        self.sales_price_credits = [
            min(count, shipments[day] - self.sales_returns[day]) for day, count in enumerate(price)
        ]
        eligible = [count if day < self.last - 1 else 0 for day, count in enumerate(receipts)]
        self.purchase_return_targets = _per_mille(eligible, PURCHASE_RETURN_PER_MILLE)
        self.purchase_price_targets = _per_mille(eligible, PURCHASE_PRICE_CREDIT_PER_MILLE)
        self.invoiced = [0] * len(self.days)
        self.purchase_returns = [0] * len(self.days)
        self.purchase_credits = [0] * len(self.days)
        short_returns = short_credits = 0
        for day in range(len(self.days)):
            for position in range(receipts[day]):
                if self.invoice_day(day, position) is not None:
                    self.invoiced[day] += 1
            # a day without a suitable receipt passes its share on to the next day
            if day < self.last - 1:
                self.purchase_return_targets[day] += short_returns
                self.purchase_price_targets[day] += short_credits
            for follow_up in self._purchase_follow_ups(day):
                self.purchase_credits[day] += 1
                self.purchase_returns[day] += follow_up.is_return
            returns = self.purchase_returns[day]
            short_returns = self.purchase_return_targets[day] - returns
            credits = self.purchase_credits[day] - returns
            short_credits = self.purchase_price_targets[day] - credits
        self.sales_return_starts = _starts(self.sales_returns)
        self.sales_credit_starts = _starts(
            [r + p for r, p in zip(self.sales_returns, self.sales_price_credits, strict=True)]
        )
        self.purchase_return_starts = _starts(self.purchase_returns)
        self.purchase_credit_starts = _starts(self.purchase_credits)

    # -- counts ---------------------------------------------------------------------------

    def type_counts(self) -> dict[DocumentType, int]:
        """How many documents of each type the month holds."""
        counts = {kind: sum(values) for kind, values in self.counts.items()}
        returns = sum(self.sales_returns)
        purchase_returns = sum(self.purchase_returns)
        return {
            DocumentType.PURCHASE_RECEIPT: counts[Primary.RECEIPT],
            DocumentType.PURCHASE_INVOICE: sum(self.invoiced),
            DocumentType.PURCHASE_RETURN: purchase_returns,
            DocumentType.PURCHASE_CREDIT_MEMO: sum(self.purchase_credits),
            DocumentType.SALES_SHIPMENT: counts[Primary.SHIPMENT],
            DocumentType.SALES_INVOICE: counts[Primary.SHIPMENT],
            DocumentType.SALES_RETURN_RECEIPT: returns,
            DocumentType.SALES_CREDIT_MEMO: returns + sum(self.sales_price_credits),
            DocumentType.STOCK_TRANSFER: counts[Primary.TRANSFER],
            DocumentType.MISC_STOCK_RECEIPT: counts[Primary.PRODUCTION_RECEIPT],
            DocumentType.MISC_STOCK_ISSUE: counts[Primary.MATERIAL_ISSUE],
            DocumentType.STOCK_ADJUSTMENT: counts[Primary.ADJUSTMENT],
        }

    def index(self, kind: Primary, day: int, position: int) -> int:
        """1-based number of a primary document within the month."""
        return self.starts[kind][day] + position + 1

    # -- schedules ------------------------------------------------------------------------

    def invoice_day(self, day: int, position: int) -> int | None:
        """Business day the supplier invoices receipt (day, position); ``None`` after the month."""
        lag = 1 + mix(self.key, Stream.INVOICE_LAG, day, position) % MAX_INVOICE_LAG
        return day + lag if day + lag <= self.last else None

    def sales_follow_ups(self, day: int) -> Iterator[SalesFollowUp]:
        """Shipments of ``day`` returned or credited later, in number order."""
        returns, credits = self.sales_returns[day], self.sales_price_credits[day]
        size = self.counts[Primary.SHIPMENT][day]
        for rank, position in enumerate(self._permutation(day, size, returns + credits)):
            is_return = rank < returns
            span = min(MAX_SALES_RETURN_LAG if is_return else MAX_SALES_CREDIT_LAG, self.last - day)
            lag = 1 + mix(self.key, Stream.FOLLOW_UP_LAG, day, position) % span
            yield SalesFollowUp(
                position=position,
                is_return=is_return,
                day=day + lag,
                credit_index=self.sales_credit_starts[day] + rank + 1,
                return_index=self.sales_return_starts[day] + rank + 1 if is_return else 0,
            )

    def purchase_follow_ups(self, day: int) -> Iterator[PurchaseFollowUp]:
        """Receipts of ``day`` returned, or whose invoices are credited, in number order."""
        for rank, follow_up in enumerate(self._purchase_follow_ups(day)):
            yield PurchaseFollowUp(
                position=follow_up.position,
                is_return=follow_up.is_return,
                invoice_day=follow_up.invoice_day,
                day=follow_up.day,
                credit_index=self.purchase_credit_starts[day] + rank + 1,
                return_index=(
                    self.purchase_return_starts[day] + follow_up.return_index
                    if follow_up.is_return
                    else 0
                ),
            )

    def _purchase_follow_ups(self, day: int) -> Iterator[PurchaseFollowUp]:
        want_returns = self.purchase_return_targets[day]
        want_credits = self.purchase_price_targets[day]
        size = self.counts[Primary.RECEIPT][day]
        scan = min(size, 8 * (want_returns + want_credits) + 8)
        returns = credits = 0
        for position in self._permutation(day, size, scan):
            if returns == want_returns and credits == want_credits:
                return
            invoiced = self.invoice_day(day, position)
            if invoiced is None or invoiced > self.last - 1:
                continue
            is_return = returns < want_returns
            span = min(MAX_PURCHASE_FOLLOW_UP_LAG, self.last - invoiced)
            lag = 1 + mix(self.key, Stream.FOLLOW_UP_LAG, day, position) % span
            yield PurchaseFollowUp(
                position=position,
                is_return=is_return,
                invoice_day=invoiced,
                day=invoiced + lag,
                credit_index=0,
                return_index=returns + 1 if is_return else 0,
            )
            if is_return:
                returns += 1
            else:
                credits += 1

    def _permutation(self, day: int, size: int, count: int) -> Iterator[int]:
        """The first ``count`` positions of a fixed shuffle of ``range(size)``."""
        if size <= 0:
            return
        seed = mix(self.key, Stream.PERMUTATION, day)
        offset, step = seed % size, 1 + (seed >> 20) % size
        while gcd(step, size) != 1:
            step += 1
        for rank in range(min(count, size)):
            yield (offset + rank * step) % size


def _starts(counts: Sequence[int]) -> list[int]:
    starts, running = [], 0
    for count in counts:
        starts.append(running)
        running += count
    return starts


def _per_mille(counts: Sequence[int], per_mille: int) -> list[int]:
    """``per_mille`` of each count, carrying fractions over so the month's total is right
    (the running total is rounded half up, so a small month gets its first one early)."""
    result, running, done = [], 0, 0
    for count in counts:
        running += count
        target = (running * per_mille + 500) // 1000
        share = min(target - done, count)
        result.append(share)
        done += share
    return result
