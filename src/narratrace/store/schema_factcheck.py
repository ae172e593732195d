"""Tables of the fact-check area: imported fact-check records and their vectors.

One row per fact-check record (a ClaimReview, an EUvsDisinfo case, a verified
claim). ``record_id`` is the stable idempotency key (the source's own id or URL);
``content_hash`` tells a changed record from an unchanged one on re-import.
``embedding`` holds the record's dense vectors (float16, one per embedded field) so
that the retrieval index grows incrementally: only new or changed records are
embedded on import.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

factchecks = Table(
    "factchecks",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(512), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("source_format", String(32), nullable=False),  # claimreview, euvsdisinfo, vclaims
    Column("claim", Text, nullable=False),
    Column("title", Text),
    Column("summary", Text),
    Column("claimant", Text),
    Column("claim_date", DateTime(timezone=True)),
    Column("review_date", DateTime(timezone=True)),
    Column("verdict", Text),
    Column("publisher", Text),
    Column("publisher_site", Text),
    Column("url", Text),
    Column("language", String(16)),
    Column("extra", JSON, nullable=False, default=dict),
    Column("embedding", LargeBinary),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("record_id", name="uq_factchecks_record_id"),
)
