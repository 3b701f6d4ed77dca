from __future__ import annotations

import pytest

from intacct_bridge.model import checks
from intacct_bridge.model.errors import ModelError


@pytest.mark.parametrize(
    "given", ["A", "W-100", "SI2503-000001", "Net 45", "Zürich-1", "a b", "x" * 20, "Ω"]
)
def test_identifier_accepts_ids_as_they_are(given: str) -> None:
    assert checks.identifier("id", given, max_length=20) is given


@pytest.mark.parametrize(
    ("given", "refused"),
    [
        ("", "is empty"),
        (" A", "has surrounding spaces"),
        ("A ", "has surrounding spaces"),
        ("A\u00a0", "has surrounding spaces"),
        ("\u2003Zürich", "has surrounding spaces"),
        ("A\tB", "contains control characters"),
        ("A\x7fB", "contains control characters"),
        ("é\x00", "contains control characters"),
        ("x" * 21, "is 21 characters long"),
        ("é" * 21, "is 21 characters long"),
        (12, "must be text, got int"),
        (None, "must be text, got NoneType"),
    ],
)
def test_identifier_refuses_naming_the_problem(given: object, refused: str) -> None:
    with pytest.raises(ModelError, match=refused):
        checks.identifier("id", given, max_length=20)


def test_unique_names_the_repeat() -> None:
    checks.unique("lines", [1, 2, 3], what="line number")
    with pytest.raises(ModelError, match=r"line number 2 appears twice") as caught:
        checks.unique("lines", [1, 2, 3, 2], what="line number")
    assert caught.value.field == "lines[3]"
