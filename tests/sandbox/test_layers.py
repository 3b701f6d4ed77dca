"""The sandbox's layers: no module imports one of a higher layer, and no import cycle.

Every module of ``src/intacct_bridge/sandbox`` is placed in one layer below (a new module
that is not placed fails :func:`test_every_module_has_a_layer`). A module may import
modules of its own layer and of the layers under it — at module level *or* inside a
function: a function-local import runs as surely as a top-level one, only later.

``if TYPE_CHECKING:`` imports may point up. They never run; they let a lower layer name,
in annotations, the concrete class a higher layer hands it (``Context.backend`` is the
``SandboxBackend`` the gateway builds it with). Everything else is a run-time import and
is checked, and the run-time import graph must have no cycle at all, within a layer too
(a package's on-demand loader aside, see :func:`_is_loader`).

Importing ``intacct_bridge.sandbox.objects.ledger`` from outside ``objects/`` first runs
``objects/__init__.py``, so it counts as importing both. The sandbox's own
``__init__.py`` (the ``Sandbox`` façade, top layer) is left out of that rule: Python runs
it before any sandbox module, as the package's entry point, and no module imports names
from it.

The layers are drawn in ``docs/architecture.md`` ("The sandbox's layers").
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import intacct_bridge.sandbox

PACKAGE = "intacct_bridge.sandbox"
ROOT = Path(intacct_bridge.sandbox.__file__).parent

#: Bottom to top: (layer name, modules relative to the sandbox package).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "values and schema",
        (
            "errors",
            "values",
            "schema",
            "context",
            "querylang",
            "queryfilter",
            "conditions",
            "callbacks",
            "delivery",
            "legacyschema",
        ),
    ),
    ("stored records", ("store", "records", "packages", "smartevents")),
    ("ledger and periods", ("ledger", "periods", "currencies")),
    ("companies and sessions", ("tenancy", "backend")),
    (
        "object catalogue",
        (
            "writes",
            "objects",
            "objects.common",
            "objects.company",
            "objects.custom",
            "objects.items",
            "objects.ledger",
            "objects.parties",
            "objects.transactions",
            "objects.tax",
            "objects.approvals",
            "objects.balances",
            "objects.subledger",
            "objects.payments",
            "objects.paymenttypes",
            "objects.payables",
            "objects.receivables",
            "objects.journal",
            "objects.apadvances",
            "objects.advances",
        ),
    ),
    (
        "function handlers",
        (
            "functions",
            "functions.common",
            "functions.generic",
            "functions.reading",
            "functions.meta",
            "functions.session",
            "functions.legacy",
            "functions.documents",
        ),
    ),
    ("gateway", ("gateway", "asyncrequests", "faults")),
    (
        "adapters and administration",
        (
            "transport",
            "asgi",
            "admin",
            "admin_api",
            "seeds",
            "persistence",
            "journal",
            "__init__",
        ),
    ),
)

LAYER_OF: dict[str, int] = {
    module: number for number, (_, modules) in enumerate(LAYERS) for module in modules
}


def _module_names() -> dict[str, Path]:
    """Every module of the sandbox by its name relative to the package (``objects.tax``;
    a subpackage by its own name, ``objects``; the package itself as ``__init__``)."""
    found: dict[str, Path] = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _module_names()


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    #: ``top``, ``local`` (inside a function) or ``type`` (under ``if TYPE_CHECKING:``).
    kind: str

    def describe(self) -> str:
        layer = LAYER_OF[self.importer]
        other = LAYER_OF[self.imported]
        return (
            f"module {self.importer} (layer {layer}, {LAYERS[layer][0]}) imports "
            f"{self.imported} (layer {other}, {LAYERS[other][0]}) at line {self.line} "
            f"({self.kind})"
        )


def _owner(dotted: str) -> str | None:
    """The sandbox module that defines ``dotted`` (a module or a name in one)."""
    if dotted == PACKAGE:
        return "__init__"
    if not dotted.startswith(PACKAGE + "."):
        return None
    parts = dotted[len(PACKAGE) + 1 :].split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in MODULES:
            return candidate
    return "__init__"


def _package_of(module: str) -> list[str]:
    """The module's enclosing sandbox subpackages (``objects`` for ``objects.tax``)."""
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))]


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    is_package = MODULES[module].name == "__init__.py"
    if isinstance(node, ast.Import):
        dotted = [alias.name for alias in node.names]
    else:
        if node.level:
            here = [] if module == "__init__" else module.split(".")
            base = here if is_package else here[:-1]
            base = base[: len(base) - (node.level - 1)]
            head = ".".join([PACKAGE, *base])
            source = f"{head}.{node.module}" if node.module else head
        else:
            source = node.module or ""
        # ``from pkg import name``: a submodule if ``pkg.name`` is one, else a name in pkg.
        dotted = [f"{source}.{alias.name}" for alias in node.names]
    found: set[str] = set()
    for name in dotted:
        owner = _owner(name)
        if owner is None:
            continue
        found.add(owner)
        # Importing ``objects.ledger`` from outside ``objects/`` runs ``objects/__init__``.
        found.update(p for p in _package_of(owner) if p not in [*_package_of(module), module])
    found.discard(module)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str) -> list[Import]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[Import] = []

    def visit(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for item in child.body:
                    visit_one(item, "type")
                for item in child.orelse:
                    visit_one(item, kind)
            else:
                visit_one(child, kind)

    def visit_one(node: ast.AST, kind: str) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.extend(Import(module, t, node.lineno, kind) for t in _targets(module, node))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            visit(node, "type" if kind == "type" else "local")
        else:
            visit(node, kind)

    visit(tree, "top")
    return found


ALL_IMPORTS = [item for module in MODULES for item in _imports(module)]
RUNTIME = [item for item in ALL_IMPORTS if item.kind != "type"]


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(MODULES.keys() - LAYER_OF.keys())
    assert not unplaced, (
        f"sandbox modules without a layer: {unplaced}; add each to LAYERS in "
        "tests/sandbox/test_layers.py (and to the layer table in docs/architecture.md)"
    )
    stale = sorted(LAYER_OF.keys() - MODULES.keys())
    assert not stale, f"LAYERS names modules that do not exist: {stale}"
    placed_twice = sorted(
        {m for _, mods in LAYERS for m in mods if sum(m in ms for _, ms in LAYERS) > 1}
    )
    assert not placed_twice, f"modules placed in two layers: {placed_twice}"


def test_no_run_time_import_points_up() -> None:
    placed = [item for item in RUNTIME if {item.importer, item.imported} <= LAYER_OF.keys()]
    upward = [
        item.describe() for item in placed if LAYER_OF[item.imported] > LAYER_OF[item.importer]
    ]
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def _is_loader(item: Import) -> bool:
    """A subpackage's ``__init__`` importing one of its own modules inside a function
    (``functions.load_all`` imports the handler modules, which register themselves in
    the package's table). It runs only once the package has finished initialising, so
    the modules' imports of the package's names cannot meet a half-made module."""
    return item.kind == "local" and item.importer in _package_of(item.imported)


def _cycles(graph: dict[str, set[str]]) -> list[str]:
    """One path per back edge of a depth-first walk: empty if and only if acyclic."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []
    cycles: list[str] = []

    def walk(module: str) -> None:
        state[module] = 1
        path.append(module)
        for other in sorted(graph[module]):
            if state.get(other) == 1:
                cycles.append(" -> ".join([*path[path.index(other) :], other]))
            elif other not in state:
                walk(other)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module)
    return cycles


def test_no_run_time_import_cycle() -> None:
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for item in RUNTIME:
        if not _is_loader(item):
            graph[item.importer].add(item.imported)
    cycles = _cycles(graph)
    assert not cycles, "run-time import cycles:\n" + "\n".join(cycles)


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a -> b -> c -> a"]
    assert _cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []  # a diamond


def test_only_a_packages_deferred_import_of_its_own_module_is_a_loader() -> None:
    assert _is_loader(Import("functions", "functions.generic", 1, "local"))
    assert not _is_loader(Import("functions", "functions.generic", 1, "top"))
    assert not _is_loader(Import("objects", "functions.generic", 1, "local"))
    assert not _is_loader(Import("objects.transactions", "objects", 1, "local"))


def test_the_layer_table_in_the_docs_matches() -> None:
    """docs/architecture.md's module table (grouped by layer) places each module as here."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(
        encoding="utf-8"
    )
    documented: dict[str, int] = {}
    for line in text.splitlines():
        match = re.match(r"\| (\d) \| (.+?) \| ", line)
        if match is None:
            continue
        for name in re.findall(r"`([a-z_]+(?:\.py|/))`", match.group(2)):
            if name.endswith("/"):
                package = name[:-1]
                members = [m for m in MODULES if m == package or m.startswith(package + ".")]
            else:
                members = [name.removesuffix(".py")]
            documented.update(dict.fromkeys(members, int(match.group(1))))
    assert documented == LAYER_OF, (
        "docs/architecture.md places modules differently: "
        f"{sorted(set(documented.items()) ^ set(LAYER_OF.items()))}"
    )


