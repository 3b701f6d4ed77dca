"""The catalogue of Intacct objects the sandbox knows.

:func:`resolve` gives the object type as one company sees it: objects of modules the
company does not subscribe to are unknown, the company's user-defined dimensions (UDDs)
appear as objects of their own and as ``REQUIREGLDIM<NAME>`` flags on GLACCOUNT, its
Platform custom objects (:mod:`.custom`) appear under their integration names, and the
custom fields of its imported customization packages (:mod:`..packages`) are fields of the
standard objects they name: writable, readable and queryable like any other.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from intacct_bridge.sandbox.objects import (
    apadvances,
    company,
    custom,
    items,
    journal,
    ledger,
    parties,
    payables,
    receivables,
)
from intacct_bridge.sandbox.objects.transactions import UDD_AWARE
from intacct_bridge.sandbox.schema import FieldSpec, Kind, ObjectType, object_type, status_field
from intacct_bridge.sandbox.tenancy import Company

if TYPE_CHECKING:
    from intacct_bridge.sandbox.packages import CustomField

registry: dict[str, ObjectType] = {
    otype.name: otype
    for module in (parties, company, items, ledger, journal, payables, apadvances, receivables)
    for otype in module.OBJECTS
}

#: Standard dimensions (objectName, label, module).
STANDARD_DIMENSIONS: tuple[tuple[str, str, str | None], ...] = (
    ("DEPARTMENT", "Department", None),
    ("LOCATION", "Location", None),
    ("PROJECT", "Project", "projects"),
    ("CUSTOMER", "Customer", None),
    ("VENDOR", "Vendor", None),
    ("EMPLOYEE", "Employee", None),
    ("ITEM", "Item", None),
    ("CLASS", "Class", None),
    ("WAREHOUSE", "Warehouse", None),
)

_cache: dict[tuple[str, tuple[str, ...]], ObjectType] = {}


def udd_type(name: str, label: str) -> ObjectType:
    """A user-defined dimension: a Platform custom object with lower-case fields."""
    return object_type(
        name,
        label,
        (
            FieldSpec("ID", required=True, max_length=40, label="ID"),
            FieldSpec("NAME", required=True, max_length=100, label="Name"),
            FieldSpec("DESCRIPTION", max_length=500),
            status_field(),
            # Platform objects' audit field; sageintacctsdk's DimensionValues selects it.
            FieldSpec("UPDATEDBY", "integer", readonly=True, label="Updated by"),
        ),
        id_field="ID",
        update_keys=("ID",),
        plural=f"{label}s",
        lowercase_fields=True,
        url_path="/ia/acct/cstm_object.phtml",
    )


def resolve(company: Company, name: str) -> ObjectType | None:
    """The object type called ``name`` (any case) as ``company`` sees it, or ``None``."""
    found = _resolve(company, name)
    if found is not None and company.platform.packages and found.name in registry:
        return _with_package_fields(company, found)
    return found


#: A package custom field's ``dataDescription`` kind -> the field kind it stores.
_CUSTOM_KINDS: dict[str, Kind] = {
    "checkbox": "boolean",
    "currency": "decimal",
    "number": "decimal",
    "percent": "decimal",
    "date": "date",
    "picklist": "enum",
}


def package_fields(company: Company, object_name: str) -> tuple[CustomField, ...]:
    """The custom fields the company's installed packages define on ``object_name``."""
    owner = object_name.lower()
    return tuple(
        field
        for package in company.platform.packages.values()
        for field in package.custom_fields
        if field.owner_object == owner
    )


def custom_field_spec(field: CustomField) -> FieldSpec:
    """The sandbox field for a package custom field (upper-case ``customFieldId``)."""
    kind = _CUSTOM_KINDS.get(field.data_kind, "text")
    if kind == "enum" and not field.values:
        kind = "text"
    return FieldSpec(
        field.custom_field_id.upper(),
        kind,
        required=field.required,
        max_length=field.length if kind == "text" else None,
        choices=tuple((value, value) for value in field.values) if kind == "enum" else (),
        default=field.default or None,
        label=field.label or field.custom_field_id,
    )


def _with_package_fields(company: Company, otype: ObjectType) -> ObjectType:
    """``otype`` with the custom fields of the company's packages (a custom field whose name
    a standard field already has is left out: the package import refuses it)."""
    found = package_fields(company, otype.name)
    if not found:
        return otype
    cache_key = (f"{otype.name}:{id(otype)}:{company.company_id}", tuple(map(repr, found)))
    cached = _cache.get(cache_key)
    if cached is None:
        extra = tuple(
            spec
            for spec in map(custom_field_spec, found)
            if otype.field(spec.path) is None and not otype.collection(spec.path)
        )
        cached = _cache[cache_key] = replace(otype, fields=otype.fields + extra, _index={})
    return cached


def _resolve(company: Company, name: str) -> ObjectType | None:
    key = name.strip().upper()
    udd = company.udds.get(key)
    if udd is not None:
        udd_key = (f"UDD:{key}", (udd,))
        cached_udd = _cache.get(udd_key)
        if cached_udd is None:
            cached_udd = _cache[udd_key] = udd_type(key, udd)
        return cached_udd
    definition = company.custom_objects.get(key)
    if definition is not None:
        return custom.object_type_for(definition)
    otype = registry.get(key)
    if otype is None:
        return None
    if otype.module is not None and otype.module not in company.modules:
        return None
    if key in UDD_AWARE and company.udds:
        return _with_udd_fields(company, otype)
    if key == "GLACCOUNT" and company.udds:
        cache_key = (company.company_id, tuple(sorted(company.udds)))
        cached = _cache.get(cache_key)
        if cached is None:
            extra = tuple(
                FieldSpec(
                    f"REQUIREGLDIM{udd_name}",
                    "boolean",
                    default="false",
                    label=f"Require {udd_label}",
                )
                for udd_name, udd_label in sorted(company.udds.items())
            )
            cached = _cache[cache_key] = replace(otype, fields=otype.fields + extra, _index={})
        return cached
    return otype


def _with_udd_fields(company: Company, otype: ObjectType) -> ObjectType:
    """A transaction object with ``GLDIM<UDD>`` fields on its lines (GLDETAIL: on itself)
    for the company's user-defined dimensions."""
    cache_key = (
        f"{otype.name}:{company.company_id}",
        tuple(f"{name}={label}" for name, label in sorted(company.udds.items())),
    )
    cached = _cache.get(cache_key)
    if cached is None:
        extra = tuple(
            FieldSpec(f"GLDIM{name}", readonly=not otype.collections, label=label)
            for name, label in sorted(company.udds.items())
        )
        if otype.collections:
            collections = tuple(
                replace(collection, fields=collection.fields + extra)
                for collection in otype.collections
            )
            cached = replace(otype, collections=collections, _index={})
        else:
            cached = replace(otype, fields=otype.fields + extra, _index={})
        _cache[cache_key] = cached
    return cached


def get(name: str) -> ObjectType | None:
    """The base (company-independent) object type."""
    return registry.get(name.upper())


def all_names(company: Company) -> list[str]:
    names = [n for n in registry if resolve(company, n) is not None]
    return sorted(names + list(company.udds) + list(company.custom_objects))


def name_in_use(company: Company, name: str) -> str | None:
    """What already answers to ``name`` in ``company`` (a standard object, a user-defined
    dimension or a custom object), or ``None``."""
    key = name.strip().upper()
    if key in registry:
        return f"the standard object {key}"
    if key in company.udds:
        return f"the user-defined dimension {key}"
    if key in company.custom_objects:
        return f"the custom object {key.lower()}"
    return None
