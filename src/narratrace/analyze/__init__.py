"""Per-article analysis stages and the pipeline that runs them.

Each module registers its stages with :func:`~narratrace.analyze.registry.register_stage`;
:func:`~narratrace.analyze.registry.discover` imports them all.

Importing this subpackage makes ``narratrace.analyze`` name the package instead of the
public :func:`narratrace.analyze` function (Python binds a subpackage to its parent's
attribute). So that ``narratrace.analyze(path)`` keeps working in every order of
imports, the package itself is callable and forwards to :func:`narratrace.api.analyze`.
"""

from __future__ import annotations

import sys
import types


class _CallableModule(types.ModuleType):
    def __call__(self, text_or_path, lang=None, *, stages=None):
        from narratrace.api import analyze

        return analyze(text_or_path, lang=lang, stages=stages)


sys.modules[__name__].__class__ = _CallableModule
