"""The layers import downwards only: runtime code never imports training, evaluation, the API or the CLI.

Every ``import`` statement under ``src/narratrace`` is read with :mod:`ast` (function-local
imports included, since those are how a lower layer usually reaches a higher one).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import narratrace

PACKAGE = Path(narratrace.__file__).parent
RUNTIME = ("analyze", "corpus", "factcheck", "images", "ingest", "report", "stance", "store", "text")
ABOVE_RUNTIME = ("narratrace.api", "narratrace.cli", "narratrace.eval", "narratrace.train")
# (importer layer, imported module prefixes it must not reach) beyond the general rule.
EXTRA_RULES = {"store": ("narratrace.ingest",)}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, package_dir: Path = PACKAGE) -> list[tuple[int, str]]:
    """``(line, absolute module name)`` of every import in one file of the package at ``package_dir``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path, package_dir).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            found.append((node.lineno, stem))
            found.extend((node.lineno, f"{stem}.{alias.name}") for alias in node.names)
    return found


def forbidden_for(layer: str) -> tuple[str, ...]:
    return ABOVE_RUNTIME + EXTRA_RULES.get(layer, ())


def violations(layer: str) -> list[str]:
    bad = forbidden_for(layer)
    out = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for line, name in imported_modules(path):
            if any(name == b or name.startswith(b + ".") for b in bad):
                out.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    return out


def test_import_reader_resolves_relative_imports(tmp_path):
    pkg = tmp_path / "narratrace" / "store"
    pkg.mkdir(parents=True)
    (pkg / "x.py").write_text("from ..ingest import files\nimport os\n\ndef f():\n    from . import y\n", encoding="utf-8")
    names = {n for _, n in imported_modules(pkg / "x.py", tmp_path / "narratrace")}
    assert {"narratrace.ingest", "narratrace.ingest.files", "os", "narratrace.store.y"} <= names


@pytest.mark.parametrize("layer", RUNTIME)
def test_runtime_layer_imports_no_higher_layer(layer):
    assert violations(layer) == []
