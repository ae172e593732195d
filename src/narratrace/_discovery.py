"""Import every module of a package so that its registrations (stages, eval tasks,
report parts, commands) run. One broken module is logged and skipped, never fatal."""

from __future__ import annotations

import importlib
import logging
import pkgutil

logger = logging.getLogger(__name__)


def import_submodules(package_name: str) -> list[str]:
    """Import all modules below ``package_name``; return the names that failed to load."""
    package = importlib.import_module(package_name)
    failed: list[str] = []
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + ".", onerror=failed.append):
        try:
            importlib.import_module(module.name)
        except Exception as exc:  # one broken module must not take the others down
            logger.warning("cannot load %s: %s: %s", module.name, exc.__class__.__name__, exc)
            failed.append(module.name)
    return failed
