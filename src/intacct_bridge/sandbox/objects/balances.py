"""Open balances of vendors and customers: ``VENDOR.TOTALDUE`` and ``CUSTOMER.TOTALDUE``.

What a vendor is owed (a customer owes) in base currency: the ``TOTALDUE`` of its posted
bills and AP adjustments (invoices and AR adjustments) — a credit memo's is negative —
less, for a customer, what is left to apply of its advances and unapplied payments
*(inferred)*. Drafts, and bills waiting for approval or declined, count for nothing.

The balance is kept up to date as documents, adjustments and payments are written: every
change of a document's ``TOTALDUE`` moves its party's balance by the difference
(:func:`moved`), through the company's journaled writes, so a failed function leaves the
balances as they were. Deleting a document takes its due amount back off.
"""

from __future__ import annotations

from decimal import Decimal

from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.ledger import ZERO, fmt
from intacct_bridge.sandbox.store import Record

#: States that owe nothing yet (a draft; a bill waiting for, or refused, approval).
WAITING = frozenset({"Draft", "Submitted", "Declined"})

#: Object -> (party object, party field, sign of its TOTALDUE in the party's balance).
PARTIES: dict[str, tuple[str, str, int]] = {
    "APBILL": ("VENDOR", "VENDORID", 1),
    "APADJUSTMENT": ("VENDOR", "VENDORID", 1),
    "ARINVOICE": ("CUSTOMER", "CUSTOMERID", 1),
    "ARADJUSTMENT": ("CUSTOMER", "CUSTOMERID", 1),
    "ARADVANCE": ("CUSTOMER", "CUSTOMERID", -1),
    "APADVANCE": ("VENDOR", "VENDORID", -1),
    "ARPYMT": ("CUSTOMER", "CUSTOMERID", -1),
}


def contribution(object_name: str, values: dict[str, str] | None) -> tuple[str, Decimal]:
    """``(party id, amount)`` a record adds to its party's balance."""
    found = PARTIES.get(object_name)
    if found is None or values is None or values.get("STATE") in WAITING:
        return "", ZERO
    _party, field, sign = found
    return values.get(field, ""), sign * Decimal(values.get("TOTALDUE") or "0")


def moved(
    ctx: Context,
    object_name: str,
    old: dict[str, str] | None,
    new: dict[str, str] | None,
) -> None:
    """A record of ``object_name`` changed from ``old`` to ``new`` values (``None``: it did
    not exist / no longer exists): move its party's (or parties') balance."""
    found = PARTIES.get(object_name)
    if found is None:
        return
    party_object = found[0]
    old_party, old_amount = contribution(object_name, old)
    new_party, new_amount = contribution(object_name, new)
    if old_party == new_party:
        _adjust(ctx, party_object, new_party, new_amount - old_amount)
        return
    _adjust(ctx, party_object, old_party, -old_amount)
    _adjust(ctx, party_object, new_party, new_amount)


def _adjust(ctx: Context, party_object: str, party_id: str, delta: Decimal) -> None:
    if not party_id or delta.is_zero():
        return
    data = ctx.company.data
    table = data.tables.get(party_object)
    number = table.by_id.get(party_id) if table is not None else None
    if table is None or number is None:
        return
    old = table.records[number]
    values = dict(old.values)
    values["TOTALDUE"] = fmt(Decimal(values.get("TOTALDUE") or "0") + delta)
    data.replace(party_object, Record(old.recordno, values, old.entity, old.lines), None)
