"""Collection rules for the doctests of ``src/narratrace`` (``--doctest-modules`` in pyproject.toml).

A module that imports an optional extra at its top (``torch`` for ``narratrace.encoder``'s
training code, say) is skipped when that extra is not installed; everything else is
collected, so a broken import in a core module still fails the suite.
"""

from __future__ import annotations

import ast
import importlib.util
from functools import cache
from pathlib import Path

SRC = Path(__file__).parent / "src" / "narratrace"


@cache
def _installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def _top_level_imports(path: Path) -> set[str]:
    """Root packages imported unconditionally at the top of a module (not in functions or ``try``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    path = Path(collection_path)
    if path.suffix != ".py" or SRC not in path.parents:
        return None
    missing = [p for p in _top_level_imports(path) if p != "narratrace" and not _installed(p)]
    return True if missing else None
