"""Repository of articles and their analyses, keyed by content hash (idempotent).

Analyses are stored in the model's own JSON form (:func:`narratrace.model.to_jsonable`,
without the article) and load back as :class:`~narratrace.model.Analysis` objects
(:func:`load_analysis`, :func:`load_analyses`); nothing downstream rebuilds them from a
report by hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from narratrace.dates import as_utc as _as_datetime
from narratrace.model import Analysis, Article, ImageRef, analysis_from_jsonable, to_jsonable
from narratrace.store.schema import analyses, articles

#: ``analyses.schema_version`` of rows in the model's JSON form (older rows hold the report).
RECORD_VERSION = "model/1"


def save_article(conn: Connection, article: Article) -> bool:
    """Insert ``article`` unless its content hash is stored; return True if it was new."""
    exists = conn.execute(
        select(articles.c.pk).where(articles.c.content_hash == article.content_hash)
    ).first()
    if exists:
        return False
    conn.execute(
        articles.insert().values(
            article_id=article.id,
            content_hash=article.content_hash,
            url=article.url,
            title=article.title,
            outlet=article.outlet,
            authors=list(article.authors),
            published=_as_datetime(article.published),
            lang=article.lang,
            text=article.text,
            images=to_jsonable(article.images),
            meta=to_jsonable(article.metadata),
            source_path=article.source_path,
            source_format=article.source_format,
            ingested_at=datetime.now(UTC),
        )
    )
    return True


def _row_to_article(row: Any) -> Article:
    published = _as_datetime(row.published)
    return Article(
        text=row.text,
        id=row.article_id,
        title=row.title,
        url=row.url,
        outlet=row.outlet,
        authors=list(row.authors or []),
        published=published,
        lang=row.lang,
        images=[ImageRef(**img) for img in (row.images or [])],
        metadata=dict(row.meta or {}),
        source_path=row.source_path,
        source_format=row.source_format,
    )


def get_article(engine: Engine, key: str) -> Article | None:
    """Look an article up by ingest id, URL or content hash."""
    with engine.connect() as conn:
        row = conn.execute(
            select(articles).where(
                (articles.c.article_id == key)
                | (articles.c.content_hash == key)
                | (articles.c.url == key)
            )
        ).first()
    return _row_to_article(row) if row else None


def iter_articles(engine: Engine, *, batch_size: int = 500):
    """Yield every stored article in ingest order."""
    last = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(articles).where(articles.c.pk > last).order_by(articles.c.pk).limit(batch_size)
            ).all()
        if not rows:
            return
        for row in rows:
            yield _row_to_article(row)
        last = rows[-1].pk


def count_articles(engine: Engine) -> int:
    from sqlalchemy import func

    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(articles)).scalar_one()


def pipeline_key(stage_names: list[str]) -> str:
    return hashlib.sha1("|".join(stage_names).encode()).hexdigest()[:16]


def analysis_record(analysis: Analysis) -> dict[str, Any]:
    """The stored form of an analysis: :func:`~narratrace.model.to_jsonable` without the
    article, which the ``articles`` table holds once per text."""
    record = to_jsonable(analysis)
    record.pop("article", None)
    return record


def save_analysis(conn: Connection, analysis: Analysis) -> bool:
    """Store ``analysis`` once per (text, stage list), replacing an earlier run of the same
    stages; return True if it was new. The article itself is stored by :func:`save_article`."""
    content_hash = analysis.article.content_hash
    key = pipeline_key(list(analysis.stages))
    record = analysis_record(analysis)
    exists = conn.execute(
        select(analyses.c.pk).where(
            (analyses.c.content_hash == content_hash) & (analyses.c.pipeline == key)
        )
    ).first()
    values = {"result": record, "schema_version": RECORD_VERSION, "language": analysis.language, "created_at": datetime.now(UTC)}
    if exists:
        conn.execute(analyses.update().where(analyses.c.pk == exists.pk).values(**values))
        return False
    conn.execute(analyses.insert().values(content_hash=content_hash, pipeline=key, **values))
    return True


def load_analyses(engine: Engine, content_hashes: Iterable[str], *, chunk: int = 500) -> dict[str, Analysis]:
    """The most recent stored analysis of each text, as model objects with their stored article.

    Texts without an analysis are absent from the result. Rows written by older versions
    (the JSON report) load too: the report is the same fields plus a header.
    """
    hashes = list(dict.fromkeys(content_hashes))
    out: dict[str, Analysis] = {}
    with engine.connect() as conn:
        for i in range(0, len(hashes), chunk):
            rows = conn.execute(
                select(articles, analyses.c.result.label("analysis_result"))
                .join(analyses, analyses.c.content_hash == articles.c.content_hash)
                .where(articles.c.content_hash.in_(hashes[i : i + chunk]))
                .order_by(analyses.c.created_at, analyses.c.pk)
            )
            for row in rows:  # the latest analysis wins
                out[row.content_hash] = analysis_from_jsonable(row.analysis_result, article=_row_to_article(row))
    return out


def load_analysis(engine: Engine, key: str) -> Analysis | None:
    """The most recent stored analysis of an article (by ingest id, URL or content hash), if any.

    Examples
    --------
    >>> import tempfile
    >>> from narratrace.store.engine import open_store, run_write
    >>> engine = open_store(f"sqlite:///{tempfile.mkdtemp()}/db.sqlite")
    >>> analysis = Analysis(article=Article(text="It rained.", id="a1"), language="en", stages=["x.v1"])
    >>> run_write(engine, lambda conn: (save_article(conn, analysis.article), save_analysis(conn, analysis)))
    (True, True)
    >>> load_analysis(engine, "a1").language
    'en'
    """
    article = get_article(engine, key)
    if article is None:
        return None
    return load_analyses(engine, [article.content_hash]).get(article.content_hash)
