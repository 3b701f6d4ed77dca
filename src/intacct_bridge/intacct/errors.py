"""Errors raised by the Intacct client.

```text
IntacctError                      errorno, description, description2, correction, controlid
├─ IntacctTransportError   Transient   connection failure, timeout, HTTP 5xx
│   └─ IntacctRateLimitError          HTTP 429 / GW-0010 (carries retry_after)
├─ IntacctProtocolError    Transient   the reply was not an Intacct response
│   └─ IntacctOutcomeUnknownError      a write's result has no status: resolve by its key
├─ IntacctAuthError        Terminal    sender or user rejected
│   └─ IntacctSessionError             session unknown or expired (the client re-logs in)
├─ IntacctPolicyError      Terminal    the transport policy of an async request is invalid
├─ IntacctRequestError     Terminal    the request itself is invalid (XL03000003 …)
├─ IntacctBusinessError    by errorno  one function failed (see TRANSIENT_ERRORNOS)
└─ IntacctPagingError      Terminal    a paged read lost or repeated rows
```

Messages are cleaned of Intacct's noise (HTML formatting tags such as ``<br>`` or ``<b>``,
``[Support ID: …]``); any other angle-bracket text is kept, because Intacct names fields
that way (``<datecreated> is not a valid date``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from intacct_bridge.errors import BridgeError, Terminal, Transient

#: HTML formatting that Intacct puts in messages; other ``<…>`` text is a field name.
_HTML_TAGS = re.compile(
    r"</?(?:a|b|big|br|code|div|em|font|h[1-6]|hr|i|li|ol|p|pre|small|span|strong|sub|sup"
    r"|table|tbody|td|th|thead|tr|u|ul)\b[^<>]*/?>",
    re.IGNORECASE,
)
_SUPPORT_ID = re.compile(r"\s*\[Support ID:[^\]]*\]")
_SPACES = re.compile(r"\s+")

#: Function-level errors that a later retry may clear.
TRANSIENT_ERRORNOS = frozenset({"GW-0010", "XL03000009"})
#: Texts (description2/correction) that mark a transient function failure.
TRANSIENT_TEXTS = (
    "The Service is Temporarily Off-line",
    "concurrent request in process",
    "Currently, we can't create the transaction",
)


def clean(text: str) -> str:
    """Strip HTML formatting tags, entity-encoding and Support IDs; fold white space.

    Only HTML formatting tags go; other angle-bracket text (a field name such as
    ``<datecreated>``, or ``&lt;…&gt;`` once decoded) stays in the message.
    """
    text = html.unescape(_HTML_TAGS.sub(" ", text or ""))
    text = _SUPPORT_ID.sub("", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class ErrorEntry:
    """One ``<error>`` of an Intacct response, cleaned."""

    errorno: str
    description: str = ""
    description2: str = ""
    correction: str = ""

    def text(self) -> str:
        parts = [self.errorno, self.description, self.description2, self.correction]
        return " ".join(p for p in parts if p)


class IntacctError(BridgeError):
    """Intacct refused or failed a request."""

    def __init__(
        self,
        message: str = "",
        *,
        errors: tuple[ErrorEntry, ...] = (),
        controlid: str = "",
    ) -> None:
        self.errors = errors
        self.controlid = controlid
        first = errors[0] if errors else ErrorEntry("")
        self.errorno = first.errorno
        self.description = first.description
        self.description2 = first.description2
        self.correction = first.correction
        if not message:
            message = "; ".join(e.text() for e in errors) or (self.__doc__ or "").strip()
        if controlid:
            message = f"{message} (control ID {controlid})"
        super().__init__(message)


class IntacctTransportError(IntacctError, Transient):
    """The request did not get an answer (connection, timeout, HTTP 5xx)."""

    def __init__(
        self,
        message: str = "",
        *,
        http_status: int | None = None,
        reason: str = "",
        errors: tuple[ErrorEntry, ...] = (),
        controlid: str = "",
    ) -> None:
        super().__init__(message, errors=errors, controlid=controlid)
        #: The HTTP status when Intacct answered with an error page, else ``None``.
        self.http_status = http_status
        #: ``timeout``, ``connect``, ``http`` or ``gateway``.
        self.reason = reason


class IntacctRateLimitError(IntacctTransportError):
    """Intacct is rate limiting this company (HTTP 429, GW-0010)."""

    def __init__(
        self, message: str = "", *, retry_after: float | None = None, **kw: object
    ) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class IntacctProtocolError(IntacctError, Transient):
    """The reply was not a well-formed Intacct response."""


class IntacctOutcomeUnknownError(IntacctProtocolError):
    """Intacct's reply has no status for a write: it may or may not have been done.

    The client resolves such a write by its business key (``readByName``) when it has
    one; otherwise retrying it is safe, because writes go with ``uniqueid=true`` and a
    deterministic control ID (a second send of a recorded write is refused as already
    recorded, never done twice).
    """


class IntacctPolicyError(IntacctError, Terminal):
    """The transport policy of an asynchronous request is not valid for this sender."""

    def __init__(self, message: str = "", *, policy_id: str = "", **kw: object) -> None:
        self.policy_id = policy_id
        if not message:
            errors = kw.get("errors") or ()
            said = "; ".join(e.text() for e in errors)  # type: ignore[attr-defined]
            message = (
                f"Intacct does not accept the transport policy {policy_id!r} for this sender"
                f"{f' ({said})' if said else ''}. The credentials are fine; fix the policy: use "
                "the ID of a policy set up for this sender, or have one set up (on Intacct "
                "by Sage support; on the sandbox with `intacct-bridge sandbox add-policy` or "
                "POST /sandbox/admin/policies)."
            )
        super().__init__(message, **kw)  # type: ignore[arg-type]


class IntacctAuthError(IntacctError, Terminal):
    """The sender or the user was rejected; fix the credentials or authorizations."""


class IntacctSessionError(IntacctAuthError):
    """The session is unknown or expired; signing in again fixes it."""


class IntacctRequestError(IntacctError, Terminal):
    """Intacct refused the request as invalid (schema or parse error)."""


class IntacctBusinessError(IntacctError):
    """A function failed for a business reason; ``transient`` says if a retry may help."""

    @property
    def transient(self) -> bool:
        return is_transient_entries(self.errors)


class IntacctPagingError(IntacctError, Terminal):
    """A paged read did not return exactly the rows Intacct announced."""


def is_transient_entries(errors: tuple[ErrorEntry, ...]) -> bool:
    for entry in errors:
        if entry.errorno in TRANSIENT_ERRORNOS and entry.errorno != "XL03000009":
            return True
        blob = f"{entry.description} {entry.description2} {entry.correction}"
        if any(text in blob for text in TRANSIENT_TEXTS):
            return True
    return False
