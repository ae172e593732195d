"""Corpus: ingest journal, publications, duplicates, stories and narratives.

Revision ID: corpus_0001
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "corpus_0001"
down_revision = "0001_foundation"
branch_labels = ("corpus",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corpus_files",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("file_key", sa.String(40), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("file_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("n_articles", sa.Integer, nullable=False),
        sa.Column("n_new", sa.Integer, nullable=False),
        sa.Column("n_duplicate", sa.Integer, nullable=False),
        sa.Column("failures", sa.JSON, nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("file_key", name="uq_corpus_files_key"),
    )
    op.create_table(
        "corpus_publications",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("content_hash", sa.String(64), nullable=False, index=True),
        sa.Column("article_id", sa.String(255), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("url_norm", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("outlet", sa.String(255)),
        sa.Column("published", sa.DateTime(timezone=True), index=True),
        sa.Column("lang", sa.String(16)),
        sa.Column("source_path", sa.Text),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("content_hash", "article_id", name="uq_corpus_publications_hash_id"),
    )
    op.create_table(
        "corpus_duplicates",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("group_id", sa.String(32), nullable=False, index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("canonical", sa.Text, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_table(
        "corpus_stories",
        sa.Column("story_id", sa.String(32), primary_key=True),
        sa.Column("n_articles", sa.Integer, nullable=False),
        sa.Column("first", sa.DateTime(timezone=True)),
        sa.Column("last", sa.DateTime(timezone=True)),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "corpus_narratives",
        sa.Column("narrative_id", sa.String(32), primary_key=True),
        sa.Column("claim", sa.Text, nullable=False),
        sa.Column("state", sa.String(32), nullable=False, index=True),
        sa.Column("first", sa.DateTime(timezone=True)),
        sa.Column("last", sa.DateTime(timezone=True)),
        sa.Column("n_articles", sa.Integer, nullable=False),
        sa.Column("n_outlets", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "corpus_builds",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_publications", sa.Integer, nullable=False),
        sa.Column("n_narratives", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for name in ("corpus_builds", "corpus_narratives", "corpus_stories", "corpus_duplicates", "corpus_publications", "corpus_files"):
        op.drop_table(name)
