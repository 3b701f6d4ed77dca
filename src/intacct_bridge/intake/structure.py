"""Plain data (parsed JSON, CSV cells) → canonical values, with every problem located.

The conversion follows the dataclass fields and their type hints, so the file format *is*
the model: a customer row has the fields of :class:`~intacct_bridge.model.Customer`. Problems
are collected per field path (``lines[1].quantity``) rather than stopping at the first, and the
model's own validation runs last, when every field converted.

Each class is compiled once into a table of per-field converter functions (type hints are
read once per class, not per value), so converting a record costs only the work its fields
need; and into one function for the common case (a dict of known fields, every value good),
which hands any record with a problem to the field-by-field build, so that the problems and
their order are always that build's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

from intacct_bridge.model.errors import FieldIssue, ModelError

T = TypeVar("T")

#: separator of list cells in CSV (``roles`` = ``stock|business``)
LIST_SEPARATOR = "|"
#: longest whole number or decimal accepted as text (the store keeps 24 digits)
MAX_NUMBER_DIGITS = 60
#: problems reported per record at most
MAX_ISSUES = 50
#: values of the mapping form (attribute and dimension references) kept once built, per class
_MADE_LIMIT = 4096

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^[+-]?\d+$")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}
_SHOWN = 60


class StructureError(ValueError):
    """Plain data could not become a canonical value; ``issues`` says where and why."""

    def __init__(self, issues: list[FieldIssue]) -> None:
        self.issues = issues
        super().__init__("; ".join(f"{i.field}: {i.reason}" for i in issues))


class OversizeNumber(str):
    """A number in the source with too many digits to read (``parse_int`` hands it over).

    Python refuses to turn more than 4,300 digits into an ``int``; the reader keeps the text
    in this marker so the field it sits in can be named.
    """

    __slots__ = ()


class _Invalid(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


Issues = list[FieldIssue]
Converter = Callable[[object, str, bool, Issues], Any]
Simple = Callable[[object], Any]


def shown(raw: object) -> str:
    """``repr`` of a value, cut short when it is long (error messages stay readable)."""
    text = repr(raw)
    return text if len(text) <= _SHOWN else f"{text[: _SHOWN - 5]}…{text[-4:]} ({len(text)} chars)"


def structure(cls: type[T], data: Mapping[str, object], *, split_lists: bool = False) -> T:
    """Build a ``cls`` from ``data``; raise :class:`StructureError` listing every problem
    (the first :data:`MAX_ISSUES` of them: a row of a million unknown fields stays cheap)."""
    issues: Issues = []
    try:
        value = _plan(cls).build(data, "", split_lists, issues)
    except _Invalid as invalid:
        raise StructureError([FieldIssue("", invalid.reason)]) from None
    except _TooMany:
        more = FieldIssue("", f"more than {MAX_ISSUES} problems; fix these and import again")
        raise StructureError([*issues[:MAX_ISSUES], more]) from None
    if issues:
        raise StructureError(issues)
    return typing.cast(T, value)


class _TooMany(Exception):
    pass


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Plan:
    """How to build one dataclass: a converter per field, the required fields."""

    def __init__(self, cls: type[Any]) -> None:
        self.cls = cls
        self.fields = [field.name for field in dataclasses.fields(cls)]
        self.required = tuple(
            field.name
            for field in dataclasses.fields(cls)
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        self.simple: dict[str, Simple] = {}
        self.nested: dict[str, Converter] = {}
        #: the value of a whole good record in one go (see :meth:`_compile_build`)
        self.build: Converter = self.build_each

    def compile(self) -> None:
        hints = typing.get_type_hints(self.cls)
        kept: dict[str, type | None] = {}
        for name in self.fields:
            simple, nested = _compile(hints[name])
            if simple is not None:
                self.simple[name] = simple
                kept[name] = _same_class(hints[name])
            else:
                assert nested is not None
                self.nested[name] = nested
        self.build = self._compile_build(kept)

    def _compile_build(self, kept: dict[str, type | None]) -> Converter:
        """One function for the common case: a dict of known fields, the required ones
        there, every value good. It converts the fields in the class's order, with no call
        for a value already of the field's class; on any problem it hands the record to
        :meth:`build_each`, which says every problem in the row's own order."""
        lines = [
            "def build(data, path, split, issues):",
            "    if (data.__class__ is not dict or not data.keys() <= FIELDS",
            "            or not REQUIRED <= data.keys() or len(issues) >= MAX_ISSUES):",
            "        return each(data, path, split, issues)",
            "    kwargs = dict(data)",
            "    before = len(issues)",
            "    try:",
        ]
        namespace: dict[str, Any] = {
            "FIELDS": frozenset(self.fields),
            "REQUIRED": frozenset(self.required),
            "MAX_ISSUES": MAX_ISSUES,
            "MISSING": _MISSING,
            "each": self.build_each,
            "cls": self.cls,
            "ModelError": ModelError,
            "Problem": (_Invalid, _TooMany),
        }
        for index, name in enumerate(self.fields):
            lines.append(f"        value = kwargs.get({name!r}, MISSING)")
            if name in self.simple:
                namespace[f"convert{index}"] = self.simple[name]
                same = kept.get(name)
                test = "value is not MISSING"
                if same is not None:
                    namespace[f"same{index}"] = same
                    test += f" and value.__class__ is not same{index}"
                lines += [
                    f"        if {test}:",
                    f"            kwargs[{name!r}] = convert{index}(value)",
                ]
            else:
                namespace[f"convert{index}"] = self.nested[name]
                lines += [
                    "        if value is not MISSING:",
                    f"            where = path + '.' + {name!r} if path else {name!r}",
                    f"            kwargs[{name!r}] = convert{index}(value, where, split, issues)",
                ]
        lines += [
            "    except Problem:",
            "        del issues[before:]",
            "        return each(data, path, split, issues)",
            "    if len(issues) > before:",
            "        del issues[before:]",
            "        return each(data, path, split, issues)",
            "    try:",
            "        return cls(**kwargs)",
            "    except ModelError as error:",
            "        issues.append(error.issue.within(path))",
            "        return None",
        ]
        exec("\n".join(lines), namespace)  # source made above from the class's field names
        build: Converter = namespace["build"]
        return build

    def build_each(self, data: object, path: str, split: bool, issues: Issues) -> Any:
        """Build field by field, collecting every problem in the row's order."""
        if data.__class__ is not dict and not isinstance(data, Mapping):
            raise _Invalid(f"must be an object with the fields of {self.cls.__name__}")
        simples = self.simple
        kwargs: dict[str, Any] = {}
        before = len(issues)
        if before >= MAX_ISSUES:
            raise _TooMany
        for name, raw in data.items():
            simple = simples.get(name)
            if simple is not None:
                try:
                    kwargs[name] = simple(raw)
                except _Invalid as invalid:
                    issues.append(FieldIssue(_join(path, name), invalid.reason))
                continue
            where = _join(path, str(name)[:100])
            convert = self.nested.get(name)
            if convert is None:
                near = difflib.get_close_matches(str(name)[:100], self.fields, n=1)
                hint = (
                    f"did you mean {near[0]!r}?"
                    if near
                    else f"expected one of: {', '.join(self.fields)}"
                )
                issues.append(FieldIssue(where, f"unknown field; {hint}"))
                if len(issues) >= MAX_ISSUES:
                    raise _TooMany
                continue
            try:
                kwargs[name] = convert(raw, where, split, issues)
            except _Invalid as invalid:
                issues.append(FieldIssue(where, invalid.reason))
        for name in self.required:
            if name not in data:
                issues.append(FieldIssue(_join(path, name), "is required; give a value"))
        if len(issues) > before:
            return None
        try:
            return self.cls(**kwargs)
        except ModelError as error:
            issues.append(error.issue.within(path))
            return None


