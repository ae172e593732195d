"""Resumable corpus ingest: files -> articles (+ analyses) in the store, nothing lost or doubled.

Each file is one unit of work. Its articles are written in transactions of
:data:`BATCH_SIZE` articles; when the file is done a journal row
(``corpus_files``, keyed by absolute path + size + mtime + SHA-256 of the bytes) is
written in the same transaction as its last batch. A rerun skips journalled files and
redoes the rest; redone articles are recognised by content hash and article id, so an
interrupted run followed by a rerun leaves exactly the store of one clean run.

A file ingested without analysis (``analyze=False``) is journalled as ``stored`` and
is read again when a later run asks for analysis, which then analyses its articles.

Broken files and records are named in the :class:`IngestReport` and the rest is
ingested; a broken file is not journalled, so it is retried (and named again) on the
next run. A record that the database refuses is rolled back alone (a savepoint) and
named; an article whose analysis fails is stored without it, named, and its file is
journalled as ``stored`` so that the next run with analysis retries it.

Analysis runs before, not inside, the write transaction, one batch at a time through
:meth:`Pipeline.pipe <narratrace.analyze.pipeline.Pipeline.pipe>` (spaCy's ``nlp.pipe``
and batched encoders): a transaction holds the database only for the few milliseconds of
its inserts, so two ingests into one SQLite file both proceed (see
:func:`narratrace.store.engine.run_write` for locks and retries). The default pipeline is
given the ingest's own store, so fact-checks and pictures are matched against it.

:func:`save_analyses` is the one save path: ``narratrace analyze --store`` writes through
it too, so analysed articles appear in ``narratives`` and ``duplicates``, and ingesting
them later counts them as already stored, not as duplicates of themselves.

Examples
--------
>>> import tempfile, pathlib
>>> from narratrace.store import open_store
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.jsonl").write_text('{"id": "a1", "text": "Troops shelled the dam."}\\n{"broken"\\n')
>>> engine = open_store(f"sqlite:///{tempfile.mkdtemp()}/db.sqlite")
>>> report = ingest([folder], engine, analyze=False)
>>> report.new, len(report.failures), ingest([folder], engine, analyze=False).skipped_files
(1, 1, 1)
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from narratrace.errors import NarratraceError, path_text, safe_text
from narratrace.ingest import IngestFailure, iter_file_items, iter_files, read_file_bytes
from narratrace.ingest.dates import as_utc as _aware
from narratrace.model import Analysis, Article
from narratrace.store.articles import save_analysis, save_article
from narratrace.store.engine import as_engine, describe_db_error, is_transient, run_write
from narratrace.store.schema import analyses
from narratrace.store.schema_corpus import corpus_files, corpus_publications
from narratrace.urls import normalize_url, url_id

logger = logging.getLogger(__name__)

# Articles per transaction: small enough that an interruption loses little work, large
# enough that SQLite's per-commit fsync is not the bottleneck (~50 commits/s here).
BATCH_SIZE = 50

#: The faster corpus profile: every stage ``narratives`` reads (claims, their attribution
#: and stance, fact-check matches), without persuasion techniques (``techniques.v1``, whose
#: e5 encodings take most of the default pipeline's time) and picture reuse (``images.v1``).
#: ``ingest(paths, engine, stages=CORPUS_PROFILE)``; see benchmarks/ingest_speed.py.
CORPUS_PROFILE = (
    "language.v1", "names.v1", "segment.v1", "entities.v1", "sources.v1", "quotes.v1", "hedges.v1",
    "attribution.v1", "stance.v1", "evidence.v1", "claims.v1", "checkworthiness.v1", "factcheck_match.v1",
)

ProgressFn = Callable[[str, dict[str, Any]], None]
#: One article to its analysis; an object with a ``pipe(articles, batch_size=)`` method
#: (a :class:`~narratrace.analyze.pipeline.Pipeline`) is run a batch at a time.
Analyzer = Callable[[Article], Analysis]


@dataclass
class IngestReport:
    """What one ingest run did."""

    files: int = 0
    skipped_files: int = 0  # already in the journal, unchanged
    articles: int = 0  # articles read
    new: int = 0  # new texts stored
    duplicate: int = 0  # same text as another stored publication (another id/outlet)
    already: int = 0  # already stored: same text and id (resumed or re-read work), or stored by `analyze`
    analyzed: int = 0
    failures: list[IngestFailure] = field(default_factory=list)

    @property
    def usable(self) -> int:
        """Articles now in the store from this run's inputs (new, duplicate or already there)."""
        return self.new + self.duplicate + self.already

    @property
    def broken_files(self) -> list[str]:
        return list(dict.fromkeys(f.path for f in self.failures))

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "skipped_files": self.skipped_files,
            "articles": self.articles,
            "new": self.new,
            "duplicate": self.duplicate,
            "already_stored": self.already,
            "analyzed": self.analyzed,
            "broken": [str(f) for f in self.failures],
        }

    def add(self, other: BatchResult) -> None:
        """Count a committed batch."""
        self.new += other.new
        self.duplicate += other.duplicate
        self.already += other.already
        self.analyzed += other.analyzed
        self.failures.extend(other.failures)


