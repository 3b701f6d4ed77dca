"""JSON values → canonical records, with the same converters as a file import.

The API names kinds in the plural (``items``, ``customers``, ``companies``, ``posting_classes``);
each is one of the kinds a JSON Lines file names in its ``kind`` field. A document's body has
its ``type`` (``sales_invoice`` …) where a file line has its ``kind``; lines without a
``line_number`` are numbered by position, as in a file.
"""

from __future__ import annotations

from intacct_bridge.intake.structure import StructureError, structure
from intacct_bridge.model.documents import Document, DocumentType
from intacct_bridge.model.errors import FieldIssue
from intacct_bridge.model.kinds import KINDS_BY_NAME, Record, record_key
from intacct_bridge.sync.state import KIND_OBJECTS


def plural(kind: str) -> str:
    """``item`` → ``items``, ``company`` → ``companies``, ``tax_class`` → ``tax_classes``."""
    if kind.endswith("s"):
        return f"{kind}es"
    if kind.endswith("y"):
        return f"{kind[:-1]}ies"
    return f"{kind}s"


#: URL name → kind (``items`` → ``item``), every master and reference kind
MASTER_KINDS: dict[str, str] = {plural(kind): kind for kind in KINDS_BY_NAME}
#: URL name → kind, for the synchronised kinds (whose state can be read); the address
#: contacts derived from a party are left out: they go with their party
SYNC_KINDS: dict[str, str] = {plural(kind): kind for kind in KIND_OBJECTS if kind != "address"}
DOCUMENT_TYPES: tuple[str, ...] = tuple(kind.value for kind in DocumentType)


def key_field(kind: str) -> str:
    """The body field holding the last part of a kind's key (the URL's ``{id}``)."""
    return "name" if kind == "contact" else "id"


def to_record(kind: str, data: object, url_id: str | None = None) -> Record:
    """The master record of ``kind`` in ``data``; :class:`StructureError` listing problems.

    With ``url_id`` (``PUT /{kind}/{id}``) the body may leave its key field out; when it
    gives it, it must be the URL's.
    """
    if not isinstance(data, dict):
        raise StructureError([FieldIssue("", "must be a JSON object of the record's fields")])
    if url_id is not None:
        name = key_field(kind)
        given = data.get(name)
        if given is None:
            data = {**data, name: url_id}
        elif given != url_id:
            raise StructureError(
                [FieldIssue(name, f"is {given!r} but the URL names {url_id!r}; make them agree")]
            )
    record = structure(KINDS_BY_NAME[kind], data)
    if url_id is not None and record_key(record)[-1] != url_id:  # pragma: no cover - guard
        raise StructureError([FieldIssue(key_field(kind), "does not match the URL")])
    return record


def to_document(data: object) -> Document:
    """The document in ``data`` (with its ``type``); :class:`StructureError` listing problems."""
    if not isinstance(data, dict):
        raise StructureError([FieldIssue("", "must be a JSON object of the document's fields")])
    if "type" not in data:
        raise StructureError(
            [FieldIssue("type", f"is missing; give one of {', '.join(DOCUMENT_TYPES)}")]
        )
    lines = data.get("lines")
    if isinstance(lines, list):
        data = {**data, "lines": [_numbered(line, index) for index, line in enumerate(lines)]}
    return structure(Document, data)


def _numbered(line: object, index: int) -> object:
    if isinstance(line, dict) and "line_number" not in line:
        return {"line_number": index + 1, **line}
    return line


__all__ = [
    "DOCUMENT_TYPES",
    "MASTER_KINDS",
    "SYNC_KINDS",
    "key_field",
    "plural",
    "to_document",
    "to_record",
]
