"""Images: ORB local features per picture, for partial-match candidates and verification.

Revision ID: images_0002
Revises: images_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "images_0002"
down_revision = "images_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "image_features",
        sa.Column("image_pk", sa.Integer, sa.ForeignKey("images.pk", ondelete="CASCADE"), primary_key=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("n_features", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("image_features")
