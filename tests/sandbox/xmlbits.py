"""Test helpers: object XML for requests, and compact views of replies.

Requests are written by hand (as a third-party client would) so the tests exercise the
wire format; these helpers only save typing.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from lxml import etree

from intacct_bridge.sandbox import Sandbox
from intacct_bridge.sandbox.store import CompanyData

Fields = dict[str, "str | Fields"]


def obj(name: str, **fields: str | Fields) -> str:
    """``<NAME><F>v</F>…</NAME>``; a dict value becomes a nested group."""
    return f"<{name}>{_fields(fields)}</{name}>"


def _fields(fields: Fields) -> str:
    parts: list[str] = []
    for key, value in fields.items():
        inner = _fields(value) if isinstance(value, dict) else escape(value)
        parts.append(f"<{key}>{inner}</{key}>")
    return "".join(parts)


def create(*objects: str) -> str:
    return f"<create>{''.join(objects)}</create>"


def update(*objects: str) -> str:
    return f"<update>{''.join(objects)}</update>"


def delete(object_name: str, keys: str) -> str:
    return f"<delete><object>{object_name}</object><keys>{keys}</keys></delete>"


def read(object_name: str, keys: str, fields: str = "*") -> str:
    return (
        f"<read><object>{object_name}</object><keys>{keys}</keys><fields>{fields}</fields></read>"
    )


def read_by_name(object_name: str, keys: str, fields: str = "*") -> str:
    return (
        f"<readByName><object>{object_name}</object><keys>{keys}</keys>"
        f"<fields>{fields}</fields></readByName>"
    )


def read_by_query(
    object_name: str, query: str = "", *, fields: str = "*", pagesize: int | str | None = None
) -> str:
    size = f"<pagesize>{pagesize}</pagesize>" if pagesize is not None else ""
    return (
        f"<readByQuery><object>{object_name}</object><fields>{fields}</fields>"
        f"<query>{escape(query)}</query>{size}</readByQuery>"
    )


def query(
    object_name: str,
    *fields: str,
    filter: str = "",
    orderby: str = "",
    options: str = "",
    pagesize: int | str | None = None,
    offset: int | str | None = None,
) -> str:
    select = "".join(f"<field>{name}</field>" for name in fields)
    extra = ""
    if filter:
        extra += f"<filter>{filter}</filter>"
    if orderby:
        extra += f"<orderby>{orderby}</orderby>"
    if options:
        extra += f"<options>{options}</options>"
    if pagesize is not None:
        extra += f"<pagesize>{pagesize}</pagesize>"
    if offset is not None:
        extra += f"<offset>{offset}</offset>"
    return f"<query><object>{object_name}</object><select>{select}</select>{extra}</query>"


def vendor(vendor_id: str, name: str | None = None, **extra: str | Fields) -> str:
    """A minimal valid VENDOR (NAME and DISPLAYCONTACT/PRINTAS are required)."""
    display = extra.pop("DISPLAYCONTACT", {})
    assert isinstance(display, dict)
    contact: Fields = {"PRINTAS": name or vendor_id, **display}
    return obj(
        "VENDOR", VENDORID=vendor_id, NAME=name or vendor_id, DISPLAYCONTACT=contact, **extra
    )


def customer(customer_id: str, name: str | None = None, **extra: str | Fields) -> str:
    display = extra.pop("DISPLAYCONTACT", {})
    assert isinstance(display, dict)
    contact: Fields = {"PRINTAS": name or customer_id, **display}
    return obj(
        "CUSTOMER",
        CUSTOMERID=customer_id,
        NAME=name or customer_id,
        DISPLAYCONTACT=contact,
        **extra,
    )


def klass(class_id: str, name: str | None = None, **extra: str | Fields) -> str:
    return obj("CLASS", CLASSID=class_id, NAME=name or f"Class {class_id}", **extra)


def errors_of(block: etree._Element | None) -> list[tuple[str, str, str, str]]:
    if block is None:
        return []
    return [
        (
            e.findtext("errorno") or "",
            e.findtext("description") or "",
            e.findtext("description2") or "",
            e.findtext("correction") or "",
        )
        for e in block.findall("error")
    ]


def children(element: etree._Element) -> list[str]:
    """Tags of the element children, in order."""
    return [child.tag for child in element if isinstance(child.tag, str)]


def row(element: etree._Element) -> dict[str, str]:
    """Flat ``{tag: text}`` of an element's direct children (groups give ``""``)."""
    return {child.tag: (child.text or "") for child in element if isinstance(child.tag, str)}


def attrs(data: etree._Element) -> dict[str, str]:
    return dict(data.attrib)


def column(data: etree._Element, tag: str, field: str) -> list[str]:
    """The text of ``field`` in each ``tag`` row of a ``<data>`` element."""
    return [item.findtext(field) or "" for item in data.findall(tag)]


def company_data(sandbox: Sandbox, company_id: str = "DEMO-MFG") -> CompanyData:
    return sandbox.backend.companies[company_id].data


def count(sandbox: Sandbox, object_name: str, company_id: str = "DEMO-MFG") -> int:
    table = company_data(sandbox, company_id).tables.get(object_name)
    return len(table.records) if table is not None else 0
