"""``GET /api/v1/state``, ``GET /api/v1/records/{kind}/{id}/state`` and ``POST /api/v1/sync``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from intacct_bridge.auth.model import ApiPrincipal, Scope
from intacct_bridge.sync import state as sync
from intacct_bridge.web.api.access import client, read_only, run_in_transaction
from intacct_bridge.web.api.bodies import read_json
from intacct_bridge.web.api.convert import SYNC_KINDS, plural
from intacct_bridge.web.api.errors import ApiError, Problem, error_responses
from intacct_bridge.web.api.schemas import RecordState, StateCounts, SyncQueued, SyncRequest

#: most keys named in one Synchronise
MAX_KEYS = 1000

router = APIRouter(tags=["state"])
Reader = Annotated[ApiPrincipal, Depends(client(Scope.STATE_READ))]
Runner = Annotated[ApiPrincipal, Depends(client(Scope.SYNC_RUN))]


@router.get(
    "/state",
    response_model=StateCounts,
    responses=error_responses(401, 403, 503),
    summary="Records per synchronised object and integration state",
)
def counts(request: Request, principal: Reader) -> StateCounts:
    report = read_only(request, lambda session: sync.status(session, principal.tenant_id))
    return StateCounts(
        objects={
            plural(kind): {state.value: count for state, count in per.items()}
            for kind, per in report.counts.items()
        },
        unread_changes=report.unread_events,
    )


@router.get(
    "/records/{kind}/{id}/state",
    response_model=RecordState,
    responses=error_responses(401, 403, 404, 503),
    summary="One record's integration state",
)
def record_state(
    kind: Annotated[str, Path(json_schema_extra={"enum": list(SYNC_KINDS)})],
    id: str,
    request: Request,
    principal: Reader,
) -> RecordState:
    model_kind = SYNC_KINDS.get(kind)
    if model_kind is None:
        raise ApiError(
            404,
            "not_found",
            f"no synchronised kind {kind[:60]!r}; use one of {', '.join(SYNC_KINDS)}",
        )

    def work(session: Session) -> sync.RecordState | bool:
        found = sync.get_state(session, principal.tenant_id, model_kind, id)
        if found is not None:
            return found
        return sync.load_record(session, principal.tenant_id, model_kind, id) is not None

    found = read_only(request, work)
    if found is False:
        raise ApiError(404, "not_found", f"no {model_kind} {id[:60]!r} is stored")
    if found is True:  # stored, not yet looked at by the sync engine
        state = sync.SyncState.NOT
        return RecordState(
            kind=kind,
            key=id,
            state=state.value,
            label=state.label,
            intacct_object=sync.KIND_OBJECTS[model_kind],
        )
    assert isinstance(found, sync.RecordState)
    return RecordState(
        kind=kind,
        key=found.key,
        state=found.state.value,
        label=found.state.label,
        intacct_object=found.intacct_object,
        intacct_id=found.intacct_id,
        url=found.url,
        last_message=found.last_message,
        error_code=found.error_code,
        attempts=found.attempts,
        next_attempt_at=found.next_attempt_at,
        synced_at=found.synced_at,
    )


@router.post(
    "/sync",
    response_model=SyncQueued,
    status_code=202,
    responses=error_responses(400, 401, 403, 409, 413, 415, 422, 503),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": SyncRequest.model_json_schema()}},
        }
    },
    summary="Synchronise: queue records for the sync workers",
)
async def synchronise(request: Request, principal: Runner) -> SyncQueued:
    """Queue what needs sending (not integrated or desynchronised; with ``force``, in error).

    Records changed since the sync engine last looked are taken into account first.
    """
    data = await read_json(request)
    if not isinstance(data, dict):
        raise ApiError(422, "invalid", 'send a JSON object: {"kind", "keys", "force"}')
    wanted = _sync_request(data)
    kind = SYNC_KINDS[wanted.kind] if wanted.kind is not None else None

    def work(session: Session) -> int:
        sync.collect_all(session, principal.tenant_id)
        try:
            if wanted.force:
                return sync.force_synchronise(session, principal.tenant_id, kind, wanted.keys)
            return sync.synchronise(session, principal.tenant_id, kind, wanted.keys)
        except sync.SyncActionError as error:
            raise ApiError(409, "conflict", str(error)) from None

    queued = await run_in_threadpool(run_in_transaction, request, work)
    return SyncQueued(queued=queued, kind=wanted.kind, keys=wanted.keys, force=wanted.force)


def _sync_request(data: dict[str, object]) -> SyncRequest:
    problems: list[Problem] = []
    for name in data:
        if name not in ("kind", "keys", "force"):
            problems.append(
                Problem(field=str(name)[:60], reason="unknown field; use kind, keys, force")
            )
    kind, keys, force = data.get("kind"), data.get("keys"), data.get("force", False)
    if kind is not None and kind not in SYNC_KINDS:
        problems.append(Problem(field="kind", reason=f"use one of {', '.join(SYNC_KINDS)}"))
    if keys is not None:
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            problems.append(Problem(field="keys", reason="must be a list of record keys"))
        elif len(keys) > MAX_KEYS:
            problems.append(Problem(field="keys", reason=f"name at most {MAX_KEYS} records"))
        elif kind is None:
            problems.append(Problem(field="kind", reason="give the kind of the named records"))
    if not isinstance(force, bool):
        problems.append(Problem(field="force", reason="must be true or false"))
    if problems:
        raise ApiError(422, "invalid", "the Synchronise request is not valid", problems)
    assert isinstance(kind, str | None) and isinstance(force, bool)
    return SyncRequest(kind=kind, keys=keys, force=force)  # type: ignore[arg-type]


__all__ = ["router"]
