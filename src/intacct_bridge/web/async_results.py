"""``POST /intacct/async-results``: where Intacct posts the results of asynchronous posts.

The transport policy's response URL points here, with HTTP Basic credentials: the tenant ID
and the tenant's webhook secret (checked in constant time, as for Smart Events). The body —
Intacct's ``<response>`` — is read with a hard size limit and applied by
:func:`intacct_bridge.export.callbacks.apply_async_response`, matched by control ID.
Answers: ``200`` with what changed (``applied``, or ``duplicate`` for a second delivery),
``401`` unauthenticated, ``403`` another Intacct company, ``400`` not an Intacct response,
``404`` unknown control ID,
``413`` too large — every refusal changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from intacct_bridge.export.callbacks import (
    MAX_CALLBACK_BYTES,
    CallbackRefused,
    apply_async_response,
    authenticate,
)
from intacct_bridge.web.app import BridgeState, bridge

log = logging.getLogger("intacct_bridge.web.async_results")

PATH = "/intacct/async-results"

router = APIRouter()


def _credentials(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        raise CallbackRefused(401, "unauthenticated", "HTTP Basic credentials are required")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CallbackRefused(
            401, "unauthenticated", "the Basic credentials cannot be read"
        ) from None
    user, sep, password = decoded.partition(":")
    if not sep:
        raise CallbackRefused(
            401, "unauthenticated", "the Basic credentials cannot be read"
        ) from None
    return user, password


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_CALLBACK_BYTES):
        raise CallbackRefused(413, "too_large", f"at most {MAX_CALLBACK_BYTES} bytes are accepted")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_CALLBACK_BYTES:
            raise CallbackRefused(413, "too_large", f"the post exceeds {MAX_CALLBACK_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(PATH)
async def async_results(request: Request) -> JSONResponse:
    state: BridgeState = bridge(request)
    try:
        user, password = _credentials(request)
        tenant = await run_in_threadpool(
            authenticate, state.sessions, state.keyring, user, password
        )
        body = await _body(request)
        result = await run_in_threadpool(apply_async_response, state.sessions, tenant, body)
    except CallbackRefused as refusal:
        log.warning("asynchronous result refused: %s (%s)", refusal.code, refusal.message)
        headers = {"WWW-Authenticate": 'Basic realm="intacct-bridge"'}
        return JSONResponse(
            refusal.as_json(),
            status_code=refusal.status,
            headers=headers if refusal.status == 401 else None,
        )
    log.info("asynchronous result %s for tenant %s: %s", result.control_id, tenant, result.status)
    return JSONResponse(result.as_json(), status_code=200)