def test_no_dynamic_imports() -> None:
    """``importlib.import_module`` and ``__import__`` would escape the checks above."""
    found = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name | ast.Attribute):
                name = node.id if isinstance(node, ast.Name) else node.attr
                if name in ("import_module", "__import__"):
                    found.append(f"{module}:{node.lineno}")
    assert not found, f"dynamic imports in the sandbox: {found}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from intacct_bridge.sandbox import objects\n", {"objects"}),
        ("from intacct_bridge.sandbox.objects import registry\n", {"objects"}),
        ("import intacct_bridge.sandbox.objects.ledger\n", {"objects.ledger", "objects"}),
        (
            "from intacct_bridge.sandbox.functions import generic\n",
            {"functions.generic", "functions"},
        ),
        ("from . import ledger\n", {"ledger"}),
        ("from intacct_bridge.sandbox import Sandbox\n", {"__init__"}),
        ("from intacct_bridge import xmlsafe\n", set()),
    ],
)
def test_import_resolution(source: str, expected: set[str]) -> None:
    """The checker resolves absolute, relative, package and name imports as Python does."""
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.Import | ast.ImportFrom)
    assert _targets("currencies", node) == expected


def test_checker_sees_function_local_and_type_only_imports(tmp_path: Path) -> None:
    """A function-local import counts as run time; a TYPE_CHECKING one does not."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from intacct_bridge.sandbox.gateway import Gateway\n"
        "def f() -> None:\n"
        "    from intacct_bridge.sandbox.admin import Admin\n"
    )
    path = tmp_path / "probe.py"
    path.write_text(source)
    MODULES["probe"] = path
    LAYER_OF["probe"] = 0
    try:
        kinds = {(item.imported, item.kind) for item in _imports("probe")}
    finally:
        del MODULES["probe"], LAYER_OF["probe"]
    assert kinds == {("gateway", "type"), ("admin", "local")}