_PLANS: dict[type[Any], _Plan] = {}
_MISSING = object()


def _same_class(hint: Any) -> type | None:
    """The class whose values (of exactly it) a field typed ``hint`` takes as they are."""
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if typing.get_origin(hint) in (types.UnionType, typing.Union) and len(args) == 1:
        hint = args[0]
    return _KEPT_AS_THEY_ARE.get(hint)


def _plan(cls: type[Any]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
        plan.compile()
    return plan


@functools.cache
def _compile(hint: Any) -> tuple[Simple | None, Converter | None]:
    """A field's converter: a one-argument function for values, or a nested converter."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        nullable = type(None) in args
        simple, nested = _compile(next(a for a in args if a is not type(None)))
        if not nullable:
            return simple, nested
        if simple is not None:
            required = simple
            same = _KEPT_AS_THEY_ARE.get(next(a for a in args if a is not type(None)))
            if same is not None:  # the common case without a call: a value of the type

                def optional_same(raw: object) -> Any:
                    if raw.__class__ is same:
                        return raw
                    return None if raw is None else required(raw)

                return optional_same, None

            def optional_value(raw: object) -> Any:
                return None if raw is None else required(raw)

            return optional_value, None
        assert nested is not None
        inner = nested

        def optional(raw: object, path: str, split: bool, issues: Issues) -> Any:
            return None if raw is None else inner(raw, path, split, issues)

        return None, optional
    if origin is tuple:
        return None, _not_null(_sequence(args[0]))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        plan = _plan(hint)
        if plan.build != plan.build_each:
            return None, _not_null(plan.build)

        def later(raw: object, path: str, split: bool, issues: Issues) -> Any:
            return plan.build(raw, path, split, issues)  # a class within itself: built yet

        return None, _not_null(later)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _checked_enum(hint), None
    if hint is str:
        return _checked_text, None
    if hint is dt.date:
        return _checked_date, None
    same = _KEPT_AS_THEY_ARE.get(hint)
    scalar = _SCALARS.get(hint)
    if same is not None and scalar is not None:
        return _checked_same(same, _checked(scalar)), None
    if scalar is None:
        raise TypeError(f"no conversion to {hint!r}")  # a model field of an unsupported type
    return _checked(scalar), None


def _checked(convert: Simple) -> Simple:
    def checked(raw: object) -> Any:
        if raw is None:
            raise _Invalid(_NULL)
        if raw.__class__ is OversizeNumber:
            raise _Invalid(_oversize(raw))
        return convert(raw)

    return checked


def _checked_same(same: type, checked: Simple) -> Simple:
    """``checked``, with a value of class ``same`` (exactly) taken as it is without a call."""

    def checked_same(raw: object) -> Any:
        if raw.__class__ is same:
            return raw
        return checked(raw)

    return checked_same


def _checked_enum(enum: type[Enum]) -> Simple:
    members = {str(member.value): member for member in enum}
    checked = _checked(_enum(enum))

    def checked_enum(raw: object) -> Any:
        if raw.__class__ is str:
            member = members.get(raw)
            if member is not None:
                return member
        return checked(raw)

    return checked_enum


#: dates read from text, by the text (a file repeats a few dates); bounded
_DATES: dict[str, dt.date] = {}
_DATES_KEPT = 1024


def _checked_date(raw: object) -> Any:
    if raw.__class__ is str:
        known = _DATES.get(raw)
        if known is not None:
            return known
    if raw is None:
        raise _Invalid(_NULL)
    if raw.__class__ is OversizeNumber:
        raise _Invalid(_oversize(raw))
    value = _date(raw)
    if raw.__class__ is str:
        if len(_DATES) >= _DATES_KEPT:
            _DATES.clear()
        _DATES[raw] = value
    return value


def _checked_text(raw: object) -> Any:
    if raw.__class__ is str:
        return raw
    if raw is None:
        raise _Invalid(_NULL)
    if raw.__class__ is OversizeNumber:
        raise _Invalid(_oversize(raw))
    return _text(raw)


_NULL = "must not be null; leave the field out to use its default"


def _oversize(raw: object) -> str:
    return (
        f"a number of {len(str(raw)):,} digits is too long; "
        f"numbers have at most {MAX_NUMBER_DIGITS} digits"
    )


def _not_null(convert: Converter) -> Converter:
    def checked(raw: object, path: str, split: bool, issues: Issues) -> Any:
        if raw is None:
            raise _Invalid(_NULL)
        if raw.__class__ is OversizeNumber:
            raise _Invalid(_oversize(raw))
        return convert(raw, path, split, issues)

    return checked


def _enum(enum: type[Enum]) -> Simple:
    members = {str(member.value): member for member in enum}
    allowed = ", ".join(members)

    def convert(raw: object) -> Any:
        if isinstance(raw, str):
            member = members.get(raw)
            if member is not None:
                return member
        raise _Invalid(f"{shown(raw)} is not allowed; use one of: {allowed}")

    return convert


def _sequence(item: Any) -> Converter:
    simple, nested = _compile(item)
    convert_item = nested if nested is not None else _as_converter(simple)
    mapping_form: tuple[str, str] | None = getattr(item, "MAPPING_FORM", None)
    is_record = dataclasses.is_dataclass(item)
    key_value: Simple = _same
    if mapping_form is not None:
        key_value = _plan(item).simple.get(mapping_form[0], _same)

    #: values of the mapping form already built (frozen values, checked once when built): a
    #: file repeats the same few (``{"project": "P1"}`` on every line); bounded
    made: dict[tuple[str, str], Any] = {}
    reusable = is_record and item.__dataclass_params__.frozen

    def convert(raw: object, path: str, split: bool, issues: Issues) -> Any:
        if mapping_form is not None and (raw.__class__ is dict or isinstance(raw, Mapping)):
            key_field, value_field = mapping_form
            values = []
            for key, value in raw.items():
                if key.__class__ is str and value.__class__ is str:
                    known = made.get((key, value)) if reusable else None
                    if known is not None:
                        values.append(known)
                        continue
                    try:  # the common case, straight to the model
                        known = item(**{key_field: key_value(key), value_field: value})
                    except (ModelError, _Invalid):
                        pass  # converted field by field below, to say where and why
                    else:
                        if reusable:
                            if len(made) >= _MADE_LIMIT:
                                made.clear()
                            made[(key, value)] = known
                        values.append(known)
                        continue
                entry = {key_field: key, value_field: value}
                values.append(convert_item(entry, f"{path}.{key}", split, issues))
            return tuple(values)
        if isinstance(raw, str) and split and not is_record:
            raw = [part.strip() for part in raw.split(LIST_SEPARATOR)] if raw.strip() else []
        if not isinstance(raw, list):
            form = " or an object" if mapping_form is not None else ""
            raise _Invalid(f"must be a list{form}")
        values = []
        for index, entry in enumerate(raw):
            where = f"{path}[{index}]"
            try:
                values.append(convert_item(entry, where, split, issues))
            except _Invalid as invalid:
                issues.append(FieldIssue(where, invalid.reason))
                if len(issues) >= MAX_ISSUES:
                    raise _TooMany from None
        return tuple(values)

    return convert


def _same(raw: object) -> Any:
    return raw


def _as_converter(simple: Simple | None) -> Converter:
    assert simple is not None

    def convert(raw: object, path: str, split: bool, issues: Issues) -> Any:
        return simple(raw)

    return convert


def _text(raw: object) -> str:
    if raw.__class__ is str or isinstance(raw, str):
        return raw
    raise _Invalid(f'must be text; write it in quotes ("{shown(raw)[:_SHOWN]}")')


def _bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise _Invalid(f"{shown(raw)} is not true or false")


def _int(raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and len(raw) <= MAX_NUMBER_DIGITS and _INT.match(raw.strip()):
        return int(raw)
    raise _Invalid(f"{shown(raw)} is not a whole number")


def _decimal(raw: object) -> Decimal:
    if raw.__class__ is int:
        return Decimal(raw)
    if isinstance(raw, Decimal | int) and not isinstance(raw, bool):
        return Decimal(raw)
    if isinstance(raw, str) and len(raw) <= MAX_NUMBER_DIGITS:
        try:
            return Decimal(raw.strip())
        except InvalidOperation:
            pass
    raise _Invalid(f"{shown(raw)} is not a number; write it like 12.50")


def _date(raw: object) -> dt.date:
    if isinstance(raw, str) and _DATE.match(raw.strip()):
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise _Invalid(f"{shown(raw)} is not a date; write it as YYYY-MM-DD")


#: classes whose values (of exactly the class) a field of that type takes as they are: the
#: reader makes decimals of JSON numbers with a fraction and ints of whole ones
_KEPT_AS_THEY_ARE: dict[Any, type] = {str: str, bool: bool, int: int, Decimal: Decimal}

_SCALARS: dict[Any, Callable[[object], Any]] = {
    str: _text,
    bool: _bool,
    int: _int,
    Decimal: _decimal,
    dt.date: _date,
}
