"""Read JSON Lines and CSV files into raw records, keeping the line each came from.

JSON Lines: one record per line, an object with a ``kind`` and the record's fields; a
document carries its ``lines`` as a list.

CSV: a header row, then one row per record. A ``kind`` column is required. Nested fields are
dotted columns (``bill_to.city``); list cells separate values with ``|``. A document spans one
row per document line, its rows one after the other: the ``line.*`` columns hold the line, the
other columns the header, given on the document's first row (later rows may repeat them, but
not differ). Empty cells are absent fields.

Both readers stream: memory holds one record, whatever the size of the file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from intacct_bridge.intake.lines import Line, not_utf8, read_lines, too_long
from intacct_bridge.intake.structure import MAX_NUMBER_DIGITS, OversizeNumber, shown
from intacct_bridge.model.documents import DocumentType
from intacct_bridge.model.kinds import KINDS_BY_NAME

DOCUMENT_KINDS = frozenset(kind.value for kind in DocumentType)
ALL_KINDS = tuple(KINDS_BY_NAME) + tuple(kind.value for kind in DocumentType)
LINE_PREFIX = "line."
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


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


def read_jsonl(source: str | Iterable[Line]) -> Iterator[RawRecord | ReadProblem]:
    """Records of JSON Lines (text, or lines from :func:`read_lines`); decimals stay exact.

    Never raises on a bad line: an unreadable line (invalid JSON, nested too deep, a number
    too long to read, bytes that are not UTF-8, a lone surrogate, over the size limit) is a
    :class:`ReadProblem` naming its line and, when it can, its field.
    """
    for line in _lines(source):
        if line.size is not None:
            yield ReadProblem(line.number, "", too_long(line.size, line.limit))
            continue
        text = line.text
        if not text.strip():
            continue
        try:
            # one decoder for every line (``json.loads`` with hooks builds one per call); a
            # line starting with a byte order mark goes to ``json.loads``, which names it
            data = (
                _DECODER.decode(text)
                if not text.startswith("\ufeff")
                else json.loads(text, parse_float=Decimal, parse_int=_parse_int)
            )
        except json.JSONDecodeError as error:
            reason = f"invalid JSON ({error.msg} at column {error.colno})"
            yield ReadProblem(line.number, "", not_utf8(line.bad_byte) if line.bad_byte else reason)
            continue
        except RecursionError:
            yield ReadProblem(line.number, "", "nested too deeply to read; flatten the record")
            continue
        if not isinstance(data, dict):
            yield ReadProblem(line.number, "", "each line must be a JSON object")
            continue
        if line.bad_byte is not None or _ESCAPED_SURROGATE.search(text):
            found = _surrogate_in(data)
            if found is not None:
                path, char = found
                reason = not_utf8(line.bad_byte) if line.bad_byte else _lone(char)
                yield ReadProblem(line.number, path, reason)
                continue
        kind = data.pop("kind", None)
        problem = _check_kind(line.number, kind)
        if problem is not None:
            yield problem
            continue
        yield RawRecord(str(kind), data, line.number)


def read_csv(source: str | Iterable[Line]) -> Iterator[RawRecord | ReadProblem]:
    """Records of CSV (text, or lines from :func:`read_lines`); see the module docstring.

    Records stream: a document is complete when a row of another record follows, so its rows
    must be consecutive. Never raises on a bad row (see :func:`read_jsonl`).
    """
    feed = _CsvFeed(_lines(source))
    reader = csv.reader(feed)
    header: list[str] | None = None
    document: RawRecord | None = None
    document_key: tuple[str, str] | None = None
    end = 0
    while True:
        feed.start_row()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            yield from feed.problems()
            end = reader.line_num
            refused = ReadProblem(end, feed.long_cell(header), _csv_reason(error))
            if document is not None and feed.row_key(header) == document_key:
                # a row of the open document: the document is refused whole
                document.problems.append((refused.line, refused.field, refused.reason))
                continue
            if document is not None:
                yield document
                document, document_key = None, None
            yield refused
            continue
        start, end = end + 1, reader.line_num
        yield from feed.problems()
        if header is None:
            header = [name.strip() for name in row]
            if "kind" not in header:
                yield ReadProblem(1, "kind", "the header has no 'kind' column; add it")
                return
            duplicates = {name for name in header if header.count(name) > 1 and name}
            if duplicates:
                yield ReadProblem(1, sorted(duplicates)[0], "column appears twice in the header")
                return
            continue
        cells = {name: value for name, value in zip(header, row, strict=False) if name}
        if not any(value.strip() for value in cells.values()):
            continue
        belongs = (
            document_key is not None
            and cells.get("kind", "").strip() == document_key[0]
            and cells.get("number", "").strip() == document_key[1]
        )
        if document is not None and not belongs:
            yield document
            document, document_key = None, None
        bad = _bad_cell(cells)
        unreadable: ReadProblem | None = None
        if len(row) > len(header):
            unreadable = ReadProblem(start, "", f"{len(row)} cells but {len(header)} columns")
        elif bad is not None:
            byte = feed.bad_byte(start, end)
            unreadable = ReadProblem(start, bad[0], not_utf8(byte) if byte else _lone(bad[1]))
        if unreadable is not None:
            if document is not None:  # a row of the open document: refused whole
                document.problems.append((start, unreadable.field, unreadable.reason))
            else:
                yield unreadable
            continue
        kind = cells.pop("kind", "").strip()
        problem = _check_kind(start, kind or None)
        if problem is not None:
            yield problem
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
            yield record
            continue
        number = head.get("number", "").strip()
        if not number:
            yield ReadProblem(start, "number", "a document row needs its number")
            continue
        if document is None:
            document = RawRecord(kind, {"lines": []}, start, split_lists=True, is_csv=True)
            document_key = (kind, number)
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
    yield from feed.problems()
    if document is not None:
        yield document


class _CsvFeed:
    """Feeds physical lines to :mod:`csv`, keeping what the csv module cannot report."""

    def __init__(self, lines: Iterator[Line]) -> None:
        self._lines = lines
        self._pending: list[ReadProblem] = []
        self._bad: dict[int, tuple[int, int]] = {}
        self._row_text: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            if line.size is not None:
                reason = too_long(line.size, line.limit)
                self._pending.append(ReadProblem(line.number, "", reason))
                yield "\n"
                continue
            if line.bad_byte is not None:
                self._bad[line.number] = line.bad_byte
            self._row_text.append(line.text)
            yield line.text + "\n"

    def start_row(self) -> None:
        self._row_text.clear()

    def problems(self) -> Iterator[ReadProblem]:
        yield from self._pending
        self._pending.clear()

    def bad_byte(self, start: int, end: int) -> tuple[int, int] | None:
        found = next((self._bad[n] for n in range(start, end + 1) if n in self._bad), None)
        for number in [n for n in self._bad if n <= end]:
            del self._bad[number]
        return found

    def row_key(self, header: list[str] | None) -> tuple[str, str] | None:
        """``(kind, number)`` of a row the csv module refused, read naively from its text."""
        if header is None or "number" not in header:
            return None
        cells = "".join(self._row_text).split(",")
        kind, number = header.index("kind"), header.index("number")
        if max(kind, number) >= len(cells):
            return None
        return cells[kind].strip(), cells[number].strip()

    def long_cell(self, header: list[str] | None) -> str:
        """The column of the first cell over the csv module's size limit, if one is."""
        limit = csv.field_size_limit()
        column, size, quoted = 0, 0, False
        for text in self._row_text:
            for char in text + "\n":
                if char == '"':
                    quoted = not quoted
                elif char == "," and not quoted:
                    column, size = column + 1, 0
                    continue
                size += 1
                if size > limit:
                    names = header or []
                    return names[column] if column < len(names) else f"column {column + 1}"
        return ""


