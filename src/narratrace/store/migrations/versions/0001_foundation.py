"""Foundation: articles and analyses.

Revision ID: 0001_foundation
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(255), nullable=False, index=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("outlet", sa.String(255), index=True),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("published", sa.DateTime(timezone=True), index=True),
        sa.Column("lang", sa.String(16), index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("images", sa.JSON, nullable=False),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("source_path", sa.Text),
        sa.Column("source_format", sa.String(16)),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("content_hash", name="uq_articles_content_hash"),
    )
    op.create_table(
        "analyses",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("pipeline", sa.String(64), nullable=False),
        sa.Column("schema_version", sa.String(16), nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("content_hash", "pipeline", name="uq_analyses_hash_pipeline"),
    )


def downgrade() -> None:
    op.drop_table("analyses")
    op.drop_table("articles")
