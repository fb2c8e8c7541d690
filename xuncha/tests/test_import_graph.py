"""The apps import each other without cycles, and the model-free helpers of ``core`` import no app at all.

The graph is read from the source (every ``import`` of every module but tests and migrations, those inside
functions included, those under ``TYPE_CHECKING`` left out since they never run). A cycle whose modules all belong to
one app is that app's own business (a model's ``visible_to`` importing the app's scoping helper inside the method);
a cycle through two apps means neither can be understood, tested or moved without the other.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
# Modules of ``core`` that are the site's shell rather than helpers: they may use the apps.
CORE_SHELL = ("xuncha.core.views", "xuncha.core.context_processors", "xuncha.core.api", "xuncha.core.http")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    }


def _runtime_nodes(tree: ast.Module) -> Iterator[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:``."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for inner in ast.walk(node))
    return (node for node in ast.walk(tree) if id(node) not in skipped)


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
                ]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            graph[name].update(target for target in targets if target in modules and target != name)
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's components, iteratively (the graph has hundreds of modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


def test_no_import_cycle_runs_through_two_apps() -> None:
    cycles = [
        sorted(component)
        for component in strongly_connected(import_graph())
        if len({_app(module) for module in component}) > 1
    ]
    assert cycles == []


def test_the_graph_sees_the_imports_inside_functions() -> None:
    """A guard that reads too little would pass: a function-level import is an edge, a TYPE_CHECKING one is not."""
    graph = import_graph()
    assert "xuncha.accounts.scoping" in graph["xuncha.inspections.apps"]  # inside ``ready``
    assert "xuncha.accounts.models" not in graph["xuncha.accounts.actors"]  # for annotations only
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}, {"d"}]


def test_core_helpers_import_no_app() -> None:
    """``core`` is the bottom: its helpers (calendar, documents, crypto, uploads, …) know no app."""
    leaks = {
        module: sorted(target for target in targets if _app(target) != "core")
        for module, targets in import_graph().items()
        if _app(module) == "core" and not module.startswith(CORE_SHELL) and ".management." not in module
    }
    assert {module: targets for module, targets in leaks.items() if targets} == {}
