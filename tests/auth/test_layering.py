"""The pure parts of ``auth`` import no database, web framework or other I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import intacct_bridge.auth

PURE = ["errors.py", "model.py", "tokens.py", "passwords.py", "ratelimit.py"]
FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "httpx", "intacct_bridge.store", "os", "io")


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_do_no_io(module: str) -> None:
    path = Path(intacct_bridge.auth.__file__).parent / module
    for name in _imports(path):
        assert not any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN), (
            f"{module} imports {name}"
        )


def test_the_store_parts_do_not_import_the_web_layer() -> None:
    package = Path(intacct_bridge.auth.__file__).parent
    for module in ["users.py", "sessions.py", "apikeys.py"]:
        for name in _imports(package / module):
            assert not name.startswith(("fastapi", "starlette", "intacct_bridge.auth.web")), (
                f"{module} imports {name}"
            )
