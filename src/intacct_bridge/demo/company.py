"""The demo company's Intacct side: its financial setup as Intacct records.

``intacct-bridge demo`` seeds the sandbox company **from the demo's own master data**, so
the chart of accounts, journals, payment terms and dimension values in Intacct are the ones
the demo documents use, and ``pull`` brings the same records back into the store::

    batches = intacct_rows(generator.master_data())
    sandbox.admin.seed_many("DEMO-MFG", batches)

Only the objects every sandbox company has are produced (GL accounts, GL journals, AP and AR
terms, departments, classes); tax solutions and user-defined dimensions are left to the
company's own setup. Rows are plain ``dict`` s in the sandbox admin API's field names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from intacct_bridge.model import Record
from intacct_bridge.model.analytics import Dimension, DimensionType
from intacct_bridge.model.finance import Account, Journal, PaymentTerm

Row = dict[str, Any]

#: account numbers whose first digit marks an income-statement account
_INCOME_DIGITS = frozenset("456789")
#: first digits of accounts with a normal credit balance (liabilities, equity, revenue)
_CREDIT_DIGITS = frozenset("234")
#: the demo's dimension types that every Intacct company has, and their ID field
_STANDARD_DIMENSIONS = {"DEPARTMENT": ("DEPARTMENTID", "TITLE"), "CLASS": ("CLASSID", "NAME")}


def _account(account: Account) -> Row:
    first = account.id[:1]
    income = first in _INCOME_DIGITS
    row: Row = {
        "ACCOUNTNO": account.id,
        "TITLE": account.name,
        "ACCOUNTTYPE": "incomestatement" if income else "balancesheet",
        "NORMALBALANCE": "credit" if first in _CREDIT_DIGITS else "debit",
        "STATUS": "active" if account.is_active else "inactive",
    }
    return row


def intacct_rows(records: Iterable[Record]) -> list[tuple[str, list[Row]]]:
    """The Intacct records of the demo's financial setup, in creation order."""
    accounts: list[Row] = []
    journals: list[Row] = []
    ap_terms: list[Row] = []
    ar_terms: list[Row] = []
    dimension_objects: dict[str, str] = {}
    dimensions: dict[str, list[Row]] = {name: [] for name in _STANDARD_DIMENSIONS}
    for record in records:
        if isinstance(record, Account):
            accounts.append(_account(record))
        elif isinstance(record, Journal):
            journals.append(
                {
                    "SYMBOL": record.id,
                    "TITLE": record.name,
                    "STATUS": "active" if record.is_active else "inactive",
                }
            )
        elif isinstance(record, PaymentTerm):
            term: Row = {
                "NAME": record.id,
                "DESCRIPTION": record.description or record.id,
                "DUEDATE": record.due_days,
                "DUEFROM": "from invoice/bill date",
                "STATUS": "active" if record.is_active else "inactive",
            }
            (ap_terms if record.ledger.value == "ap" else ar_terms).append(term)
        elif isinstance(record, DimensionType):
            dimension_objects[record.id] = (record.intacct_object or "").upper()
        elif isinstance(record, Dimension):
            target = dimension_objects.get(record.type_id, "")
            if target in _STANDARD_DIMENSIONS:
                id_field, name_field = _STANDARD_DIMENSIONS[target]
                dimensions[target].append({id_field: record.id, name_field: record.name})
    return [
        ("GLACCOUNT", accounts),
        ("GLJOURNAL", journals),
        ("APTERM", ap_terms),
        ("ARTERM", ar_terms),
        *((name, rows) for name, rows in dimensions.items()),
    ]


__all__ = ["intacct_rows"]