def publication_name(article: Article) -> str:
    """The name output uses for an article: its ingest id, or its URL when it had none."""
    if article.url and article.id == url_id(article.url):
        return article.url
    return article.id



@dataclass
class BatchResult:
    """What one committed batch wrote (counted only once its transaction commits)."""

    new: int = 0
    duplicate: int = 0
    already: int = 0
    analyzed: int = 0
    failures: list[IngestFailure] = field(default_factory=list)


def _file_key(path: Path, data: bytes) -> tuple[str, int, int, str]:
    st = os.stat(path)
    file_hash = hashlib.sha256(data).hexdigest()
    key = hashlib.sha1(f"{path_text(path.resolve())}|{len(data)}|{st.st_mtime_ns}|{file_hash}".encode()).hexdigest()
    return key, len(data), st.st_mtime_ns, file_hash


def _default_analyzer(engine: Engine, stages: Sequence[str] | None = None) -> Analyzer:
    """The pipeline (default stages unless named), reading fact-checks and pictures from the ingest's own store."""
    from narratrace.analyze.pipeline import get_pipeline

    return get_pipeline(stages, store=engine)


def _article_label(article: Article) -> str:
    return safe_text(publication_name(article), limit=80)


def run_analyzer(analyzer: Analyzer, batch: list[Article]) -> list[Analysis | Exception]:
    """Each article's analysis (or the exception it raised), in order; a batch at a time when
    the analyzer can, else (or when the batch fails as a whole) one article at a time."""
    pipe = getattr(analyzer, "pipe", None)
    if pipe is not None:
        try:
            return list(pipe(batch, batch_size=max(1, len(batch))))
        except Exception:  # an unexpected error somewhere in the batch: find the article
            logger.debug("batch analysis failed; analysing one article at a time", exc_info=True)
    results: list[Analysis | Exception] = []
    for article in batch:
        try:
            results.append(analyzer(article))
        except Exception as exc:  # one article's analysis must not stop the run
            results.append(exc)
    return results


def _analyze_batch(engine: Engine, batch: list[Article], analyzer: Analyzer, path: str) -> tuple[dict[str, Analysis], list[IngestFailure]]:
    """Analyses of the batch's texts that have none stored yet, computed outside any transaction.

    An analysis that raises is reported (the article is still stored) and the run goes on.
    """
    hashes = list(dict.fromkeys(a.content_hash for a in batch))
    with engine.connect() as conn:
        done = set(conn.execute(select(analyses.c.content_hash).where(analyses.c.content_hash.in_(hashes))).scalars())
    todo = list({a.content_hash: a for a in reversed(batch) if a.content_hash not in done}.values())[::-1]
    results: dict[str, Analysis] = {}
    failures: list[IngestFailure] = []
    for article, outcome in zip(todo, run_analyzer(analyzer, todo), strict=True):
        if isinstance(outcome, Analysis):
            results[article.content_hash] = outcome
            continue
        logger.debug("analysis of %s failed", _article_label(article), exc_info=outcome)
        reason = outcome.args[0] if isinstance(outcome, NarratraceError) else outcome.__class__.__name__
        failures.append(IngestFailure(
            path, f"article {_article_label(article)}: analysis failed ({safe_text(reason, limit=200)}); "
            "stored without analysis, retried on the next run", "E109"))
    return results, failures


