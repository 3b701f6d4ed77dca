"""Attributes and dimensions: the analytical slots on every document line.

Both are managed in Intacct and received from it. The ten attribute types are fixed. Values of
the site, customer, supplier and item attribute types are those records themselves; values of
the project, task and employee types are :class:`Attribute` records. Up to
:data:`MAX_DIMENSION_TYPES` user-defined dimension types each hold :class:`Dimension` values.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, cast

from intacct_bridge.model import checks
from intacct_bridge.model.errors import ModelError

#: at most this many dimension types; each occupies one slot 1..20
MAX_DIMENSION_TYPES = 20


class AttributeTypeKind(StrEnum):
    """The attribute types an integration with Intacct manages."""

    BUSINESS_SITE = "business_site"
    CUSTOMER = "customer"
    EMPLOYEE = "employee"
    FINANCIAL_SITE = "financial_site"
    ITEM = "item"
    MANUFACTURING_SITE = "manufacturing_site"
    PROJECT = "project"
    STOCK_SITE = "stock_site"
    SUPPLIER = "supplier"
    TASK = "task"


#: attribute types whose values are :class:`Attribute` records (the rest are other records)
FREE_ATTRIBUTE_TYPES = frozenset(
    {AttributeTypeKind.PROJECT, AttributeTypeKind.TASK, AttributeTypeKind.EMPLOYEE}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AttributeType:
    """One of the ten attribute types, with its Intacct dimension object and active switch."""

    KIND: ClassVar[str] = "attribute_type"

    #: which of the ten attribute types this is
    id: AttributeTypeKind
    name: str
    #: Intacct object the values map to (``PROJECT``, ``CUSTOMER`` …)
    intacct_object: str | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", checks.member("id", self.id, AttributeTypeKind))
        checks.text("name", self.name, max_length=100)
        checks.optional_identifier("intacct_object", self.intacct_object, max_length=40)
        checks.flag("is_active", self.is_active)


@dataclass(frozen=True, slots=True, kw_only=True)
class Attribute:
    """A project, task or employee attribute value received from Intacct."""

    KIND: ClassVar[str] = "attribute"

    type: AttributeTypeKind
    id: str
    name: str
    #: a task's project (required on tasks, refused elsewhere)
    restricted_to: str | None = None
    #: a project's site
    site_id: str | None = None
    #: a task's item
    item_id: str | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        kind = checks.member("type", self.type, AttributeTypeKind)
        object.__setattr__(self, "type", kind)
        if kind not in FREE_ATTRIBUTE_TYPES:
            raise ModelError(
                "type",
                f"{kind.value} values are the {kind.value.replace('_', ' ')} records themselves",
                "create attribute records only for project, task and employee",
            )
        checks.identifier("id", self.id, max_length=40)
        checks.text("name", self.name, max_length=100)
        checks.optional_identifier("restricted_to", self.restricted_to, max_length=40)
        checks.optional_identifier("site_id", self.site_id, max_length=20)
        checks.optional_identifier("item_id", self.item_id, max_length=30)
        checks.flag("is_active", self.is_active)
        is_task = kind is AttributeTypeKind.TASK
        if is_task and self.restricted_to is None:
            raise ModelError("restricted_to", "a task needs its project", "give the project ID")
        if not is_task and self.restricted_to is not None:
            raise ModelError("restricted_to", "only tasks are restricted to a project", "remove it")
        if not is_task and self.item_id is not None:
            raise ModelError("item_id", "only tasks are linked to an item", "remove it")
        if kind is not AttributeTypeKind.PROJECT and self.site_id is not None:
            raise ModelError("site_id", "only projects are linked to a site", "remove it")


@dataclass(frozen=True, slots=True, kw_only=True)
class DimensionType:
    """A user-defined dimension type (Department, Region …) in one of the 20 slots."""

    KIND: ClassVar[str] = "dimension_type"

    id: str
    name: str
    #: slot 1..20 (``dimension01`` … ``dimension20``)
    slot: int
    #: Intacct dimension object (``DEPARTMENT``, ``CLASS``, ``CHANNEL`` …)
    intacct_object: str | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("id", self.id, max_length=40)
        checks.text("name", self.name, max_length=100)
        checks.whole("slot", self.slot, minimum=1, maximum=MAX_DIMENSION_TYPES)
        checks.optional_identifier("intacct_object", self.intacct_object, max_length=40)
        checks.flag("is_active", self.is_active)


@dataclass(frozen=True, slots=True, kw_only=True)
class Dimension:
    """A value of a dimension type."""

    KIND: ClassVar[str] = "dimension"

    type_id: str
    id: str
    name: str
    is_active: bool = True

    def __post_init__(self) -> None:
        checks.identifier("type_id", self.type_id, max_length=40)
        checks.identifier("id", self.id, max_length=40)
        checks.text("name", self.name, max_length=100)
        checks.flag("is_active", self.is_active)


@dataclass(frozen=True, slots=True, kw_only=True)
class AttributeRef:
    """An attribute on a line: its type and the ID of its value."""

    #: in files, a list of these may be written as an object ``{"project": "P1"}``
    MAPPING_FORM: ClassVar[tuple[str, str]] = ("type", "id")

    type: AttributeTypeKind
    id: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", checks.member("type", self.type, AttributeTypeKind))
        checks.identifier("id", self.id, max_length=40)


@dataclass(frozen=True, slots=True, kw_only=True)
class DimensionRef:
    """A dimension on a line: the dimension type ID and the dimension ID."""

    MAPPING_FORM: ClassVar[tuple[str, str]] = ("type", "id")

    type: str
    id: str

    def __post_init__(self) -> None:
        checks.identifier("type", self.type, max_length=40)
        checks.identifier("id", self.id, max_length=40)


_BY_TYPE = operator.attrgetter("type")


def check_attributes(field: str, values: object) -> tuple[AttributeRef, ...]:
    """At most one value per attribute type; returned sorted by type."""
    refs = checks.as_tuple(field, values)
    if not refs:
        return ()
    for index, ref in enumerate(refs):
        if not isinstance(ref, AttributeRef):
            raise ModelError(f"{field}[{index}]", "must be an AttributeRef", "pass AttributeRef")
    typed = cast("tuple[AttributeRef, ...]", refs)
    checks.unique(field, [ref.type for ref in typed], what="attribute type")
    # a StrEnum member orders as its value
    return tuple(sorted(typed, key=_BY_TYPE))


def check_dimensions(field: str, values: object) -> tuple[DimensionRef, ...]:
    """At most one value per dimension type, at most 20 in all; returned sorted by type."""
    refs = checks.as_tuple(field, values)
    for index, ref in enumerate(refs):
        if not isinstance(ref, DimensionRef):
            raise ModelError(f"{field}[{index}]", "must be a DimensionRef", "pass DimensionRef")
    if not refs:
        return ()
    typed = cast("tuple[DimensionRef, ...]", refs)
    checks.unique(field, [ref.type for ref in typed], what="dimension type")
    if len(typed) > MAX_DIMENSION_TYPES:
        raise ModelError(
            field, f"has {len(typed)} dimensions", f"keep at most {MAX_DIMENSION_TYPES}"
        )
    return tuple(sorted(typed, key=_BY_TYPE))
