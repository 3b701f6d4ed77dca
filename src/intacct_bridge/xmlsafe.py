"""Hardened XML parsing shared by the sandbox and the Intacct client.

Every XML document that enters intacct-bridge from outside goes through
:func:`parse_document`. It refuses, before any expansion can happen:

* documents larger than a byte limit;
* any document type declaration (``<!DOCTYPE``), which is where entity-expansion
  ("billion laughs") and external-entity (XXE) attacks live — Intacct requests
  and responses never need one. The check reads the document's prolog in the
  document's own encoding (UTF-16, UTF-32, UTF-7, EBCDIC …), so a declaration
  cannot slip past it by being encoded differently;
* documents nested deeper than a limit.

lxml is configured never to resolve entities, load DTDs or touch the network, and
its resolver answers every external reference with an empty document, so no local
file is ever opened even if a declaration got that far. A declaration that does
reach the parser is refused after parsing.
"""

from __future__ import annotations

import codecs
import re
import threading

from lxml import etree

#: Default upper bound for one XML document, in bytes.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Elements may not be nested deeper than this.
MAX_DEPTH = 64

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DOCTYPE_TEXT = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
#: How much of a non-UTF-8 document is decoded to look for declarations.
_PROLOG_SCAN = 64 * 1024
_DECLARED = re.compile(rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z][\w.:-]{0,39})["']""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Codecs under which the raw-bytes check already sees every declaration.
_ASCII_SAFE = frozenset({"utf-8", "ascii", "latin-1", "iso8859-1", "cp1252"})
_DECLARATIONS = "DOCTYPE and ENTITY declarations are not allowed."


class UnsafeXMLError(ValueError):
    """The document is well-formed enough to read but uses a forbidden construct."""


class MalformedXMLError(ValueError):
    """The document is not well-formed XML.

    Attributes:
        line: 1-based line of the first error, when known.
        column: 1-based column of the first error, when known.
    """

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class OversizedXMLError(ValueError):
    """The document is larger than the configured limit."""


class _RefuseExternal(etree.Resolver):
    """Answers every external DTD or entity with an empty document: nothing is read."""

    # lxml calls resolve(url, public_id, context); lxml-stubs leaves out the context.
    def resolve(  # type: ignore[override]
        self, system_url: str | None, public_id: str | None, context: object
    ) -> object:
        return self.resolve_string("", context, base_url=None)


_local = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's parser (lxml parsers must not be shared between threads)."""
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            attribute_defaults=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
        )
        parser.resolvers.add(_RefuseExternal())
        _local.parser = parser
    return parser


def _too_deep() -> etree.XPath:
    """True when any element sits deeper than :data:`MAX_DEPTH` (evaluated in C)."""
    check: etree.XPath | None = getattr(_local, "too_deep", None)
    if check is None:
        check = _local.too_deep = etree.XPath("boolean(" + "/*" * (MAX_DEPTH + 1) + ")")
    return check


def sniff_encoding(data: bytes) -> str:
    """The encoding a parser would read ``data`` in (XML 1.0 appendix F), as a Python codec
    name; ``""`` when the declared encoding is unknown to Python."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:4]
    if len(head) == 4 and 0 in head:
        if head[:3] == b"\x00\x00\x00":
            return "utf-32-be"
        if head[1:] == b"\x00\x00\x00":
            return "utf-32-le"
        return "utf-16-be" if head[0] == 0 else "utf-16-le"
    if head == b"\x4c\x6f\xa7\x94":
        return "cp037"
    declared = _DECLARED.match(data)
    if declared is None:
        return "utf-8"
    try:
        return codecs.lookup(declared.group(1).decode("ascii")).name
    except LookupError:
        return ""


def _declares_dtd(data: bytes) -> bool:
    if _DOCTYPE.search(data[:4096]) or b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        return True
    encoding = sniff_encoding(data)
    if encoding in _ASCII_SAFE or not encoding:
        return False
    try:
        text = data[:_PROLOG_SCAN].decode(encoding, errors="ignore")
    except (LookupError, ValueError):  # codecs that refuse errors="ignore"
        return False
    return _DOCTYPE_TEXT.search(text) is not None


def parse_document(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse ``data`` into an element tree root, safely.

    Raises:
        OversizedXMLError: ``data`` is longer than ``max_bytes``.
        UnsafeXMLError: the document declares a DTD or entities, or nests too deep.
        MalformedXMLError: the document is not well-formed.
    """
    if len(data) > max_bytes:
        raise OversizedXMLError(
            f"The request is {len(data)} bytes; the limit is {max_bytes} bytes."
        )
    if _declares_dtd(data):
        raise UnsafeXMLError(_DECLARATIONS)
    if not data or data.isspace():
        raise MalformedXMLError("Document is empty", 1, 1)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        message = str(exc.msg or exc)
        if message.startswith("Excessive depth in document"):
            raise UnsafeXMLError(_depth_message()) from None
        raise MalformedXMLError(message, line or 0, column or 0) from None
    except (ValueError, LookupError) as exc:  # e.g. an encoding lxml cannot switch to
        raise MalformedXMLError(str(exc), 1, 1) from None
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or getattr(docinfo, "internalDTD", None) is not None:
        raise UnsafeXMLError(_DECLARATIONS)
    if _too_deep()(root):
        raise UnsafeXMLError(_depth_message())
    return root


def _depth_message() -> str:
    return f"Elements are nested deeper than {MAX_DEPTH} levels."


def text_of(element: etree._Element | None) -> str:
    """The stripped text content of ``element`` (``""`` when absent or empty)."""
    if element is None or element.text is None:
        return ""
    return element.text.strip()
