"""``POST /intacct/smart-events``: where the custom package's Smart Events post.

The body is read with a hard size limit (the ``Content-Length`` header first, then the bytes
as they stream in), parsed by :func:`intacct_bridge.sync.events.read_post`, authenticated
and recorded once by :func:`~intacct_bridge.sync.events.receive`, answered ``202`` and then
applied in the background (:func:`~intacct_bridge.sync.events.process`): Intacct waits at
most a few seconds for the answer, and a receipt not applied before a stop is applied at the
next start. Refusals are ``4xx`` with ``{"error": code, "message": sentence}`` and change
nothing but the receipt log.
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from intacct_bridge.sync.events import (
    EventRefused,
    body_hash,
    process,
    read_post,
    receive,
    record_refusal,
)
from intacct_bridge.web.app import BridgeState, bridge

PATH = "/intacct/smart-events"

router = APIRouter()


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise EventRefused(
            413,
            "too_large",
            f"the post declares {declared[:20]} bytes; at most {limit} are accepted",
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise EventRefused(413, "too_large", f"the post exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(PATH)
async def smart_event(request: Request, background: BackgroundTasks) -> JSONResponse:
    state: BridgeState = bridge(request)
    remote = request.client.host if request.client else None
    body = b""
    fields: dict[str, str] | None = None
    try:
        body = await _body(request, state.settings.max_event_bytes)
        fields = read_post(
            request.headers.get("content-type", ""), body, max_bytes=state.settings.max_event_bytes
        )
        accepted = await run_in_threadpool(
            receive, state.sessions, state.keyring, fields, digest=body_hash(body), remote=remote
        )
    except EventRefused as refusal:
        if fields is None:  # refused before it could be read: log it here
            await run_in_threadpool(
                record_refusal, state.sessions, "", body_hash(body), refusal, None, remote
            )
        return JSONResponse(refusal.as_json(), status_code=refusal.status)
    background.add_task(
        process,
        state.sessions,
        state.keyring,
        accepted.receipt_id,
        clients=state.clients,
        on_outbound=state.on_outbound,
    )
    return JSONResponse(
        {
            "status": "accepted",
            "receipt": accepted.receipt_id,
            "object": accepted.event.object_name,
            "key": accepted.event.record_key,
            "event": accepted.event.event,
        },
        status_code=202,
    )
