"""Legacy (2.1-style) functions for the master data of this release.

``create_apterm`` / ``create_arterm`` (the only way to create terms), and the
``delete_<object>`` functions keyed by ID attributes.
"""

from __future__ import annotations

from lxml import etree

from intacct_bridge.sandbox import errors, objects
from intacct_bridge.sandbox.context import Context
from intacct_bridge.sandbox.functions import Outcome, register
from intacct_bridge.sandbox.functions.common import child, child_text
from intacct_bridge.sandbox.functions.generic import delete_record, insert_record
from intacct_bridge.sandbox.values import ValueProblem


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
            values["DISCFUDGEDAYS"] = child_text(discount, "discfudgedays")
        values["DISCCALCON"] = child_text(element, "disccalcon")
        penalty = child(element, "penalty")
        if penalty is not None:
            values["PEN_TYPES"] = child_text(penalty, "pen_type")
            values["PENAMOUNT"] = child_text(penalty, "penamount")
            values["PENPERCAMN"] = child_text(penalty, "penpercamn")
            values["PENFUDGEDAYS"] = child_text(penalty, "pengracedays")
        cleaned: dict[str, str] = {}
        from intacct_bridge.sandbox.values import normalise

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
            raise errors.with_companion(exc, f"Could not create {otype.label} record!") from None
        return Outcome(key=record.values["NAME"])

    register(f"create_{object_name.lower()}", writes=True)(handler)


_create_term("APTERM")
_create_term("ARTERM")

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
        if record is None:
            raise errors.with_companion(
                errors.not_found(otype.label, key, "delete"),
                f"Could not delete {otype.label} record!",
            )
        delete_record(ctx, otype, record)
        return Outcome(key=key)

    register(function, writes=True)(handler)


for _function, (_object, _attribute) in _DELETES.items():
    _legacy_delete(_function, _object, _attribute)
