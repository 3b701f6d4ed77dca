"""Object XML ↔ stored records: parsing, validation and serialisation."""

from __future__ import annotations

import json

from lxml import etree

from intacct_bridge.sandbox import errors
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.schema import FieldSpec, FieldViews, LineCollection, ObjectType
from intacct_bridge.sandbox.store import Record
from intacct_bridge.sandbox.values import ValueProblem, normalise

#: Fields accepted on input under another name (``AMOUNT`` for ``TRX_AMOUNT`` …).
ALIASES: dict[str, str] = {}
#: Hidden line key: the object's validator checked this line's references itself (a
#: statistical journal entry line names a STATACCOUNT, not a GLACCOUNT).
OWN_REFERENCES = "_OWNREFERENCES"


def _unknown_field(otype: ObjectType, path: str) -> errors.FunctionError:
    return errors.business_error(
        f"The field '{path}' does not exist on the {otype.name} object.",
        f"Remove {path} from the request, or check its spelling with inspect or lookup.",
    )


def _has_elements(element: etree._Element) -> bool:
    return len(element) > 0 and any(isinstance(item.tag, str) for item in element)


def _parse_fields(
    otype: ObjectType,
    views: FieldViews,
    element: etree._Element,
    prefix: str,
    values: dict[str, str],
    lines: dict[str, list[dict[str, str]]] | None,
    modules: set[str],
    aliases: dict[str, str] | None = None,
    skip: str = "",
) -> None:
    index, groups = views.index, views.groups
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        name = (tag.rsplit("}", 1)[-1] if tag[:1] == "{" else tag).upper()
        if name == skip:
            continue
        path = f"{prefix}{name}"
        if lines is not None and not prefix:
            collection = otype.collection(name)
            if collection is not None:
                lines[name] = _parse_lines(otype, collection, child, modules)
                continue
        if path in groups and path not in index:
            # A group (``<DISPLAYCONTACT>…``); an empty one (``<DISPLAYCONTACT/>``) is a no-op.
            if _has_elements(child):
                _parse_fields(otype, views, child, path + ".", values, None, modules)
            elif (child.text or "").strip():
                raise errors.business_error(
                    f"{path} is a group of fields and cannot hold a value.",
                    f"Put the fields of {path} inside it, e.g. <{name}><…>value</…></{name}>.",
                )
            continue
        if aliases is not None and path in aliases:
            path = aliases[path]
        spec = index.get(ALIASES.get(path, path))
        if spec is None and not _has_elements(child) and not (child.text or "").strip():
            # An empty element of a field whose module is off (fyle sends <projectid/> to
            # companies without Projects, and Intacct accepts it) is ignored.
            if otype.field(ALIASES.get(path, path)) is not None:
                continue
        if spec is None or _has_elements(child):
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


#: The pseudo object type of each line collection (by ``id``; the collection is kept alive
#: next to its type so the ``id`` cannot be reused), with its input aliases.
_LINE_TYPES: dict[int, tuple[LineCollection, ObjectType, dict[str, str]]] = {}


def _line_type(collection: LineCollection) -> tuple[ObjectType, dict[str, str]]:
    found = _LINE_TYPES.get(id(collection))
    if found is None:
        line_type = ObjectType(collection.item, collection.item.title(), collection.fields)
        found = _LINE_TYPES[id(collection)] = (collection, line_type, dict(collection.aliases))
    return found[1], found[2]


#: A line's repeatable ``TAXENTRIES/TAXENTRY`` group: its flat fields, and the hidden line
#: key holding every entry (JSON) — read by ``objects/tax.py``.
_TAX_PREFIX = "TAXENTRIES.TAXENTRY."
TAX_ENTRIES_KEY = "_TAXENTRIES"


def _tax_entries(
    line_type: ObjectType, views: FieldViews, element: etree._Element, values: dict[str, str]
) -> None:
    """``<TAXENTRIES>`` with one or more ``<TAXENTRY>``: every entry is kept (a second entry
    must not overwrite the first), the first also in the flat fields."""
    entries: list[dict[str, str]] = []
    for entry in element:
        if not isinstance(entry.tag, str):
            continue
        if etree.QName(entry).localname.upper() != "TAXENTRY":
            raise errors.business_error(
                f"Unexpected element '{entry.tag}' in TAXENTRIES; expected TAXENTRY.",
            )
        found: dict[str, str] = {}
        _parse_fields(line_type, views, entry, _TAX_PREFIX, found, None, set())
        entries.append({path[len(_TAX_PREFIX) :]: value for path, value in found.items()})
    if entries:
        values.update({_TAX_PREFIX + key: value for key, value in entries[0].items()})
        values[TAX_ENTRIES_KEY] = json.dumps(entries)


