"""Repository of articles and their analyses, keyed by content hash (idempotent)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from narratrace.dates import as_utc as _as_datetime
from narratrace.model import Article, ImageRef, to_jsonable
from narratrace.store.schema import analyses, articles


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


def save_analysis(conn: Connection, content_hash: str, stage_names: list[str], payload: dict, schema_version: str) -> bool:
    """Store an analysis result once per (article, pipeline); return True if it was new."""
    key = pipeline_key(stage_names)
    exists = conn.execute(
        select(analyses.c.pk).where(
            (analyses.c.content_hash == content_hash) & (analyses.c.pipeline == key)
        )
    ).first()
    if exists:
        conn.execute(
            analyses.update().where(analyses.c.pk == exists.pk).values(result=payload, created_at=datetime.now(UTC))
        )
        return False
    conn.execute(
        analyses.insert().values(
            content_hash=content_hash,
            pipeline=key,
            schema_version=schema_version,
            language=payload.get("language"),
            result=payload,
            created_at=datetime.now(UTC),
        )
    )
    return True


def load_analysis(engine: Engine, content_hash: str) -> dict | None:
    """The most recent stored analysis payload of an article, if any."""
    with engine.connect() as conn:
        row = conn.execute(
            select(analyses.c.result)
            .where(analyses.c.content_hash == content_hash)
            .order_by(analyses.c.created_at.desc())
        ).first()
    return row.result if row else None
