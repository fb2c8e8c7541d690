"""The evidence app is a bottom app: it knows no owner, so it imports no other xuncha app but ``core``."""

from __future__ import annotations

import ast
from pathlib import Path

import xuncha.evidence

APP = Path(xuncha.evidence.__file__).parent
ALLOWED = {"xuncha.core", "xuncha.evidence"}


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_evidence_app_imports_no_other_app_but_core() -> None:
    """Every module of the app, its tests and migrations included, imports from ``xuncha`` only core and itself."""
    modules = sorted(APP.rglob("*.py"))
    assert APP / "models.py" in modules
    offending = {
        f"{path.relative_to(APP)}: {name}"
        for path in modules
        for name in _imported(path)
        if name.split(".")[0] == "xuncha" and ".".join(name.split(".")[:2]) not in ALLOWED
    }

    assert offending == set()