def _parse_lines(
    otype: ObjectType, collection: LineCollection, element: etree._Element, modules: set[str]
) -> list[dict[str, str]]:
    result: list[dict[str, str]] = []
    line_type, aliases = _line_type(collection)
    views = line_type.views(modules)
    taxed = _TAX_PREFIX + "DETAILID" in views.index
    for item in element:
        if not isinstance(item.tag, str):
            continue
        if etree.QName(item).localname.upper() != collection.item:
            raise errors.business_error(
                f"Unexpected element '{item.tag}' in {collection.container}; "
                f"expected {collection.item}.",
            )
        values: dict[str, str] = {}
        tax_groups = (
            [child for child in item if _is_named(child, "TAXENTRIES")]
            if taxed and _any_tax(item)
            else []
        )
        skip = "TAXENTRIES" if tax_groups else ""
        _parse_fields(line_type, views, item, "", values, None, modules, aliases, skip)
        if len(tax_groups) > 1:
            raise errors.business_error(
                f"One {collection.item} has {len(tax_groups)} TAXENTRIES elements; give one, "
                "with a TAXENTRY per tax detail.",
            )
        for group in tax_groups:
            _tax_entries(line_type, views, group, values)
        result.append(values)
    return result


def _any_tax(item: etree._Element) -> bool:
    """Whether a line element has a TAXENTRIES child in any letter case (cheap test)."""
    for child in item:
        tag = child.tag
        if isinstance(tag, str) and tag[-10:].upper() == "TAXENTRIES":
            return True
    return False


def _is_named(element: etree._Element, name: str) -> bool:
    return isinstance(element.tag, str) and etree.QName(element).localname.upper() == name


def parse_object(
    ctx: Context, otype: ObjectType, element: etree._Element
) -> tuple[dict[str, str], dict[str, list[dict[str, str]]]]:
    """Read an object element (``<VENDOR>…</VENDOR>``) into values and lines.

    Field names are matched case-insensitively; read-only fields are ignored (except
    ``RECORDNO``, the update key); an unknown field, or a field of a module the company
    does not subscribe to, is refused.
    """
    values: dict[str, str] = {}
    lines: dict[str, list[dict[str, str]]] = {}
    modules = ctx.modules
    _parse_fields(otype, otype.views(modules), element, "", values, lines, modules)
    return values, lines


def _missing(spec: FieldSpec) -> errors.FunctionError:
    return errors.business_error(
        f"Required field {spec.path} ({spec.display_label}) is missing.",
        f"Provide a value for {spec.path}.",
    )


def check_required(ctx: Context, otype: ObjectType, record: Record) -> None:
    """Refuse a record that lacks a required field (or a MEGA-required one)."""
    views = otype.views(ctx.modules)
    values = record.values
    for spec in views.required:
        if not values.get(spec.path):
            raise _missing(spec)
    if ctx.company.mega:
        for spec in views.mega_required:
            if not values.get(spec.path):
                raise _missing(spec)
    for collection in otype.collections:
        items = record.lines.get(collection.container, [])
        if len(items) < collection.min_items:
            raise errors.business_error(
                f"{otype.label} needs at least {collection.min_items} "
                f"{collection.item} line(s) in {collection.container}; got {len(items)}.",
            )
        needed = [
            spec
            for spec in collection.fields
            if spec.required or (spec.mega_required and ctx.company.mega)
        ]
        for number, line in enumerate(items, start=1):
            for spec in needed:
                if not line.get(spec.path):
                    raise errors.business_error(
                        f"Required field {spec.path} is missing on line {number} of "
                        f"{collection.container}.",
                        f"Provide {spec.path} on every {collection.item}.",
                    )


def invalid_reference(target: ObjectType, value: str) -> errors.FunctionError:
    """``Invalid Vendor 'V9' specified.`` (the pattern of Intacct's reference errors)."""
    return errors.business_error(
        f"Invalid {target.label} '{value}' specified.",
        f"Create the {target.label.lower()} '{value}' first, or use an existing {target.id_field}.",
    )


