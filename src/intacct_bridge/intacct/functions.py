"""Builders for the Intacct functions the bridge sends.

Each returns a :class:`~intacct_bridge.intacct.envelope.Function`. Writes get a
*deterministic* control ID from :func:`write_controlid` — derived from what is written —
so that, sent with ``uniqueid=true``, a retried write can never create a second record.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from lxml import etree

from intacct_bridge.intacct.envelope import Function

Fields = Mapping[str, Any]


def write_controlid(*parts: object) -> str:
    """A stable control ID for a write: the same inputs always give the same ID.

    Pass the tenant, object, business key and version of what is written, e.g.
    ``write_controlid("acme", "VENDOR", "V100", 3)``.
    """
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return f"w-{digest[:40]}"


def read_controlid() -> str:
    return f"r-{uuid.uuid4().hex}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        raise TypeError("Money and quantities must be Decimal or str, never float.")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def fill(parent: etree._Element, fields: Fields) -> None:
    """Append ``fields`` to ``parent``: mappings nest, sequences repeat the element."""
    sub = etree.SubElement
    for name, value in fields.items():
        cls = value.__class__
        # exact classes first (most values are text, groups are dicts): a write builds
        # hundreds of elements per request, and the ABC checks below cost more than them
        if cls is str:
            element = sub(parent, name)
            if value:  # no text at all, as a parsed <NAME/> has (see Function.exact_copy)
                element.text = value
        elif cls is dict or isinstance(value, Mapping):
            fill(sub(parent, name), value)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, Mapping):
                    fill(sub(parent, name), item)
                else:
                    _set_text(sub(parent, name), _text(item))
        else:
            _set_text(sub(parent, name), _text(value))


def _set_text(element: etree._Element, text: str) -> None:
    if text:
        element.text = text


def _element(tag: str, **children: Any) -> etree._Element:
    element = etree.Element(tag)
    fill(element, {k: v for k, v in children.items() if v is not None})
    return element


def create(
    object_name: str,
    fields: Fields,
    *,
    controlid: str | None = None,
    key_field: str | None = None,
) -> Function:
    """Generic ``create`` of one object. ``key_field`` names its business key (VENDORID)."""
    body = etree.Element("create")
    fill(etree.SubElement(body, object_name), fields)
    key = None
    if key_field and fields.get(key_field):
        key = (object_name, key_field, _text(fields[key_field]))
    return Function(
        controlid or write_controlid(object_name, _canonical(fields)),
        body,
        writes=True,
        business_key=key,
        exact_copy=True,
    )


def update(object_name: str, fields: Fields, *, controlid: str | None = None) -> Function:
    body = etree.Element("update")
    fill(etree.SubElement(body, object_name), fields)
    return Function(
        controlid or write_controlid("update", object_name, _canonical(fields)),
        body,
        writes=True,
        exact_copy=True,
    )


def delete(
    object_name: str, keys: Iterable[str | int], *, controlid: str | None = None
) -> Function:
    key_text = ",".join(str(k) for k in keys)
    body = _element("delete", object=object_name, keys=key_text)
    return Function(
        controlid or write_controlid("delete", object_name, key_text), body, writes=True
    )


def legacy(
    function_name: str,
    fields: Fields,
    *,
    controlid: str | None = None,
    attributes: Mapping[str, str] | None = None,
) -> Function:
    """A legacy (2.1-style) write such as ``create_apterm`` or ``create_invoice``."""
    body = etree.Element(function_name)
    for name, value in (attributes or {}).items():
        body.set(name, value)
    fill(body, fields)
    return Function(
        controlid
        or write_controlid(function_name, _canonical(fields), _canonical(attributes or {})),
        body,
        writes=True,
    )


def read(object_name: str, keys: Sequence[str | int], fields: Sequence[str] = ("*",)) -> Function:
    body = _element(
        "read", object=object_name, keys=",".join(str(k) for k in keys), fields=",".join(fields)
    )
    return Function(read_controlid(), body)


def read_by_name(
    object_name: str, names: Sequence[str], fields: Sequence[str] = ("*",)
) -> Function:
    body = _element("readByName", object=object_name, keys=",".join(names), fields=",".join(fields))
    return Function(read_controlid(), body)


def read_by_query(
    object_name: str, query: str = "", fields: Sequence[str] = ("*",), pagesize: int = 1000
) -> Function:
    body = _element(
        "readByQuery", object=object_name, fields=",".join(fields), query=query, pagesize=pagesize
    )
    return Function(read_controlid(), body)


def read_more(result_id: str) -> Function:
    return Function(read_controlid(), _element("readMore", resultId=result_id))


def query(
    object_name: str,
    select: Sequence[str],
    *,
    filter: etree._Element | None = None,
    order_by: Sequence[tuple[str, bool]] = (),
    pagesize: int = 2000,
    offset: int = 0,
    case_insensitive: bool = False,
    show_private: bool = False,
) -> Function:
    """The ``query`` function; ``order_by`` is (field, descending) pairs."""
    body = etree.Element("query")
    etree.SubElement(body, "object").text = object_name
    select_el = etree.SubElement(body, "select")
    for name in select:
        etree.SubElement(select_el, "field").text = name
    if filter is not None:
        etree.SubElement(body, "filter").append(filter)
    if order_by:
        orderby = etree.SubElement(body, "orderby")
        for name, descending in order_by:
            order = etree.SubElement(orderby, "order")
            etree.SubElement(order, "field").text = name
            etree.SubElement(order, "descending" if descending else "ascending")
    if case_insensitive or show_private:
        options = etree.SubElement(body, "options")
        if case_insensitive:
            etree.SubElement(options, "caseinsensitive").text = "true"
        if show_private:
            etree.SubElement(options, "showprivate").text = "true"
    etree.SubElement(body, "pagesize").text = str(pagesize)
    etree.SubElement(body, "offset").text = str(offset)
    return Function(read_controlid(), body)


def condition(operator: str, field: str, *values: Any) -> etree._Element:
    """A query filter leaf: ``condition("equalto", "STATUS", "active")``."""
    element = etree.Element(operator)
    etree.SubElement(element, "field").text = field
    for value in values:
        etree.SubElement(element, "value").text = _text(value)
    return element


def all_of(*conditions: etree._Element) -> etree._Element:
    if len(conditions) == 1:
        return conditions[0]
    group = etree.Element("and")
    for item in conditions:
        group.append(item)
    return group


def any_of(*conditions: etree._Element) -> etree._Element:
    if len(conditions) == 1:
        return conditions[0]
    group = etree.Element("or")
    for item in conditions:
        group.append(item)
    return group


def get_api_session(location_id: str | None = None) -> Function:
    body = etree.Element("getAPISession")
    if location_id is not None:
        etree.SubElement(body, "locationid").text = location_id
    return Function(read_controlid(), body)


def inspect(object_name: str, *, detail: bool = False) -> Function:
    body = etree.Element("inspect", detail="1" if detail else "0")
    etree.SubElement(body, "object").text = object_name
    return Function(read_controlid(), body)


def lookup(object_name: str) -> Function:
    return Function(read_controlid(), _element("lookup", object=object_name))


def get_dimensions() -> Function:
    return Function(read_controlid(), etree.Element("getDimensions"))


def _canonical(value: Any) -> str:
    """A stable text form of nested fields, for control IDs."""
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{k}={_canonical(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    return _text(value)
