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
next run.

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
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from narratrace.corpus.dedup import normalize_url
from narratrace.ingest import IngestFailure, iter_files, read_path
from narratrace.ingest.dates import as_utc as _aware
from narratrace.model import Analysis, Article
from narratrace.store.articles import save_analysis, save_article
from narratrace.store.schema import analyses
from narratrace.store.schema_corpus import corpus_files, corpus_publications

logger = logging.getLogger(__name__)

# Articles per transaction: small enough that an interruption loses little work, large
# enough that SQLite's per-commit fsync is not the bottleneck (~50 commits/s here).
BATCH_SIZE = 50
ANALYSIS_SCHEMA_VERSION = "1"

ProgressFn = Callable[[str, dict[str, Any]], None]
Analyzer = Callable[[Article], Analysis]


@dataclass
class IngestReport:
    """What one ingest run did."""

    files: int = 0
    skipped_files: int = 0  # already in the journal, unchanged
    articles: int = 0  # articles read
    new: int = 0  # new texts stored
    duplicate: int = 0  # same text as a stored article, published under another id/outlet
    already: int = 0  # same text and id as stored (resumed or re-read work)
    analyzed: int = 0
    failures: list[IngestFailure] = field(default_factory=list)

    @property
    def broken_files(self) -> list[str]:
        out: list[str] = []
        for f in self.failures:
            if f.path not in out:
                out.append(f.path)
        return out

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


def publication_name(article: Article) -> str:
    """The name output uses for an article: its ingest id, or its URL when it had none."""
    if article.url and article.id == str(uuid.uuid3(uuid.NAMESPACE_URL, article.url)):
        return article.url
    return article.id



def _file_key(path: Path) -> tuple[str, int, int, str]:
    st = path.stat()
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    file_hash = h.hexdigest()
    key = hashlib.sha1(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{file_hash}".encode()).hexdigest()
    return key, st.st_size, st.st_mtime_ns, file_hash


def _default_analyzer() -> Analyzer:
    from narratrace.api import analyze_article

    return analyze_article


def _payload(analysis: Analysis) -> dict[str, Any]:
    try:
        from narratrace.report.json_report import analysis_to_dict
    except ImportError:  # the JSON report module is optional for the corpus
        from narratrace.model import to_jsonable

        return to_jsonable(analysis)
    return analysis_to_dict(analysis)


def _has_analysis(conn: Connection, content_hash: str) -> bool:
    return conn.execute(select(analyses.c.pk).where(analyses.c.content_hash == content_hash).limit(1)).first() is not None


def _store_one(conn: Connection, article: Article, analyzer: Analyzer | None, report: IngestReport) -> tuple[int, int]:
    """Store an article, its publication row and (if new) its analysis; return (new, duplicate)."""
    name = publication_name(article)
    known = conn.execute(
        select(corpus_publications.c.pk).where(
            (corpus_publications.c.content_hash == article.content_hash) & (corpus_publications.c.article_id == article.id)
        )
    ).first()
    new_text = save_article(conn, article)
    if analyzer is not None and (new_text or not _has_analysis(conn, article.content_hash)):
        analysis = analyzer(article)
        save_analysis(conn, article.content_hash, list(analysis.stages), _payload(analysis), ANALYSIS_SCHEMA_VERSION)
        report.analyzed += 1
    if known:
        report.already += 1
        return 0, 0
    conn.execute(
        corpus_publications.insert().values(
            content_hash=article.content_hash,
            article_id=article.id,
            name=name,
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
        report.new += 1
        return 1, 0
    report.duplicate += 1
    return 0, 1


def _flush(conn: Connection, batch: list[Article], path: str, analyzer: Analyzer | None, report: IngestReport, progress: ProgressFn | None) -> tuple[int, int]:
    n_new = n_dup = 0
    for art in batch:
        a, d = _store_one(conn, art, analyzer, report)
        n_new += a
        n_dup += d
        if progress:
            progress("article", {"path": path})
    return n_new, n_dup


def _expand(paths: Iterable[Path | str], report: IngestReport) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if not p.exists():
            report.failures.append(IngestFailure(str(p), "does not exist", "E100"))
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
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Ingest files and folders into the store, resumably.

    Parameters
    ----------
    paths:
        Files and folders (folders are walked recursively).
    engine:
        A store from :func:`narratrace.store.open_store`.
    analyze:
        Run the per-article pipeline (``narratrace.api.analyze_article``) on new texts.
    progress:
        Called as ``progress(event, info)`` with events ``start`` (``files``),
        ``file`` (``path``, ``skipped``) and ``article`` (``path``).
    analyzer:
        Replaces the default pipeline (tests, custom stage lists).

    Returns
    -------
    IngestReport
    """
    report = IngestReport()
    files = _expand(paths, report)
    if analyze and analyzer is None:
        analyzer = _default_analyzer()
    if not analyze:
        analyzer = None
    if progress:
        progress("start", {"files": len(files)})
    for path in files:
        report.files += 1
        try:
            key, size, mtime_ns, file_hash = _file_key(path)
        except OSError as exc:
            report.failures.append(IngestFailure(str(path), f"{exc.__class__.__name__}: {exc}", "E100"))
            continue
        with engine.connect() as conn:
            done = conn.execute(select(corpus_files.c.pk, corpus_files.c.status).where(corpus_files.c.file_key == key)).first()
        # a file ingested with --no-analyze is done again (cheaply) when analysis is asked for
        if done and (done.status == "done" or analyzer is None):
            report.skipped_files += 1
            if progress:
                progress("file", {"path": str(path), "skipped": True})
            continue
        failures: list[IngestFailure] = []
        n_articles = n_new = n_dup = 0
        batch: list[Article] = []

        for item in read_path(path):
            if isinstance(item, IngestFailure):
                failures.append(item)
                continue
            n_articles += 1
            report.articles += 1
            batch.append(item)
            if len(batch) >= batch_size:
                with engine.begin() as conn:
                    a, d = _flush(conn, batch, str(path), analyzer, report, progress)
                n_new, n_dup = n_new + a, n_dup + d
                batch = []
        with engine.begin() as conn:
            a, d = _flush(conn, batch, str(path), analyzer, report, progress)
            n_new, n_dup = n_new + a, n_dup + d
            report.failures.extend(failures)
            if done:
                conn.execute(corpus_files.delete().where(corpus_files.c.file_key == key))
            if n_articles or not failures:
                conn.execute(
                    corpus_files.insert().values(
                        file_key=key, path=str(path.resolve()), size=size, mtime_ns=mtime_ns, file_hash=file_hash,
                        status="done" if analyzer is not None else "stored", n_articles=n_articles, n_new=n_new, n_duplicate=n_dup,
                        failures=[str(f) for f in failures], finished_at=datetime.now(UTC),
                    )
                )
        if progress:
            progress("file", {"path": str(path), "skipped": False})
    logger.info("ingest: %s", report.to_dict())
    return report