def check_references(ctx: Context, otype: ObjectType, record: Record) -> None:
    """Refuse references to records that do not exist (or that the caller cannot see).

    In an entity session a reference must name a top-level record or one of the same
    entity; another entity's records do not exist for it. A record cannot refer to itself
    (a class cannot be its own parent, an account cannot close into itself).
    """
    data = ctx.company.data
    location = ctx.location_id
    own_id = record.values.get(otype.id_field, "") if otype.id_field else ""

    def check(spec: FieldSpec, value: str) -> None:
        target = ctx.catalogue(spec.ref or "")
        if target is None:
            return
        table = data.table(target.name)
        number = table.by_id.get(value)
        found = table.records.get(number) if number is not None else None
        if found is None or (location and found.entity not in (None, location)):
            raise invalid_reference(target, value)
        if target.name == otype.name and found.recordno == record.recordno:
            raise errors.business_error(
                f"{otype.label} '{own_id}' cannot refer to itself in {spec.path}.",
                f"Choose another {target.label.lower()} for {spec.path}.",
            )

    values = record.values
    for spec in otype.views(ctx.modules).references:
        value = values.get(spec.path)
        if value:
            check(spec, value)
    for collection in otype.collections:
        refs = [spec for spec in collection.fields if spec.ref]
        for line in record.lines.get(collection.container, []):
            if line.get(OWN_REFERENCES):
                continue
            for spec in refs:
                value = line.get(spec.path, "")
                if value:
                    check(spec, value)


# --- output ----------------------------------------------------------------------------------


def derived_value(ctx: Context, record: Record, via: tuple[str, str, str]) -> str:
    """The value of a field derived through a reference (PARENTKEY, PARENTNAME …)."""
    source, object_name, target_field = via
    key = record.values.get(source, "")
    if not key:
        return ""
    table = ctx.company.data.tables.get(object_name)
    number = table.by_id.get(key) if table is not None else None
    if number is None:
        return ""
    if target_field == "RECORDNO":
        return str(number)
    return table.records[number].values.get(target_field, "") if table is not None else ""


def system_values(ctx: Context, otype: ObjectType, record: Record) -> dict[str, str]:
    """RECORDNO, the MEGA entity fields and derived fields for ``record``."""
    values = {"RECORDNO": str(record.recordno)}
    for spec in otype.fields:
        if spec.via is not None:
            values[spec.path] = derived_value(ctx, record, spec.via)
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

    ``wanted`` limits the fields (upper-case names). A group name (``DISPLAYCONTACT``)
    selects the whole group, nested as with ``*``; a dotted name asked for explicitly
    (``DISPLAYCONTACT.EMAIL1``) comes back as one flat element named with the full path,
    as the real gateway does. With ``dotted`` (the ``query`` function) every nested field
    is a flat dotted element.
    """
    element = etree.SubElement(parent, tag)
    extra = system_values(ctx, otype, record)
    values = record.values
    groups: dict[str, etree._Element] = {}
    name_of = otype.output_name
    for spec in otype.visible_fields(ctx.modules):
        path = spec.path
        flat = dotted or "." not in path
        if wanted is not None and path not in wanted:
            if path.split(".", 1)[0] not in wanted:
                continue
        elif wanted is not None:
            flat = True
        value = extra.get(path) or values.get(path, "")
        if flat:
            etree.SubElement(element, name_of(path)).text = value
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
            entries = line.get(TAX_ENTRIES_KEY, "")
            for spec in collection.fields:
                if entries and spec.path.startswith(_TAX_PREFIX):
                    continue
                if spec.path in line:
                    etree.SubElement(item, spec.path).text = line[spec.path]
            if entries:
                _write_tax_entries(item, entries)
    return element


def _write_tax_entries(item: etree._Element, entries: str) -> None:
    holder = etree.SubElement(item, "TAXENTRIES")
    for entry in json.loads(entries):
        element = etree.SubElement(holder, "TAXENTRY")
        for key, value in entry.items():
            etree.SubElement(element, key).text = value


def value_of(ctx: Context, otype: ObjectType, record: Record, path: str) -> str:
    """The display value of ``path`` on ``record`` (system fields included)."""
    if path == "RECORDNO":
        return str(record.recordno)
    if path.startswith("MEGAENTITY") or path == "RECORD_URL":
        return system_values(ctx, otype, record).get(path, "")
    spec = otype.field(path)
    if spec is not None and spec.via is not None:
        return derived_value(ctx, record, spec.via)
    return record.values.get(path, "")
