"""Read JSON Lines and CSV files into raw records, keeping the line each came from.

JSON Lines: one record per line, an object with a ``kind`` and the record's fields; a
document carries its ``lines`` as a list.

CSV: a header row, then one row per record. A ``kind`` column is required. Nested fields are
dotted columns (``bill_to.city``); list cells separate values with ``|``. A document spans one
row per document line: the ``line.*`` columns hold the line, the other columns the header,
given on the document's first row (later rows may repeat them, but not differ). Empty cells
are absent fields.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from intacct_bridge.model.documents import DocumentType
from intacct_bridge.model.kinds import KINDS_BY_NAME

DOCUMENT_KINDS = frozenset(kind.value for kind in DocumentType)
ALL_KINDS = tuple(KINDS_BY_NAME) + tuple(kind.value for kind in DocumentType)
LINE_PREFIX = "line."


@dataclass
class RawRecord:
    """One record as read, before conversion."""

    kind: str
    data: dict[str, object]
    #: physical line where the record starts
    line: int
    #: CSV: the physical line of each document line, in order
    line_rows: list[int] = field(default_factory=list)
    #: CSV cells hold lists as ``a|b``
    split_lists: bool = False
    #: CSV: problems found while assembling the record: (line, column, reason)
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    is_csv: bool = False

    def locate(self, path: str) -> tuple[int, str]:
        """The physical line and the field name (as the file spells it) of a field path."""
        if self.is_csv and path.startswith("lines["):
            index_text, _, rest = path[len("lines[") :].partition("]")
            if index_text.isdigit() and int(index_text) < len(self.line_rows):
                column = LINE_PREFIX + rest.lstrip(".") if rest else "line"
                return self.line_rows[int(index_text)], column
        return self.line, path


@dataclass(frozen=True)
class ReadProblem:
    """A line that could not even be read as a record."""

    line: int
    field: str
    reason: str


def read_jsonl(text: str) -> Iterator[RawRecord | ReadProblem]:
    """Records of a JSON Lines text; decimals stay exact (no floats)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line, parse_float=Decimal)
        except json.JSONDecodeError as error:
            yield ReadProblem(number, "", f"invalid JSON ({error.msg} at column {error.colno})")
            continue
        if not isinstance(data, dict):
            yield ReadProblem(number, "", "each line must be a JSON object")
            continue
        kind = data.pop("kind", None)
        problem = _check_kind(number, kind)
        if problem is not None:
            yield problem
            continue
        yield RawRecord(str(kind), data, number)


def read_csv(text: str) -> Iterator[RawRecord | ReadProblem]:
    """Records of a CSV text (see the module docstring for the layout)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [name.strip() for name in header]
    if "kind" not in header:
        yield ReadProblem(1, "kind", "the header has no 'kind' column; add it")
        return
    duplicates = {name for name in header if header.count(name) > 1 and name}
    if duplicates:
        yield ReadProblem(1, sorted(duplicates)[0], "column appears twice in the header")
        return
    documents: dict[tuple[str, str], RawRecord] = {}
    records: list[RawRecord | ReadProblem] = []
    end = 1
    for row in reader:
        start, end = end + 1, reader.line_num
        cells = {name: value for name, value in zip(header, row, strict=False) if name}
        if len(row) > len(header):
            records.append(ReadProblem(start, "", f"{len(row)} cells but {len(header)} columns"))
            continue
        if not any(value.strip() for value in cells.values()):
            continue
        kind = cells.pop("kind", "").strip()
        problem = _check_kind(start, kind or None)
        if problem is not None:
            records.append(problem)
            continue
        values = {name: value for name, value in cells.items() if value != ""}
        head = {k: v for k, v in values.items() if not k.startswith(LINE_PREFIX)}
        line = {k[len(LINE_PREFIX) :]: v for k, v in values.items() if k.startswith(LINE_PREFIX)}
        if kind not in DOCUMENT_KINDS:
            record = RawRecord(kind, {}, start, split_lists=True, is_csv=True)
            if line:
                name = LINE_PREFIX + sorted(line)[0]
                record.problems.append(
                    (start, name, f"{kind} records have no lines; leave it empty")
                )
            _nest_into(record, record.data, head, start)
            records.append(record)
            continue
        number = head.get("number", "").strip()
        if not number:
            records.append(ReadProblem(start, "number", "a document row needs its number"))
            continue
        document = documents.get((kind, number))
        if document is None:
            document = RawRecord(kind, {"lines": []}, start, split_lists=True, is_csv=True)
            documents[(kind, number)] = document
            records.append(document)
            _nest_into(document, document.data, head, start)
        else:
            _check_repeated_header(document, head, start)
        lines = document.data["lines"]
        assert isinstance(lines, list)
        if line:
            nested: dict[str, object] = {}
            _nest_into(document, nested, line, start, prefix=LINE_PREFIX)
            lines.append(nested)
            document.line_rows.append(start)
    yield from records


def _check_kind(line: int, kind: object) -> ReadProblem | None:
    if kind is None:
        return ReadProblem(line, "kind", "missing; say what the record is (item, sales_invoice …)")
    if not isinstance(kind, str) or kind not in ALL_KINDS:
        return ReadProblem(
            line, "kind", f"unknown kind {kind!r}; use one of: {', '.join(ALL_KINDS)}"
        )
    return None


def _nest_into(
    record: RawRecord, target: dict[str, object], flat: dict[str, str], line: int, prefix: str = ""
) -> None:
    """``{"bill_to.city": "Lyon"}`` → ``{"bill_to": {"city": "Lyon"}}``."""
    for column, value in flat.items():
        node = target
        parts = column.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                record.problems.append((line, prefix + column, f"clashes with column {part!r}"))
                break
            node = child
        else:
            if isinstance(node.get(parts[-1]), dict):
                record.problems.append((line, prefix + column, "clashes with its dotted columns"))
            else:
                node[parts[-1]] = value


def _check_repeated_header(record: RawRecord, head: dict[str, str], line: int) -> None:
    for column, value in head.items():
        node: object = record.data
        for part in column.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            record.problems.append(
                (line, column, f"is empty on the document's first row (line {record.line})")
            )
        elif node != value:
            record.problems.append(
                (line, column, f"{value!r} differs from {node!r} on line {record.line}")
            )
