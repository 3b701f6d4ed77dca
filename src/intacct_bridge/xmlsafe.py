"""Hardened XML parsing shared by the sandbox and the Intacct client.

Every XML document that enters intacct-bridge from outside goes through
:func:`parse_document`. It refuses, before any expansion can happen:

* documents larger than a byte limit;
* any document type declaration (``<!DOCTYPE``), which is where entity-expansion
  ("billion laughs") and external-entity (XXE) attacks live — Intacct requests
  and responses never need one;
* documents nested deeper than a limit.

lxml is configured never to resolve entities, load DTDs or touch the network.
"""

from __future__ import annotations

import re

from lxml import etree

#: Default upper bound for one XML document, in bytes.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Elements may not be nested deeper than this.
MAX_DEPTH = 64

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


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


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


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
    if _DOCTYPE.search(data[:4096]) or b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise UnsafeXMLError("DOCTYPE and ENTITY declarations are not allowed.")
    if not data.strip():
        raise MalformedXMLError("Document is empty", 1, 1)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        raise MalformedXMLError(str(exc.msg or exc), line or 0, column or 0) from None
    except ValueError as exc:  # e.g. unicode strings with an encoding declaration
        raise MalformedXMLError(str(exc), 1, 1) from None
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or getattr(docinfo, "internalDTD", None) is not None:
        raise UnsafeXMLError("DOCTYPE and ENTITY declarations are not allowed.")
    _check_depth(root)
    return root


def _check_depth(root: etree._Element) -> None:
    stack: list[tuple[etree._Element, int]] = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UnsafeXMLError(f"Elements are nested deeper than {MAX_DEPTH} levels.")
        stack.extend((child, depth + 1) for child in element)


def text_of(element: etree._Element | None) -> str:
    """The stripped text content of ``element`` (``""`` when absent or empty)."""
    if element is None or element.text is None:
        return ""
    return element.text.strip()
