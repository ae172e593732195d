"""Images: pictures with their hashes, their appearances in articles, and refusals.

Revision ID: images_0001
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "images_0001"
down_revision = "0001_foundation"
branch_labels = ("images",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "images",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("format", sa.String(16)),
        sa.Column("phash", sa.String(16), nullable=False, index=True),
        sa.Column("dhash", sa.String(16), nullable=False),
        sa.Column("pdq", sa.String(64), nullable=False, index=True),
        sa.Column("pdq_quality", sa.Integer, nullable=False),
        sa.Column("views", sa.JSON, nullable=False),
        sa.Column("trimmed", sa.Boolean, nullable=False),
        sa.Column("capture_date", sa.DateTime(timezone=True)),
        sa.Column("gps_lat", sa.Float),
        sa.Column("gps_lon", sa.Float),
        sa.Column("camera", sa.Text),
        sa.Column("software", sa.Text),
        sa.Column("metadata_stripped", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("sha256", name="uq_images_sha256"),
    )
    op.create_table(
        "image_appearances",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("image_pk", sa.Integer, sa.ForeignKey("images.pk", ondelete="CASCADE"), index=True),
        sa.Column("appearance_key", sa.String(64), nullable=False),
        sa.Column("article_id", sa.String(255), index=True),
        sa.Column("article_title", sa.Text),
        sa.Column("outlet", sa.String(255)),
        sa.Column("published", sa.DateTime(timezone=True), index=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("src", sa.Text),
        sa.Column("local_path", sa.Text),
        sa.Column("caption", sa.Text),
        sa.Column("alt", sa.Text),
        sa.Column("credit", sa.Text),
        sa.Column("kind", sa.String(16)),
        sa.Column("context", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("appearance_key", name="uq_image_appearances_key"),
    )
    op.create_table(
        "image_refusals",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("article_id", sa.String(255)),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("image_refusals")
    op.drop_table("image_appearances")
    op.drop_table("images")
