"""Document bodies as a client sends them (the plain form of the test factories)."""

from __future__ import annotations

from typing import Any

from intacct_bridge.model.canonical import to_plain
from tests.store.factories import invoice


def invoice_body(number: str = "SI-1", **overrides: Any) -> dict[str, Any]:
    plain = to_plain(invoice(number, **overrides))
    assert isinstance(plain, dict)
    return plain
