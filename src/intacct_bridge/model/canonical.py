"""Plain (JSON-ready) form of canonical values, and the content hash built on it.

The plain form is stable: decimals in canonical fixed-point text, enums by value, dates in ISO
format, tuples as lists. Two values are the same content exactly when their hashes match.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import types
import typing
from collections.abc import Callable, Collection
from decimal import Decimal
from enum import Enum
from typing import Any

from intacct_bridge.model.money import to_text

Plain = None | bool | int | str | list["Plain"] | dict[str, "Plain"]


def to_plain(value: object) -> Plain:
    """Convert a canonical value (dataclass, tuple, Decimal, date, enum …) to plain data.

    A dataclass becomes an object with its fields in sorted order.
    """
    convert = _CONVERTERS.get(value.__class__)
    if convert is None:
        convert = _converter(value)
    return convert(value)


def _converter(value: object) -> Callable[[Any], Plain]:
    """How to make values of ``value``'s class plain (worked out once per class)."""
    cls = value.__class__
    convert: Callable[[Any], Plain]
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, Enum)):
        return _same
    if isinstance(value, Enum):
        convert = str.__str__ if isinstance(value, str) else _enum  # a str enum is its value
    elif isinstance(value, Decimal):
        convert = to_text
    elif isinstance(value, dt.date):
        convert = _iso
    elif isinstance(value, tuple | list):
        convert = _items
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        # in sorted order: the content hash then serialises without sorting every object
        names = tuple(sorted(field.name for field in dataclasses.fields(value)))

        def convert(record: Any) -> Plain:
            # text, numbers and None (most fields) are plain already: no call for them
            plain: dict[str, Plain] = {}
            for name in names:
                item: Any = getattr(record, name)
                if item.__class__ in _PLAIN_CLASSES:
                    plain[name] = item
                else:
                    plain[name] = to_plain(item)
            return plain

    else:
        raise TypeError(f"no plain form for {cls.__name__}")
    _CONVERTERS[cls] = convert
    return convert


def _same(value: Any) -> Plain:
    return value  # type: ignore[no-any-return]


def _enum(value: Enum) -> Plain:
    return to_plain(value.value)


def _iso(value: dt.date) -> Plain:
    return value.isoformat()


def _items(value: tuple[Any, ...] | list[Any]) -> Plain:
    return [item if item.__class__ in _PLAIN_CLASSES else to_plain(item) for item in value]


#: classes whose values are their own plain form (exactly these: not enums built on them)
_PLAIN_CLASSES: frozenset[Any] = frozenset({type(None), bool, int, str})


_CONVERTERS: dict[type, Callable[[Any], Plain]] = {
    type(None): _same,
    bool: _same,
    int: _same,
    str: _same,
}


