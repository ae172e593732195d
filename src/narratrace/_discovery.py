"""Registries of plug-in parts (stages, eval tasks, report parts) and their discovery.

Every registry is a :class:`Registry`: a :mod:`catalogue` registry in the ``narratrace``
namespace whose entries register when their module is imported. :meth:`Registry.all`
first imports every module of the registry's packages (one broken module is logged and
skipped, never fatal) and the entry points of installed distributions in the group
``narratrace_<kind>``, so a third-party package can add a stage without an edit here.

Examples
--------
>>> demo = Registry("doctest_demo")
>>> demo.register("b", 2), demo.register("a", 1)
(2, 1)
>>> demo.all()
{'b': 2, 'a': 1}
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from typing import Generic, TypeVar

import catalogue

V = TypeVar("V")

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


class Registry(Generic[V]):
    """Named entries of one kind, kept in ``catalogue`` under ``("narratrace", kind)``.

    Parameters
    ----------
    kind:
        The registry's name: ``stages``, ``evals``, ``report_sections``, ...
    packages:
        Packages whose modules are imported before the entries are read.
    """

    def __init__(self, kind: str, packages: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.packages = packages
        self._entries: catalogue.Registry = catalogue.Registry(("narratrace", kind), entry_points=False)
        self._discovered = False

    def register(self, name: str, value: V) -> V:
        """Add (or replace) the entry ``name``; returns ``value`` so it can end a decorator."""
        self._entries.register(name, func=value)
        return value

    def discover(self) -> None:
        """Import the registry's packages and its installed entry points, once per process."""
        if self._discovered:
            return
        self._discovered = True
        for package in self.packages:
            import_submodules(package)
        plugins = catalogue.Registry(("narratrace", self.kind), entry_points=True)
        for name, value in plugins.get_entry_points().items():
            self.register(name, value)

    def all(self) -> dict[str, V]:
        """Every entry by name, in registration order, after :meth:`discover`."""
        self.discover()
        return dict(self._entries.get_all())
