"""Tax on transaction lines: ``TAXENTRIES/TAXENTRY(DETAILID, TRX_TAX)``.

Two models, as in Intacct (reference §14.16, posting model §4.5):

* **VAT / GST** — tax details belong to a tax solution (``TAXDETAIL.TAXSOLUTIONID``); a
  document names its solution in ``TAXSOLUTIONID`` or takes the one of its details (all
  of one document's details must share it);
* **US sales tax** — tax details without a solution (``TAXSOLUTIONID`` empty): an 8 %
  detail posting to the sales-tax payable account.

Rules *(texts inferred)*: the detail exists and is active; bills and AP adjustments use
purchase (``P``) details, invoices and AR adjustments sales (``S``) ones, journal entries
the type their ``TAXIMPLICATIONS`` says (``Inbound`` = purchase, ``Outbound`` = sale);
``TRX_TAX`` defaults to the line amount x the detail's ``VALUE`` % (rounded to cents, half
away from zero) and, when given, must have the line's sign; at most two entries per line
(Intacct's ``taxentries`` schema).

Amounts: exclusive (default) — the line amount is net, the tax comes on top;
``INCLUSIVETAX`` — the line's ``TOTALTRXAMOUNT`` (else ``TRX_AMOUNT``) includes the tax,
which is taken out: net = gross - tax, tax = gross x rate / (100 + rate) when not given.
A **reverse-charge** detail (purchases only) adds no tax to what the vendor is owed: it
posts the tax both ways, a debit to the detail's account (input tax) and a credit to the
solution's sales account (``GLACCOUNTSALE``, output tax) *(inferred account roles)*.

The tax account is the detail's ``GLACCOUNT``, else the solution's ``GLACCOUNTPURCHASE`` /
``GLACCOUNTSALE``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.ledger import CENT, ZERO, fmt, money
from intacct_bridge.sandbox.objects.transactions import active_record
from intacct_bridge.sandbox.store import Record

#: Hidden line key: the tax entries as given, JSON ``[{"DETAILID": …, "TRX_TAX": …}]``.
ENTRIES = "_TAXENTRIES"
#: Hidden line key: the computed taxes, JSON (see :class:`Tax`).
COMPUTED = "_TAX"
#: The flat line fields of one entry (what a line without ``_TAXENTRIES`` carries).
PREFIX = "TAXENTRIES.TAXENTRY."
DETAIL_FIELD = PREFIX + "DETAILID"
TAX_FIELD = PREFIX + "TRX_TAX"
MAX_ENTRIES = 2
HUNDRED = Decimal(100)

TYPES = {"S": "Sale", "P": "Purchase"}


@dataclass
class Tax:
    """One computed tax of a line (transaction currency)."""

    detail: str
    trx: Decimal
    account: str
    #: Reverse charge: the output-tax account credited with the same amount.
    reverse: str = ""
    #: Base-currency amount (set by the caller once the rate is known).
    base: Decimal = ZERO

    def encode(self) -> dict[str, str]:
        return {
            "DETAILID": self.detail,
            "TRX_TAX": fmt(self.trx),
            "TAX": fmt(self.base),
            "ACCOUNT": self.account,
            "REVERSE": self.reverse,
        }

    @classmethod
    def decode(cls, row: dict[str, str]) -> Tax:
        return cls(
            row["DETAILID"],
            Decimal(row["TRX_TAX"]),
            row["ACCOUNT"],
            row.get("REVERSE", ""),
            Decimal(row.get("TAX") or "0"),
        )


def entries_of(line: dict[str, str]) -> list[dict[str, str]]:
    """The tax entries a line was given (parsed input or the flat single-entry fields)."""
    text = line.get(ENTRIES, "")
    if text:
        found = json.loads(text)
        return [dict(item) for item in found]
    if line.get(DETAIL_FIELD) or line.get(TAX_FIELD):
        return [{"DETAILID": line.get(DETAIL_FIELD, ""), "TRX_TAX": line.get(TAX_FIELD, "")}]
    return []


def store_entries(line: dict[str, str], entries: list[dict[str, str]]) -> None:
    """Keep ``entries`` on ``line`` (input side); the first also in the flat fields."""
    line.pop(DETAIL_FIELD, None)
    line.pop(TAX_FIELD, None)
    if not entries:
        line.pop(ENTRIES, None)
        return
    line[ENTRIES] = json.dumps(entries)
    line[DETAIL_FIELD] = entries[0].get("DETAILID", "")
    if entries[0].get("TRX_TAX"):
        line[TAX_FIELD] = entries[0]["TRX_TAX"]


def computed(line: dict[str, str]) -> list[Tax]:
    text = line.get(COMPUTED)
    return [Tax.decode(row) for row in json.loads(text)] if text else []


@dataclass
class TaxContext:
    """What the taxes of one document need: the tax type and the solution."""

    ctx: Context
    #: ``S`` or ``P``.
    tax_type: str
    what: str
    solution: str = ""
    #: The solution was named by the document (not taken from its details).
    named: bool = False

    def detail(self, detail_id: str, where: str) -> Record:
        if not detail_id:
            raise errors.business_error(
                f"Required field DETAILID is missing in a TAXENTRY on {where}.",
                "Name the tax detail of every tax entry.",
            )
        record = active_record(self.ctx, "TAXDETAIL", detail_id, "Tax detail")
        values = record.values
        wanted = TYPES[self.tax_type]
        if values.get("TAXTYPE") != wanted:
            raise errors.business_error(
                f"Tax detail '{detail_id}' on {where} is a {values.get('TAXTYPE', '').lower()} "
                f"tax detail; {self.what} take {wanted.lower()} ({self.tax_type}) tax details.",
                f"Use a {wanted.lower()} tax detail.",
            )
        own = values.get("TAXSOLUTIONID", "")
        if own:
            if not self.solution:
                self.solution = own
            elif own != self.solution:
                source = "the document's TAXSOLUTIONID" if self.named else "the other tax entries"
                raise errors.business_error(
                    f"Tax detail '{detail_id}' on {where} belongs to tax solution '{own}', not "
                    f"'{self.solution}' ({source}).",
                    "Use the tax details of one tax solution per document.",
                )
        elif self.named:
            raise errors.business_error(
                f"Tax detail '{detail_id}' on {where} belongs to no tax solution; the document "
                f"names tax solution '{self.solution}'.",
                "Use the tax details of the document's tax solution.",
            )
        return record

    def solution_record(self) -> Record | None:
        if not self.solution:
            return None
        return active_record(self.ctx, "TAXSOLUTION", self.solution, "Tax solution")

    def accounts(self, detail: Record, where: str) -> tuple[str, str]:
        """(tax account, reverse-charge output account or ``""``) of a detail."""
        values = detail.values
        solution = self.solution_record() if values.get("TAXSOLUTIONID") else None
        sol = solution.values if solution is not None else {}
        account = values.get("GLACCOUNT", "") or sol.get(
            "GLACCOUNTPURCHASE" if self.tax_type == "P" else "GLACCOUNTSALE", ""
        )
        detail_id = values.get("DETAILID", "")
        if not account:
            raise errors.business_error(
                f"Tax detail '{detail_id}' on {where} has no GL account, nor has its tax solution.",
                "Have an administrator give the tax detail a GLACCOUNT.",
            )
        reverse = ""
        if values.get("REVERSECHARGE") == "true":
            if self.tax_type != "P":
                raise errors.business_error(
                    f"Tax detail '{detail_id}' on {where} is a reverse-charge detail; reverse "
                    "charge applies to purchases only.",
                    "Use a sales tax detail without reverse charge.",
                )
            reverse = sol.get("GLACCOUNTSALE", "")
            if not reverse:
                raise errors.business_error(
                    f"Reverse-charge tax detail '{detail_id}' on {where} needs its tax "
                    "solution's sales GL account (GLACCOUNTSALE) for the output tax.",
                    "Have an administrator set GLACCOUNTSALE on the tax solution.",
                )
        return account, reverse


def _rate(detail: Record) -> Decimal:
    try:
        return Decimal(detail.values.get("VALUE") or "0")
    except ArithmeticError:  # pragma: no cover - stored values are normalised decimals
        return ZERO


def line_taxes(
    taxes: TaxContext,
    entries: list[dict[str, str]],
    amount: Decimal,
    *,
    inclusive: bool,
    where: str,
) -> tuple[Decimal, list[Tax]]:
    """``(net amount, taxes)`` of a line whose entered amount is ``amount`` (the gross when
    ``inclusive``), with room for any amount the values layer lets through."""
    with localcontext() as context:
        context.prec = 90
        return _line_taxes(taxes, entries, amount, inclusive=inclusive, where=where)


def _line_taxes(
    taxes: TaxContext,
    entries: list[dict[str, str]],
    amount: Decimal,
    *,
    inclusive: bool,
    where: str,
) -> tuple[Decimal, list[Tax]]:
    if len(entries) > MAX_ENTRIES:
        raise errors.business_error(
            f"{where} has {len(entries)} tax entries; a line takes at most {MAX_ENTRIES}.",
            "Split the line, or combine the tax details.",
        )
    resolved: list[tuple[Record, str, str, str]] = []
    for entry in entries:
        detail = taxes.detail(entry.get("DETAILID", ""), where)
        account, reverse = taxes.accounts(detail, where)
        resolved.append((detail, entry.get("TRX_TAX", ""), account, reverse))
    found: list[Tax] = []
    if inclusive:
        rate_in = sum((_rate(d) for d, _, _, rev in resolved if not rev), ZERO)
        base_net = amount * HUNDRED / (HUNDRED + rate_in) if rate_in > -HUNDRED else amount
    else:
        base_net = amount
    for detail, given, account, reverse in resolved:
        if given:
            tax = money(given)
            if not tax.is_zero() and (tax > 0) != (amount > 0):
                raise errors.business_error(
                    f"TRX_TAX {fmt(tax)} of tax detail '{detail.values.get('DETAILID')}' on "
                    f"{where} has the opposite sign of the line amount {fmt(amount)}.",
                    "Give the tax with the sign of its line.",
                )
        else:
            tax = (base_net * _rate(detail) / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
        found.append(Tax(detail.values.get("DETAILID", ""), tax, account, reverse))
    if inclusive:
        net = amount - sum((t.trx for t in found if not t.reverse), ZERO)
    else:
        net = amount
    return net, found


def owed(taxes: list[Tax], *, base: bool = False) -> Decimal:
    """The tax the vendor / customer owes or is owed (reverse charge excluded)."""
    if not taxes:
        return ZERO
    return sum(((t.base if base else t.trx) for t in taxes if not t.reverse), ZERO)


def encode(taxes: list[Tax]) -> str:
    return json.dumps([t.encode() for t in taxes])
