"""The Intacct XML API client: sessions, batching, exactly-once writes, limits, retries.

Usage::

    config = IntacctConfig(sender_id=..., sender_password=..., company_id=..., user_id=...,
                           user_password=..., endpoint=...)
    async with IntacctClient(config) as client:
        results = await client.execute([functions.create("VENDOR", {...}, key_field="VENDORID")])
        async for vendor in client.iter_query("VENDOR", ["RECORDNO", "VENDORID"]):
            ...

* **Batching** — :meth:`IntacctClient.execute` packs functions into requests of at most
  ``batch_size`` functions and maps every result back by control ID, never by position.
* **Exactly once** — writes go with ``uniqueid=true`` and deterministic control IDs; when
  Intacct says a control ID was already recorded, the client finds the existing record
  by its business key and reports success with its RECORDNO.
* **Limits** — never more than the company's slots in flight, counted for every client
  of the process (:func:`~intacct_bridge.intacct.limits.process_limiter`, keyed by the
  configured endpoint's host and the company ID); HTTP 429 / ``GW-0010`` and
  ``Retry-After`` are honoured within the retry budget.
* **Retries** — exponential backoff with jitter on transient failures only, bounded by
  ``RetryPolicy``; no wait goes past the budget (a ``Retry-After`` beyond it fails at once
  with a transient error that says so); an ambiguous outcome (sent, no reply) is safe to
  retry thanks to ``uniqueid``.
* **Sessions** — ``getAPISession`` once, the returned endpoint used from then on if it
  stays on the configured scheme and domain (:mod:`~intacct_bridge.intacct.endpoint`),
  transparent re-login when the session expires.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import random
import re
import ssl
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
)

from intacct_bridge.errors import Transient
from intacct_bridge.intacct import functions as fn
from intacct_bridge.intacct.endpoint import follow
from intacct_bridge.intacct.envelope import (
    Authenticated,
    Authentication,
    Function,
    FunctionResult,
    Login,
    Response,
    SenderCredentials,
    SessionAuth,
    build_request,
    parse_response,
)
from intacct_bridge.intacct.errors import (
    ErrorEntry,
    IntacctAuthError,
    IntacctBusinessError,
    IntacctError,
    IntacctOutcomeUnknownError,
    IntacctPagingError,
    IntacctPolicyError,
    IntacctProtocolError,
    IntacctRateLimitError,
    IntacctRequestError,
    IntacctSessionError,
    IntacctTransportError,
)
from intacct_bridge.intacct.limits import CompanyLimiter, limiter_key, process_limiter
from intacct_bridge.secret import Secret

log = logging.getLogger("intacct_bridge.intacct")

DEFAULT_ENDPOINT = "https://api.intacct.com/ia/xml/xmlgw.phtml"
_ALREADY_RECORDED = "already been recorded with the control id"
#: The statuses a function result can have; anything else (or none) is a protocol error.
_STATUSES = frozenset({"success", "failure", "aborted"})
#: Status the client gives a write whose result came back without one.
UNKNOWN = "unknown"
_REDACT = re.compile(rb"(<(password|sessionid)>)(.*?)(</\2>)", re.DOTALL)


def redact(body: bytes) -> str:
    """The request/response text with passwords and session IDs masked."""
    return _REDACT.sub(rb"\1***\4", body).decode("utf-8", "replace")


@dataclass(frozen=True)
class RetryPolicy:
    """How transient failures are retried (exponential backoff with jitter)."""

    attempts: int = 6
    initial: float = 0.2
    maximum: float = 10.0
    #: Total time budget for one request, retries included.
    budget: float = 120.0


@dataclass(frozen=True)
class IntacctConfig:
    sender_id: str
    sender_password: str | Secret
    company_id: str
    user_id: str
    user_password: str | Secret
    endpoint: str = DEFAULT_ENDPOINT
    #: Entity of a MEGA company to work in; ``""`` = top level.
    location_id: str = ""
    batch_size: int = 100
    timeout: float = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def __repr__(self) -> str:
        return (
            f"IntacctConfig(sender_id={self.sender_id!r}, company_id={self.company_id!r}, "
            f"user_id={self.user_id!r}, endpoint={self.endpoint!r}, "
            f"location_id={self.location_id!r})"
        )


@dataclass
class ApiSession:
    """A signed-in API session: its ID, the endpoint to use with it, and when it expires
    on our clock (``None``: not said)."""

    session_id: Secret
    endpoint: str
    expires_at: datetime | None


def _parse_timeout(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _expiry(auth: Authenticated) -> datetime | None:
    """When the session expires, on *our* clock, with a safety margin.

    Intacct sends ``sessiontimestamp`` (its now) and ``sessiontimeout``; using their
    difference makes the client immune to clock skew between the two machines.
    """
    timeout = _parse_timeout(auth.session_timeout)
    stamp = _parse_timeout(auth.session_timestamp)
    if timeout is None:
        return None
    remaining = (timeout - stamp).total_seconds() if stamp is not None else 0.0
    return datetime.now(UTC) + timedelta(seconds=max(remaining * 0.9 - 5, 0))


def _secret(value: str | Secret) -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date (RFC 9110)."""
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - datetime.now(UTC)).total_seconds()
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _no_status(result: FunctionResult) -> str:
    status = f"the status {result.status!r}" if result.status else "no status"
    return (
        f"Intacct's reply has {status} for the {result.function or 'function'} with control "
        f"ID {result.controlid}; it is not a valid Intacct response."
    )


