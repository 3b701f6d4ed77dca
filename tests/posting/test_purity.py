"""The posting engine is pure: it imports only the model and the standard library's values."""

from __future__ import annotations

import ast
from pathlib import Path

import intacct_bridge.posting

ALLOWED_PREFIXES = ("intacct_bridge.model", "intacct_bridge.posting", "__future__")
ALLOWED_STDLIB = {
    "bisect",
    "collections",
    "collections.abc",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "typing",
}


def test_posting_imports_nothing_with_io_or_a_clock() -> None:
    package = Path(intacct_bridge.posting.__file__).parent
    modules = sorted(package.glob("*.py"))
    assert len(modules) >= 6
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name in ALLOWED_STDLIB or name.startswith(ALLOWED_PREFIXES), (
                    f"{module.name} imports {name}"
                )
            if isinstance(node, ast.Attribute) and node.attr in {"now", "today", "utcnow"}:
                raise AssertionError(f"{module.name} reads the clock ({node.attr})")
