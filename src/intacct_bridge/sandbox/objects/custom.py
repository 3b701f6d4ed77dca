"""Platform custom objects: what a company's administrator defines in Platform Services.

A custom object (an integration's audit trail, a mapping table …) has an *integration
name* (``sage_dmo_audit_trail``), a label, and fields of a handful of types. Through the
3.0 API it behaves as Intacct's Platform objects do:

* field names are lower case in replies (``<name>``, ``<tenant>``); requests may use any
  case;
* ``RECORDNO`` and ``id`` both hold the record number — ``id`` is the Platform key:
  ``read`` and ``delete`` take it in ``<keys>``, and ``update`` finds the record by
  ``<id>`` (or ``RECORDNO``);
* ``name`` is the record's name field: required, and the key of ``readByName``. The
  sandbox keeps it unique within the object so that ``readByName`` has one answer, and
  therefore an update cannot change it *(sandbox rule: Intacct requires neither)*;
* user fields are ``text`` (with a length), ``number`` (whole), ``decimal``, ``date``,
  ``boolean`` (a checkbox, default false) and ``picklist`` (one of fixed values), each
  optionally required; values are checked on every create and update.

Definitions are plain frozen values (:class:`CustomObject`, :class:`CustomField`) kept on
the company (``Company.custom_objects``) and saved in the state file;
:func:`object_type_for` turns one into the :class:`ObjectType` every generic function
uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, get_args

from intacct_bridge.sandbox.schema import (
    SYSTEM_FIELDS,
    SYSTEM_PATHS,
    FieldSpec,
    FieldViews,
    Kind,
    ObjectType,
)

if TYPE_CHECKING:
    from intacct_bridge.sandbox.context import Context
    from intacct_bridge.sandbox.store import Record

FieldType = Literal["text", "number", "decimal", "date", "boolean", "picklist"]
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)

#: Field names every custom object has (system fields) — a user field cannot take them.
RESERVED_FIELDS = frozenset(SYSTEM_PATHS | {"ID", "NAME"})
MAX_NAME = 60
MAX_FIELD_NAME = 40
MAX_FIELDS = 100
MAX_LABEL = 100
DEFAULT_TEXT_LENGTH = 100
MAX_TEXT_LENGTH = 4000
MAX_PICKLIST_VALUES = 200
NAME_LENGTH = 100

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_KINDS: dict[str, Kind] = {
    "text": "text",
    "number": "integer",
    "decimal": "decimal",
    "date": "date",
    "boolean": "boolean",
    "picklist": "enum",
}


class CustomObjectError(ValueError):
    """A custom object definition that cannot be used; the message says why and how."""


@dataclass(frozen=True, slots=True)
class CustomField:
    """One user field of a custom object (``name`` is stored upper case)."""

    name: str
    type: FieldType = "text"
    label: str = ""
    #: Maximum length of a ``text`` field (``None`` for the other types).
    length: int | None = None
    required: bool = False
    #: The values of a ``picklist`` field, in order.
    values: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name.lower(),
            "type": self.type,
            "label": self.label,
            "length": self.length,
            "required": self.required,
            "values": list(self.values),
        }


@dataclass(frozen=True, slots=True)
class CustomObject:
    """A custom object definition (``name`` is the upper-case integration name)."""

    name: str
    label: str
    fields: tuple[CustomField, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name.lower(),
            "label": self.label,
            "fields": [field.as_dict() for field in self.fields],
        }


# --- building definitions (validation) -------------------------------------------------------


def object_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an integration name, or ``None``."""
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name.strip()):
        return (
            f"'{name}' is not a valid integration name; use a letter followed by letters, "
            "digits and underscores (e.g. sage_dmo_audit_trail)."
        )
    if len(name.strip()) > MAX_NAME:
        return f"The integration name '{name}' is longer than {MAX_NAME} characters."
    return None


