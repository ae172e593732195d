"""Tables of the foundation (articles and their analyses).

Feature areas keep their tables in their own module next to this one
(``schema_<area>.py``) on the same :data:`metadata`, each with its own migration.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(255), nullable=False, index=True),
    Column("content_hash", String(64), nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("outlet", String(255), index=True),
    Column("authors", JSON, nullable=False, default=list),
    Column("published", DateTime(timezone=True), index=True),
    Column("lang", String(16), index=True),
    Column("text", Text, nullable=False),
    Column("images", JSON, nullable=False, default=list),
    Column("meta", JSON, nullable=False, default=dict),
    Column("source_path", Text),
    Column("source_format", String(16)),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("content_hash", name="uq_articles_content_hash"),
)

analyses = Table(
    "analyses",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("content_hash", String(64), nullable=False),
    Column("pipeline", String(64), nullable=False),  # hash of the stage names, so re-runs are idempotent
    Column("schema_version", String(16), nullable=False),
    Column("language", String(16)),
    Column("result", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("content_hash", "pipeline", name="uq_analyses_hash_pipeline"),
)