def content_hash(value: object, *, exclude: Collection[str] = ()) -> str:
    """SHA-256 (hex) of the plain form, leaving out the top-level fields in ``exclude``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # the JSON text of the plain form, written by one function made for the class
        # (:func:`_text_writer`), without building the plain form
        slot = (value.__class__, frozenset(exclude))
        write = _WRITERS.get(slot)
        if write is None:
            write = _WRITERS[slot] = _text_writer(value.__class__, slot[1])
        return hashlib.sha256(write(value).encode("utf-8")).hexdigest()
    plain = _hash_plain(value)
    if exclude and isinstance(plain, dict):
        plain = {key: item for key, item in plain.items() if key not in exclude}
    # every object of the plain form has its keys in sorted order already (``sort_keys``
    # would give the same text, slower); one encoder with ``json.dumps``'s settings for all
    return hashlib.sha256(_encode(plain).encode("utf-8")).hexdigest()


#: ``json.dumps(…, separators=(",", ":"), ensure_ascii=False)`` without building an encoder
#: per call (a plain form has no cycles to check for)
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


def _hash_plain(value: object) -> Plain:
    """:func:`to_plain` for hashing: the same form, and the plain form of a frozen dataclass
    value made of text, numbers and enums only (an attribute or dimension reference, which a
    file repeats on many lines and an import builds once) is remembered for that value (by
    identity, in a bounded table). Its result is read only: remembered parts are shared."""
    convert = _HASH_CONVERTERS.get(value.__class__)
    if convert is None:
        convert = _hash_converter(value)
    return convert(value)


def _hash_converter(value: object) -> Callable[[Any], Plain]:
    cls = value.__class__
    convert: Callable[[Any], Plain]
    if isinstance(value, tuple | list):
        convert = _hash_items
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        convert = _record_converter(cls, frozenset())
    else:
        convert = _CONVERTERS.get(cls) or _converter(value)
    _HASH_CONVERTERS[cls] = convert
    return convert


def _record_converter(cls: type[Any], exclude: frozenset[str]) -> Callable[[Any], Plain]:
    """The plain form of a dataclass for hashing, as one function made for the class: its
    fields read in sorted order straight into a dictionary display, text, numbers and
    ``None`` kept as they are, decimals and tuples of a field typed so converted in place,
    anything else through :func:`_hash_plain`.

    A frozen class whose fields are all typed text, numbers or enums (an attribute or
    dimension reference) has the plain form of each value remembered (see
    :func:`_hash_plain`); not when fields are excluded."""
    names = sorted(field.name for field in dataclasses.fields(cls) if field.name not in exclude)
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # an unresolvable hint: every field the general way
        hints = {}
    frozen = bool(getattr(cls, "__dataclass_params__").frozen)  # noqa: B009
    remember = frozen and not exclude and all(_is_leaf(hints.get(name)) for name in names)
    reads = []
    entries = []
    for index, name in enumerate(names):
        reads.append(f"    v{index} = record.{name}")
        shape = _shape(hints.get(name))
        general = f"v{index} if v{index}.__class__ in PLAIN else hash_plain(v{index})"
        if shape == "decimal":
            entries.append(
                f"{name!r}: to_text(v{index}) if v{index}.__class__ is Decimal else {general}"
            )
        elif shape == "tuple":
            entries.append(
                f"{name!r}: [i if i.__class__ in PLAIN else hash_plain(i) for i in v{index}]"
                f" if v{index}.__class__ is tuple else {general}"
            )
        else:
            entries.append(f"{name!r}: {general}")
    body = [
        "def convert(record):",
        *(
            [
                "    known = REMEMBERED.get(id(record))",
                "    if known is not None:",
                "        return known[1]",
            ]
            if remember
            else []
        ),
        *reads,
        "    plain = {" + ", ".join(entries) + "}",
        *(["    remember(record, plain)"] if remember else []),
        "    return plain",
    ]
    namespace: dict[str, Any] = {
        "PLAIN": _PLAIN_CLASSES,
        "Decimal": Decimal,
        "to_text": to_text,
        "hash_plain": _hash_plain,
        "REMEMBERED": _REMEMBERED,
        "remember": _remember,
    }
    exec("\n".join(body), namespace)  # source made above from the class's field names
    convert: Callable[[Any], Plain] = namespace["convert"]
    return convert


def _text_writer(cls: type[Any], exclude: frozenset[str]) -> Callable[[Any], str]:
    """The JSON text of the plain form of a ``cls`` value (``exclude``'s fields left out),
    exactly as :data:`_encode` writes it, by one function made for the class: the fields read
    in sorted order; text through the encoder's own string function, ``None``, flags, whole
    numbers, decimals, dates and enums of a field so typed written in place; a tuple of
    dataclass values item by item (a dataclass field likewise); anything else is
    :data:`_encode` of its plain form, which is the same text as its part of the whole.

    A frozen class whose fields are all typed text, numbers or enums (an attribute or
    dimension reference) has the text of each value remembered, as its plain form is
    (:func:`_hash_plain`); not when fields are excluded."""
    names = sorted(field.name for field in dataclasses.fields(cls) if field.name not in exclude)
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # an unresolvable hint: every field the general way
        hints = {}
    remember = not exclude and all(_is_leaf(hints.get(name)) for name in names)
    remember = remember and bool(getattr(cls, "__dataclass_params__").frozen)  # noqa: B009
    namespace: dict[str, Any] = {
        "enc": _encode_text,
        "general": _general_text,
        "Decimal": Decimal,
        "date": dt.date,
        "to_text": to_text,
        "known": _REMEMBERED_TEXT.get,
        "remember": _remember_text,
    }
    lines = ["def write(record):"]
    if remember:
        lines += [
            "    found = known(id(record))",
            "    if found is not None:",
            "        return found[1]",
        ]
    parts: list[str] = []
    for index, name in enumerate(names):
        value = f"v{index}"
        lines.append(f"    {value} = record.{name}")
        lines.append(f"    t{index} = {_field_text(hints.get(name), value, index, namespace)}")
        parts.append(repr(("{" if index == 0 else ",") + _encode_text(name) + ":"))
        parts.append(f"t{index}")
    parts.append(repr("}" if names else "{}"))
    lines.append("    text = ''.join((" + ", ".join(parts) + "))")
    if remember:
        values = ", ".join(f"v{index}" for index in range(len(names)))
        lines.append(f"    remember(record, text, ({values},))")
    lines.append("    return text")
    exec("\n".join(lines), namespace)  # source made above from the class's field names
    write: Callable[[Any], str] = namespace["write"]
    return write


def _field_text(hint: Any, value: str, index: int, namespace: dict[str, Any]) -> str:
    """The expression writing the text of ``value``, a field typed ``hint``."""
    general = (
        f"enc({value}) if {value}.__class__ is str else "
        f"'null' if {value} is None else general({value})"
    )
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if typing.get_origin(hint) in (types.UnionType, typing.Union) and len(args) == 1:
        hint = args[0]
    if hint is Decimal:  # canonical fixed-point text: digits, a sign, a point (nothing escaped)
        return f"'\"' + to_text({value}) + '\"' if {value}.__class__ is Decimal else {general}"
    if hint is dt.date:
        return f"'\"' + {value}.isoformat() + '\"' if {value}.__class__ is date else {general}"
    if hint is int:
        return f"int.__repr__({value}) if {value}.__class__ is int else {general}"
    if hint is bool:
        return f"('true' if {value} else 'false') if {value}.__class__ is bool else {general}"
    if isinstance(hint, type) and issubclass(hint, Enum) and issubclass(hint, str):
        namespace[f"enum{index}"] = hint  # a str enum's plain form is its text
        return f"enc({value}) if {value}.__class__ is enum{index} else {general}"
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        namespace[f"cls{index}"] = hint
        namespace[f"write{index}"] = _class_text(hint)
        return f"write{index}({value}) if {value}.__class__ is cls{index} else {general}"
    item = typing.get_args(hint)
    if (
        typing.get_origin(hint) is tuple
        and len(item) == 2
        and item[1] is Ellipsis
        and isinstance(item[0], type)
        and dataclasses.is_dataclass(item[0])
    ):
        namespace[f"item{index}"] = item[0]
        namespace[f"write{index}"] = _class_text(item[0])
        each = f"write{index}(i) if i.__class__ is item{index} else general(i)"
        return (
            f"'[' + ','.join([{each} for i in {value}]) + ']' "
            f"if {value}.__class__ is tuple else {general}"
        )
    return general


def _class_text(cls: type[Any]) -> Callable[[Any], str]:
    """The writer of ``cls`` values (all fields), made at its first use."""
    slot = (cls, frozenset[str]())
    write = _WRITERS.get(slot)
    if write is not None:
        return write

    def first(value: Any) -> str:
        made = _WRITERS.get(slot)
        if made is None or made is first:
            made = _WRITERS[slot] = _text_writer(cls, frozenset())
        return made(value)

    return first


def _general_text(value: object) -> str:
    """The JSON text of any value's plain form."""
    return _encode(_hash_plain(value))


#: the encoder's own function for text (``ensure_ascii=False``)
_encode_text: Callable[[str], str] = json.encoder.encode_basestring


def _remember_text(record: object, text: str, values: tuple[object, ...]) -> None:
    """Keep the text of a frozen value whose fields hold text, numbers and enums only."""
    if all(item.__class__ in _PLAIN_CLASSES or isinstance(item, Enum) for item in values):
        if len(_REMEMBERED_TEXT) >= _REMEMBERED_LIMIT:
            _REMEMBERED_TEXT.clear()
        _REMEMBERED_TEXT[id(record)] = (record, text)  # the value kept: its ID stays its


def _remember(record: object, plain: Plain) -> None:
    """Keep the plain form of a frozen value made of text, numbers and enums only."""
    assert isinstance(plain, dict)
    if all(item.__class__ in _PLAIN_CLASSES for item in plain.values()) and all(
        item.__class__ in _PLAIN_CLASSES or isinstance(item, Enum)
        for item in (getattr(record, name) for name in plain)
    ):
        if len(_REMEMBERED) >= _REMEMBERED_LIMIT:
            _REMEMBERED.clear()
        _REMEMBERED[id(record)] = (record, plain)  # the value kept: its ID stays its


def _shape(hint: Any) -> str:
    """``decimal``, ``tuple`` or ``other``: the field's type (``X | None`` as ``X``)."""
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if typing.get_origin(hint) in (types.UnionType, typing.Union) and len(args) == 1:
        hint = args[0]
    if hint is Decimal:
        return "decimal"
    if typing.get_origin(hint) is tuple:
        return "tuple"
    return "other"


def _is_leaf(hint: Any) -> bool:
    """Whether a field typed ``hint`` holds text, a number, a flag or an enum (or ``None``)."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        return all(_is_leaf(arg) for arg in typing.get_args(hint))
    return hint in (str, int, bool, type(None)) or (
        isinstance(hint, type) and issubclass(hint, Enum)
    )


def _hash_items(value: tuple[Any, ...] | list[Any]) -> Plain:
    return [item if item.__class__ in _PLAIN_CLASSES else _hash_plain(item) for item in value]


_HASH_CONVERTERS: dict[type, Callable[[Any], Plain]] = dict(_CONVERTERS)
#: plain forms of frozen leaf values, by ``id``: (the value, its plain form)
_REMEMBERED: dict[int, tuple[object, Plain]] = {}
_REMEMBERED_LIMIT = 4096
#: JSON text writers of dataclasses, by (class, fields left out)
_WRITERS: dict[tuple[type, frozenset[str]], Callable[[Any], str]] = {}
#: texts of frozen leaf values, by ``id``: (the value, its text)
_REMEMBERED_TEXT: dict[int, tuple[object, str]] = {}


def first_difference(old: Plain, new: Plain, path: str = "") -> str | None:
    """Path of the first field where two plain values differ (``lines[1].quantity``)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            found = first_difference(old.get(key), new.get(key), f"{path}.{key}" if path else key)
            if found is not None:
                return found
        return None
    if isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            left = old[index] if index < len(old) else None
            right = new[index] if index < len(new) else None
            found = first_difference(left, right, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    return None if old == new else path
