"""Tables of the image area: pictures (one row per distinct file) and their appearances.

``images`` holds one row per distinct file (``sha256`` of its bytes) with every hash the
matcher needs (global pHash/dHash/PDQ plus the view hashes as JSON) and what its EXIF
says. ``image_appearances`` holds each place a picture was seen: an article (by id,
with its outlet and date), a folder, or a text-only credit with no pixels
(``image_pk`` NULL). ``image_features`` holds each picture's ORB keypoints and descriptors
(:mod:`narratrace.images.local_features`, 36 bytes a feature) for partial matches.
``image_refusals`` records files that were refused and why.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

images = Table(
    "images",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("format", String(16)),
    Column("phash", String(16), nullable=False, index=True),
    Column("dhash", String(16), nullable=False),
    Column("pdq", String(64), nullable=False, index=True),
    Column("pdq_quality", Integer, nullable=False),
    Column("views", JSON, nullable=False),  # {"pdq": [...], "phash": [...], "mirror_pdq": [...], "mirror_phash": [...]}
    Column("trimmed", Boolean, nullable=False, default=False),
    Column("capture_date", DateTime(timezone=True)),
    Column("gps_lat", Float),
    Column("gps_lon", Float),
    Column("camera", Text),
    Column("software", Text),
    Column("metadata_stripped", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("sha256", name="uq_images_sha256"),
)

image_appearances = Table(
    "image_appearances",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("image_pk", Integer, ForeignKey("images.pk", ondelete="CASCADE"), index=True),
    Column("appearance_key", String(64), nullable=False),  # sha1 of (article, src, image): idempotency
    Column("article_id", String(255), index=True),
    Column("article_title", Text),
    Column("outlet", String(255)),
    Column("published", DateTime(timezone=True), index=True),
    Column("origin", String(16), nullable=False),  # html, saved_page, folder, text, file, fetched
    Column("src", Text),
    Column("local_path", Text),
    Column("caption", Text),
    Column("alt", Text),
    Column("credit", Text),
    Column("kind", String(16)),
    Column("context", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("appearance_key", name="uq_image_appearances_key"),
)

image_features = Table(
    "image_features",
    metadata,
    Column("image_pk", Integer, ForeignKey("images.pk", ondelete="CASCADE"), primary_key=True),
    Column("method", String(16), nullable=False),  # "orb1": LocalFeatures.to_bytes
    Column("n_features", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

image_refusals = Table(
    "image_refusals",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("location", Text, nullable=False),
    Column("article_id", String(255)),
    Column("reason", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
