"""Legacy (2.1-style) functions for the master data of this release.

``create_apterm`` / ``create_arterm`` (the only way to create terms), ``create_contact`` /
``update_contact`` (pyintacct's 2.1 ``Contact`` model), and the ``delete_<object>``
functions keyed by ID attributes.
"""

from __future__ import annotations

import copy

from lxml import etree

from intacct_bridge.sandbox import errors, objects
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.functions import Outcome, register
from intacct_bridge.sandbox.functions.common import child, child_text, visible
from intacct_bridge.sandbox.functions.generic import (
    cannot_find,
    delete_record,
    find_for_update,
    insert_record,
    update_record,
)
from intacct_bridge.sandbox.records import parse_object
from intacct_bridge.sandbox.values import ValueProblem, normalise


def _create_term(object_name: str) -> None:
    def handler(ctx: Context, element: etree._Element) -> Outcome:
        otype = objects.resolve(ctx.company, object_name)
        assert otype is not None
        values: dict[str, str] = {
            "NAME": child_text(element, "name"),
            "DESCRIPTION": child_text(element, "description"),
            "STATUS": child_text(element, "status") or "active",
        }
        due = child(element, "due")
        if due is not None:
            values["DUEDATE"] = child_text(due, "dueday")
            values["DUEFROM"] = child_text(due, "duefrom")
        discount = child(element, "discount")
        if discount is not None:
            values["DISCDATE"] = child_text(discount, "discday")
            values["DISCFROM"] = child_text(discount, "discfrom")
            values["DISCAMOUNT"] = child_text(discount, "discamount")
            values["DISCPERCAMN"] = child_text(discount, "discpercamn")
            values["DISCFUDGEDAYS"] = child_text(discount, "discgracedays")  # the DTD name
        values["DISCCALCON"] = child_text(element, "disccalcon")
        penalty = child(element, "penalty")
        if penalty is not None:
            values["PEN_TYPES"] = child_text(penalty, "pen_type")
            values["PENAMOUNT"] = child_text(penalty, "penamount")
            values["PENPERCAMN"] = child_text(penalty, "penpercamn")
            values["PENFUDGEDAYS"] = child_text(penalty, "pengracedays")
        cleaned: dict[str, str] = {}
        for path, raw in values.items():
            spec = otype.field(path)
            if spec is None or not raw:
                continue
            try:
                cleaned[path] = normalise(spec, raw)
            except ValueProblem as problem:
                raise errors.business_error(str(problem)) from None
        try:
            record = insert_record(ctx, otype, cleaned, {})
        except errors.FunctionError as exc:
            if len(exc.details) > 1:
                raise
            raise errors.with_companion(
                exc, f"Could not create {otype.name.lower()} record!"
            ) from None
        return Outcome(key=record.values["NAME"])

    register(f"create_{object_name.lower()}", writes=True)(handler)


_create_term("APTERM")
_create_term("ARTERM")

#: 2.1 contact elements the sandbox accepts but does not store.
_CONTACT_IGNORED = frozenset({"externalid", "latitude", "longitude"})


def _contact_values(ctx: Context, element: etree._Element) -> dict[str, str]:
    """The CONTACT fields of a 2.1 ``create_contact`` / ``update_contact`` body.

    The 2.1 elements are the lower-case names of the generic CONTACT fields
    (``<mailaddress><city>`` = ``MAILADDRESS.CITY``), so the generic parser reads them.
    """
    otype = objects.resolve(ctx.company, "CONTACT")
    assert otype is not None
    body = copy.deepcopy(element)
    for item in list(body.iter()):
        if isinstance(item.tag, str) and etree.QName(item).localname.lower() in _CONTACT_IGNORED:
            parent = item.getparent()
            if parent is not None:
                parent.remove(item)
    values, _lines = parse_object(ctx, otype, body)
    return values


@register("create_contact", writes=True)
def create_contact(ctx: Context, element: etree._Element) -> Outcome:
    """2.1 ``create_contact``; returns ``<key>`` (the contact name).

    With ``ignoreduplicates="true"`` an existing contact of that name is left as it is
    and its key returned.
    """
    otype = objects.resolve(ctx.company, "CONTACT")
    assert otype is not None
    values = _contact_values(ctx, element)
    name = values.get("CONTACTNAME", "")
    table = ctx.company.data.table(otype.name)
    if element.get("ignoreduplicates", "false") == "true" and name in table.by_id:
        number = table.by_id[name]
        if visible(ctx, table.records[number]):
            return Outcome(key=name)
    try:
        record = insert_record(ctx, otype, values, {})
    except errors.FunctionError as exc:
        if len(exc.details) > 1:
            raise
        raise errors.with_companion(exc, "Could not create contact record!") from None
    return Outcome(key=record.values["CONTACTNAME"])


@register("update_contact", writes=True)
def update_contact(ctx: Context, element: etree._Element) -> Outcome:
    """2.1 ``update_contact contactname="…"``: a partial update; returns ``<key>``."""
    otype = objects.resolve(ctx.company, "CONTACT")
    assert otype is not None
    name = (element.get("contactname") or "").strip()
    values = _contact_values(ctx, element)
    values["CONTACTNAME"] = name
    old = find_for_update(ctx, otype, values)
    try:
        update_record(ctx, otype, old, values, {})
    except errors.FunctionError as exc:
        raise errors.with_companion(exc, "Could not update contact record!") from None
    return Outcome(key=name)


#: Legacy delete functions: function name -> (object, key attribute).
_DELETES = {
    "delete_vendor": ("VENDOR", "vendorid"),
    "delete_customer": ("CUSTOMER", "customerid"),
    "delete_item": ("ITEM", "itemid"),
    "delete_glaccount": ("GLACCOUNT", "glaccountno"),
    "delete_contact": ("CONTACT", "contactname"),
    "delete_department": ("DEPARTMENT", "departmentid"),
    "delete_location": ("LOCATION", "locationid"),
    "delete_class": ("CLASS", "key"),
    "delete_project": ("PROJECT", "key"),
    "delete_employee": ("EMPLOYEE", "employeeid"),
    "delete_warehouse": ("WAREHOUSE", "warehouseid"),
}


def _legacy_delete(function: str, object_name: str, attribute: str) -> None:
    def handler(ctx: Context, element: etree._Element) -> Outcome:
        otype = objects.resolve(ctx.company, object_name)
        if otype is None:
            raise errors.unknown_object(object_name)
        key = (element.get(attribute) or element.get("key") or "").strip()
        table = ctx.company.data.table(otype.name)
        number = table.by_id.get(key)
        record = table.records.get(number) if number is not None else None
        if record is None or not visible(ctx, record):
            raise cannot_find(otype, key)
        delete_record(ctx, otype, record)
        return Outcome(key=key)

    register(function, writes=True)(handler)


for _function, (_object, _attribute) in _DELETES.items():
    _legacy_delete(_function, _object, _attribute)
