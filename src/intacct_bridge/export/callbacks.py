"""Asynchronous posting results: authenticate Intacct's callback and apply it, once.

Intacct POSTs the full ``<response>`` of an asynchronous request (one sent with a transport
policy, see :func:`intacct_bridge.export.post_documents`) to the policy's response URL, the
bridge's ``POST /intacct/async-results`` (:mod:`intacct_bridge.web.async_results`). The
policy's HTTP user and password are the tenant ID and the tenant's webhook secret — the
secret the Smart Events carry — sent as HTTP Basic credentials.

1. :func:`authenticate` — the tenant must exist and have a readable webhook secret, and the
   password must match it (constant-time compare); the integration must be active; a
   response signed in to another Intacct company than the tenant's is refused.
2. :func:`apply_async_response` — parse the response (hardened parser), find the request by
   its control ID among the tenant's recorded asynchronous requests (an unknown control ID
   changes nothing), and, in one transaction under the tenant's posting lock, record each
   document's result: a RECORDNO is ``success``; an Intacct refusal is ``error`` (resent
   under a new control ID once fixed); "already recorded" or no result leaves the document
   pending for the next run, which looks it up by its key. A result only applies to the
   document version it was sent as, and never downgrades a ``success``. A second delivery of
   the same callback finds the request answered and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from intacct_bridge.config.secrets import Keyring
from intacct_bridge.config.store import get_config
from intacct_bridge.errors import BridgeError, RequestRefused
from intacct_bridge.export.service import (
    ASYNC,
    _done,
    _link,
    _lock,
    _message,
    _park,
    _rows,
)
from intacct_bridge.intacct.envelope import parse_response
from intacct_bridge.intacct.errors import IntacctProtocolError
from intacct_bridge.model.tenancy import check_tenant_id
from intacct_bridge.store.base import now
from intacct_bridge.store.tables.posting import PostingAsyncRequestRow
from intacct_bridge.store.tables.tenancy import TenantRow

log = logging.getLogger("intacct_bridge.export.callbacks")

#: an asynchronous response of a batch of documents is well under this
MAX_CALLBACK_BYTES = 8 * 1024 * 1024


class CallbackRefused(RequestRefused):
    """A callback the bridge refuses: HTTP ``status``, a stable ``code`` and a sentence."""


@dataclass(frozen=True)
class CallbackResult:
    """What a callback changed."""

    control_id: str
    #: ``applied`` or ``duplicate`` (answered before: nothing changed)
    status: str
    posted: int = 0
    errors: int = 0
    #: left pending for the next run to look up by key
    unresolved: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "control_id": self.control_id,
            "posted": self.posted,
            "errors": self.errors,
            "unresolved": self.unresolved,
        }


_UNAUTHENTICATED = (
    "the callback's user and password do not match a tenant of this bridge; set the "
    "transport policy's HTTP user to the tenant ID and its password to the tenant's webhook "
    "secret"
)


@dataclass(frozen=True)
class Caller:
    """An authenticated callback: the tenant and the Intacct company it is bound to."""

    tenant: str
    company_id: str | None


def authenticate(
    sessions: sessionmaker[Session], keyring: Keyring | None, user: str, password: str
) -> Caller:
    """The tenant ``user`` names when ``password`` is its webhook secret; else raise
    :class:`CallbackRefused` (401, or 503 when the secret cannot be decrypted)."""
    refused = CallbackRefused(401, "unauthenticated", _UNAUTHENTICATED)
    try:
        tenant = check_tenant_id(user)
    except BridgeError:
        raise refused from None
    with sessions() as session:
        if session.get(TenantRow, tenant) is None:
            raise refused
        config = get_config(session, tenant, keyring)
    secret = None if config is None else config.webhook_secret
    if config is None or secret is None:
        raise refused
    if not secret.readable:
        log.error("tenant %s: the webhook secret cannot be decrypted: %s", tenant, secret.problem)
        raise CallbackRefused(
            503,
            "secret_unavailable",
            "the bridge cannot read this tenant's webhook secret (secret key missing or "
            "wrong); an administrator must fix the key",
        )
    if not hmac.compare_digest(password.encode(), secret.reveal().encode()):
        raise refused
    if not (config.option_active and config.active):
        raise CallbackRefused(
            403,
            "integration_inactive",
            f"the Sage Intacct integration of tenant {tenant!r} is switched off; the result "
            "is applied when it is sent again after the integration is switched on",
        )
    return Caller(tenant, config.company_id)


def apply_async_response(
    sessions: sessionmaker[Session], caller: Caller | str, body: bytes
) -> CallbackResult:
    """Apply Intacct's response to one of the caller's tenant's asynchronous requests (a
    response signed in to another Intacct company than the tenant's is refused)."""
    if isinstance(caller, str):
        caller = Caller(caller, None)
    tenant = caller.tenant
    try:
        response = parse_response(body, max_bytes=MAX_CALLBACK_BYTES)
    except IntacctProtocolError as error:
        raise CallbackRefused(
            400, "malformed", f"the body is not an Intacct response: {error}"
        ) from None
    control_id = response.control_id
    if not control_id:
        raise CallbackRefused(400, "malformed", "the response has no control/controlid")
    signed_in = response.authentication.company_id if response.authentication else ""
    if caller.company_id and signed_in and signed_in.upper() != caller.company_id.upper():
        raise CallbackRefused(
            403,
            "wrong_company",
            f"the response is for Intacct company {signed_in[:40]!r}, not the company tenant "
            f"{tenant!r} is bound to; nothing was changed",
        )
    with sessions.begin() as session:
        _lock(session, tenant)
        request = session.get(PostingAsyncRequestRow, (tenant, control_id[:80]))
        if request is None or request.control_id != control_id:
            raise CallbackRefused(
                404,
                "unknown_control_id",
                f"no asynchronous request of tenant {tenant!r} has control ID "
                f"{control_id[:80]!r}; nothing was changed",
            )
        if request.answered_at is not None:
            return CallbackResult(control_id, "duplicate")
        request.answered_at = now()
        rows = _rows(session, tenant)
        results = response.by_controlid()
        ran = response.control_status == "success" and (
            response.authentication is None or response.authentication.status == "success"
        )
        posted = errors = unresolved = 0
        for item in request.documents or ():
            row = rows.get(str(item.get("key")))
            if row is None or row.state != "pending" or row.version != item.get("version"):
                continue  # settled meanwhile, or resent as another version
            result = results.get(str(item.get("controlid"))) if ran else None
            object_name = str(item.get("object") or row.intacct_object)
            if result is not None and result.ok and result.recordno.isdigit():
                _done(row, result.recordno, _link(object_name, result.recordno))
                posted += 1
            elif (
                result is not None
                and result.status == "failure"
                and not any("already" in (e.description2 or "").lower() for e in result.errors)
            ):
                _park(row, "intacct", _message(result))
                errors += 1
            else:
                why = (
                    "Intacct did not run the asynchronous request"
                    if not ran
                    else "Intacct's asynchronous result does not settle it"
                )
                row.last_message = f"{why}; the next run looks it up by its key and resends it."
                row.error_code = "transient" if row.error_code == ASYNC else row.error_code
                row.updated_at = now()
                unresolved += 1
        return CallbackResult(control_id, "applied", posted, errors, unresolved)


def prune_async_requests(sessions: sessionmaker[Session], older_than: dt.timedelta) -> int:
    """Forget asynchronous requests submitted more than ``older_than`` ago (their documents
    are settled by callback or, after the deadline, by lookup); the number removed."""
    cutoff = now() - older_than
    with sessions.begin() as session:
        result = session.execute(
            delete(PostingAsyncRequestRow).where(PostingAsyncRequestRow.submitted_at < cutoff)
        )
        return int(getattr(result, "rowcount", 0) or 0)


__all__ = [
    "MAX_CALLBACK_BYTES",
    "CallbackRefused",
    "CallbackResult",
    "Caller",
    "apply_async_response",
    "authenticate",
    "prune_async_requests",
]
