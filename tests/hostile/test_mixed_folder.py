"""A mixed folder of good and hostile files: every good record stored, every bad one listed, no hang.

The timeouts are hang guards; the measured bound is in ``python -m tests.hostile.mixed_folder``
(see docs/errors.md).
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select
from tests.hostile.mixed_folder import build

from narratrace.corpus.ingest_corpus import ingest
from narratrace.model import Analysis
from narratrace.store import open_store
from narratrace.store.schema import analyses
from narratrace.store.schema_corpus import corpus_files, corpus_publications

# spaCy refuses texts above its max_length (3M characters here); the analyzer stands in for it.
SPACY_MAX_LENGTH = 3_000_000


def spacy_like(article):
    if len(article.text) > SPACY_MAX_LENGTH:
        raise ValueError("[E088] Text of length 3200001 exceeds maximum of 3000000")
    return Analysis(article=article, stages=["stub.v1"])


@pytest.mark.timeout(300)
def test_every_good_record_is_stored_and_every_bad_one_listed(tmp_path):
    exp = build(tmp_path / "in")
    engine = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    report = ingest([tmp_path / "in"], engine, analyzer=spacy_like)
    with engine.connect() as conn:
        stored = {r.article_id for r in conn.execute(select(corpus_publications.c.article_id))}
        n_analyses = len(conn.execute(select(analyses.c.pk)).all())
    assert exp.good_ids <= stored
    assert report.new == len(stored) == len(exp.good_ids) + exp.good_texts
    listed = {os.path.basename(f.path) for f in report.failures if f.record is None and f.code != "E109"}
    assert listed == exp.bad_files
    assert sum(1 for f in report.failures if f.record) == exp.bad_records
    long_failure = [f for f in report.failures if f.code == "E109"]
    assert len(long_failure) == 1 and "r0-long" in str(long_failure[0]) and "Long text" not in str(long_failure[0])
    assert n_analyses == report.new - 1  # the long text is stored without its analysis
    assert all("\x1b" not in str(f) for f in report.failures)


@pytest.mark.timeout(120)
def test_failed_analysis_is_retried_by_the_next_run(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "long.jsonl").write_text('{"id": "long", "text": "' + "word " * 700_000 + '"}\n{"id": "short", "text": "Short text."}')
    engine = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    first = ingest([folder], engine, analyzer=spacy_like)
    assert first.new == 2 and first.analyzed == 1 and [f.code for f in first.failures] == ["E109"]
    with engine.connect() as conn:
        assert conn.execute(select(corpus_files.c.status)).scalar_one() == "stored"
    second = ingest([folder], engine, analyzer=lambda a: Analysis(article=a, stages=["stub.v1"]))
    assert second.skipped_files == 0 and second.analyzed == 1 and not second.failures
    with engine.connect() as conn:
        assert conn.execute(select(corpus_files.c.status)).scalar_one() == "done"
