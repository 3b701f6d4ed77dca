"""The mapping page (DMO "Sage Intacct Mapping"), as data.

Each synchronised object has a delivered :class:`ObjectMap`: the bridge object, the Intacct
object, the direction, Smart Event on/off, include private, and a grid of
:class:`FieldMap` rows (Intacct field ID, label, data type, required, read only, custom,
editable, bridge property, default property).

A tenant may change a map: the direction, Smart Event and include-private switches, the
bridge property of an *editable* row, or remove a row from the grid (the seed guide's
``RequiredProject`` fix). Only the changes are stored (``sync_map_override``); the delivered
maps live here, so a new version's delivered maps reach every tenant, and
:func:`reset_map` brings an object back to them.

Every function takes the session and tenant first, flushes and never commits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intacct_bridge.errors import BridgeError
from intacct_bridge.store.base import now
from intacct_bridge.store.repositories import require_tenant
from intacct_bridge.store.tables.sync import SyncMapOverrideRow


class MappingError(BridgeError):
    """A mapping change that cannot be made (the message names the object, field and fix)."""


class Direction(StrEnum):
    """Synchronization way."""

    BOTH = "Both"
    INBOUND = "Inbound"
    OUTBOUND = "Outbound"
    NOT_SENT = "Not sent"

    @classmethod
    def parse(cls, text: str) -> Direction:
        wanted = text.strip().lower().replace("-", " ").replace("_", " ")
        for member in cls:
            if member.value.lower() == wanted or member.name.lower().replace("_", " ") == wanted:
                return member
        choices = ", ".join(repr(member.value) for member in cls)
        raise MappingError(f"{text!r} is not a direction; use one of {choices}")

    @property
    def sends(self) -> bool:
        return self in (Direction.BOTH, Direction.OUTBOUND)

    @property
    def receives(self) -> bool:
        return self in (Direction.BOTH, Direction.INBOUND)


@dataclass(frozen=True, slots=True)
class FieldMap:
    """One row of the fields grid."""

    intacct_field: str
    label: str
    data_type: str = "text"
    required: bool = False
    read_only: bool = False
    custom: bool = False
    editable: bool = True
    #: the bridge property the field is filled from (outbound) or written to (inbound);
    #: ``None`` leaves the field out
    bridge_property: str | None = None
    #: the delivered bridge property (shown when the row was changed)
    default_property: str | None = None

    @property
    def changed(self) -> bool:
        return self.bridge_property != self.default_property


@dataclass(frozen=True, slots=True)
class ObjectMap:
    """One mapped object: the configuration block and the fields grid."""

    intacct_object: str
    #: the bridge record kind (``item``, ``customer`` …)
    bridge_object: str
    label: str
    direction: Direction
    #: the field that holds the record's ID in Intacct
    key_field: str
    fields: tuple[FieldMap, ...]
    smart_event: bool = False
    include_private: bool = False
    #: directions a tenant may choose for this object
    directions: tuple[Direction, ...] = (Direction.NOT_SENT,)
    #: whether the tenant changed anything
    customised: bool = False
    #: the rows removed from the grid by the tenant
    removed: tuple[str, ...] = ()

    def field(self, intacct_field: str) -> FieldMap | None:
        wanted = intacct_field.upper()
        return next((f for f in self.fields if f.intacct_field == wanted), None)

    @property
    def mapped(self) -> tuple[FieldMap, ...]:
        """The rows with a bridge property (what is sent or read)."""
        return tuple(f for f in self.fields if f.bridge_property is not None)


# --- the delivered maps ----------------------------------------------------------------------


def _f(
    field: str,
    label: str,
    prop: str | None,
    data_type: str = "text",
    *,
    required: bool = False,
    editable: bool = True,
    read_only: bool = False,
) -> FieldMap:
    return FieldMap(
        field,
        label,
        data_type,
        required=required,
        read_only=read_only,
        editable=editable,
        bridge_property=prop,
        default_property=prop,
    )


def _address(prefix: str, source: str) -> tuple[FieldMap, ...]:
    p = f"{prefix}MAILADDRESS."
    return (
        _f(f"{p}ADDRESS1", "Address line 1", f"{source}.line1"),
        _f(f"{p}ADDRESS2", "Address line 2", f"{source}.line2"),
        _f(f"{p}ADDRESS3", "Address line 3", f"{source}.line3"),
        _f(f"{p}CITY", "City", f"{source}.city"),
        _f(f"{p}STATE", "State", f"{source}.region"),
        _f(f"{p}ZIP", "Zip code", f"{source}.postal_code"),
        _f(f"{p}COUNTRYCODE", "Country code", f"{source}.country_code"),
    )


_OUT = (Direction.OUTBOUND, Direction.NOT_SENT)
_IN = (Direction.INBOUND, Direction.NOT_SENT)

_ITEM = ObjectMap(
    "ITEM",
    "item",
    "Item (non-inventory)",
    Direction.OUTBOUND,
    "ITEMID",
    (
        _f("ITEMID", "Item ID", "id", required=True, editable=False),
        _f("NAME", "Name", "name", required=True),
        _f("ITEMTYPE", "Item type", "item_type", "enum", required=True, editable=False),
        _f("STATUS", "Status", "status", "enum"),
        _f("EXTENDED_DESCRIPTION", "Extended description", "description"),
        _f("PODESCRIPTION", "Purchasing description", None),
        _f("SODESCRIPTION", "Sales description", None),
        _f("STANDARD_COST", "Standard cost", "standard_cost", "currency"),
        _f("BASEPRICE", "Base price", "base_price", "currency"),
        _f("UOMGRP", "Unit of measure", None),
        _f("GLGROUP", "GL group", None),
    ),
    directions=_OUT,
)

_CONTACT_FIELDS = (
    _f("CONTACTNAME", "Contact name", "name", required=True, editable=False),
    _f("PRINTAS", "Print as", "print_as", required=True),
    _f("COMPANYNAME", "Company name", "company_name"),
    _f("PREFIX", "Prefix", "prefix"),
    _f("FIRSTNAME", "First name", "first_name"),
    _f("LASTNAME", "Last name", "last_name"),
    _f("EMAIL1", "Primary email address", "email"),
    _f("PHONE1", "Primary phone", "phone"),
    *_address("", "address"),
    _f("STATUS", "Status", "status", "enum"),
)

_CONTACT = ObjectMap(
    "CONTACT",
    "contact",
    "Contact",
    Direction.OUTBOUND,
    "CONTACTNAME",
    _CONTACT_FIELDS,
    directions=_OUT,
)


def _party(
    intacct: str, bridge: str, label: str, id_field: str, roles: tuple[str, str, str, str]
) -> ObjectMap:
    main, second_field, second_role, second_prop = roles
    return ObjectMap(
        intacct,
        bridge,
        label,
        Direction.OUTBOUND,
        id_field,
        (
            _f(id_field, f"{label} ID", "id", required=True, editable=False),
            _f("NAME", f"{label} name", "name", required=True),
            _f("STATUS", "Status", "status", "enum"),
            _f("TERMNAME", "Term", "payment_term_id"),
            _f("CURRENCY", "Default currency", "currency"),
            _f("TAXID", "Tax ID", "tax_id"),
            _f("GLGROUP", "GL group", None),
            _f(
                "HIDEDISPLAYCONTACT",
                "Exclude from contact list",
                "hide_display_contact",
                "boolean",
                editable=False,
            ),
            _f(
                "DISPLAYCONTACT.CONTACTNAME",
                "Display contact",
                "display_contact_name",
                editable=False,
            ),
            _f("DISPLAYCONTACT.PRINTAS", "Print as", "name", required=True),
            _f("DISPLAYCONTACT.COMPANYNAME", "Company name", "name"),
            *_address("DISPLAYCONTACT.", main),
            _f("CONTACTINFO.CONTACTNAME", "Primary contact", "primary_contact"),
            _f(second_field, f"{second_role} contact", second_prop, editable=False),
        ),
        directions=_OUT,
    )


_CUSTOMER = _party(
    "CUSTOMER",
    "customer",
    "Customer",
    "CUSTOMERID",
    ("bill_to", "SHIPTO.CONTACTNAME", "Ship-to", "ship_to_contact"),
)
_VENDOR = _party(
    "VENDOR",
    "supplier",
    "Vendor",
    "VENDORID",
    ("pay_to", "RETURNTO.CONTACTNAME", "Return-to", "return_to_contact"),
)


def _inbound(
    intacct: str,
    bridge: str,
    label: str,
    key_field: str,
    rows: Iterable[FieldMap],
    *,
    smart_event: bool = True,
) -> ObjectMap:
    return ObjectMap(
        intacct,
        bridge,
        label,
        Direction.INBOUND,
        key_field,
        tuple(rows),
        smart_event=smart_event,
        directions=_IN,
    )


_STATUS = _f("STATUS", "Status", "is_active", "enum")


def _named(
    intacct: str,
    bridge: str,
    label: str,
    key_field: str,
    name_field: str,
    *others: FieldMap,
    smart_event: bool = True,
) -> ObjectMap:
    """An inbound map of an ID (``LABEL ID``), a required name (``TITLE`` or a name),
    ``others`` and the status."""
    return _inbound(
        intacct,
        bridge,
        label,
        key_field,
        (
            _f(key_field, f"{label} ID", "id", required=True, editable=False),
            _f(name_field, "Title" if name_field == "TITLE" else "Name", "name", required=True),
            *others,
            _STATUS,
        ),
        smart_event=smart_event,
    )


_REQUIRE = (
    ("REQUIREDEPT", "Department", "required_department"),
    ("REQUIRELOC", "Location", "required_location"),
    ("REQUIREPROJECT", "Project", "required_project"),
    ("REQUIRETASK", "Task", "required_task"),
    ("REQUIRECUSTOMER", "Customer", "required_customer"),
    ("REQUIREVENDOR", "Vendor", "required_supplier"),
    ("REQUIREEMPLOYEE", "Employee", "required_employee"),
    ("REQUIREITEM", "Item", "required_item"),
    ("REQUIRECLASS", "Class", "required_class"),
)


def _term(intacct: str, label: str) -> ObjectMap:
    return _inbound(
        intacct,
        "payment_term",
        label,
        "NAME",
        (
            _f("NAME", "Term", "id", required=True, editable=False),
            _f("DESCRIPTION", "Description", "description"),
            _f("DUEDATE", "Due days", "due_days", "integer"),
            _f("DISCDATE", "Discount days", "discount_days", "integer"),
            _f("DISCAMOUNT", "Discount amount", "discount_percent", "decimal"),
            _STATUS,
        ),
    )


_DELIVERED: tuple[ObjectMap, ...] = (
    _ITEM,
    _CUSTOMER,
    _VENDOR,
    _CONTACT,
    _inbound(
        "GLACCOUNT",
        "account",
        "GL account",
        "ACCOUNTNO",
        (
            _f("ACCOUNTNO", "Account number", "id", required=True, editable=False),
            _f("TITLE", "Title", "name", required=True),
            _STATUS,
            *(_f(flag, f"Require {label}", prop, "boolean") for flag, label, prop in _REQUIRE),
        ),
    ),
    _inbound(
        "GLJOURNAL",
        "journal",
        "Journal",
        "SYMBOL",
        (
            _f("SYMBOL", "Journal symbol", "id", required=True, editable=False),
            _f("TITLE", "Title", "name", required=True),
            _STATUS,
        ),
    ),
    _term("APTERM", "AP term"),
    _term("ARTERM", "AR term"),
    _inbound(
        "TAXDETAIL",
        "tax_detail",
        "Tax detail",
        "DETAILID",
        (
            _f("DETAILID", "Tax detail ID", "id", required=True, editable=False),
            _f("TAXTYPE", "Tax type", "tax_type", "enum", required=True),
            _f("VALUE", "Rate", "rate", "decimal"),
            _f("DESCRIPTION", "Description", "description"),
            _f("TAXSOLUTIONID", "Tax solution", "tax_solution_id"),
            _f("GLACCOUNT", "GL account", "account_id"),
            _f("REVERSECHARGE", "Reverse charge", "is_reverse_charge", "boolean"),
            _STATUS,
        ),
    ),
    _inbound(
        "TAXSOLUTION",
        "tax_solution",
        "Tax solution",
        "TAXSOLUTIONID",
        (
            _f("TAXSOLUTIONID", "Tax solution ID", "id", required=True, editable=False),
            _f("DESCRIPTION", "Description", "description"),
            _STATUS,
        ),
    ),
    _named(
        "LOCATIONENTITY",
        "entity",
        "Entity",
        "LOCATIONID",
        "NAME",
        _f("CURRENCY", "Base currency", "currency"),
        smart_event=False,
    ),
    _named(
        "LOCATION",
        "site",
        "Location",
        "LOCATIONID",
        "NAME",
        _f("PARENTID", "Parent", "parent_id"),
        smart_event=False,
    ),
    _named("DEPARTMENT", "dimension", "Department", "DEPARTMENTID", "TITLE"),
    _named("CLASS", "dimension", "Class", "CLASSID", "NAME"),
    _named(
        "PROJECT",
        "attribute",
        "Project",
        "PROJECTID",
        "NAME",
        _f("LOCATIONID", "Location", "site_id"),
    ),
    _named("EMPLOYEE", "attribute", "Employee", "EMPLOYEEID", "PERSONALINFO.CONTACTNAME"),
    _named(
        "TASK",
        "attribute",
        "Task",
        "TASKID",
        "NAME",
        _f("PROJECTID", "Project", "restricted_to"),
    ),
    _inbound(
        "CHECKINGACCOUNT",
        "bank_account",
        "Checking account",
        "BANKACCOUNTID",
        (
            _f("BANKACCOUNTID", "Bank account ID", "id", required=True, editable=False),
            _f("BANKNAME", "Bank name", "name"),
            _f("GLACCOUNTNO", "GL account", "account_id", required=True),
            _f("CURRENCY", "Currency", "currency"),
            _f("LOCATIONID", "Location", "financial_site_id"),
            _STATUS,
        ),
    ),
)

#: the delivered maps by Intacct object
DELIVERED: dict[str, ObjectMap] = {m.intacct_object: m for m in _DELIVERED}

#: the bridge properties an outbound map row may take, by bridge object
OUTBOUND_PROPERTIES: dict[str, tuple[str, ...]] = {
    "item": (
        "id",
        "name",
        "item_type",
        "status",
        "description",
        "stock_unit",
        "standard_cost",
        "base_price",
        "posting_class_id",
    ),
    "contact": (
        "name",
        "print_as",
        "prefix",
        "first_name",
        "last_name",
        "company_name",
        "email",
        "phone",
        "status",
        "address.line1",
        "address.line2",
        "address.line3",
        "address.city",
        "address.region",
        "address.postal_code",
        "address.country_code",
    ),
    "customer": (
        "id",
        "name",
        "status",
        "payment_term_id",
        "currency",
        "tax_id",
        "posting_class_id",
        "hide_display_contact",
        "display_contact_name",
        "primary_contact",
        "ship_to_contact",
        *(
            f"bill_to.{part}"
            for part in ("line1", "line2", "line3", "city", "region", "postal_code", "country_code")
        ),
    ),
    "supplier": (
        "id",
        "name",
        "status",
        "payment_term_id",
        "currency",
        "tax_id",
        "posting_class_id",
        "hide_display_contact",
        "display_contact_name",
        "primary_contact",
        "return_to_contact",
        *(
            f"pay_to.{part}"
            for part in ("line1", "line2", "line3", "city", "region", "postal_code", "country_code")
        ),
    ),
}

#: the outbound objects in the order they are sent (contacts first: the others refer to them)
OUTBOUND_ORDER = ("CONTACT", "ITEM", "CUSTOMER", "VENDOR")


def delivered(intacct_object: str) -> ObjectMap:
    """The delivered map of ``intacct_object``; raises :class:`MappingError` if unmapped."""
    found = DELIVERED.get(intacct_object.strip().upper())
    if found is None:
        known = ", ".join(sorted(DELIVERED))
        raise MappingError(f"{intacct_object!r} is not a mapped Intacct object; mapped: {known}")
    return found


# --- the tenant's maps -------------------------------------------------------------------------


def _override(session: Session, tenant_id: str, name: str) -> SyncMapOverrideRow | None:
    return session.get(SyncMapOverrideRow, (tenant_id, name))


def _apply(base: ObjectMap, settings: dict[str, Any]) -> ObjectMap:
    fields_changed: dict[str, str | None] = dict(settings.get("fields", {}))
    removed = tuple(settings.get("removed", ()))
    rows = []
    for row in base.fields:
        if row.intacct_field in removed:
            continue
        if row.intacct_field in fields_changed:
            row = dataclasses.replace(row, bridge_property=fields_changed[row.intacct_field])
        rows.append(row)
    return dataclasses.replace(
        base,
        direction=Direction(settings.get("direction", base.direction.value)),
        smart_event=bool(settings.get("smart_event", base.smart_event)),
        include_private=bool(settings.get("include_private", base.include_private)),
        fields=tuple(rows),
        customised=bool(settings),
        removed=removed,
    )


def get_map(session: Session, tenant_id: str, intacct_object: str) -> ObjectMap:
    """The tenant's map of ``intacct_object`` (delivered map plus the tenant's changes)."""
    require_tenant(session, tenant_id)
    base = delivered(intacct_object)
    row = _override(session, tenant_id, base.intacct_object)
    return base if row is None else _apply(base, dict(row.settings))


def list_maps(session: Session, tenant_id: str) -> list[ObjectMap]:
    """Every mapped object of the tenant, outbound first, then inbound."""
    require_tenant(session, tenant_id)
    rows = session.scalars(
        select(SyncMapOverrideRow).where(SyncMapOverrideRow.tenant_id == tenant_id)
    )
    overrides = {row.intacct_object: dict(row.settings) for row in rows}
    return [
        _apply(base, overrides[name]) if name in overrides else base
        for name, base in DELIVERED.items()
    ]


def _save(session: Session, tenant_id: str, name: str, settings: dict[str, Any]) -> None:
    row = _override(session, tenant_id, name)
    cleaned = {key: value for key, value in settings.items() if value not in ({}, [], None)}
    if not cleaned:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(
            SyncMapOverrideRow(
                tenant_id=tenant_id, intacct_object=name, settings=cleaned, updated_at=now()
            )
        )
    else:
        row.settings = cleaned
        row.updated_at = now()
    session.flush()


def _settings(session: Session, tenant_id: str, name: str) -> dict[str, Any]:
    row = _override(session, tenant_id, name)
    return {} if row is None else dict(row.settings)


def set_options(
    session: Session,
    tenant_id: str,
    intacct_object: str,
    *,
    direction: Direction | str | None = None,
    smart_event: bool | None = None,
    include_private: bool | None = None,
) -> ObjectMap:
    """Change the configuration block of a map; returns the new map."""
    require_tenant(session, tenant_id)
    base = delivered(intacct_object)
    settings = _settings(session, tenant_id, base.intacct_object)
    if direction is not None:
        chosen = direction if isinstance(direction, Direction) else Direction.parse(direction)
        if chosen not in base.directions:
            allowed = ", ".join(repr(d.value) for d in base.directions)
            raise MappingError(
                f"{base.intacct_object} cannot be synchronised {chosen.value!r}; choose {allowed}"
            )
        _put(settings, "direction", chosen.value, base.direction.value)
    if smart_event is not None:
        if smart_event and not base.direction.receives and not base.smart_event:
            raise MappingError(
                f"{base.intacct_object} is sent to Intacct, not received: a Smart Event "
                "would have nothing to notify"
            )
        _put(settings, "smart_event", smart_event, base.smart_event)
    if include_private is not None:
        _put(settings, "include_private", include_private, base.include_private)
    _save(session, tenant_id, base.intacct_object, settings)
    return get_map(session, tenant_id, base.intacct_object)


def _put(settings: dict[str, Any], name: str, value: Any, default: Any) -> None:
    if value == default:
        settings.pop(name, None)
    else:
        settings[name] = value


def set_field(
    session: Session,
    tenant_id: str,
    intacct_object: str,
    intacct_field: str,
    bridge_property: str | None,
) -> ObjectMap:
    """Fill an editable row from another bridge property (``None``: leave the field out)."""
    require_tenant(session, tenant_id)
    base = delivered(intacct_object)
    field = intacct_field.strip().upper()
    row = base.field(field)
    settings = _settings(session, tenant_id, base.intacct_object)
    if row is None:
        raise MappingError(
            f"{base.intacct_object} has no field {field!r} in its grid; see "
            f"intacct-bridge mapping show {base.intacct_object}"
        )
    if field in settings.get("removed", []):
        raise MappingError(
            f"{base.intacct_object}.{field} was removed from the grid; bring it back with "
            f"intacct-bridge mapping reset {base.intacct_object}"
        )
    if not row.editable:
        raise MappingError(
            f"{base.intacct_object}.{field} ({row.label}) is not editable: the bridge needs "
            "it as delivered"
        )
    if bridge_property is not None:
        allowed = OUTBOUND_PROPERTIES.get(base.bridge_object)
        if allowed is not None and bridge_property not in allowed:
            raise MappingError(
                f"{bridge_property!r} is not a property of the bridge's {base.bridge_object}; "
                f"choose one of {', '.join(allowed)}"
            )
        if allowed is None and bridge_property != row.default_property:
            raise MappingError(
                f"{base.intacct_object} is received from Intacct: its fields can be kept or "
                "removed, not filled from another property"
            )
    if bridge_property is None and row.required:
        raise MappingError(
            f"{base.intacct_object}.{field} ({row.label}) is required by Intacct and cannot "
            "be left out"
        )
    fields = dict(settings.get("fields", {}))
    if bridge_property == row.default_property:
        fields.pop(field, None)
    else:
        fields[field] = bridge_property
    settings["fields"] = fields
    _save(session, tenant_id, base.intacct_object, settings)
    return get_map(session, tenant_id, base.intacct_object)


def remove_field(
    session: Session, tenant_id: str, intacct_object: str, intacct_field: str
) -> ObjectMap:
    """Remove a row from the grid: the field is neither sent nor read any more.

    The seed guide's fix for a company without the Projects module:
    ``remove_field(session, tenant, "GLACCOUNT", "REQUIREPROJECT")``.
    """
    require_tenant(session, tenant_id)
    base = delivered(intacct_object)
    field = intacct_field.strip().upper()
    row = base.field(field)
    if row is None:
        raise MappingError(
            f"{base.intacct_object} has no field {field!r} in its grid; see "
            f"intacct-bridge mapping show {base.intacct_object}"
        )
    if row.required or field == base.key_field:
        raise MappingError(
            f"{base.intacct_object}.{field} ({row.label}) is required and cannot be removed"
        )
    settings = _settings(session, tenant_id, base.intacct_object)
    removed = list(settings.get("removed", []))
    if field not in removed:
        removed.append(field)
    settings["removed"] = sorted(removed)
    fields = dict(settings.get("fields", {}))
    fields.pop(field, None)
    settings["fields"] = fields
    _save(session, tenant_id, base.intacct_object, settings)
    return get_map(session, tenant_id, base.intacct_object)


def reset_map(session: Session, tenant_id: str, intacct_object: str) -> ObjectMap:
    """Discard the tenant's changes: the object's map is the delivered one again."""
    require_tenant(session, tenant_id)
    base = delivered(intacct_object)
    _save(session, tenant_id, base.intacct_object, {})
    return base


def map_for_kind(session: Session, tenant_id: str, bridge_object: str) -> ObjectMap:
    """The outbound map of a bridge record kind (``item`` → ITEM)."""
    for name in OUTBOUND_ORDER:
        if DELIVERED[name].bridge_object == bridge_object:
            return get_map(session, tenant_id, name)
    raise MappingError(f"the bridge's {bridge_object} records are not sent to Intacct")


__all__ = [
    "DELIVERED",
    "OUTBOUND_ORDER",
    "OUTBOUND_PROPERTIES",
    "Direction",
    "FieldMap",
    "MappingError",
    "ObjectMap",
    "delivered",
    "get_map",
    "list_maps",
    "map_for_kind",
    "remove_field",
    "reset_map",
    "set_field",
    "set_options",
]
