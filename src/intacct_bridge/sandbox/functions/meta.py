"""Object metadata: inspect, lookup, getDimensions."""

from __future__ import annotations

from lxml import etree

from intacct_bridge.sandbox import errors, objects
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.functions import Outcome, register
from intacct_bridge.sandbox.functions.common import child_text, object_of
from intacct_bridge.sandbox.schema import FieldSpec, ObjectType

_DATA_NAMES = {
    "text": ("Pt_FieldString", "string", "TEXT"),
    "enum": ("Pt_FieldEnum", "string", "ENUM"),
    "boolean": ("Pt_FieldBoolean", "boolean", "BOOLEAN"),
    "integer": ("Pt_FieldInt", "integer", "INTEGER"),
    "decimal": ("Pt_FieldDecimal", "decimal", "DECIMAL"),
    "date": ("Pt_FieldDate", "date", "DATE"),
    "datetime": ("Pt_FieldDateTime", "dateTime", "TIMESTAMP"),
}


def _sub(parent: etree._Element, tag: str, text: str = "") -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = text
    return element


def _inspect_field(parent: etree._Element, spec: FieldSpec, number: int) -> None:
    data_name, external, _lookup = _DATA_NAMES[spec.kind]
    field = etree.SubElement(parent, "Field")
    _sub(field, "Name", spec.path)
    _sub(field, "GroupName", spec.path.rsplit(".", 1)[0] if "." in spec.path else "")
    _sub(field, "dataName", data_name)
    _sub(field, "externalDataName", external)
    _sub(field, "isRequired", "true" if spec.required else "false")
    _sub(field, "isReadOnly", "true" if spec.readonly else "false")
    _sub(field, "maxLength", str(spec.max_length or 0))
    _sub(field, "DisplayLabel", spec.display_label)
    _sub(field, "Description", spec.display_label)
    _sub(field, "id", str(999_500_000_000_000 + number))
    if spec.choices:
        valid = etree.SubElement(field, "validValues")
        for _code, shown in spec.choices:
            _sub(valid, "value", shown)


def _inspect_type(parent: etree._Element, otype: ObjectType, ctx: Context, detail: bool) -> None:
    element = etree.SubElement(parent, "Type", Name=otype.name)
    attributes = etree.SubElement(element, "Attributes")
    _sub(attributes, "SingularName", otype.label)
    _sub(attributes, "PluralName", otype.plural or f"{otype.label}s")
    _sub(attributes, "Description", otype.description)
    fields = etree.SubElement(element, "Fields")
    for number, spec in enumerate(otype.visible_fields(ctx.modules), start=1):
        if detail:
            _inspect_field(fields, spec, number)
        else:
            _sub(fields, "Field", spec.path)


@register("inspect")
def inspect(ctx: Context, element: etree._Element) -> Outcome:
    detail = element.get("detail", "0") == "1"
    name = child_text(element, "object") or child_text(element, "name")
    if not name:
        raise errors.schema_function_error("inspect needs <object> or <name>.")
    if name == "*":
        names = objects.all_names(ctx.company)
        data = etree.Element("data", listtype="All", count=str(len(names)))
        for object_name in names:
            otype = objects.resolve(ctx.company, object_name)
            assert otype is not None
            _sub(data, "type", otype.label).set("typename", otype.name)
        return Outcome(data=data)
    otype = objects.resolve(ctx.company, name)
    if otype is None:
        raise errors.unknown_object(name.upper())
    data = etree.Element("data", listtype="All", count="1")
    _inspect_type(data, otype, ctx, detail)
    return Outcome(data=data)


@register("lookup")
def lookup(ctx: Context, element: etree._Element) -> Outcome:
    otype = object_of(ctx, element)
    data = etree.Element("data", listtype="All", count="1")
    type_el = etree.SubElement(data, "Type", Name=otype.name, DocumentType="")
    fields = etree.SubElement(type_el, "Fields")
    relationships = etree.SubElement(type_el, "Relationships")
    custom = {
        found.custom_field_id.upper() for found in objects.package_fields(ctx.company, otype.name)
    }
    for spec in otype.visible_fields(ctx.modules):
        field = etree.SubElement(fields, "Field")
        _sub(field, "ID", spec.path)
        _sub(field, "LABEL", spec.display_label)
        _sub(field, "DESCRIPTION", spec.display_label)
        _sub(field, "REQUIRED", "true" if spec.required else "false")
        _sub(field, "READONLY", "true" if spec.readonly else "false")
        _sub(field, "DATATYPE", _DATA_NAMES[spec.kind][2])
        if spec.choices:
            valid = etree.SubElement(field, "VALIDVALUES")
            for _code, shown in spec.choices:
                _sub(valid, "VALIDVALUE", shown)
        _sub(field, "ISCUSTOM", "true" if spec.path in custom else "false")
        if spec.ref:
            target = objects.get(spec.ref)
            rel = etree.SubElement(relationships, "Relationship")
            path = spec.path.rsplit(".", 1)[0] if "." in spec.path else spec.path
            _sub(rel, "OBJECTPATH", path.removesuffix("ID") or path)
            _sub(rel, "OBJECTNAME", spec.ref)
            _sub(rel, "LABEL", target.label if target else spec.ref)
            _sub(rel, "RELATIONSHIPTYPE", "MANY2ONE")
            _sub(rel, "RELATEDBY", spec.path)
    return Outcome(data=data)


@register("getDimensions")
def get_dimensions(ctx: Context, element: etree._Element) -> Outcome:
    data = etree.Element("data")
    holder = etree.SubElement(data, "dimensions")
    rows: list[tuple[str, str, bool]] = [
        (name, label, False)
        for name, label, module in objects.STANDARD_DIMENSIONS
        if module is None or module in ctx.modules
    ]
    rows += [(name, label, True) for name, label in sorted(ctx.company.udds.items())]
    for name, label, user_defined in rows:
        dimension = etree.SubElement(holder, "dimension")
        _sub(dimension, "objectName", name)
        _sub(dimension, "objectLabel", label)
        _sub(dimension, "termLabel", label)
        _sub(dimension, "userDefinedDimension", "true" if user_defined else "false")
        _sub(dimension, "enabledInGL", "true")
    return Outcome(data=data)
