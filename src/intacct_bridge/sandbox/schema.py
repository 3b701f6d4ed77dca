"""Declarative description of Intacct objects: fields, keys, rules.

One :class:`ObjectType` per Intacct object (VENDOR, GLACCOUNT, …) drives every
generic function: input parsing and validation, output serialisation in the
right case and order, the readByQuery code ↔ display map, ``inspect`` and
``lookup``. Object modules in :mod:`intacct_bridge.sandbox.objects` declare them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from intacct_bridge.sandbox.context import Context
    from intacct_bridge.sandbox.errors import FunctionError
    from intacct_bridge.sandbox.store import Record

Kind = Literal["text", "integer", "decimal", "boolean", "date", "datetime", "enum"]

#: Display value -> database code for booleans (readByQuery uses the codes).
BOOLEAN_CODES = {"true": "T", "false": "F"}
STATUS_CHOICES = (("T", "active"), ("F", "inactive"))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of an object; ``path`` is dotted for nested groups."""

    path: str
    kind: Kind = "text"
    required: bool = False
    readonly: bool = False
    max_length: int | None = None
    #: (database code, display value) pairs for ``enum`` fields.
    choices: tuple[tuple[str, str], ...] = ()
    default: str | None = None
    #: Object type whose ID this field holds (reference check on write).
    ref: str | None = None
    #: Module that must be subscribed for the field to exist.
    module: str | None = None
    label: str = ""
    #: Only checked when the company is multi-entity.
    mega_required: bool = False
    #: A read-only value derived through a reference: (field holding the ID here,
    #: referenced object, field of that object — or RECORDNO), e.g. PARENTNAME =
    #: ("PARENTID", "VENDOR", "NAME").
    via: tuple[str, str, str] | None = None

    @property
    def display_label(self) -> str:
        return self.label or self.path.rsplit(".", 1)[-1].replace("_", " ").title()

    def code_of(self, display: str) -> str:
        """The readByQuery database code for a stored display value."""
        if self.kind == "boolean":
            return BOOLEAN_CODES.get(display, display)
        for code, shown in self.choices:
            if shown == display:
                return code
        return display


Validator = Callable[["Context", "ObjectType", "Record", "Record | None"], None]
#: Runs after a create (old ``None``) or an update has stored the record (e.g. posts it to
#: the general ledger); raising undoes the whole write.
AfterWrite = Callable[["Context", "ObjectType", "Record", "Record | None"], None]
#: Runs before a record is deleted (may refuse, or undo side effects such as GL postings).
BeforeDelete = Callable[["Context", "ObjectType", "Record"], None]


@dataclass(frozen=True, slots=True)
class LineCollection:
    """An owned list of lines, e.g. ``ENTRIES/GLENTRY``."""

    container: str
    item: str
    fields: tuple[FieldSpec, ...]
    min_items: int = 0
    #: Element names accepted on input for a field (``AMOUNT`` for ``TRX_AMOUNT``).
    aliases: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ObjectType:
    """Everything the sandbox knows about one Intacct object."""

    name: str
    label: str
    fields: tuple[FieldSpec, ...]
    #: The human key (VENDORID); ``None`` when the object has only RECORDNO.
    id_field: str | None = None
    #: The key readByName uses (defaults to ``id_field``).
    name_field: str | None = None
    #: Fields accepted as the key of an update besides RECORDNO.
    update_keys: tuple[str, ...] = ()
    generic_create: bool = True
    generic_update: bool = True
    generic_delete: bool = True
    #: Module the object belongs to (object is unknown when it is off).
    module: str | None = None
    plural: str = ""
    description: str = ""
    collections: tuple[LineCollection, ...] = ()
    validators: tuple[Validator, ...] = ()
    #: Fill defaults that depend on other values (e.g. CONTACTNAME from NAME).
    derive: Callable[[Context, Record], None] | None = None
    #: Runs on create after the required-field check and before the reference check
    #: (e.g. a vendor creates its display contact); undone if the create fails.
    before_insert: Callable[[Context, Record], None] | None = None
    #: Builds the error for a duplicate ID (default: BL34000061 "Another X …").
    duplicate_error: Callable[[str], FunctionError] | None = None
    #: Output element names in lower case (Platform custom objects such as UDDs).
    lowercase_fields: bool = False
    #: Path of the deep-link URL, e.g. ``/ia/acct/vendor.phtml``.
    url_path: str = ""
    #: See :data:`AfterWrite` and :data:`BeforeDelete`.
    after_write: AfterWrite | None = None
    before_delete: BeforeDelete | None = None
    #: The audit field stamped with the creation time. Documents (APBILL, ARINVOICE …) use
    #: ``WHENCREATED`` for their business date and keep the timestamp in ``AUWHENCREATED``.
    audit_created: str = "WHENCREATED"
    #: The legacy function that creates the object when the generic create is refused.
    legacy_create: str = ""
    _index: dict[str, FieldSpec] = field(default_factory=dict, repr=False, compare=False)
    #: Per-module-set views (visible fields, groups …), computed once; never copied by
    #: :func:`dataclasses.replace`.
    _views: dict[frozenset[str], FieldViews] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # ``replace(otype, fields=…)`` must not share the caches of the original.
        object.__setattr__(self, "_index", {spec.path: spec for spec in self.fields})
        object.__setattr__(self, "_views", {})

    @property
    def key_for_name(self) -> str | None:
        return self.name_field or self.id_field

    def field(self, path: str) -> FieldSpec | None:
        return self._index.get(path)

    def views(self, modules: set[str] | frozenset[str]) -> FieldViews:
        """The fields as a company with ``modules`` sees them (cached per module set)."""
        key = modules if isinstance(modules, frozenset) else frozenset(modules)
        found = self._views.get(key)
        if found is None:
            found = self._views[key] = FieldViews.build(self.fields, key)
        return found

    def visible_fields(self, modules: set[str] | frozenset[str]) -> tuple[FieldSpec, ...]:
        return self.views(modules).fields

    def output_name(self, path: str) -> str:
        """Element name of a field in replies (Platform objects use lower-case names)."""
        if self.lowercase_fields and path not in SYSTEM_PATHS:
            return path.lower()
        return path

    def collection(self, container: str) -> LineCollection | None:
        for collection in self.collections:
            if collection.container == container:
                return collection
        return None