def _unknown_entry(result: FunctionResult) -> ErrorEntry:
    return ErrorEntry(
        "OUTCOME_UNKNOWN",
        description=_no_status(result),
        description2="The write may or may not have been done.",
        correction=(
            "Send it again: it goes with uniqueid=true and the same control ID, so Intacct "
            "refuses it if it was recorded."
        ),
    )


def _invalid_policy(entries: tuple[ErrorEntry, ...]) -> str | None:
    """The policy ID of an ``XL03000006 … is not a valid transport policy`` refusal."""
    for entry in entries:
        for text in (entry.description2, entry.description):
            marker = text.find(" is not a valid transport policy")
            if entry.errorno == "XL03000006" and marker >= 0:
                return text[:marker].strip()
    return None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The TLS context of every client of the process: building one loads the CA bundle
    (tens of milliseconds of CPU), too much to pay per client — workers make one per tenant
    and round."""
    return httpx.create_ssl_context()


class IntacctClient:
    """Async client for one Intacct company (one user, one entity context)."""

    def __init__(
        self,
        config: IntacctConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: CompanyLimiter | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.config = config
        #: Shared by every client of the process unless one is given (see ``limits.py``).
        self.limiter = limiter if limiter is not None else process_limiter()
        self._limit_key = limiter_key(config.endpoint, config.company_id)
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(
            transport=transport,
            verify=_tls_context(),
            timeout=httpx.Timeout(config.timeout),
            headers={"content-type": "application/xml", "user-agent": "intacct-bridge"},
        )
        self._sender = SenderCredentials(config.sender_id, _secret(config.sender_password))
        self._login = Login(
            config.user_id, config.company_id, _secret(config.user_password), config.location_id
        )
        self._session: ApiSession | None = None
        self._session_lock = asyncio.Lock()
        #: Requests sent (attempts included) — useful in tests and benchmarks.
        self.requests_sent = 0

    @property
    def api_session(self) -> ApiSession | None:
        """The API session this client signed in to (``None``: not yet, or it expired).

        Another client of the same configuration may go on with it (:meth:`resume`): a
        worker's rounds of a tenant then sign in once, not once a round. It stays valid
        while it is used (Intacct's timeout slides with every reply)."""
        return self._session

    def resume(self, session: ApiSession | None) -> None:
        """Go on with ``session``, taken from :attr:`api_session` of a client of the same
        configuration (at most one client at a time). An expired one is replaced before
        use; one Intacct no longer knows is replaced at its first refusal, and the request
        sent again (as when a session expires during a run)."""
        self._session = session

    def for_entity(self, location_id: str) -> IntacctClient:
        """A client for the same company and user signed in to entity ``location_id`` (a
        MEGA entity session; ``""`` = top level), sharing this client's HTTP connections and
        concurrency limiter. Closing it leaves this client's connections open."""
        config = replace(self.config, location_id=location_id)
        return IntacctClient(config, limiter=self.limiter, http=self._http)

    async def __aenter__(self) -> IntacctClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    # --- transport ---------------------------------------------------------------------------

    async def _post_once(self, url: str, body: bytes) -> Response:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("Intacct request to %s: %s", url, redact(body))
        # The slot's lease is the request timeout: the client never waits longer for a
        # reply, so a slot whose process dies mid-request is free again by then.
        timeout = self.config.timeout
        async with self.limiter.slot(self._limit_key, lease=timeout):
            self.requests_sent += 1
            try:
                async with asyncio.timeout(timeout):
                    reply = await self._http.post(url, content=body)
            except (httpx.TimeoutException, TimeoutError) as exc:
                raise IntacctTransportError(
                    f"Intacct did not answer in time ({exc!r}).", reason="timeout"
                ) from None
            except httpx.TransportError as exc:
                raise IntacctTransportError(
                    f"Could not reach Intacct at {url}: {exc!r}", reason="connect"
                ) from None
        content = reply.content
        if log.isEnabledFor(logging.DEBUG):
            log.debug("Intacct reply %s: %s", reply.status_code, redact(content))
        is_xml = reply.headers.get("content-type", "").startswith(("text/xml", "application/xml"))
        if reply.status_code == 429:
            raise IntacctRateLimitError(
                "Intacct is rate limiting this company (HTTP 429).",
                retry_after=_retry_after(reply),
            )
        if reply.status_code >= 500 or (reply.status_code >= 400 and not is_xml):
            raise IntacctTransportError(
                f"Intacct answered HTTP {reply.status_code}: "
                f"{content[:200].decode('utf-8', 'replace')!r}",
                http_status=reply.status_code,
                reason="http",
            )
        response = parse_response(content, http_status=reply.status_code)
        if response.control_status != "success" and response.errors:
            first = response.errors[0]
            if first.errorno == "GW-0010":
                raise IntacctRateLimitError(errors=response.errors, retry_after=None)
        return response

    async def _post(self, url: str, body: bytes) -> Response:
        policy = self.config.retry

        started = time.monotonic()

        def wait(state: RetryCallState) -> float:
            outcome = state.outcome
            error = outcome.exception() if outcome is not None else None
            remaining = max(policy.budget - (time.monotonic() - started), 0.0)
            if isinstance(error, IntacctRateLimitError) and error.retry_after is not None:
                if error.retry_after > remaining:
                    raise IntacctRateLimitError(
                        f"Intacct asked to wait {error.retry_after:g} s before retrying "
                        f"(Retry-After), more than the {remaining:.1f} s left of this "
                        f"request's retry budget ({policy.budget:g} s); giving up now. "
                        "Try again later.",
                        retry_after=error.retry_after,
                        errors=error.errors,
                    ) from error
                return float(error.retry_after)
            exponent = int(state.attempt_number) - 1
            backoff: float = min(policy.maximum, policy.initial * 2.0**exponent)
            return min(backoff + random.uniform(0, policy.initial), remaining)

        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda e: isinstance(e, Transient)),
            stop=stop_after_attempt(policy.attempts) | stop_after_delay(policy.budget),
            wait=wait,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._post_once(url, body)
        raise AssertionError("unreachable")  # pragma: no cover

    # --- sessions ----------------------------------------------------------------------------

    async def _ensure_session(self) -> ApiSession:
        async with self._session_lock:
            session = self._session
            now = datetime.now(UTC)
            if session is not None and (session.expires_at is None or session.expires_at > now):
                return session
            self._session = await self._open_session()
            return self._session

    async def _open_session(self) -> ApiSession:
        function = fn.get_api_session()
        body = build_request(
            self._sender, self._login, [function], control_id=uuid.uuid4().hex, unique_id=False
        )
        response = await self._post(self.config.endpoint, body)
        result = self._single(response, function)
        if not result.ok:
            raise IntacctAuthError(errors=result.errors, controlid=result.controlid)
        api = result.data.find("api") if result.data is not None else None
        session_id = api.findtext("sessionid") if api is not None else None
        endpoint = api.findtext("endpoint") if api is not None else None
        if not session_id:
            raise IntacctProtocolError("getAPISession returned no session ID.")
        assert response.authentication is not None
        return ApiSession(
            Secret(session_id),
            follow(self.config.endpoint, (endpoint or "").strip()),
            _expiry(response.authentication),
        )

    def _single(self, response: Response, function: Function) -> FunctionResult:
        self._raise_for_envelope(response)
        results = response.by_controlid()
        if function.controlid not in results:
            raise IntacctProtocolError(
                f"The response has no result for control ID {function.controlid}."
            )
        result = results[function.controlid]
        if result.status not in _STATUSES:
            raise IntacctProtocolError(_no_status(result))
        return result

    @staticmethod
    def _raise_for_envelope(response: Response) -> None:
        if response.control_status != "success":
            entries = response.errors
            errorno = entries[0].errorno if entries else ""
            policy = _invalid_policy(entries)
            if policy is not None:
                raise IntacctPolicyError(policy_id=policy, errors=entries)
            if errorno in ("XMLGW_JPP0002", "XL03000006", "PL04000055"):
                raise IntacctAuthError(errors=entries)
            if errorno.startswith("GW-"):
                raise IntacctTransportError(errors=entries, reason="gateway")
            raise IntacctRequestError(errors=entries)
        auth = response.authentication
        if auth is not None and auth.status != "success":
            entries = auth.errors
            text = " ".join(e.text() for e in entries).lower()
            if "session" in text:
                raise IntacctSessionError(errors=entries)
            raise IntacctAuthError(errors=entries)

    # --- executing functions -----------------------------------------------------------------

    async def _send(
        self, functions: Sequence[Function], *, unique_id: bool, transaction: bool
    ) -> dict[str, FunctionResult]:
        for attempt in range(2):
            session = await self._ensure_session()
            auth: Authentication = SessionAuth(session.session_id)
            body = build_request(
                self._sender,
                auth,
                functions,
                control_id=uuid.uuid4().hex,
                unique_id=unique_id,
                transaction=transaction,
            )
            response = await self._post(session.endpoint, body)
            try:
                self._raise_for_envelope(response)
            except IntacctSessionError:
                if attempt:
                    raise
                self._session = None  # expired: sign in again and resend
                continue
            if response.authentication is not None:
                # Sliding timeout: every reply projects the session's new expiry.
                expiry = _expiry(response.authentication)
                if expiry is not None:
                    session.expires_at = expiry
            results = response.by_controlid()
            missing = [f.controlid for f in functions if f.controlid not in results]
            if missing:
                raise IntacctProtocolError(f"The response has no result for control IDs {missing}.")
            for function in functions:
                result = results[function.controlid]
                if result.status in _STATUSES:
                    continue
                if not function.writes:
                    raise IntacctProtocolError(_no_status(result))
                # A write without a status may or may not have been done: say so, and let
                # execute() resolve it by its business key.
                results[function.controlid] = replace(
                    result, status=UNKNOWN, errors=(_unknown_entry(result),)
                )
            return results
        raise AssertionError("unreachable")  # pragma: no cover

    async def execute(
        self,
        functions: Sequence[Function],
        *,
        transaction: bool = False,
    ) -> list[FunctionResult]:
        """Run ``functions`` and return one result per function, in the given order.

        Writes go in requests with ``uniqueid=true``, reads with ``false``; each request
        holds at most ``batch_size`` functions. With ``transaction`` all functions go in
        one all-or-nothing request (at most ``batch_size``).
        """
        ids = [f.controlid for f in functions]
        if len(set(ids)) != len(ids):
            raise ValueError("Control IDs must be unique within one execute() call.")
        size = self.config.batch_size
        if transaction:
            if len(functions) > size:
                raise ValueError(f"A transaction holds at most {size} functions.")
            groups = [(list(functions), any(f.writes for f in functions))]
        else:
            writes = [f for f in functions if f.writes]
            reads = [f for f in functions if not f.writes]
            groups = [(writes[i : i + size], True) for i in range(0, len(writes), size)]
            groups += [(reads[i : i + size], False) for i in range(0, len(reads), size)]
        batches = await asyncio.gather(
            *(self._send(group, unique_id=uid, transaction=transaction) for group, uid in groups)
        )
        merged: dict[str, FunctionResult] = {}
        for batch in batches:
            merged.update(batch)
        results = [merged[f.controlid] for f in functions]
        return await self._settle(functions, results)

    async def _settle(
        self, functions: Sequence[Function], results: list[FunctionResult]
    ) -> list[FunctionResult]:
        """Turn "control ID already recorded" into success with the existing RECORDNO, and
        resolve writes whose outcome is unknown (a result without a status).

        The existing records are found by business key with one ``readByName`` per object
        (up to 100 keys each), so a whole retried batch costs one extra request. An unknown
        write whose record is found is a success; one that is not found, or has no business
        key, keeps the status ``unknown`` (:meth:`call` raises
        :class:`IntacctOutcomeUnknownError` for it; sending it again is safe).
        """
        pending: dict[str, dict[str, int]] = {}
        for index, (function, result) in enumerate(zip(functions, results, strict=True)):
            if result.ok or not function.writes:
                continue
            if result.status == UNKNOWN:
                if function.business_key is not None:
                    object_name, _key_field, key_value = function.business_key
                    pending.setdefault(object_name, {})[key_value] = index
                continue
            if not any(_ALREADY_RECORDED in e.description2 for e in result.errors):
                continue
            if function.business_key is None:
                results[index] = replace(result, status="success", errors=())
                continue
            object_name, _key_field, key_value = function.business_key
            pending.setdefault(object_name, {})[key_value] = index
        for object_name, wanted in pending.items():
            keys = list(wanted)
            for start in range(0, len(keys), 100):
                chunk = keys[start : start + 100]
                found = await self.call(fn.read_by_name(object_name, chunk))
                for record in found.records():
                    for key_value, index in wanted.items():
                        function = functions[index]
                        assert function.business_key is not None
                        if str(record.get(function.business_key[1], "")) == key_value:
                            results[index] = self._resolved(
                                results[index],
                                object_name,
                                function.business_key[1],
                                key_value,
                                str(record.get("RECORDNO", "")),
                            )
        return results

    @staticmethod
    def _resolved(
        result: FunctionResult, object_name: str, key_field: str, key_value: str, recordno: str
    ) -> FunctionResult:
        from lxml import etree

        data = etree.Element("data", listtype="objects", count="1")
        element = etree.SubElement(data, object_name.lower())
        etree.SubElement(element, "RECORDNO").text = recordno
        etree.SubElement(element, key_field).text = key_value
        return FunctionResult(result.controlid, result.function, "success", data=data)

    async def submit_async(
        self,
        functions: Sequence[Function],
        *,
        policy_id: str,
        transaction: bool = False,
        control_id: str = "",
    ) -> str:
        """Send ``functions`` as one asynchronous request under transport policy
        ``policy_id``; return its control ID.

        Intacct acknowledges at once and later POSTs the full response to the policy's
        URL, where :func:`intacct_bridge.intacct.envelope.parse_response` reads it and the
        control ID correlates it. Login credentials are used (not a session), as Intacct
        advises for offline requests. ``control_id`` (default: a new one) lets the caller
        record the request before it is sent, so a callback that arrives at once is matched.
        """
        control_id = control_id or f"async-{uuid.uuid4().hex}"
        body = build_request(
            self._sender,
            self._login,
            functions,
            control_id=control_id,
            unique_id=any(f.writes for f in functions),
            transaction=transaction,
            policy_id=policy_id,
        )
        response = await self._post(self.config.endpoint, body)
        self._raise_for_envelope(response)
        if not response.acknowledged:
            raise IntacctProtocolError(
                f"Intacct did not acknowledge the asynchronous request (control ID {control_id})."
            )
        return control_id

    async def call(self, function: Function) -> FunctionResult:
        """Run one function; raise :class:`IntacctBusinessError` if it failed."""
        result = (await self.execute([function]))[0]
        if result.status == UNKNOWN:
            raise IntacctOutcomeUnknownError(errors=result.errors, controlid=result.controlid)
        if not result.ok:
            raise IntacctBusinessError(errors=result.errors, controlid=result.controlid)
        return result

    # --- paging ------------------------------------------------------------------------------

    async def iter_read_by_query(
        self,
        object_name: str,
        query: str = "",
        fields: Sequence[str] = ("*",),
        pagesize: int = 1000,
    ) -> AsyncIterator[dict[str, object]]:
        """Stream every row of a readByQuery, following readMore to the end.

        Checks that exactly ``totalcount`` rows arrived. If the cursor expires midway the
        query is re-issued and rows already yielded (by RECORDNO) are skipped, so no row
        is lost or repeated.
        """
        wanted = list(fields)
        if "*" not in wanted and "RECORDNO" not in {f.upper() for f in wanted}:
            wanted.append("RECORDNO")
        seen: set[str] = set()
        total: int | None = None
        restarts = 0
        result = await self.call(fn.read_by_query(object_name, query, wanted, pagesize))
        while True:
            total = result.total if total is None else total
            for record in result.records():
                key = str(record.get("RECORDNO", ""))
                if key in seen:
                    continue
                seen.add(key)
                yield record
            if result.remaining <= 0:
                break
            try:
                result = await self.call(fn.read_more(result.result_id))
            except IntacctBusinessError as exc:
                if exc.errorno != "readMore failed" or restarts >= 3:
                    raise
                restarts += 1
                log.warning("readMore cursor expired for %s; re-issuing the query", object_name)
                result = await self.call(fn.read_by_query(object_name, query, wanted, pagesize))
                total = None
        if restarts == 0 and total is not None and len(seen) != total:
            raise IntacctPagingError(
                f"readByQuery of {object_name} announced {total} rows but returned {len(seen)}."
            )

    async def iter_query(
        self,
        object_name: str,
        select: Sequence[str],
        *,
        filter: object | None = None,
        pagesize: int = 2000,
    ) -> AsyncIterator[dict[str, object]]:
        """Stream a ``query`` in RECORDNO order with keyset paging (RECORDNO > last).

        Unlike offsets, keyset paging neither skips nor repeats rows when records are
        added or deleted while paging.
        """
        fields = list(select)
        if "RECORDNO" not in fields:
            fields.append("RECORDNO")
        last = 0
        while True:
            condition = fn.condition("greaterthan", "RECORDNO", last)
            combined = fn.all_of(filter, condition) if filter is not None else condition  # type: ignore[arg-type]
            result = await self.call(
                fn.query(
                    object_name,
                    fields,
                    filter=combined,
                    order_by=[("RECORDNO", False)],
                    pagesize=pagesize,
                )
            )
            rows = list(result.records())
            for row in rows:
                yield row
            if not rows or result.remaining <= 0:
                return
            last = int(str(rows[-1]["RECORDNO"]))


__all__ = [
    "DEFAULT_ENDPOINT",
    "UNKNOWN",
    "ApiSession",
    "CompanyLimiter",
    "ErrorEntry",
    "IntacctClient",
    "IntacctConfig",
    "IntacctError",
    "RetryPolicy",
    "redact",
]