def _store_one(conn: Connection, article: Article, analysis: Analysis | None, result: BatchResult) -> None:
    """Store an article, its publication row and its analysis (when given)."""
    publications = corpus_publications.c
    known = conn.execute(
        select(publications.pk).where((publications.content_hash == article.content_hash) & (publications.article_id == article.id))
    ).first()
    new_text = save_article(conn, article)
    if analysis is not None:
        save_analysis(conn, analysis)
        result.analyzed += 1
    if known:
        result.already += 1
        return
    # a text stored without any publication (by an older `analyze --store`) is no duplicate of itself
    published_before = not new_text and conn.execute(
        select(publications.pk).where(publications.content_hash == article.content_hash).limit(1)
    ).first() is not None
    conn.execute(
        corpus_publications.insert().values(
            content_hash=article.content_hash,
            article_id=article.id,
            name=publication_name(article),
            url=article.url,
            url_norm=normalize_url(article.url),
            title=article.title,
            outlet=article.outlet,
            published=_aware(article.published),
            lang=article.lang,
            source_path=article.source_path,
            ingested_at=datetime.now(UTC),
        )
    )
    if new_text:
        result.new += 1
    elif published_before:
        result.duplicate += 1
    else:
        result.already += 1


def _write_batch(conn: Connection, batch: list[Article], analyzed: dict[str, Analysis], path: str) -> BatchResult:
    """Write a batch in the caller's transaction; a record the database refuses is rolled back alone."""
    result = BatchResult()
    pending = dict(analyzed)
    for article in batch:
        try:
            with conn.begin_nested():
                _store_one(conn, article, pending.pop(article.content_hash, None), result)
        except SQLAlchemyError as exc:
            if is_transient(exc):
                raise  # the whole transaction is retried
            result.failures.append(IngestFailure(
                path, f"article {_article_label(article)}: not stored ({describe_db_error(exc)})", "E200"))
    return result


def save_analyses(store: Engine | str, analyses_: Sequence[Analysis], *, origin: str = "analyze") -> BatchResult:
    """Store analysed articles (text, publication row and analysis) in one short transaction.

    The same path as :func:`ingest`, so the articles show in ``narratives`` and
    ``duplicates``, and a later ingest of them counts them as already stored.

    Examples
    --------
    >>> import tempfile
    >>> from narratrace.model import Analysis, Article
    >>> url = f"sqlite:///{tempfile.mkdtemp()}/db.sqlite"
    >>> done = Analysis(article=Article(text="Troops shelled the dam.", id="a1"), stages=["x.v1"])
    >>> save_analyses(url, [done]).new, save_analyses(url, [done]).already
    (1, 1)
    """
    engine = as_engine(store)
    by_hash = {a.article.content_hash: a for a in analyses_}
    return run_write(engine, lambda conn: _write_batch(conn, [a.article for a in analyses_], by_hash, origin))


def _commit_batch(
    engine: Engine, batch: list[Article], path: str, analyzer: Analyzer | None, report: IngestReport,
    journal: Callable[[Connection, BatchResult], None] | None = None,
) -> BatchResult:
    """Analyse (outside the transaction), then write one batch (and the journal row) in one short transaction."""
    analyzed, failures = _analyze_batch(engine, batch, analyzer, path) if analyzer is not None and batch else ({}, [])

    def work(conn: Connection) -> BatchResult:
        result = _write_batch(conn, batch, analyzed, path)
        result.failures[:0] = failures
        if journal is not None:
            journal(conn, result)
        return result

    result = run_write(engine, work)
    report.add(result)
    return result


def _expand(paths: Iterable[Path | str], report: IngestReport) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if not p.exists() and not p.is_symlink():
            report.failures.append(IngestFailure(path_text(p), "does not exist", "E100"))
            continue
        files.extend(iter_files(p))
    return files


