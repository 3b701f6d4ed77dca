"""Object XML ↔ stored records: parsing, validation and serialisation."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.schema import FieldSpec, LineCollection, ObjectType
from intacct_bridge.sandbox.store import Record
from intacct_bridge.sandbox.values import ValueProblem, normalise

#: Fields accepted on input under another name (``AMOUNT`` for ``TRX_AMOUNT`` …).
ALIASES: dict[str, str] = {}


def _known_group(otype: ObjectType, prefix: str, modules: set[str]) -> bool:
    start = prefix + "."
    return any(
        f.path.startswith(start) and (f.module is None or f.module in modules) for f in otype.fields
    )


def _unknown_field(otype: ObjectType, path: str) -> errors.FunctionError:
    return errors.business_error(
        f"The field '{path}' does not exist on the {otype.name} object.",
        f"Remove {path} from the request, or check its spelling with inspect or lookup.",
    )


def _parse_fields(
    otype: ObjectType,
    specs: Iterable[FieldSpec],
    element: etree._Element,
    modules: set[str],
    prefix: str,
    values: dict[str, str],
    lines: dict[str, list[dict[str, str]]] | None,
) -> None:
    index = {s.path: s for s in specs}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname.upper()
        path = f"{prefix}{name}"
        if lines is not None and not prefix:
            collection = otype.collection(name)
            if collection is not None:
                lines[name] = _parse_lines(otype, collection, child, modules)
                continue
        if len(child):
            if not _known_group(otype, path, modules) and path not in index:
                raise _unknown_field(otype, path)
            _parse_fields(otype, specs, child, modules, path + ".", values, None)
            continue
        spec = index.get(ALIASES.get(path, path))
        if spec is None or (spec.module is not None and spec.module not in modules):
            raise _unknown_field(otype, path)
        if spec.readonly:
            if spec.path == "RECORDNO":
                values["RECORDNO"] = (child.text or "").strip()
            continue
        try:
            values[spec.path] = normalise(spec, child.text or "")
        except ValueProblem as problem:
            raise errors.business_error(
                str(problem), f"Correct the value of {spec.path}."
            ) from None


def _parse_lines(
    otype: ObjectType, collection: LineCollection, element: etree._Element, modules: set[str]
) -> list[dict[str, str]]:
    result: list[dict[str, str]] = []
    line_type = ObjectType(collection.item, collection.item.title(), collection.fields)
    for item in element:
        if not isinstance(item.tag, str):
            continue
        if etree.QName(item).localname.upper() != collection.item:
            raise errors.business_error(
                f"Unexpected element '{item.tag}' in {collection.container}; "
                f"expected {collection.item}.",
            )
        values: dict[str, str] = {}
        _parse_fields(line_type, collection.fields, item, modules, "", values, None)
        result.append(values)
    return result


def parse_object(
    ctx: Context, otype: ObjectType, element: etree._Element
) -> tuple[dict[str, str], dict[str, list[dict[str, str]]]]:
    """Read an object element (``<VENDOR>…</VENDOR>``) into values and lines."""
    values: dict[str, str] = {}
    lines: dict[str, list[dict[str, str]]] = {}
    _parse_fields(otype, otype.fields, element, ctx.modules, "", values, lines)
    return values, lines


def check_required(ctx: Context, otype: ObjectType, record: Record) -> None:
    """Refuse a record that lacks a required field (or a MEGA-required one)."""
    for spec in otype.visible_fields(ctx.modules):
        needed = spec.required or (spec.mega_required and ctx.company.mega)
        if needed and not spec.readonly and not record.values.get(spec.path):
            raise errors.business_error(
                f"Required field {spec.path} ({spec.display_label}) is missing.",
                f"Provide a value for {spec.path}.",
            )
    for collection in otype.collections:
        items = record.lines.get(collection.container, [])
        if len(items) < collection.min_items:
            raise errors.business_error(
                f"{otype.label} needs at least {collection.min_items} "
                f"{collection.item} line(s) in {collection.container}; got {len(items)}.",
            )
        for number, line in enumerate(items, start=1):
            for spec in collection.fields:
                needed = spec.required or (spec.mega_required and ctx.company.mega)
                if needed and not line.get(spec.path):
                    raise errors.business_error(
                        f"Required field {spec.path} is missing on line {number} of "
                        f"{collection.container}.",
                        f"Provide {spec.path} on every {collection.item}.",
                    )


def check_references(ctx: Context, otype: ObjectType, record: Record) -> None:
    """Refuse references to records that do not exist."""
    from intacct_bridge.sandbox.objects import registry

    def check(spec: FieldSpec, value: str) -> None:
        if not spec.ref or not value:
            return
        target = registry.get(spec.ref)
        if target is None:
            return
        table = ctx.company.data.table(target.name)
        if value not in table.by_id:
            raise errors.business_error(
                f"Invalid {target.label} '{value}' specified.",
                f"Create the {target.label.lower()} '{value}' first, or use an existing "
                f"{target.id_field}.",
            )

    for spec in otype.fields:
        check(spec, record.values.get(spec.path, ""))
    for collection in otype.collections:
        for line in record.lines.get(collection.container, []):
            for spec in collection.fields:
                check(spec, line.get(spec.path, ""))


# --- output ----------------------------------------------------------------------------------


def system_values(ctx: Context, otype: ObjectType, record: Record) -> dict[str, str]:
    """RECORDNO and the MEGA entity fields for ``record``."""
    values = {"RECORDNO": str(record.recordno)}
    if record.entity:
        entity = ctx.company.data.table("LOCATIONENTITY")
        entity_no = entity.by_id.get(record.entity)
        values["MEGAENTITYKEY"] = str(entity_no or "")
        values["MEGAENTITYID"] = record.entity
        if entity_no is not None:
            values["MEGAENTITYNAME"] = entity.records[entity_no].values.get("NAME", "")
    if otype.url_path:
        values["RECORD_URL"] = (
            f"{ctx.backend.public_base}{otype.url_path}?.r={record.recordno}"
            f"&.company={ctx.company.company_id}"
        )
    return values


def write_record(
    parent: etree._Element,
    tag: str,
    otype: ObjectType,
    record: Record,
    ctx: Context,
    wanted: set[str] | None = None,
    *,
    dotted: bool = False,
) -> etree._Element:
    """Append ``<tag>`` with the record's fields, in schema order.

    ``wanted`` limits the fields (upper-case names; a group name selects the group).
    With ``dotted`` (the ``query`` function) nested fields are flat elements named
    with their full dotted path.
    """
    element = etree.SubElement(parent, tag)
    extra = system_values(ctx, otype, record)
    groups: dict[str, etree._Element] = {}
    for spec in otype.visible_fields(ctx.modules):
        path = spec.path
        if wanted is not None and path not in wanted and path.split(".", 1)[0] not in wanted:
            continue
        value = extra.get(path) or record.values.get(path, "")
        if dotted or "." not in path:
            etree.SubElement(element, path).text = value
            continue
        *group_parts, leaf = path.split(".")
        holder = element
        for depth in range(len(group_parts)):
            key = ".".join(group_parts[: depth + 1])
            found = groups.get(key)
            if found is None:
                found = groups[key] = etree.SubElement(holder, group_parts[depth])
            holder = found
        etree.SubElement(holder, leaf).text = value
    for collection in otype.collections:
        if wanted is not None and collection.container not in wanted:
            continue
        container = etree.SubElement(element, collection.container)
        for line in record.lines.get(collection.container, []):
            item = etree.SubElement(container, collection.item)
            for spec in collection.fields:
                if spec.path in line:
                    etree.SubElement(item, spec.path).text = line[spec.path]
    return element


def value_of(ctx: Context, otype: ObjectType, record: Record, path: str) -> str:
    """The display value of ``path`` on ``record`` (system fields included)."""
    if path == "RECORDNO":
        return str(record.recordno)
    if path.startswith("MEGAENTITY") or path == "RECORD_URL":
        return system_values(ctx, otype, record).get(path, "")
    return record.values.get(path, "")
