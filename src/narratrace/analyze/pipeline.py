"""The per-article :class:`Pipeline`: named stages run in order over an Analysis."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import Engine

from narratrace.analyze.neutral import restore_names
from narratrace.analyze.registry import Stage, default_stage_names, registered_stages
from narratrace.errors import ConfigError, NarratraceError
from narratrace.model import Analysis, Article

logger = logging.getLogger(__name__)

_PIPELINES: dict[tuple[tuple[str, ...], str | None], Pipeline] = {}
#: Articles per batch. A batch's spaCy parses stay in memory until it leaves the last
#: stage, so batches are kept small; larger ones gain little on one core, where the e5
#: encoder is compute-bound (one call of 32 texts: 1.09x faster than 32 calls; docs/storage.md).
BATCH_SIZE = 32


class Pipeline:
    """Run registered stages, in order, over articles.

    Parameters
    ----------
    stages:
        Stage names; ``None`` means the default pipeline. Unknown names raise
        :class:`~narratrace.errors.ConfigError` listing the known ones.
    store:
        The store (an engine from :func:`narratrace.store.open_store`, or a URL) that
        stages needing a database read: fact-check matching, picture reuse. ``None``
        (the default) attaches none: those stages record ``{"database": "none"}`` and
        nothing is created or migrated anywhere.

    Examples
    --------
    >>> from narratrace.model import Article
    >>> pipe = Pipeline(["language.v1", "segment.v1"])
    >>> analysis = pipe(Article(text="One sentence. Another one."))
    >>> len(analysis.sentences)
    2
    >>> [len(a.sentences) for a in pipe.pipe(["One.", "One. Two. Three."], batch_size=2)]
    [1, 3]
    """

    def __init__(self, stages: Sequence[str] | None = None, *, store: Engine | str | None = None) -> None:
        from narratrace.store.engine import as_engine

        known = registered_stages()
        names = list(stages) if stages is not None else default_stage_names()
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(
                f"unknown stage(s) {', '.join(unknown)}; known stages: {', '.join(sorted(known))}"
            )
        self.names = names
        self.store: Engine | None = as_engine(store) if store is not None else None
        self._stages: list[Stage] = [known[n].factory() for n in names]
        for stage in self._stages:
            stage.store = self.store

    def __call__(self, article: Article | str) -> Analysis:
        return next(self.pipe([article]))

    def pipe(self, articles: Iterable[Article | str], *, batch_size: int = BATCH_SIZE) -> Iterator[Analysis]:
        """Analyse articles (or plain texts) lazily in batches, yielding results in input order.

        Each stage sees ``batch_size`` analyses at a time, so batched models (the spaCy
        parse with ``nlp.pipe``, the encoders) run once per batch, not once per article.
        """
        stream: Iterable[Analysis] = (Analysis(article=a if isinstance(a, Article) else Article(text=a)) for a in articles)
        for stage in self._stages:
            if stage.reads_names:
                stream = (restore_names(a) for a in stream)
            stream = _run_stage(stage, stream, batch_size)
        yield from (restore_names(a) for a in stream)


def _run_stage(stage: Stage, stream: Iterable[Analysis], batch_size: int) -> Iterator[Analysis]:
    """Run ``stage`` over ``stream`` in batches. A stage that fails with a
    :class:`~narratrace.errors.NarratraceError` (a missing model, say) is recorded in
    ``analysis.errors`` and the pipeline goes on: one stage never loses the others' work."""
    batch: list[Analysis] = []
    for analysis in stream:
        batch.append(analysis)
        if len(batch) >= batch_size:
            yield from _run_batch(stage, batch, batch_size)
            batch = []
    if batch:
        yield from _run_batch(stage, batch, batch_size)


def _run_batch(stage: Stage, batch: list[Analysis], batch_size: int) -> Iterator[Analysis]:
    try:
        results = list(stage.pipe(batch, batch_size=batch_size))
    except NarratraceError:
        results = []
        for analysis in batch:
            try:
                results.append(stage(analysis))
            except NarratraceError as exc:
                logger.info("stage %s failed: %s", stage.name, exc)
                analysis.errors[stage.name] = str(exc)
                results.append(analysis)
                continue
    for analysis in results:
        if stage.name not in analysis.errors:
            analysis.stages.append(stage.name)
        yield analysis


def get_pipeline(stages: Sequence[str] | None = None, *, store: Engine | str | None = None) -> Pipeline:
    """A cached pipeline per (stages, store), so models load once per process."""
    from narratrace.store.engine import as_engine, store_url

    engine = as_engine(store) if store is not None else None
    key = (tuple(stages) if stages is not None else tuple(default_stage_names()), store_url(engine) if engine is not None else None)
    if key not in _PIPELINES:
        _PIPELINES[key] = Pipeline(list(key[0]), store=engine)
    return _PIPELINES[key]
