"""``POST /api/v1/documents`` and ``GET /api/v1/documents/{type}/{number}``.

Submitting is idempotent by (type, number): the same document again gets the first receipt
(200, ``repeat: true``); a different document under a stored number is refused (409, naming
the number and the first field that differs) — a stored document is never replaced through
the API, posted or not. A list is all or nothing. Two clients sending the same new document
at the same moment get one document: the second insert meets the first's unique key, its
transaction is rolled back and run again, and then it is a repeat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from intacct_bridge.auth.model import ApiPrincipal, Scope
from intacct_bridge.export.service import KIND as POSTING_KIND
from intacct_bridge.export.service import document_key
from intacct_bridge.intake.structure import StructureError
from intacct_bridge.model.canonical import content_hash, first_difference, to_plain
from intacct_bridge.model.documents import Document, DocumentStatus
from intacct_bridge.model.kinds import LIFECYCLE_FIELDS, describe
from intacct_bridge.store.base import now
from intacct_bridge.store.bulk import save_batch
from intacct_bridge.store.errors import RecordRejectedError, StoreError
from intacct_bridge.store.repositories import get_document, save_document
from intacct_bridge.store.tables import documents as td
from intacct_bridge.sync.state import get_state
from intacct_bridge.web.api.access import client, read_only, run_in_transaction
from intacct_bridge.web.api.bodies import read_json
from intacct_bridge.web.api.convert import DOCUMENT_TYPES, to_document
from intacct_bridge.web.api.errors import ApiError, Problem, error_responses, problems_of
from intacct_bridge.web.api.schemas import DocumentResult, DocumentResults, StoredDocument

#: most documents in one request
MAX_DOCUMENTS = 1000
_DOCUMENT = {
    "type": "object",
    "required": ["type", "number"],
    "properties": {
        "type": {"type": "string", "enum": list(DOCUMENT_TYPES)},
        "number": {"type": "string"},
    },
    "description": "the document's fields, as in a JSON Lines file, with its type",
}

router = APIRouter(tags=["documents"])
Submitter = Annotated[ApiPrincipal, Depends(client(Scope.DOCUMENTS_WRITE))]
Reader = Annotated[ApiPrincipal, Depends(client(Scope.STATE_READ))]


@dataclass(frozen=True)
class _Stored:
    content_hash: str
    status: str
    created_at: dt.datetime


@router.post(
    "/documents",
    response_model=DocumentResult | DocumentResults,
    status_code=200,
    responses=error_responses(
        400,
        401,
        403,
        409,
        413,
        415,
        422,
        503,
        extra={201: {"model": DocumentResult | DocumentResults, "description": "stored (new)"}},
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            _DOCUMENT,
                            {"type": "array", "items": _DOCUMENT, "maxItems": MAX_DOCUMENTS},
                        ]
                    }
                }
            },
        }
    },
    summary="Submit one document or a list, idempotent by type and number",
)
async def submit(request: Request, principal: Submitter) -> Response:
    """201 when something new was stored, 200 when every document was a repeat.

    The receipts are built as the response models and serialised by them directly (FastAPI
    would validate the models it was handed a second time, then serialise them the same way).
    """
    body = await read_json(request)
    single = isinstance(body, dict)
    items = [body] if single else body
    if not isinstance(items, list):
        raise ApiError(422, "invalid", "send a document (a JSON object) or a list of them")
    if len(items) > MAX_DOCUMENTS:
        raise ApiError(
            422, "invalid", f"{len(items)} documents; send at most {MAX_DOCUMENTS} per request"
        )
    positions, receipts = await run_in_threadpool(
        _submit, request, principal.tenant_id, items, single
    )
    status = 201 if any(not receipt.repeat for receipt in receipts) else 200
    answer: DocumentResult | DocumentResults = (
        receipts[0]
        if single
        else DocumentResults(results=[receipts[position] for position in positions])
    )
    return Response(answer.model_dump_json(), status_code=status, media_type="application/json")


def _submit(
    request: Request, tenant_id: str, items: list[Any], single: bool
) -> tuple[list[int], list[DocumentResult]]:
    """Convert and store (one trip to the thread pool per request)."""
    documents, positions = _convert(items, single)
    # where each distinct document was in the list sent (for the field paths of problems)
    origins = [positions.index(place) for place in range(len(documents))] if not single else [0]
    receipts = run_in_transaction(
        request, lambda session: _store(session, tenant_id, documents, origins, single)
    )
    return positions, receipts


def _convert(items: list[Any], single: bool) -> tuple[list[Document], list[int]]:
    """The distinct documents, and for each item sent the position of its document."""
    documents: list[Document] = []
    positions: list[int] = []
    problems: list[Problem] = []
    # the content hash is only needed when a number comes twice (the store hashes each
    # new document once; a stored one is hashed again only to compare)
    seen: dict[tuple[str, str], tuple[int, int]] = {}
    for index, data in enumerate(items):
        prefix = "" if single else f"[{index}]"
        try:
            document = to_document(data)
        except StructureError as refused:
            problems += problems_of(refused.issues, prefix, _label(data))
            continue
        key = (document.type.value, document.number)
        if key in seen:
            first, position = seen[key]
            positions.append(position)
            if _digest(documents[position]) != _digest(document):
                problems.append(
                    Problem(
                        field=prefix,
                        reason=f"{describe(document)} is also document [{first}] with other "
                        "content; send one of them",
                        record=describe(document),
                    )
                )
            continue
        seen[key] = (index, len(documents))
        positions.append(len(documents))
        documents.append(document)
    if problems:
        what = "the document is" if single else "some documents are"
        raise ApiError(422, "invalid", f"{what} not valid; nothing was written", problems)
    return documents, positions


def _store(
    session: Session,
    tenant_id: str,
    documents: list[Document],
    origins: list[int],
    single: bool,
) -> list[DocumentResult]:
    # the tenant exists: the API key that named it references it (and goes with it)
    stored = _stored(session, tenant_id, documents)
    digests = [_digest(document) for document in documents]
    conflicts: list[Problem] = []
    new: list[tuple[int, Document]] = []
    repeats: set[tuple[str, str]] = set()
    posted: list[Document] = []
    for index, document in enumerate(documents):
        key = (document.type.value, document.number)
        found = stored.get(key)
        if found is None:
            new.append((index, document))
        elif found.content_hash != digests[index]:
            prefix = "" if single else f"[{origins[index]}]"
            conflicts.append(_conflict(session, tenant_id, document, prefix))
        elif document.status is DocumentStatus.POSTED and found.status != "posted":
            save_document(session, tenant_id, document)  # posts the identical draft
            posted.append(document)
        else:
            repeats.add(key)
    if conflicts:
        numbers = ", ".join(problem.record or "" for problem in conflicts[:5])
        raise ApiError(
            409,
            "conflict",
            f"already stored with other content: {numbers}; a stored document is not "
            "replaced — send a new number (or a credit memo or return for a posted one)",
            conflicts,
        )
    if new:
        # looked up above, in this transaction: none of them is stored (one that another
        # request stores meanwhile fails the insert on its unique key: the transaction is run
        # again, and then it is a repeat)
        stamp = now()
        results = save_batch(
            session,
            tenant_id,
            [document for _, document in new],
            digests=[digests[index] for index, _ in new],
            new=True,
            stamp=stamp,
        )
        refused: list[Problem] = []
        for (index, document), result in zip(new, results, strict=True):
            if isinstance(result, RecordRejectedError):
                prefix = "" if single else f"[{origins[index]}]"
                refused += problems_of(result.issues, prefix, result.record)
            elif isinstance(result, StoreError):
                refused.append(Problem(field="", reason=str(result), record=describe(document)))
            else:
                status = "posted" if document.is_posted else "draft"
                key = (document.type.value, document.number)
                stored[key] = _Stored(digests[index], status, stamp)
        if refused:
            raise ApiError(
                422, "invalid", "refused by the store's checks; nothing was written", refused
            )
    if posted:
        session.flush()
        stored.update(_stored(session, tenant_id, posted))
    return [
        _receipt(document, stored[(document.type.value, document.number)], repeats)
        for document in documents
    ]


#: the receipts of stored documents, by (type, number)
_STORED = select(
    td.DocumentRow.type,
    td.DocumentRow.number,
    td.DocumentRow.content_hash,
    td.DocumentRow.status,
    td.DocumentRow.created_at,
).where(
    td.DocumentRow.tenant_id == bindparam("tenant_id"),
    tuple_(td.DocumentRow.type, td.DocumentRow.number).in_(bindparam("keys", expanding=True)),
)
#: at most this many documents in one ``IN (…)``
_CHUNK = 500


def _stored(
    session: Session, tenant_id: str, documents: list[Document]
) -> dict[tuple[str, str], _Stored]:
    """The receipts of those of ``documents`` already stored (one query per 500)."""
    keys = [(document.type.value, document.number) for document in documents]
    found: dict[tuple[str, str], _Stored] = {}
    for start in range(0, len(keys), _CHUNK):
        params = {"tenant_id": tenant_id, "keys": keys[start : start + _CHUNK]}
        for doc_type, number, digest, status, created in session.execute(_STORED, params):
            found[(doc_type, number)] = _Stored(digest, status, created)
    return found


def warm_queries(session: Session) -> None:
    """Run the queries of a submission once on an empty key (nothing is found or written),
    so that they are compiled before the first request needs them (see :mod:`.warm`)."""
    session.execute(_STORED, {"tenant_id": "", "keys": [("", "")]}).all()


def _conflict(session: Session, tenant_id: str, document: Document, prefix: str) -> Problem:
    stored = get_document(session, tenant_id, document.type, document.number)
    field = ""
    if stored is not None:
        old, new = to_plain(stored), to_plain(document)
        if isinstance(old, dict) and isinstance(new, dict):
            old.pop("status", None)
            new.pop("status", None)
        field = first_difference(old, new) or ""
    where = f"{prefix}.{field}" if prefix and field else prefix or field
    differs = f"its {field} differs" if field else "its content differs"
    return Problem(
        field=where,
        reason=f"{describe(document)} is already stored and {differs}; send the stored "
        "content again, or use a new number",
        record=describe(document),
    )


def _receipt(document: Document, stored: _Stored, repeats: set[tuple[str, str]]) -> DocumentResult:
    created = stored.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    return DocumentResult(
        type=document.type.value,
        number=document.number,
        status="posted" if stored.status == "posted" else "draft",
        content_hash=stored.content_hash,
        received_at=created,
        repeat=(document.type.value, document.number) in repeats,
    )


def _digest(document: Document) -> str:
    return content_hash(document, exclude=LIFECYCLE_FIELDS[Document])


def _label(data: object) -> str | None:
    if isinstance(data, dict):
        kind, number = data.get("type"), data.get("number")
        if isinstance(kind, str) and isinstance(number, str):
            return f"{kind[:40]} {number[:60]}"
    return None


@router.get(
    "/documents/{type}/{number}",
    response_model=StoredDocument,
    responses=error_responses(401, 403, 404, 503),
    summary="A stored document, its receipt and its posting state",
)
def read_document(
    type: Annotated[str, Path(json_schema_extra={"enum": list(DOCUMENT_TYPES)})],
    number: str,
    request: Request,
    principal: Reader,
) -> StoredDocument:
    if type not in DOCUMENT_TYPES:
        raise ApiError(404, "not_found", f"no document type {type[:60]!r}")

    def work(
        session: Session,
    ) -> tuple[Document, _Stored, dict[str, Any] | None] | None:
        document = get_document(session, principal.tenant_id, type, number)
        if document is None:
            return None
        stored = _stored(session, principal.tenant_id, [document])[(type, number)]
        return document, stored, _posting(session, principal.tenant_id, document)

    found = read_only(request, work)
    if found is None:
        raise ApiError(404, "not_found", f"no {type} {number[:60]!r} is stored")
    document, stored, posting = found
    plain = to_plain(document)
    assert isinstance(plain, dict)
    return StoredDocument(
        receipt=_receipt(document, stored, {(type, number)}), document=plain, posting=posting
    )


def _posting(session: Session, tenant_id: str, document: Document) -> dict[str, Any] | None:
    """The document's posting to Intacct (``intacct-bridge post``), or ``None`` before one."""
    state = get_state(session, tenant_id, POSTING_KIND, document_key(document))
    if state is None:
        return None
    return {
        "state": state.state.value,
        "intacct_object": state.intacct_object or None,
        "record_no": state.record_no,
        "url": state.url,
        "message": state.last_message,
        "posted_at": None if state.synced_at is None else state.synced_at.isoformat(),
    }


__all__ = ["MAX_DOCUMENTS", "router"]
