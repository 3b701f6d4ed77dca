"""The write path every record goes through: defaults and derived values, required
fields, duplicate IDs, validators, references, audit stamps, the object's hooks and its
Smart Events.

Shared by the generic ``create``/``update``, the legacy creates, the object catalogue's
own hooks (a vendor creates its display contact) and the admin API's seeding; it sits at
the foot of the catalogue layer, below the function handlers
(``tests/sandbox/test_layers.py``).
"""

from __future__ import annotations

from intacct_bridge.sandbox import errors, periods, smartevents
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.records import check_references, check_required
from intacct_bridge.sandbox.schema import ObjectType
from intacct_bridge.sandbox.store import Record
from intacct_bridge.sandbox.values import format_datetime


def _stamp(ctx: Context, otype: ObjectType, values: dict[str, str], *, created: bool) -> None:
    now = format_datetime(ctx.now)
    if created:
        values[otype.audit_created] = now
        values["CREATEDBY"] = ctx.user_recordno
    values["WHENMODIFIED"] = now
    values["MODIFIEDBY"] = ctx.user_recordno


def companion(otype: ObjectType, action: str) -> str:
    """Intacct's generic follow-up error: ``Could not create class record!``."""
    return f"Could not {action} {otype.name.lower()} record!"


def _duplicate_error(otype: ObjectType, id_value: str) -> errors.FunctionError:
    """A duplicate ID, exactly as the ClassObj fixture shows it: the specific error, then
    ``Could not create class record!`` and ``Could not create Class record!``."""
    if otype.duplicate_error is not None:
        return otype.duplicate_error(id_value)
    return errors.FunctionError(
        *errors.duplicate(otype.label, id_value).details,
        errors.ErrorDetail("BL01001973", "", companion(otype, "create"), ""),
        errors.ErrorDetail("BL01001973", "", f"Could not create {otype.label} record!", ""),
    )


def insert_record(
    ctx: Context,
    otype: ObjectType,
    values: dict[str, str],
    lines: dict[str, list[dict[str, str]]],
) -> Record:
    """Validate and store a new record; raises FunctionError and stores nothing on failure.

    The record belongs to the caller's entity (``ctx.location_id``) in an entity session.
    """
    data = ctx.company.data
    values.pop("RECORDNO", None)
    if otype.id_field and not values.get(otype.id_field):
        # Document sequencing: the company numbers this object's IDs.
        numbered = periods.next_id(data, ctx.company.books, otype.name)
        if numbered:
            values[otype.id_field] = numbered
    for spec in otype.views(ctx.modules).defaults:
        if not values.get(spec.path):
            values[spec.path] = spec.default  # type: ignore[assignment]
    record = Record(recordno=0, values=values, entity=ctx.location_id or None, lines=lines)
    if otype.derive is not None:
        otype.derive(ctx, record)
    check_required(ctx, otype, record)
    id_value = values.get(otype.id_field, "") if otype.id_field else ""
    if id_value and id_value in data.table(otype.name).by_id:
        raise _duplicate_error(otype, id_value)
    for validator in otype.validators:
        validator(ctx, otype, record, None)
    if otype.before_insert is not None:
        otype.before_insert(ctx, record)
    check_references(ctx, otype, record)
    _stamp(ctx, otype, values, created=True)
    record.recordno = data.allocate_recordno()
    data.insert(otype.name, record, id_value or None)
    if otype.after_write is not None:
        otype.after_write(ctx, otype, record, None)
    smartevents.fire(ctx, otype, "add", record)
    return record


def update_record(
    ctx: Context,
    otype: ObjectType,
    old: Record,
    changes: dict[str, str],
    lines: dict[str, list[dict[str, str]]],
) -> Record:
    """Apply a partial update: omitted fields keep their values, given collections are
    replaced. The ID field cannot change."""
    changes.pop("RECORDNO", None)
    if otype.id_field and changes.get(otype.id_field, old.values.get(otype.id_field)) != (
        old.values.get(otype.id_field)
    ):
        raise errors.business_error(
            f"{otype.id_field} of {otype.label} '{old.values.get(otype.id_field)}' cannot be "
            "changed.",
            f"Leave {otype.id_field} out of the update, or create a new record.",
        )
    values = dict(old.values)
    values.update(changes)
    new = Record(
        recordno=old.recordno,
        values=values,
        entity=old.entity,
        lines={**old.lines, **lines},
    )
    check_required(ctx, otype, new)
    for validator in otype.validators:
        validator(ctx, otype, new, old)
    check_references(ctx, otype, new)
    _stamp(ctx, otype, values, created=False)
    ctx.company.data.replace(otype.name, new, otype.id_field)
    if otype.after_write is not None:
        otype.after_write(ctx, otype, new, old)
    smartevents.fire(ctx, otype, "set", new)
    return new
