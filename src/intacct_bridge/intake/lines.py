"""Physical lines of an import file, read as bytes and decoded one at a time.

Lines end at ``\\n`` only (``\\r\\n`` too): U+2028, U+2029 and U+0085 are ordinary characters
inside a JSON string, so they never split a line and line numbers stay those of a text
editor. The file is never held whole: memory is one line, and a line longer than the limit is
skipped (and reported) without being read into memory.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

#: longest line accepted, in bytes (a document of a few thousand lines fits)
MAX_LINE_BYTES = 8 * 1024 * 1024

_UTF16_32 = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_SKIP_CHUNK = 1024 * 1024


class ImportFormatError(ValueError):
    """The file as a whole cannot be read: unknown format, or not UTF-8 text."""


@dataclass(frozen=True, slots=True)
class Line:
    """One physical line: its number (from 1) and its text without the line ending.

    Bytes that are not UTF-8 are kept as lone surrogates (``surrogateescape``);
    ``bad_byte`` then gives the first one, as ``(column, byte)``. A line over the size limit
    has no text and ``size`` says how long it was.
    """

    number: int
    text: str
    bad_byte: tuple[int, int] | None = None
    size: int | None = None
    #: the limit a line of ``size`` broke
    limit: int = MAX_LINE_BYTES


def not_utf8(bad_byte: tuple[int, int]) -> str:
    """The reason given for a line with bytes that are not UTF-8."""
    column, byte = bad_byte
    return (
        f"byte 0x{byte:02X} at column {column} is not UTF-8 (is the file Latin-1 or "
        "Windows-1252?); save the file as UTF-8"
    )


def too_long(size: int, limit: int) -> str:
    """The reason given for a line over the size limit."""
    return f"the line is {size:,} bytes long, over the limit of {limit:,}; split the record"


def read_lines(
    stream: BinaryIO, *, name: str = "the file", max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[Line]:
    """The lines of ``stream``, decoded as UTF-8 (a UTF-8 byte-order mark is skipped).

    Raises:
        ImportFormatError: the file is UTF-16 or UTF-32 (it starts with their byte-order mark,
            or its first line has NUL bytes); no line is read then.
    """
    number = 0
    while True:
        raw = stream.readline(max_line_bytes + 1)
        if not raw:
            return
        number += 1
        if number == 1:
            raw = _first_line(raw, name)
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            yield Line(number, "", size=len(raw) + _skip_rest(stream), limit=max_line_bytes)
            continue
        if raw.endswith(b"\n"):
            raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
        try:
            yield Line(number, raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            text = raw.decode("utf-8", "surrogateescape")
            yield Line(number, text, bad_byte=(_column(raw, error.start), raw[error.start]))


def _first_line(raw: bytes, name: str) -> bytes:
    for bom, encoding in _UTF16_32:
        if raw.startswith(bom):
            raise ImportFormatError(_wide(name, encoding))
    if b"\x00" in raw:
        raise ImportFormatError(_wide(name, "UTF-16"))
    return raw.removeprefix(codecs.BOM_UTF8)


def _wide(name: str, encoding: str) -> str:
    return (
        f"{name} is {encoding} text; save it as UTF-8 "
        f"(for example: iconv -f {encoding} -t UTF-8 FILE > FILE.utf8)"
    )


def _column(raw: bytes, offset: int) -> int:
    """Column (from 1, in characters) of the byte at ``offset``."""
    return len(raw[:offset].decode("utf-8", "replace")) + 1


def _skip_rest(stream: BinaryIO) -> int:
    skipped = 0
    while True:
        chunk = stream.readline(_SKIP_CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped
