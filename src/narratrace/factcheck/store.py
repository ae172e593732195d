"""Repository of fact-check records and the persisted retrieval index of a database.

Records live in the ``factchecks`` table with their e5 vectors, so vectors are
computed once per record. The retrieval index is persisted in a cache folder per
database URL and tagged with the database's *revision*; an import updates it
incrementally (new and changed records only), and a reader whose copy is stale
rebuilds it from the table without re-embedding anything.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select

from narratrace.config import settings
from narratrace.factcheck._index import FactCheckIndex
from narratrace.factcheck._records import FactCheckRecord, as_utc
from narratrace.factcheck.importers import Problem, read_records
from narratrace.store.schema_factcheck import factchecks

logger = logging.getLogger(__name__)

BATCH = 256
DIM = 384
_COLUMNS = (
    "record_id", "claim", "source_format", "title", "summary", "claimant", "claim_date",
    "review_date", "verdict", "publisher", "publisher_site", "url", "language", "extra",
)
_INDEXES: dict[str, tuple[str, FactCheckIndex]] = {}


@dataclass
class ImportReport:
    """What an import did: counts, and every skipped or degraded record."""

    path: str
    format: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    embedded: int = 0
    embed_seconds: float = 0.0

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values (``factchecks import --json``)."""
        return {
            "path": self.path, "format": self.format, "added": self.added, "updated": self.updated,
            "unchanged": self.unchanged, "skipped": self.skipped, "embedded": self.embedded,
            "embed_seconds": round(self.embed_seconds, 2),
            "problems": [{"where": p.where, "reason": p.reason, "skipped": p.skipped} for p in self.problems],
        }


def _pack(claim: np.ndarray, title: np.ndarray) -> bytes:
    """float16 claim vector, followed by the title's when it differs."""
    parts = [claim] if np.array_equal(claim, title) else [claim, title]
    return np.concatenate(parts).astype(np.float16).tobytes()


def _unpack(blob: bytes | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Claim and title vectors of a stored record (the title's is the claim's if absent)."""
    if not blob:
        return None
    v = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
    return v[:DIM], (v[DIM : 2 * DIM] if len(v) >= 2 * DIM else v[:DIM])


def _row_to_record(row) -> FactCheckRecord:
    values = {c: getattr(row, c) for c in _COLUMNS}
    values["claim_date"] = as_utc(values["claim_date"])
    values["review_date"] = as_utc(values["review_date"])
    values["extra"] = dict(values["extra"] or {})
    return FactCheckRecord(**values)


def revision(engine: Engine) -> str:
    """A string that changes whenever the fact-check table changes."""
    with engine.connect() as conn:
        row = conn.execute(select(func.count(), func.max(factchecks.c.pk), func.max(factchecks.c.imported_at))).one()
    return f"{row[0]}:{row[1]}:{row[2]}"


def count_records(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(factchecks)).scalar_one())


def get_records(engine: Engine, record_ids: Sequence[str] | None = None) -> list[FactCheckRecord]:
    """Records by id (in the given order), or all of them in import order."""
    with engine.connect() as conn:
        if record_ids is None:
            rows = conn.execute(select(factchecks).order_by(factchecks.c.pk)).all()
            return [_row_to_record(r) for r in rows]
        found = {}
        ids = list(record_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for r in conn.execute(select(factchecks).where(factchecks.c.record_id.in_(chunk))).all():
                found[r.record_id] = _row_to_record(r)
    return [found[i] for i in ids if i in found]


def upsert_records(
    engine: Engine,
    records: Sequence[FactCheckRecord],
    report: ImportReport,
    *,
    progress: Callable[[int], None] | None = None,
) -> list[FactCheckRecord]:
    """Insert new records, update changed ones, leave unchanged ones alone.

    A record whose content (every field, :meth:`FactCheckRecord.content_hash`) equals the
    stored one is ``unchanged`` and neither embedded nor written. Counts and the
    embedding time go into ``report``; returns the new and changed records. Records are
    embedded a batch of :data:`BATCH` at a time, outside the write transaction.
    """
    from narratrace.factcheck.retrieval import embed_records

    changed: list[FactCheckRecord] = []
    for start in range(0, len(records), BATCH):
        batch = list(records[start : start + BATCH])
        with engine.connect() as conn:
            existing = dict(
                conn.execute(
                    select(factchecks.c.record_id, factchecks.c.content_hash).where(
                        factchecks.c.record_id.in_([r.record_id for r in batch])
                    )
                ).all()
            )
        todo = [r for r in batch if existing.get(r.record_id) != r.content_hash()]
        report.unchanged += len(batch) - len(todo)
        if todo:
            began = time.perf_counter()
            claims, titles = embed_records(todo)
            report.embed_seconds += time.perf_counter() - began
            report.embedded += len(todo)
            now = datetime.now(UTC)
            with engine.begin() as conn:
                for rec, cv, tv in zip(todo, claims, titles, strict=True):
                    values = {c: getattr(rec, c) for c in _COLUMNS}
                    values.update(content_hash=rec.content_hash(), embedding=_pack(cv, tv), imported_at=now)
                    if rec.record_id in existing:
                        conn.execute(factchecks.update().where(factchecks.c.record_id == rec.record_id).values(**values))
                        report.updated += 1
                    else:
                        conn.execute(factchecks.insert().values(**values))
                        report.added += 1
            changed.extend(todo)
        if progress is not None:
            progress(len(batch))
    return changed


def import_file(
    engine: Engine,
    path: Path,
    *,
    fmt: str = "auto",
    url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read ``path`` and upsert its records; keep the persisted index up to date.

    ``progress(done, total)`` is called once before the first batch and after each.
    Re-importing a file, or importing what ``factchecks export`` wrote, changes nothing
    (``unchanged`` counts its records).
    """
    from narratrace.factcheck.importers import detect_format

    path = Path(path)
    real_fmt = detect_format(path) if fmt == "auto" else fmt
    records, problems = read_records(path, real_fmt)
    report = ImportReport(str(path), real_fmt, problems=problems)
    before = revision(engine)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, len(records))

    if progress is not None:
        progress(0, len(records))
    changed = upsert_records(engine, records, report, progress=step)
    if url is not None and changed:
        _update_persisted_index(engine, url, before, changed)
    return report


