"""Generic 3.0 write and key-read functions: create, update, delete, read, readByName."""

from __future__ import annotations

from lxml import etree

from intacct_bridge.sandbox import errors, objects, periods, smartevents
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.functions import Outcome, register
from intacct_bridge.sandbox.functions.common import (
    child_text,
    data_element,
    field_list,
    object_of,
    split_keys,
    visible,
)
from intacct_bridge.sandbox.records import (
    check_references,
    check_required,
    parse_object,
    write_record,
)
from intacct_bridge.sandbox.schema import ObjectType
from intacct_bridge.sandbox.store import Record
from intacct_bridge.sandbox.values import format_datetime, whole_number

# --- the write path shared by create, legacy creates and admin seeding -----------------------


def _stamp(ctx: Context, otype: ObjectType, values: dict[str, str], *, created: bool) -> None:
    now = format_datetime(ctx.now)
    if created:
        values[otype.audit_created] = now
        values["CREATEDBY"] = ctx.user_recordno
    values["WHENMODIFIED"] = now
    values["MODIFIEDBY"] = ctx.user_recordno


def _companion(otype: ObjectType, action: str) -> str:
    """Intacct's generic follow-up error: ``Could not create class record!``."""
    return f"Could not {action} {otype.name.lower()} record!"


def _duplicate_error(otype: ObjectType, id_value: str) -> errors.FunctionError:
    """A duplicate ID, exactly as the ClassObj fixture shows it: the specific error, then
    ``Could not create class record!`` and ``Could not create Class record!``."""
    if otype.duplicate_error is not None:
        return otype.duplicate_error(id_value)
    return errors.FunctionError(
        *errors.duplicate(otype.label, id_value).details,
        errors.ErrorDetail("BL01001973", "", _companion(otype, "create"), ""),
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


def _key_response(parent: etree._Element, otype: ObjectType, record: Record) -> None:
    element = etree.SubElement(parent, otype.name.lower())
    etree.SubElement(element, "RECORDNO").text = str(record.recordno)
    if otype.id_field:
        etree.SubElement(element, otype.output_name(otype.id_field)).text = record.values.get(
            otype.id_field, ""
        )


def _objects_in(ctx: Context, element: etree._Element) -> list[tuple[ObjectType, etree._Element]]:
    found: list[tuple[ObjectType, etree._Element]] = []
    for item in element:
        if not isinstance(item.tag, str):
            continue
        name = etree.QName(item).localname
        otype = objects.resolve(ctx.company, name)
        if otype is None:
            raise errors.unknown_object(name.upper())
        found.append((otype, item))
    if not found:
        raise errors.schema_function_error(f"{element.tag} needs at least one object element.")
    return found


@register("create", writes=True, empty_data_on_failure=True)
def create(ctx: Context, element: etree._Element) -> Outcome:
    """Create every object in the function, or none (the function is atomic)."""
    made: list[tuple[ObjectType, Record]] = []
    for otype, item in _objects_in(ctx, element):
        if not otype.generic_create:
            raise errors.business_error(
                f"The {otype.name} object cannot be created with the generic create function.",
                _generic_hint(otype, "create"),
            )
        values, lines = parse_object(ctx, otype, item)
        try:
            made.append((otype, insert_record(ctx, otype, values, lines)))
        except errors.FunctionError as exc:
            if len(exc.details) == 1:
                raise errors.with_companion(exc, _companion(otype, "create")) from None
            raise
    data = data_element("objects", len(made))
    for otype, record in made:
        _key_response(data, otype, record)
    return Outcome(data=data)


def _generic_hint(otype: ObjectType, action: str) -> str:
    if otype.name in ("APTERM", "ARTERM"):
        return f"Use the legacy {action}_{otype.name.lower()} function."
    if otype.legacy_create and action == "create":
        return f"Use the legacy {otype.legacy_create} function."
    if otype.after_write is not None:  # a transaction (payments are not updated)
        return f"Delete the {otype.label.lower()} and create a new one."
    if otype.name == "GLDETAIL":
        return "GL detail is written by posting transactions; change the transaction instead."
    return f"{otype.label} records are maintained in the Intacct UI (or the sandbox admin API)."


def _no_such_record(otype: ObjectType, key: str, value: str) -> errors.FunctionError:
    # The PHP SDK fixture's text ("Cannot update non-existing CLASS with CLASSID=UT99.");
    # the old gateway put it in errorno, the sandbox uses BL01001973 (inferred).
    return errors.function_error(
        "BL01001973", f"Cannot update non-existing {otype.name} with {key}={value}."
    )


def find_for_update(ctx: Context, otype: ObjectType, values: dict[str, str]) -> Record:
    """The record an update names: by RECORDNO, else by one of ``otype.update_keys``."""
    table = ctx.company.data.table(otype.name)
    recordno = values.get("RECORDNO", "")
    if recordno:
        number = whole_number(recordno)
        record = table.records.get(number) if number is not None else None
        if record is None or not visible(ctx, record):
            raise _no_such_record(otype, "RECORDNO", recordno)
        return record
    for key in otype.update_keys:
        value = values.get(key, "")
        if value:
            number = table.by_id.get(value) if key == otype.id_field else None
            found = table.records.get(number) if number is not None else None
            if found is None or not visible(ctx, found):
                raise _no_such_record(otype, key, value)
            return found
    keys = " or ".join(("RECORDNO", *otype.update_keys))
    raise errors.business_error(
        f"An update of {otype.name} needs its key: {keys}.",
        f"Add {keys} to the {otype.name} element.",
    )


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


@register("update", writes=True, empty_data_on_failure=True)
def update(ctx: Context, element: etree._Element) -> Outcome:
    """Update every object in the function, or none."""
    done: list[tuple[ObjectType, Record]] = []
    for otype, item in _objects_in(ctx, element):
        if not otype.generic_update:
            raise errors.business_error(
                f"The {otype.name} object cannot be updated with the generic update function.",
                _generic_hint(otype, "update"),
            )
        values, lines = parse_object(ctx, otype, item)
        old = find_for_update(ctx, otype, values)
        try:
            done.append((otype, update_record(ctx, otype, old, values, lines)))
        except errors.FunctionError as exc:
            raise errors.with_companion(exc, _companion(otype, "update")) from None
    data = data_element("objects", len(done))
    for otype, record in done:
        _key_response(data, otype, record)
    return Outcome(data=data)


def _referrers(
    ctx: Context, otype: ObjectType, id_values: set[str], deleting: frozenset[int] = frozenset()
) -> dict[str, tuple[ObjectType, Record]]:
    """For each of ``id_values`` (IDs of ``otype``) one record that refers to it.

    Records of ``otype`` numbered in ``deleting`` (deleted in the same call) do not count.
    One pass over each table whose object has a field referring to ``otype`` (header
    fields and line fields), however many IDs are being deleted.
    """
    found: dict[str, tuple[ObjectType, Record]] = {}
    if not id_values:
        return found
    for name, table in ctx.company.data.tables.items():
        if not table.records:
            continue
        other = objects.resolve(ctx.company, name)
        if other is None:
            continue
        paths = [spec.path for spec in other.fields if spec.ref == otype.name]
        line_paths = [
            (collection.container, spec.path)
            for collection in other.collections
            for spec in collection.fields
            if spec.ref == otype.name
        ]
        if not paths and not line_paths:
            continue
        same = other.name == otype.name
        for record in table.records.values():
            if same and record.recordno in deleting:
                continue
            values = record.values
            hits = [values[path] for path in paths if values.get(path) in id_values]
            for container, path in line_paths:
                hits += [
                    line[path]
                    for line in record.lines.get(container, ())
                    if line.get(path) in id_values
                ]
            for hit in hits:
                found.setdefault(hit, (other, record))
    return found


def _describe(hit: tuple[ObjectType, Record]) -> str:
    other, record = hit
    key = record.values.get(other.id_field, "") if other.id_field else ""
    return f"{other.label} {key or record.recordno}"


def _in_use(otype: ObjectType, id_value: str, user: str) -> errors.FunctionError:
    return errors.FunctionError(
        errors.ErrorDetail(
            "BL01001973",
            "",
            f"{otype.label} '{id_value}' cannot be deleted because {user} refers to it.",
            "Remove the reference first, or make the record inactive instead.",
        ),
        errors.ErrorDetail("BL01001973", "", _companion(otype, "delete"), ""),
    )


def delete_records(ctx: Context, otype: ObjectType, records: list[Record]) -> None:
    """Delete ``records`` unless another record refers to one of them (then none)."""
    id_field = otype.id_field
    ids = {r.values.get(id_field, "") for r in records} - {""} if id_field else set()
    users = _referrers(ctx, otype, ids, frozenset(r.recordno for r in records))
    entities = ctx.company.data.tables.get("LOCATIONENTITY")
    if otype.name == "LOCATION" and entities is not None:
        # An entity of a MEGA company is also a location; that location stays.
        entity_type = objects.registry["LOCATIONENTITY"]
        for id_value in ids & entities.by_id.keys():
            users.setdefault(id_value, (entity_type, entities.records[entities.by_id[id_value]]))
    for record in records:
        id_value = record.values.get(id_field, "") if id_field else ""
        hit = users.get(id_value)
        if hit is not None:
            raise _in_use(otype, id_value, _describe(hit))
    for record in records:
        if otype.before_delete is not None:
            otype.before_delete(ctx, otype, record)
        ctx.company.data.remove(otype.name, record.recordno, id_field)
        smartevents.fire(ctx, otype, "delete", record)


def delete_record(ctx: Context, otype: ObjectType, record: Record) -> None:
    delete_records(ctx, otype, [record])


def cannot_find(otype: ObjectType, key: str) -> errors.FunctionError:
    """The ClassObj fixture's delete failure: one error, no correction."""
    return errors.function_error(
        "BL01001973", f"Cannot find {otype.label.lower()} with key '{key}' to delete."
    )


@register("delete", writes=True)
def delete(ctx: Context, element: etree._Element) -> Outcome:
    """Delete by RECORDNO (comma-separated keys); all or none."""
    otype = object_of(ctx, element)
    if not otype.generic_delete:
        raise errors.business_error(
            f"The {otype.name} object cannot be deleted through the API.",
            _generic_hint(otype, "delete"),
        )
    keys = split_keys(child_text(element, "keys"))
    if not keys:
        raise errors.schema_function_error("delete needs keys.")
    table = ctx.company.data.table(otype.name)
    records: dict[int, Record] = {}
    for key in keys:
        number = whole_number(key)
        record = table.records.get(number) if number is not None else None
        if record is None or not visible(ctx, record):
            raise cannot_find(otype, key)
        records[record.recordno] = record
    delete_records(ctx, otype, list(records.values()))
    return Outcome()


def _read_out(ctx: Context, otype: ObjectType, records: list[Record], fields_text: str) -> Outcome:
    wanted = field_list(fields_text)
    data = data_element(otype.name, len(records))
    for record in records:
        write_record(data, otype.name, otype, record, ctx, wanted)
    return Outcome(data=data)


@register("read")
def read(ctx: Context, element: etree._Element) -> Outcome:
    otype = object_of(ctx, element)
    table = ctx.company.data.table(otype.name)
    found: list[Record] = []
    for key in split_keys(child_text(element, "keys")):
        number = whole_number(key)
        record = table.records.get(number) if number is not None else None
        if record is not None and visible(ctx, record):
            found.append(record)
    return _read_out(ctx, otype, found, child_text(element, "fields"))


@register("readByName")
def read_by_name(ctx: Context, element: etree._Element) -> Outcome:
    otype = object_of(ctx, element)
    if otype.key_for_name is None:
        raise errors.business_error(f"{otype.name} has no name field; use read with RECORDNOs.")
    table = ctx.company.data.table(otype.name)
    found: list[Record] = []
    for key in split_keys(child_text(element, "keys")):
        number = table.by_id.get(key)
        record = table.records.get(number) if number is not None else None
        if record is not None and visible(ctx, record):
            found.append(record)
    return _read_out(ctx, otype, found, child_text(element, "fields"))
