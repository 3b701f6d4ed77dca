"""Model records as the intake's JSON Lines format: one record per line, written as they come.

Each line is a JSON object with the record's ``kind`` (a document's type) and the fields of its
dataclass, as ``docs/operations-model.md`` describes: fields left at their default are left
out; amounts, prices and quantities are JSON numbers written exactly (never through a float);
``attributes``, ``dimensions`` and posting-class ``lines`` are written as objects; a document's
lines come last and carry no ``line_number`` when it is their position. Reading a line back
with the intake gives a value equal to the one written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from enum import Enum
from json.encoder import encode_basestring
from typing import Protocol

from intacct_bridge.model import AttributeRef, DimensionRef, Document, DocumentLine, Record
from intacct_bridge.model.money import to_text

_REQUIRED = object()
#: written even when they hold their default, so a reader sees them at a glance
_ALWAYS = frozenset({"status"})
_FIELDS: dict[type, tuple[tuple[str, object], ...]] = {}


class TextSink(Protocol):
    """Anything with a ``write(str)``: an open text file, ``sys.stdout``, a ``StringIO``."""

    def write(self, text: str, /) -> int: ...


def record_kind(record: Record) -> str:
    """The ``kind`` of a record in an import file: a document's type, else the record kind."""
    return record.type.value if isinstance(record, Document) else record.KIND


def to_jsonl(record: Record) -> str:
    """One record as one line of JSON (without the newline)."""
    head = f'{{"kind":{encode_basestring(record_kind(record))}'
    if isinstance(record, Document):
        body = _fields_of(record, skip=("type", "lines"))
        lines = ",".join(
            _line(line, position) for position, line in enumerate(record.lines, start=1)
        )
        return f'{head}{"," if body else ""}{body},"lines":[{lines}]}}'
    body = _fields_of(record)
    return f"{head}{',' if body else ''}{body}}}"


def write_jsonl(
    records: Iterable[Record],
    out: TextSink,
    *,
    each: Callable[[Record], None] | None = None,
) -> int:
    """Write ``records`` to ``out``, one line each, as they are produced; return the count.

    Nothing is collected: memory stays that of one record. ``each`` is called after every
    record is written (progress reporting, a tee into another consumer).
    """
    count = 0
    for record in records:
        out.write(to_jsonl(record) + "\n")
        count += 1
        if each is not None:
            each(record)
    return count


def _defaults(cls: type) -> tuple[tuple[str, object], ...]:
    found = _FIELDS.get(cls)
    if found is None:
        found = tuple(
            (
                field.name,
                field.default
                if field.default is not dataclasses.MISSING
                else field.default_factory()
                if field.default_factory is not dataclasses.MISSING
                else _REQUIRED,
            )
            for field in dataclasses.fields(cls)
        )
        _FIELDS[cls] = found
    return found


def _fields_of(value: object, skip: tuple[str, ...] = ()) -> str:
    parts = []
    for name, default in _defaults(type(value)):
        if name in skip:
            continue
        item = getattr(value, name)
        if default is not _REQUIRED and name not in _ALWAYS and _same(item, default):
            continue
        parts.append(f"{encode_basestring(name)}:{_value(item)}")
    return ",".join(parts)


def _same(value: object, default: object) -> bool:
    if value is None or default is None:
        return value is default
    return type(value) is type(default) and value == default


def _object(value: object, skip: tuple[str, ...] = ()) -> str:
    return "{" + _fields_of(value, skip) + "}"


def _value(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, Enum):
        return _value(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return to_text(value)
    if isinstance(value, dt.date):
        return f'"{value.isoformat()}"'
    if isinstance(value, tuple):
        mapping = getattr(type(value[0]), "MAPPING_FORM", None) if value else None
        if mapping is not None:
            key, item = mapping
            return (
                "{"
                + ",".join(
                    f"{_value(getattr(entry, key))}:{_value(getattr(entry, item))}"
                    for entry in value
                )
                + "}"
            )
        return "[" + ",".join(_value(entry) for entry in value) + "]"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _object(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# -- document lines: the bulk of a large file, written without the generic walk -------------

#: the fields :func:`_line` knows; if the model gains one, lines take the generic path
_LINE_FIELDS = (
    "line_number", "item_id", "quantity", "unit", "unit_cost", "unit_price", "tax_detail_id",
    "tax_amount", "account_id", "description", "attributes", "dimensions",
)  # fmt: skip
_FAST_LINES = tuple(field.name for field in dataclasses.fields(DocumentLine)) == _LINE_FIELDS
_PIECES: dict[int, tuple[AttributeRef | DimensionRef, str]] = {}
_MAX_PIECES = 100_000


def _line(line: DocumentLine, position: int) -> str:
    if not _FAST_LINES:
        return _object(line, skip=("line_number",) if line.line_number == position else ())
    parts = [] if line.line_number == position else [f'"line_number":{line.line_number}']
    parts.append(f'"item_id":{encode_basestring(line.item_id)}')
    parts.append(f'"quantity":{to_text(line.quantity)}')
    if line.unit is not None:
        parts.append(f'"unit":{encode_basestring(line.unit)}')
    if line.unit_cost is not None:
        parts.append(f'"unit_cost":{to_text(line.unit_cost)}')
    if line.unit_price is not None:
        parts.append(f'"unit_price":{to_text(line.unit_price)}')
    if line.tax_detail_id is not None:
        parts.append(f'"tax_detail_id":{encode_basestring(line.tax_detail_id)}')
    if line.tax_amount:
        parts.append(f'"tax_amount":{to_text(line.tax_amount)}')
    if line.account_id is not None:
        parts.append(f'"account_id":{encode_basestring(line.account_id)}')
    if line.description is not None:
        parts.append(f'"description":{encode_basestring(line.description)}')
    if line.attributes:
        parts.append('"attributes":{' + ",".join(map(_piece, line.attributes)) + "}")
    if line.dimensions:
        parts.append('"dimensions":{' + ",".join(map(_piece, line.dimensions)) + "}")
    return "{" + ",".join(parts) + "}"


def _piece(ref: AttributeRef | DimensionRef) -> str:
    """``"type":"id"`` of one attribute or dimension.

    Generated lines share their reference objects, so the text is remembered by object
    identity (the cache holds the object, so its ``id`` cannot be reused while cached).
    """
    found = _PIECES.get(id(ref))
    if found is not None and found[0] is ref:
        return found[1]
    if len(_PIECES) >= _MAX_PIECES:
        _PIECES.clear()
    kind = ref.type.value if isinstance(ref, AttributeRef) else ref.type
    piece = f"{encode_basestring(kind)}:{encode_basestring(ref.id)}"
    _PIECES[id(ref)] = (ref, piece)
    return piece