def _text(value: Any, what: str, *, maximum: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise CustomObjectError(f"{what} must be text; got {value!r}.")
    text = value.strip()
    if required and not text:
        raise CustomObjectError(f"{what} cannot be empty.")
    if len(text) > maximum:
        raise CustomObjectError(f"{what} is longer than {maximum} characters.")
    return text


def build_field(raw: CustomField | Mapping[str, Any], number: int) -> CustomField:
    """Check one field definition (a mapping with ``name``, ``type``, ``label``, ``length``,
    ``required``, ``values``, or a :class:`CustomField`); raises :class:`CustomObjectError`."""
    if isinstance(raw, CustomField):
        raw = {**raw.as_dict(), "values": list(raw.values)}
    if not isinstance(raw, Mapping):
        raise CustomObjectError(f"Field {number} must be an object with a name and a type.")
    unknown = sorted(str(key) for key in raw if key not in _FIELD_KEYS)
    if unknown:
        raise CustomObjectError(
            f"Field {number}: unknown attribute(s) {', '.join(unknown)}; known: "
            f"{', '.join(_FIELD_KEYS)}."
        )
    name_raw = raw.get("name")
    if not isinstance(name_raw, str) or not _IDENTIFIER.fullmatch(name_raw.strip()):
        raise CustomObjectError(
            f"Field {number}: '{name_raw}' is not a valid field name; use a letter followed "
            "by letters, digits and underscores."
        )
    name = name_raw.strip().upper()
    where = f"Field '{name.lower()}'"
    if len(name) > MAX_FIELD_NAME:
        raise CustomObjectError(f"{where}: the name is longer than {MAX_FIELD_NAME} characters.")
    if name in RESERVED_FIELDS:
        raise CustomObjectError(
            f"{where}: '{name.lower()}' is a system field of every custom object "
            f"({', '.join(sorted(n.lower() for n in RESERVED_FIELDS))}); choose another name."
        )
    kind = raw.get("type", "text")
    if kind not in FIELD_TYPES:
        raise CustomObjectError(
            f"{where}: type must be one of {', '.join(FIELD_TYPES)}; got {kind!r}."
        )
    label = _text(raw.get("label"), f"{where}: the label", maximum=MAX_LABEL, required=False)
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise CustomObjectError(f"{where}: required must be true or false; got {required!r}.")
    length = raw.get("length")
    if kind == "text":
        if length is None:
            length = DEFAULT_TEXT_LENGTH
        if isinstance(length, bool) or not isinstance(length, int):
            raise CustomObjectError(f"{where}: length must be a whole number; got {length!r}.")
        if not 1 <= length <= MAX_TEXT_LENGTH:
            raise CustomObjectError(
                f"{where}: length must be from 1 to {MAX_TEXT_LENGTH}; got {length}."
            )
    elif length is not None:
        raise CustomObjectError(f"{where}: only text fields have a length ({kind} has none).")
    values_raw = raw.get("values") or ()
    if isinstance(values_raw, str) or not isinstance(values_raw, Iterable):
        raise CustomObjectError(f"{where}: values must be a list of strings.")
    values = tuple(values_raw)
    if kind == "picklist":
        if not values:
            raise CustomObjectError(f"{where}: a picklist needs at least one value.")
        if len(values) > MAX_PICKLIST_VALUES:
            raise CustomObjectError(
                f"{where}: a picklist has at most {MAX_PICKLIST_VALUES} values."
            )
        cleaned: list[str] = []
        for value in values:
            text = _text(value, f"{where}: a picklist value", maximum=MAX_LABEL)
            if text.lower() in (seen.lower() for seen in cleaned):
                raise CustomObjectError(f"{where}: the picklist value '{text}' appears twice.")
            cleaned.append(text)
        values = tuple(cleaned)
    elif values:
        raise CustomObjectError(f"{where}: only picklist fields have values ({kind} has none).")
    return CustomField(name, kind, label, length, required, values)


_FIELD_KEYS = ("name", "type", "label", "length", "required", "values")


def build(
    name: str, label: str, fields: Iterable[CustomField | Mapping[str, Any]] = ()
) -> CustomObject:
    """A checked :class:`CustomObject`; raises :class:`CustomObjectError`.

    Whether the name is free in a company (no standard object, dimension or other custom
    object of that name) is the caller's check.
    """
    problem = object_name_problem(name)
    if problem:
        raise CustomObjectError(problem)
    clean_label = _text(label, "The label of a custom object", maximum=MAX_LABEL)
    if isinstance(fields, str | bytes | Mapping) or not isinstance(fields, Iterable):
        raise CustomObjectError("fields must be a list of field definitions.")
    built: list[CustomField] = []
    for number, raw in enumerate(fields, start=1):
        if number > MAX_FIELDS:
            raise CustomObjectError(f"A custom object has at most {MAX_FIELDS} fields.")
        field = build_field(raw, number)
        if any(other.name == field.name for other in built):
            raise CustomObjectError(
                f"Field '{field.name.lower()}' is defined twice; field names are not case "
                "sensitive."
            )
        built.append(field)
    return CustomObject(name.strip().upper(), clean_label, tuple(built))


# --- the object type -------------------------------------------------------------------------

_RECORDNO = next(spec for spec in SYSTEM_FIELDS if spec.path == "RECORDNO")


@dataclass(frozen=True)
class CustomObjectType(ObjectType):
    """A Platform object: on input ``<id>`` is another name for ``RECORDNO`` (the key of
    an update, as on Intacct's Platform objects); on output ``id`` repeats it.

    The views' ``index`` — what request parsing, field-name checks and query typing look
    up — maps ``ID`` to the ``RECORDNO`` field, so ``<id>5</id>`` in an update names
    record 5 and ``id`` filters compare numbers; the views' ``fields`` — what replies,
    ``inspect`` and ``lookup`` list — keep the read-only ``ID`` field, whose stored value
    :func:`_number_the_id` sets.
    """

    def views(self, modules: set[str] | frozenset[str]) -> FieldViews:
        key = modules if isinstance(modules, frozenset) else frozenset(modules)
        found = self._views.get(key)
        if found is None:
            base = FieldViews.build(self.fields, key)
            found = self._views[key] = replace(base, index={**base.index, "ID": _RECORDNO})
        return found


def _spec(field: CustomField) -> FieldSpec:
    return FieldSpec(
        field.name,
        _KINDS[field.type],
        required=field.required,
        max_length=field.length if field.type == "text" else None,
        choices=tuple((value, value) for value in field.values),
        default="false" if field.type == "boolean" else None,
        label=field.label or field.name.replace("_", " ").title(),
    )


def _number_the_id(ctx: Context, otype: ObjectType, record: Record, old: Record | None) -> None:
    """``id`` is the record number (set once the record has one)."""
    record.values["ID"] = str(record.recordno)


@lru_cache(maxsize=512)
def object_type_for(definition: CustomObject) -> ObjectType:
    """The :class:`ObjectType` of a custom object definition (cached per definition)."""
    head = tuple(spec for spec in SYSTEM_FIELDS if spec.path == "RECORDNO")
    tail = tuple(spec for spec in SYSTEM_FIELDS if spec.path != "RECORDNO")
    own = (
        FieldSpec("ID", "integer", readonly=True, label="Record ID"),
        FieldSpec("NAME", required=True, max_length=NAME_LENGTH, label="Name"),
        *(_spec(field) for field in definition.fields),
    )
    return CustomObjectType(
        definition.name,
        definition.label,
        head + own + tail,
        id_field="NAME",
        # Never given on input (``<id>`` is read as RECORDNO); named so that a keyless
        # update is told "needs its key: RECORDNO or ID".
        update_keys=("ID",),
        plural=f"{definition.label}s",
        description=f"Custom object {definition.name.lower()}",
        lowercase_fields=True,
        url_path="/ia/acct/cstm_object.phtml",
        after_write=_number_the_id,
    )