@dataclass(frozen=True, slots=True)
class FieldViews:
    """Precomputed views of an object's fields for one set of subscribed modules."""

    #: Visible fields in schema order.
    fields: tuple[FieldSpec, ...]
    #: Visible fields by path.
    index: dict[str, FieldSpec]
    #: Every dotted group prefix of a visible field (``DISPLAYCONTACT``,
    #: ``DISPLAYCONTACT.MAILADDRESS``).
    groups: frozenset[str]
    #: Visible, writable fields that are required (``required``) or MEGA-required.
    required: tuple[FieldSpec, ...]
    mega_required: tuple[FieldSpec, ...]
    #: Visible fields with a default value.
    defaults: tuple[FieldSpec, ...]
    #: Visible fields that reference another object.
    references: tuple[FieldSpec, ...]

    @classmethod
    def build(cls, fields: tuple[FieldSpec, ...], modules: frozenset[str]) -> FieldViews:
        shown = tuple(f for f in fields if f.module is None or f.module in modules)
        groups: set[str] = set()
        for spec in shown:
            parts = spec.path.split(".")
            for depth in range(1, len(parts)):
                groups.add(".".join(parts[:depth]))
        return cls(
            fields=shown,
            index={f.path: f for f in shown},
            groups=frozenset(groups),
            required=tuple(f for f in shown if f.required and not f.readonly),
            mega_required=tuple(
                f for f in shown if f.mega_required and not f.required and not f.readonly
            ),
            defaults=tuple(f for f in shown if f.default is not None),
            references=tuple(f for f in shown if f.ref),
        )


#: Fields every object has, appended to each declared field list.
SYSTEM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("RECORDNO", "integer", readonly=True, label="Record number"),
    FieldSpec("WHENCREATED", "datetime", readonly=True, label="When created"),
    FieldSpec("WHENMODIFIED", "datetime", readonly=True, label="When modified"),
    FieldSpec("CREATEDBY", "integer", readonly=True, label="Created by"),
    FieldSpec("MODIFIEDBY", "integer", readonly=True, label="Modified by"),
    FieldSpec("MEGAENTITYKEY", "integer", readonly=True, label="Created at - Entity key"),
    FieldSpec("MEGAENTITYID", readonly=True, label="Created at - Entity ID"),
    FieldSpec("MEGAENTITYNAME", readonly=True, label="Created at - Entity name"),
    FieldSpec("RECORD_URL", readonly=True, label="Record URL"),
)


SYSTEM_PATHS: frozenset[str] = frozenset(f.path for f in SYSTEM_FIELDS)


def status_field(**kw: object) -> FieldSpec:
    return FieldSpec("STATUS", "enum", choices=STATUS_CHOICES, default="active", label="Status")


def object_type(name: str, label: str, fields: tuple[FieldSpec, ...], **kw: object) -> ObjectType:
    """Build an :class:`ObjectType` with the system fields added."""
    head = tuple(f for f in SYSTEM_FIELDS if f.path == "RECORDNO")
    tail = tuple(f for f in SYSTEM_FIELDS if f.path != "RECORDNO")
    return ObjectType(name, label, head + fields + tail, **kw)  # type: ignore[arg-type]
