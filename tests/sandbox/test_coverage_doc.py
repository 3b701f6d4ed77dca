"""docs/sandbox.md stays true to the code (a moto-style coverage check).

* every function the gateway registers is in the *Functions* coverage table, marked ✅;
* every object of the catalogue is in the *Objects* coverage table, marked ✅;
* nothing is marked ✅ that is not implemented, and nothing implemented is marked ❌;
* every ``errorno`` the sandbox can emit appears in the *Error catalogue*.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import intacct_bridge.sandbox as sandbox_package
from intacct_bridge.sandbox import gateway, objects
from intacct_bridge.sandbox.functions import load_all

DOC = Path(__file__).resolve().parents[2] / "docs" / "sandbox.md"
SUPPORTED, MISSING = "✅", "❌"
_CODE = re.compile(r"`([^`]+)`")


def _section(text: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = text.splitlines()
    try:
        start = lines.index(heading)
    except ValueError:
        pytest.fail(f"docs/sandbox.md has no '{heading}' section")
    body: list[str] = []
    for line in lines[start + 1 :]:
        hashes = len(line) - len(line.lstrip("#"))
        if line.startswith("#") and hashes <= level:
            break
        body.append(line)
    return "\n".join(body)


def coverage_table(heading: str) -> dict[str, str]:
    """Name -> status (✅/❌) from the first two columns of the table under ``heading``.

    The first cell may name several entries (``create_apterm``, ``create_arterm``); rows
    without a code-formatted name (e.g. *user-defined dimensions*) are descriptive only.
    """
    rows: dict[str, str] = {}
    for line in _section(DOC.read_text(encoding="utf-8"), heading).splitlines():
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 2 or cells[1] not in (SUPPORTED, MISSING):
            continue
        for name in _CODE.findall(cells[0]):
            assert name not in rows, f"{name} is listed twice under '{heading}'"
            rows[name] = cells[1]
    assert rows, f"no coverage rows found under '{heading}'"
    return rows


def test_every_registered_function_is_documented_as_supported() -> None:
    table = coverage_table("### Functions")
    registered = set(load_all())
    missing = sorted(registered - table.keys())
    assert not missing, f"add these functions to the Functions table in docs/sandbox.md: {missing}"
    marked_missing = sorted(name for name in registered if table[name] != SUPPORTED)
    assert not marked_missing, f"implemented but marked {MISSING}: {marked_missing}"


def test_no_function_is_claimed_without_an_implementation() -> None:
    table = coverage_table("### Functions")
    claimed = {name for name, status in table.items() if status == SUPPORTED}
    stale = sorted(claimed - set(load_all()))
    assert not stale, f"marked {SUPPORTED} in docs/sandbox.md but not registered: {stale}"


def test_every_catalogue_object_is_documented_as_supported() -> None:
    table = coverage_table("### Objects")
    missing = sorted(objects.registry.keys() - table.keys())
    assert not missing, f"add these objects to the Objects table in docs/sandbox.md: {missing}"
    marked_missing = sorted(name for name in objects.registry if table[name] != SUPPORTED)
    assert not marked_missing, f"implemented but marked {MISSING}: {marked_missing}"


def test_no_object_is_claimed_without_an_implementation() -> None:
    table = coverage_table("### Objects")
    claimed = {name for name, status in table.items() if status == SUPPORTED}
    stale = sorted(claimed - objects.registry.keys())
    assert not stale, f"marked {SUPPORTED} in docs/sandbox.md but not in the registry: {stale}"


def _emitted_errornos() -> set[str]:
    """String literals passed as the errorno of ``ErrorDetail(...)`` / ``function_error(...)``
    anywhere in the sandbox package, plus the gateway's internal-error number."""
    found = {gateway.INTERNAL_ERRORNO}
    root = Path(sandbox_package.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                name in ("ErrorDetail", "function_error")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.add(first.value)
    return found


def test_every_errorno_is_in_the_error_catalogue() -> None:
    catalogue = _section(DOC.read_text(encoding="utf-8"), "## Error catalogue")
    documented = set(_CODE.findall(catalogue))
    emitted = _emitted_errornos()
    assert {"XL03000003", "XL03000006", "BL34000061"} <= emitted  # the scan works
    missing = sorted(emitted - documented)
    assert not missing, f"add these errornos to the Error catalogue in docs/sandbox.md: {missing}"
