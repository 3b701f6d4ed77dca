"""Root of intacct-bridge's own exceptions and the retry markers (house style §13).

```text
BridgeError
├─ IntacctError (intacct_bridge.intacct.errors) …
└─ one family per package (model, store, intake …)
Transient / Terminal   — marker mixins: may a retry help?
```

Each class's docstring says when it happens and is its default message.
"""

from __future__ import annotations


class BridgeError(Exception):
    """intacct-bridge could not do what was asked."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (type(self).__doc__ or "").strip())


class RequestRefused(BridgeError):
    """A post to one of the bridge's endpoints that it refuses (a Smart Event, an
    asynchronous result): HTTP ``status``, a stable ``code`` and a sentence."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def as_json(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


class Transient:
    """Marker: the same call may succeed if retried later."""


class Terminal:
    """Marker: retrying the same call will fail the same way; a person must act."""


def is_transient(error: BaseException) -> bool:
    return isinstance(error, Transient)
