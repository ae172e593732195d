"""narratrace: who claims what, how it persuades, and what happened to the story.

Public API
----------
analyze(text_or_path, lang=None, store=None) -> Analysis
    Run the default pipeline on one article (a path, or the article text itself);
    nothing is stored and no database is opened unless ``store`` is given.
Corpus(url)
    A corpus in a store: ingest, duplicates, stories, narratives and timelines.
"""

from __future__ import annotations

import importlib
import logging
import types
from pathlib import Path
from typing import TYPE_CHECKING

from narratrace.model import Analysis, Article

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["Analysis", "Article", "Corpus", "analyze", "__version__"]
__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str):
    if name == "Corpus":  # imported lazily: the corpus layer pulls in the store and embeddings
        from narratrace.corpus import Corpus

        return Corpus
    raise AttributeError(f"module 'narratrace' has no attribute {name!r}")


def analyze(
    text_or_path: str | Path, lang: str | None = None, *, stages: list[str] | None = None, store: Engine | str | None = None
) -> Analysis:
    """Analyse one article given as a path or as its text.

    Nothing is stored and no database is opened unless ``store`` (an engine or a URL
    such as ``"sqlite:///corpus.db"``) is given; fact-check matching and picture reuse
    then look things up in that store, and otherwise report ``{"database": "none"}``.

    Examples
    --------
    >>> import narratrace
    >>> a = narratrace.analyze("Officials reportedly denied the claim.")
    >>> a.language, a.summaries["factcheck"]
    ('en', {'database': 'none'})
    """
    from narratrace.api import analyze as _analyze

    return _analyze(text_or_path, lang=lang, stages=stages, store=store)


class _AnalyzePackage(types.ModuleType):
    """The ``narratrace.analyze`` subpackage, callable as :func:`narratrace.analyze`.

    Python binds a subpackage to its parent's attribute when it is imported, so once
    anything imports ``narratrace.analyze.*`` the name names the subpackage, not the
    function. The subpackage is imported here and made callable, so that
    ``narratrace.analyze(path)`` works in every order of imports while the stages
    never import the API layer.
    """

    def __call__(self, text_or_path, lang: str | None = None, **options) -> Analysis:
        return _analyze_function(text_or_path, lang, **options)


_analyze_function = analyze
importlib.import_module("narratrace.analyze").__class__ = _AnalyzePackage
