"""Collection rules for the doctests of ``src/narratrace`` (``--doctest-modules`` in pyproject.toml).

Modules that need an optional extra are skipped when the extra is not installed.
"""

from __future__ import annotations

import importlib.util

# module glob (relative to this folder) -> the optional package it imports at the top
_OPTIONAL = {"src/narratrace/encoder/torch_*.py": "torch"}

collect_ignore_glob = [glob for glob, package in _OPTIONAL.items() if importlib.util.find_spec(package) is None]