def _csv_reason(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        limit = csv.field_size_limit()
        return f"a cell is longer than {limit:,} characters; shorten it"
    return f"cannot be read as CSV ({error}); fix the quoting"


def _parse_int(text: str) -> int | OversizeNumber:
    if len(text) > MAX_NUMBER_DIGITS:
        return OversizeNumber(text)
    return int(text)


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_int=_parse_int)


def _lone(char: str) -> str:
    return (
        f"contains \\u{ord(char):04x}, half of a surrogate pair and not a character; fix the text"
    )


def _surrogate_in(data: object) -> tuple[str, str] | None:
    """The path of the first string (or key) holding a surrogate, and that character."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            match = _SURROGATE.search(node)
            if match is not None:
                return path, match.group()
        elif isinstance(node, dict):
            for key, value in reversed(node.items()):
                match = _SURROGATE.search(key)
                where = f"{path}.{key}" if path else key
                if match is not None:
                    return where, match.group()
                stack.append((where, value))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(node))))
    return None


def _bad_cell(cells: dict[str, str]) -> tuple[str, str] | None:
    for name, value in cells.items():
        match = _SURROGATE.search(value)
        if match is not None:
            return name, match.group()
    return None


def _lines(source: str | Iterable[Line]) -> Iterator[Line]:
    if isinstance(source, str):
        data = source.encode("utf-8", "surrogatepass")
        return read_lines(io.BytesIO(data))
    return iter(source)


def _check_kind(line: int, kind: object) -> ReadProblem | None:
    if kind is None:
        return ReadProblem(line, "kind", "missing; say what the record is (item, sales_invoice …)")
    if not isinstance(kind, str) or kind not in ALL_KINDS:
        return ReadProblem(
            line, "kind", f"unknown kind {shown(kind)}; use one of: {', '.join(ALL_KINDS)}"
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
