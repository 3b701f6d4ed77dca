"""Helpers shared by the function handlers."""

from __future__ import annotations

from lxml import etree

from intacct_bridge.sandbox import errors, objects
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.schema import ObjectType
from intacct_bridge.sandbox.store import Record
from intacct_bridge.xmlsafe import text_of


def child(element: etree._Element, name: str) -> etree._Element | None:
    """First child called ``name`` (case-insensitive)."""
    lowered = name.lower()
    for item in element:
        if isinstance(item.tag, str) and etree.QName(item).localname.lower() == lowered:
            return item
    return None


def child_text(element: etree._Element, name: str) -> str:
    return text_of(child(element, name))


def object_of(ctx: Context, element: etree._Element) -> ObjectType:
    """The object named by ``<object>`` (or refuse it as Intacct does)."""
    name = child_text(element, "object")
    if not name:
        raise errors.schema_function_error("The object element is required.")
    otype = objects.resolve(ctx.company, name)
    if otype is None:
        raise errors.unknown_object(name.upper())
    return otype


def visible(ctx: Context, record: Record) -> bool:
    """Entity sessions see their own entity's records and the shared top-level ones."""
    if not ctx.location_id:
        return True
    return record.entity in (None, ctx.location_id)


def listed(ctx: Context, record: Record, show_private: bool) -> bool:
    """Whether a record appears in a listing (``query``; ``readByQuery`` passes ``True``).

    An entity session lists its own entity's records and the shared top-level ones (as
    :func:`visible`). At the top level of a MEGA company, ``query`` lists records owned by
    an entity only with ``<options><showprivate>true</showprivate>`` (*inferred* from that
    option and legacy ``get_list showprivate="true"``). ``readByQuery`` has no such option
    in the schema and lists them at the top level, as do ``read`` / ``readByName``.
    """
    if ctx.location_id:
        return record.entity in (None, ctx.location_id)
    return show_private or record.entity is None


def split_keys(text: str) -> list[str]:
    return [key.strip() for key in text.split(",") if key.strip()]


def data_element(listtype: str, count: int, **attributes: str) -> etree._Element:
    data = etree.Element("data", listtype=listtype, count=str(count))
    for name, value in attributes.items():
        data.set(name, value)
    return data


def field_list(text: str) -> set[str] | None:
    """``*`` or empty = all fields; otherwise the upper-cased names."""
    names = {name.strip().upper() for name in text.split(",") if name.strip()}
    if not names or "*" in names:
        return None
    return names


def tag_for(otype: ObjectType, case: str) -> str:
    return otype.name.lower() if case == "lower" else otype.name
