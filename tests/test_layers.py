"""The architecture as a rule: packages form layers, and code imports only downwards.

Each entry of `LAYERS` is one layer, lowest first; the packages within a layer are peers
and do not import one another. A module may import its own package and any package of a
lower layer, nothing else, and no modules import each other in a cycle. Imports inside
functions count: a lazy import that points upwards still ties the layers together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

#: Lowest first. `app` is the factory (app/__init__.py), which wires the interfaces.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(layer.split())
    for layer in (
        "errors config about",
        "graph",
        "observability",
        "core",
        "access outbox",
        "catalog",
        "deploy reports vulns",
        "sbom transfer admin events",
        "backstage",
        "http",
        "api web",
        "app",
        "cli",
    )
)


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(root: Path = APP) -> dict[str, Path]:
    return {_module_name(p, root): p for p in root.rglob("*.py")}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The app modules a file imports (a `from package import name` names the submodule
    when there is one)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "app")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "app":
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return found & known


def package_of(module: str) -> str:
    """`app.catalog.teams` -> `catalog`; the factory `app` -> `app`; `app.errors` -> `errors`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "app"


def layer_of(package: str) -> int:
    for index, layer in enumerate(LAYERS):
        if package in layer:
            return index
    raise AssertionError(f"package {package!r} is in no layer of tests/test_layers.py")


def upward_imports(modules: dict[str, Path]) -> list[str]:
    known = set(modules)
    wrong = []
    for module, path in sorted(modules.items()):
        here = package_of(module)
        for target in sorted(imports_of(path, known)):
            there = package_of(target)
            if there != here and layer_of(there) >= layer_of(here):
                wrong.append(f"{module} imports {target} ({here} may not import {there})")
    return wrong


def import_cycles(modules: dict[str, Path]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    known = set(modules)
    edges = {m: sorted(imports_of(p, known) - {m}) for m, p in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_every_package_has_a_layer():
    packages = {package_of(m) for m in _modules()}
    assert packages <= set().union(*LAYERS), packages - set().union(*LAYERS)


def test_imports_point_down():
    assert upward_imports(_modules()) == []


def test_no_import_cycles():
    assert import_cycles(_modules()) == []


@pytest.fixture
def fake_app(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    for package in ("catalog", "reports", "graph"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    return root


def test_the_rule_catches_an_upward_and_a_lazy_import(fake_app: Path):
    (fake_app / "graph" / "db.py").write_text("def f():\n    from app.reports import bom\n")
    (fake_app / "reports" / "bom.py").write_text("from app.catalog import teams\n")
    (fake_app / "catalog" / "teams.py").write_text("from app.graph import db\n")
    modules = _modules(fake_app)
    assert upward_imports(modules) == [
        "app.graph.db imports app.reports.bom (graph may not import reports)"
    ]
    assert import_cycles(modules) == [["app.catalog.teams", "app.graph.db", "app.reports.bom"]]
