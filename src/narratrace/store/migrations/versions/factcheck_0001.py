"""Fact-check records (ClaimReview, EUvsDisinfo, verified claims) with their vectors.

Revision ID: factcheck_0001
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "factcheck_0001"
down_revision = "0001_foundation"
branch_labels = ("factcheck",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "factchecks",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(512), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source_format", sa.String(32), nullable=False),
        sa.Column("claim", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("summary", sa.Text),
        sa.Column("claimant", sa.Text),
        sa.Column("claim_date", sa.DateTime(timezone=True)),
        sa.Column("review_date", sa.DateTime(timezone=True)),
        sa.Column("verdict", sa.Text),
        sa.Column("publisher", sa.Text),
        sa.Column("publisher_site", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("language", sa.String(16)),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.Column("embedding", sa.LargeBinary),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("record_id", name="uq_factchecks_record_id"),
    )
    op.create_index("ix_factchecks_review_date", "factchecks", ["review_date"])


def downgrade() -> None:
    op.drop_index("ix_factchecks_review_date", table_name="factchecks")
    op.drop_table("factchecks")
