"""``PUT /api/v1/{kind}/{id}`` and ``POST /api/v1/{kind}:batch``: upsert master data.

A record is written whole or not at all; a batch is all or nothing (one bad record and
nothing of the batch is written, every problem is listed). The values go through the file
import's converters and the store's checks, so a record the API takes is one an import takes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from intacct_bridge.auth.model import ApiPrincipal, Scope
from intacct_bridge.intake.structure import StructureError
from intacct_bridge.model.kinds import Record, describe, record_key
from intacct_bridge.store.bulk import save_batch
from intacct_bridge.store.errors import RecordRejectedError, StoreError
from intacct_bridge.store.repositories import Outcome, require_tenant, save_record
from intacct_bridge.web.api.access import client, run_in_transaction
from intacct_bridge.web.api.bodies import read_json
from intacct_bridge.web.api.convert import MASTER_KINDS, to_record
from intacct_bridge.web.api.errors import ApiError, Problem, error_responses, problems_of
from intacct_bridge.web.api.schemas import BatchResult, RecordResult

#: most records in one batch
MAX_BATCH = 1000
_JSON_OBJECT = {"type": "object", "description": "the record's fields, as in a JSON Lines file"}

router = APIRouter(tags=["master data"])
Writer = Annotated[ApiPrincipal, Depends(client(Scope.MASTER_DATA_WRITE))]
KindName = Annotated[str, Path(description="the kind", json_schema_extra={"enum": [*MASTER_KINDS]})]


def _kind(name: str) -> str:
    kind = MASTER_KINDS.get(name)
    if kind is None:
        raise ApiError(
            404, "not_found", f"no kind {name[:60]!r}; use one of {', '.join(MASTER_KINDS)}"
        )
    return kind


@router.put(
    "/{kind}/{id}",
    response_model=RecordResult,
    status_code=200,
    responses=error_responses(
        400,
        401,
        403,
        404,
        409,
        413,
        415,
        422,
        503,
        extra={201: {"model": RecordResult, "description": "created"}},
    ),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _JSON_OBJECT}}}
    },
    summary="Create or update one master-data record",
)
async def upsert(
    kind: KindName,
    id: Annotated[str, Path(description="the record's ID (its name, for contacts)")],
    request: Request,
    response: Response,
    principal: Writer,
) -> RecordResult:
    """200 when updated or unchanged, 201 when created; the body's key may be left out."""
    name = kind
    model_kind = _kind(name)
    body = await read_json(request)
    try:
        record = to_record(model_kind, body, id)
    except StructureError as refused:
        raise _invalid(refused.issues, f"{model_kind} {id[:60]}") from None

    def work(session: Session) -> Outcome:
        require_tenant(session, principal.tenant_id)
        try:
            return save_record(session, principal.tenant_id, record)
        except RecordRejectedError as error:
            raise _invalid(error.issues, error.record) from None
        except StoreError as error:
            raise ApiError(422, "invalid", str(error)) from None

    outcome = await run_in_threadpool(run_in_transaction, request, work)
    if outcome is Outcome.CREATED:
        response.status_code = 201
    return RecordResult(kind=name, key="/".join(record_key(record)), outcome=outcome.value)


@router.post(
    "/{kind}:batch",
    response_model=BatchResult,
    responses=error_responses(400, 401, 403, 404, 409, 413, 415, 422, 503),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": _JSON_OBJECT, "maxItems": MAX_BATCH}
                }
            },
        }
    },
    summary="Create or update many records of one kind, all or nothing",
)
async def upsert_batch(kind: KindName, request: Request, principal: Writer) -> BatchResult:
    """A JSON list of records (at most :data:`MAX_BATCH`); each must have its key."""
    name = kind
    model_kind = _kind(name)
    body = await read_json(request)
    if not isinstance(body, list):
        raise ApiError(422, "invalid", "send a JSON list of records")
    if len(body) > MAX_BATCH:
        raise ApiError(422, "invalid", f"{len(body)} records; send at most {MAX_BATCH} per request")
    records: list[Record] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, ...], int] = {}
    for index, data in enumerate(body):
        try:
            record = to_record(model_kind, data)
        except StructureError as refused:
            problems += problems_of(refused.issues, f"[{index}]")
            continue
        key = record_key(record)
        if key in seen:
            problems.append(
                Problem(
                    field=f"[{index}]",
                    reason=f"{describe(record)} is also record [{seen[key]}]; send it once",
                )
            )
            continue
        seen[key] = index
        records.append(record)
    if problems:
        raise ApiError(422, "invalid", "some records are not valid; nothing was written", problems)

    def work(session: Session) -> list[Outcome]:
        require_tenant(session, principal.tenant_id)
        results = save_batch(session, principal.tenant_id, records)
        refused: list[Problem] = []
        for index, result in enumerate(results):
            if isinstance(result, RecordRejectedError):
                refused += problems_of(result.issues, f"[{index}]", result.record)
            elif isinstance(result, StoreError):
                refused.append(Problem(field=f"[{index}]", reason=str(result)))
        if refused:
            raise ApiError(
                422, "invalid", "some records were refused; nothing was written", refused
            )
        return [result for result in results if isinstance(result, Outcome)]

    outcomes = await run_in_threadpool(run_in_transaction, request, work)
    return BatchResult(
        results=[
            RecordResult(kind=name, key="/".join(record_key(record)), outcome=outcome.value)
            for record, outcome in zip(records, outcomes, strict=True)
        ]
    )


def _invalid(issues: object, record: str) -> ApiError:
    assert isinstance(issues, list | tuple)
    return ApiError(
        422,
        "invalid",
        f"{record} is not valid; nothing was written",
        problems_of(issues, "", record),
    )


__all__ = ["MAX_BATCH", "router"]