def ingest(
    paths: Sequence[Path | str],
    engine: Engine,
    *,
    analyze: bool = True,
    progress: ProgressFn | None = None,
    analyzer: Analyzer | None = None,
    stages: Sequence[str] | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Ingest files and folders into the store, resumably.

    Every good record is stored and every bad file or record is named in the report;
    nothing in the input stops the run (only the database itself, or an interruption).

    Parameters
    ----------
    paths:
        Files and folders (folders are walked recursively).
    engine:
        A store from :func:`narratrace.store.open_store`.
    analyze:
        Run the default per-article pipeline on new texts, in batches, with this store
        attached (fact-checks and pictures are matched against it).
    progress:
        Called as ``progress(event, info)`` with events ``start`` (``files``),
        ``file`` (``path``, ``skipped``) and ``article`` (``path``).
    analyzer:
        Replaces the default pipeline: a :class:`~narratrace.analyze.pipeline.Pipeline`
        (run a batch at a time) or any ``Article -> Analysis`` callable.
    stages:
        Stage names of the pipeline instead of the default ones, e.g.
        :data:`CORPUS_PROFILE` (what ``narratives`` needs, several times faster).
    batch_size:
        Articles per write transaction.

    Returns
    -------
    IngestReport
    """
    report = IngestReport()
    files = _expand(paths, report)
    if analyze and analyzer is None:
        analyzer = _default_analyzer(engine, stages) if stages is not None else _default_analyzer(engine)
    if not analyze:
        analyzer = None
    if progress:
        progress("start", {"files": len(files)})
    for path in files:
        report.files += 1
        skipped = _ingest_file(path, engine, analyzer, report, progress, batch_size)
        if progress:
            progress("file", {"path": path_text(path), "skipped": skipped})
    logger.info("ingest: %s", report.to_dict())
    return report


def _read_file(path: Path, report: IngestReport) -> tuple[bytes, tuple[str, int, int, str]] | None:
    """The file's bytes and journal key, or ``None`` (the failure named in ``report``)."""
    name = path_text(path)
    try:
        data = read_file_bytes(path)
        return data, _file_key(path, data)
    except NarratraceError as exc:
        report.failures.append(IngestFailure(name, exc.args[0], exc.code))
    except OSError as exc:
        report.failures.append(IngestFailure(name, f"{exc.__class__.__name__}: {exc.strerror or exc}", "E100"))
    return None


def _journalled(engine: Engine, key: str, analyzer: Analyzer | None) -> bool:
    """True when the journal shows the file done (stored only counts when no analysis is asked for)."""
    with engine.connect() as conn:
        done = conn.execute(select(corpus_files.c.status).where(corpus_files.c.file_key == key)).first()
    # a file ingested with --no-analyze is done again (cheaply) when analysis is asked for
    return done is not None and (done.status == "done" or analyzer is None)


def _journal(conn: Connection, path: Path, file_key: tuple[str, int, int, str], n_articles: int, read_failures: list[IngestFailure],
             totals: BatchResult, complete: bool) -> None:
    """Write the file's journal row (in the transaction of its last batch)."""
    key, size, mtime_ns, file_hash = file_key
    # re-read inside the transaction: a concurrent ingest of the same file may have journalled it
    conn.execute(corpus_files.delete().where(corpus_files.c.file_key == key))
    if n_articles or not read_failures:
        conn.execute(
            corpus_files.insert().values(
                file_key=key, path=path_text(path.resolve()), size=size, mtime_ns=mtime_ns, file_hash=file_hash,
                status="done" if complete else "stored", n_articles=n_articles, n_new=totals.new,
                n_duplicate=totals.duplicate, failures=[str(f) for f in read_failures + totals.failures],
                finished_at=datetime.now(UTC),
            )
        )


def _ingest_file(path: Path, engine: Engine, analyzer: Analyzer | None, report: IngestReport,
                 progress: ProgressFn | None, batch_size: int) -> bool:
    """Ingest one file; return True when the journal shows it done already."""
    name = path_text(path)
    read = _read_file(path, report)
    if read is None:
        return False
    data, file_key = read
    if _journalled(engine, file_key[0], analyzer):
        report.skipped_files += 1
        return True
    failures: list[IngestFailure] = []
    totals = BatchResult()
    n_articles = 0
    batch: list[Article] = []

    def flush(journal: Callable[[Connection, BatchResult], None] | None = None) -> None:
        result = _commit_batch(engine, batch, name, analyzer, report, journal)
        totals.new, totals.duplicate, totals.analyzed = (
            totals.new + result.new, totals.duplicate + result.duplicate, totals.analyzed + result.analyzed)
        totals.failures.extend(result.failures)
        for _ in batch if progress else ():
            progress("article", {"path": name})
        batch.clear()

    for item in iter_file_items(path, data=data):
        if isinstance(item, IngestFailure):
            failures.append(item)
            continue
        n_articles += 1
        report.articles += 1
        batch.append(item)
        if len(batch) >= batch_size:
            flush()
    del data

    def journal(conn: Connection, last: BatchResult) -> None:
        whole = BatchResult(new=totals.new + last.new, duplicate=totals.duplicate + last.duplicate,
                            failures=totals.failures + last.failures)
        complete = analyzer is not None and not any(f.code == "E109" for f in failures + whole.failures)
        _journal(conn, path, file_key, n_articles, failures, whole, complete)

    flush(journal)
    report.failures.extend(failures)
    return False
