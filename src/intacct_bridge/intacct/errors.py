"""Errors raised by the Intacct client.

```text
IntacctError                      errorno, description, description2, correction, controlid
├─ IntacctTransportError   Transient   connection failure, timeout, HTTP 5xx
│   └─ IntacctRateLimitError          HTTP 429 / GW-0010 (carries retry_after)
├─ IntacctProtocolError    Transient   the reply was not an Intacct response
├─ IntacctAuthError        Terminal    sender or user rejected
│   └─ IntacctSessionError             session unknown or expired (the client re-logs in)
├─ IntacctRequestError     Terminal    the request itself is invalid (XL03000003 …)
├─ IntacctBusinessError    by errorno  one function failed (see TRANSIENT_ERRORNOS)
└─ IntacctPagingError      Terminal    a paged read lost or repeated rows
```

Messages are cleaned of Intacct's noise (HTML tags, ``[Support ID: …]``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from intacct_bridge.errors import BridgeError, Terminal, Transient

_TAGS = re.compile(r"<[^>]+>")
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
    """Strip tags, entity-encoding and Support IDs; fold white space."""
    text = html.unescape(_TAGS.sub(" ", text or ""))
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
