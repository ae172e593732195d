"""Cross-article work: resumable ingest, duplicates, stories, narratives, timelines, lifecycle.

:class:`Corpus` is the one-object entry point over a store; the modules hold the parts
(:mod:`~narratrace.corpus.ingest_corpus`, :mod:`~narratrace.corpus.dedup`,
:mod:`~narratrace.corpus.stories`, :mod:`~narratrace.corpus.narratives`,
:mod:`~narratrace.corpus.lifecycle`, :mod:`~narratrace.corpus.timeline`,
:mod:`~narratrace.corpus.build`). See ``docs/corpus.md``.

Examples
--------
>>> import tempfile, pathlib
>>> c = Corpus(f"sqlite:///{tempfile.mkdtemp()}/c.db")
>>> c.narratives()
[]
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["Corpus"]

logging.getLogger(__name__).addHandler(logging.NullHandler())


class Corpus:
    """A corpus in a store (SQLite or PostgreSQL URL).

    Its ingest analyses articles with this store attached to the pipeline, so fact-check
    matching and picture reuse read this store, never another one (see ``docs/storage.md``).

    Parameters
    ----------
    url:
        SQLAlchemy URL, e.g. ``sqlite:///corpus.db``, or an engine from
        :func:`narratrace.store.open_store`.
    """

    def __init__(self, url: str | Engine) -> None:
        from narratrace.store.engine import as_engine, store_url

        self.engine = as_engine(url)
        self.url = url if isinstance(url, str) else store_url(self.engine)

    def ingest(self, paths: Sequence[Path | str], *, analyze: bool = True, build: bool = True, **kwargs: Any):
        """Ingest files/folders (resumable) and, by default, rebuild; returns the IngestReport.

        Keyword arguments go to :func:`~narratrace.corpus.ingest_corpus.ingest`, e.g.
        ``stages=CORPUS_PROFILE`` for the faster profile without persuasion techniques.
        """
        from narratrace.corpus.build import build as build_corpus
        from narratrace.corpus.ingest_corpus import ingest

        report = ingest(paths, self.engine, analyze=analyze, **kwargs)
        if build:
            build_corpus(self.engine)
        return report

    def build(self, **kwargs: Any):
        from narratrace.corpus.build import build

        return build(self.engine, **kwargs)

    def _ensure(self) -> None:
        from narratrace.corpus.build import build, needs_build

        if needs_build(self.engine):
            build(self.engine)

    def narratives(self, *, state: str | None = None, sort: str = "first", as_of: date | None = None) -> list[dict[str, Any]]:
        """Narratives as dictionaries (the ``narratrace corpus narratives --json`` records), as of a date when given."""
        from narratrace.corpus.build import list_narratives

        self._ensure()
        return list_narratives(self.engine, state=state, sort=sort, as_of=as_of)

    def timeline(self, narrative_id: str, *, as_of: date | None = None) -> dict[str, Any]:
        """One narrative with its events, parties and timeline, as of a date when given."""
        from narratrace.corpus.build import get_narrative

        self._ensure()
        return get_narrative(self.engine, narrative_id, as_of=as_of)

    def duplicates(self) -> list[dict[str, Any]]:
        from narratrace.corpus.build import list_duplicates

        self._ensure()
        return list_duplicates(self.engine)
