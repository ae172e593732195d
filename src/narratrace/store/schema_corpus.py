"""Tables of the corpus area: ingest journal, publications, duplicates, stories, narratives.

- ``corpus_files``: the ingest journal. One row per file version processed
  (``file_key`` = SHA-1 of absolute path, size, mtime and content hash), so a rerun
  of ``narratrace corpus ingest`` skips files already done and resumes the rest.
- ``corpus_publications``: every (text, article id) pair ingested. The foundation's
  ``articles`` table keeps one row per distinct text; a text published by several
  outlets (an exact wire copy) has one publication row per outlet, so spread and
  duplicates can be counted.
- ``corpus_duplicates``: the current duplicate groups (rebuilt by ``build``).
- ``corpus_stories``: online story clusters (centroid state in ``payload``) and their members.
- ``corpus_narratives``: narratives with state, events and timeline in ``payload``.
- ``corpus_builds``: when duplicates/stories/narratives were last rebuilt.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

corpus_files = Table(
    "corpus_files",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("file_key", String(40), nullable=False),
    Column("path", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    Column("file_hash", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # done (stored + analysed), stored (no analysis)
    Column("n_articles", Integer, nullable=False, default=0),
    Column("n_new", Integer, nullable=False, default=0),
    Column("n_duplicate", Integer, nullable=False, default=0),
    Column("failures", JSON, nullable=False, default=list),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("file_key", name="uq_corpus_files_key"),
)

corpus_publications = Table(
    "corpus_publications",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("article_id", String(255), nullable=False),
    Column("name", Text, nullable=False),  # how output names it: ingest id, else URL
    Column("url", Text),
    Column("url_norm", Text),
    Column("title", Text),
    Column("outlet", String(255)),
    Column("published", DateTime(timezone=True), index=True),
    Column("lang", String(16)),
    Column("source_path", Text),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("content_hash", "article_id", name="uq_corpus_publications_hash_id"),
)

corpus_duplicates = Table(
    "corpus_duplicates",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("group_id", String(32), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("canonical", Text, nullable=False),
    Column("payload", JSON, nullable=False),
)

corpus_stories = Table(
    "corpus_stories",
    metadata,
    Column("story_id", String(32), primary_key=True),
    Column("n_articles", Integer, nullable=False),
    Column("first", DateTime(timezone=True)),
    Column("last", DateTime(timezone=True)),
    Column("payload", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

corpus_narratives = Table(
    "corpus_narratives",
    metadata,
    Column("narrative_id", String(32), primary_key=True),
    Column("claim", Text, nullable=False),
    Column("state", String(32), nullable=False, index=True),
    Column("first", DateTime(timezone=True)),
    Column("last", DateTime(timezone=True)),
    Column("n_articles", Integer, nullable=False),
    Column("n_outlets", Integer, nullable=False),
    Column("score", Float, nullable=False, default=0.0),
    Column("payload", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

corpus_builds = Table(
    "corpus_builds",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("n_publications", Integer, nullable=False),
    Column("n_narratives", Integer, nullable=False),
)
