"""Reconciliation, the pure half: the balances the bridge expects, and their differences.

:func:`expected_balances` sums entries per (account, entity, chosen dimensions);
:func:`compare` lists every key where what Intacct's GL holds differs from what the bridge
expects. Reading Intacct's side (GLDETAIL grouped the same way) is the caller's business.
Balances are signed: debit positive, credit negative, in base currency.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from intacct_bridge.model.money import ZERO
from intacct_bridge.posting.entries import Entry

#: GLDETAIL's field for each line dimension field the engine writes
GLDETAIL_FIELDS: Mapping[str, str] = {"LOCATION": "LOCATIONID", "DEPARTMENT": "DEPARTMENTID"}


@dataclass(frozen=True, slots=True, order=True)
class BalanceKey:
    """Where a balance sits: account, entity and the chosen dimension values."""

    account_id: str
    entity_id: str | None
    #: (GLDETAIL field, value) pairs, sorted; only the dimensions reconciled on
    dimensions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Difference:
    """A balance that differs: expected by the bridge, found in Intacct."""

    key: BalanceKey
    expected: Decimal
    actual: Decimal

    @property
    def difference(self) -> Decimal:
        """Intacct's balance less the bridge's."""
        return self.actual - self.expected


def balance_key(
    account_id: str,
    entity_id: str | None,
    dimensions: Iterable[tuple[str, str]],
    by: Sequence[str],
) -> BalanceKey:
    """The key of a line: its dimensions kept only for the GLDETAIL fields in ``by``."""
    wanted = set(by)
    kept = tuple(
        sorted(
            (GLDETAIL_FIELDS.get(name, name), value)
            for name, value in dimensions
            if GLDETAIL_FIELDS.get(name, name) in wanted
        )
    )
    return BalanceKey(account_id, entity_id, kept)


def expected_balances(
    entries: Iterable[Entry], by: Sequence[str] = ()
) -> dict[BalanceKey, Decimal]:
    """Signed base-currency balances of ``entries`` per account, entity and ``by`` fields."""
    totals: dict[BalanceKey, Decimal] = {}
    for entry in entries:
        for line in entry.lines:
            key = balance_key(line.account_id, line.entity_id, line.dimensions, by)
            totals[key] = totals.get(key, ZERO) + line.signed_amount
    return totals


def compare(
    expected: Mapping[BalanceKey, Decimal], actual: Mapping[BalanceKey, Decimal]
) -> list[Difference]:
    """Every key whose balances differ (a missing side counts as zero), sorted by key."""
    out = []
    for key in sorted(set(expected) | set(actual)):
        want = expected.get(key, ZERO)
        have = actual.get(key, ZERO)
        if want != have:
            out.append(Difference(key, want, have))
    return out
