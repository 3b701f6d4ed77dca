"""The root of intacct-bridge's exceptions and the retry markers.

```text
BridgeError
├─ IntacctError (intacct_bridge.intacct.errors) …
└─ (more per package)
Transient / Terminal   — marker mixins: may a retry help?
```
"""

from __future__ import annotations


class BridgeError(Exception):
    """Something intacct-bridge could not do; the message says what and how to fix it."""


class Transient:
    """Marker: the same call may succeed if retried later."""


class Terminal:
    """Marker: retrying the same call will fail the same way; a person must act."""


def is_transient(error: BaseException) -> bool:
    return isinstance(error, Transient)
