"""Approvals: journal entries and bills that wait for an approver.

Optional per company (``Admin.set_approvals``), as Intacct's *Enable journal entry
approval* (General Ledger) and *Enable bill approval* (Accounts Payable): a journal entry
saved as ``Posted`` and a bill saved with ``ACTION`` ``Submit`` are stored as
**Submitted** instead and post nothing — no GL lines, no open balance, cannot be paid —
until an administrator approves them (``Admin.approve``), which posts them on their own
dates (the period must still be open), or declines them (``Admin.decline``): **Declined**,
nothing posted; a declined entry saved again is submitted again. Editing a submitted entry
keeps it submitted; editing a posted one under approval submits it again and takes its GL
lines back off until it is approved *(inferred)*. One approval level; the sandbox has no
approver rules or *Partially Approved* steps.
"""

from __future__ import annotations

from intacct_bridge.sandbox import errors, periods
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.store import Record

SUBMITTED = "Submitted"
DECLINED = "Declined"
POSTED = "Posted"
#: States that post nothing and cannot be paid.
WAITING = frozenset({"Draft", SUBMITTED, DECLINED})
#: Objects that can require approval, with the module whose period their date must be in.
APPROVABLE = {"GLBATCH": "gl", "APBILL": "ap"}


def required(ctx: Context, object_name: str) -> bool:
    return object_name in ctx.company.books.approvals


def _submitted(ctx: Context, object_name: str, recordno: int) -> Record:
    table = ctx.company.data.tables.get(object_name)
    record = table.records.get(recordno) if table is not None else None
    if record is None:
        raise errors.business_error(
            f"There is no {object_name} with RECORDNO {recordno}.",
            "Give the RECORDNO of a submitted entry.",
        )
    state = record.values.get("STATE", "")
    if state != SUBMITTED:
        raise errors.business_error(
            f"{object_name} {recordno} is {state}; only Submitted entries can be approved or "
            "declined.",
        )
    return record


def decide(ctx: Context, object_name: str, recordno: int, *, approve: bool) -> Record:
    """Approve (post) or decline a submitted entry; returns the stored record."""
    otype = ctx.catalogue(object_name)
    if otype is None or object_name not in APPROVABLE:
        raise errors.business_error(f"{object_name} entries do not go through approval.")
    old = _submitted(ctx, object_name, recordno)
    values = dict(old.values)
    values["STATE"] = POSTED if approve else DECLINED
    new = Record(old.recordno, values, old.entity, {k: list(v) for k, v in old.lines.items()})
    if approve:
        day = values.get("BATCH_DATE") or values.get("WHENPOSTED") or ""
        periods.check_open(ctx, day, APPROVABLE[object_name])
    ctx.company.data.replace(object_name, new, otype.id_field)
    if otype.after_write is not None:
        otype.after_write(ctx, otype, new, old)
    return new