def index_folder(url: str) -> Path:
    """Where the retrieval index of the database at ``url`` is persisted."""
    override = settings().index_dir
    if override:
        base = override
    else:
        import platformdirs

        base = Path(platformdirs.user_cache_dir("narratrace", appauthor=False)) / "factcheck-index"
    return base / hashlib.sha1(url.encode()).hexdigest()[:16]


def _vectors(engine: Engine, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    vec = {}
    with engine.connect() as conn:
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            for rid, blob in conn.execute(select(factchecks.c.record_id, factchecks.c.embedding).where(factchecks.c.record_id.in_(chunk))):
                vec[rid] = _unpack(blob)
    claims = np.zeros((len(ids), DIM), np.float32)
    titles = np.zeros((len(ids), DIM), np.float32)
    for j, rid in enumerate(ids):
        if vec.get(rid) is not None:
            claims[j], titles[j] = vec[rid]
    return claims, titles


def _update_persisted_index(engine: Engine, url: str, before: str, changed: list[FactCheckRecord]) -> None:
    folder = index_folder(url)
    if FactCheckIndex.saved_revision(folder) != before:
        _INDEXES.pop(url, None)
        return  # stale or absent: the next reader rebuilds it
    from narratrace.factcheck.retrieval import default_reranker

    index = FactCheckIndex.load(folder, reranker=default_reranker())
    ids = [r.record_id for r in changed]
    dates = [r.checked_on.date() if r.checked_on else None for r in changed]
    claims, titles = _vectors(engine, ids)
    index.add(ids, [r.text_fields() for r in changed], claims, titles, dates=dates, langs=[r.language for r in changed])
    rev = revision(engine)
    index.save(folder, revision=rev)
    _INDEXES[url] = (rev, index)


def open_index(engine: Engine, url: str) -> FactCheckIndex:
    """The retrieval index of the database, cached per process, persisted per URL."""
    from narratrace.factcheck.retrieval import default_reranker

    rev = revision(engine)
    cached = _INDEXES.get(url)
    if cached and cached[0] == rev:
        return cached[1]
    folder = index_folder(url)
    if FactCheckIndex.saved_revision(folder) == rev:
        index = FactCheckIndex.load(folder, reranker=default_reranker())
    else:
        index = FactCheckIndex(reranker=default_reranker())
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    factchecks.c.record_id, factchecks.c.claim, factchecks.c.title, factchecks.c.summary,
                    factchecks.c.embedding, factchecks.c.review_date, factchecks.c.claim_date, factchecks.c.language,
                ).order_by(factchecks.c.pk)
            ).all()
        claims = np.zeros((len(rows), DIM), np.float32)
        titles = np.zeros((len(rows), DIM), np.float32)
        for j, r in enumerate(rows):
            v = _unpack(r.embedding)
            if v is not None:
                claims[j], titles[j] = v
        texts = [{"claim": r.claim, "title": r.title or "", "summary": r.summary or ""} for r in rows]
        dates = [(as_utc(r.review_date or r.claim_date) or None) for r in rows]
        has_titles = bool(np.any(titles != claims))
        days = [d.date() if d else None for d in dates]
        index.add([r.record_id for r in rows], texts, claims, titles if has_titles else None, dates=days, langs=[r.language for r in rows])
        try:
            index.save(folder, revision=rev)
        except OSError as exc:  # a read-only cache must not stop matching
            logger.warning("cannot persist the fact-check index to %s: %s", folder, exc)
    _INDEXES[url] = (rev, index)
    return index
