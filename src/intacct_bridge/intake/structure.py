"""Plain data (parsed JSON, CSV cells) → canonical values, with every problem located.

The conversion follows the dataclass fields and their type hints, so the file format *is*
the model: a customer row has the fields of :class:`~intacct_bridge.model.Customer`. Problems
are collected per field path (``lines[1].quantity``) rather than stopping at the first, and the
model's own validation runs last, when every field converted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

from intacct_bridge.model.errors import FieldIssue, ModelError

T = TypeVar("T")

#: separator of list cells in CSV (``roles`` = ``stock|business``)
LIST_SEPARATOR = "|"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^[+-]?\d+$")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


class StructureError(ValueError):
    """Plain data could not become a canonical value; ``issues`` says where and why."""

    def __init__(self, issues: list[FieldIssue]) -> None:
        self.issues = issues
        super().__init__("; ".join(f"{i.field}: {i.reason}" for i in issues))


class _Invalid(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def structure(cls: type[T], data: Mapping[str, object], *, split_lists: bool = False) -> T:
    """Build a ``cls`` from ``data``; raise :class:`StructureError` listing every problem."""
    issues: list[FieldIssue] = []
    value = _dataclass(cls, data, "", split_lists, issues)
    if issues:
        raise StructureError(issues)
    return value


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _dataclass(cls: type[T], data: object, path: str, split: bool, issues: list[FieldIssue]) -> T:
    if not isinstance(data, Mapping):
        raise _Invalid(f"must be an object with the fields of {cls.__name__}")
    fields = {field.name: field for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    before = len(issues)
    for name, raw in data.items():
        where = _join(path, str(name))
        if name not in fields:
            near = difflib.get_close_matches(str(name), list(fields), n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"expected one of: {', '.join(fields)}"
            issues.append(FieldIssue(where, f"unknown field; {hint}"))
            continue
        try:
            kwargs[name] = _convert(hints[name], raw, where, split, issues)
        except _Invalid as invalid:
            issues.append(FieldIssue(where, invalid.reason))
    for name, field in fields.items():
        no_default = field.default is dataclasses.MISSING
        if name not in data and no_default and field.default_factory is dataclasses.MISSING:
            issues.append(FieldIssue(_join(path, name), "is required; give a value"))
    if len(issues) > before:
        return typing.cast(T, None)
    try:
        return cls(**kwargs)
    except ModelError as error:
        issues.append(error.issue.within(path))
        return typing.cast(T, None)


def _convert(hint: Any, raw: object, path: str, split: bool, issues: list[FieldIssue]) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if raw is None:
            if type(None) in args:
                return None
        arms = [arm for arm in args if arm is not type(None)]
        return _convert(arms[0], raw, path, split, issues)
    if raw is None:
        raise _Invalid("must not be null; leave the field out to use its default")
    if origin is tuple:
        return _sequence(args[0], raw, path, split, issues)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass(hint, raw, path, split, issues)
    if isinstance(hint, type) and issubclass(hint, Enum):
        allowed = [str(member.value) for member in hint]
        if isinstance(raw, str) and raw in allowed:
            return hint(raw)
        raise _Invalid(f"{raw!r} is not allowed; use one of: {', '.join(allowed)}")
    return _scalar(hint, raw)


def _sequence(item: Any, raw: object, path: str, split: bool, issues: list[FieldIssue]) -> Any:
    mapping_form = getattr(item, "MAPPING_FORM", None)
    if isinstance(raw, Mapping) and mapping_form is not None:
        key_field, value_field = mapping_form
        raw = [{key_field: key, value_field: value} for key, value in raw.items()]
        return tuple(
            _convert(item, entry, f"{path}.{entry[key_field]}", split, issues) for entry in raw
        )
    if isinstance(raw, str) and split and not dataclasses.is_dataclass(item):
        raw = [part.strip() for part in raw.split(LIST_SEPARATOR)] if raw.strip() else []
    if not isinstance(raw, list):
        form = " or an object" if mapping_form is not None else ""
        raise _Invalid(f"must be a list{form}")
    values = []
    for index, entry in enumerate(raw):
        try:
            values.append(_convert(item, entry, f"{path}[{index}]", split, issues))
        except _Invalid as invalid:
            issues.append(FieldIssue(f"{path}[{index}]", invalid.reason))
    return tuple(values)


def _scalar(hint: Any, raw: object) -> Any:
    if hint is str:
        if isinstance(raw, str):
            return raw
        raise _Invalid(f'must be text; write it in quotes ("{raw}")')
    if hint is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise _Invalid(f"{raw!r} is not true or false")
    if hint is int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and _INT.match(raw.strip()):
            return int(raw)
        raise _Invalid(f"{raw!r} is not a whole number")
    if hint is Decimal:
        if isinstance(raw, Decimal | int) and not isinstance(raw, bool):
            return Decimal(raw)
        if isinstance(raw, str):
            try:
                return Decimal(raw.strip())
            except InvalidOperation:
                pass
        raise _Invalid(f"{raw!r} is not a number; write it like 12.50")
    if hint is dt.date:
        if isinstance(raw, str) and _DATE.match(raw.strip()):
            try:
                return dt.date.fromisoformat(raw.strip())
            except ValueError:
                pass
        raise _Invalid(f"{raw!r} is not a date; write it as YYYY-MM-DD")
    raise TypeError(f"no conversion to {hint!r}")  # a model field of an unsupported type
