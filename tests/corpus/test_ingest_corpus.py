"""Resumable ingest: reruns add nothing; an interrupted run plus a rerun equals one clean run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from narratrace.corpus.ingest_corpus import ingest
from narratrace.store import open_store
from narratrace.store.schema import analyses, articles
from narratrace.store.schema_corpus import corpus_files, corpus_publications


def _dump(engine) -> dict:
    with engine.connect() as conn:
        return {
            "articles": sorted(conn.execute(select(articles.c.article_id, articles.c.content_hash)).all()),
            "analyses": sorted(conn.execute(select(analyses.c.content_hash, analyses.c.pipeline)).all()),
            "publications": sorted(conn.execute(select(corpus_publications.c.name, corpus_publications.c.content_hash, corpus_publications.c.outlet)).all()),
            "files": sorted(conn.execute(select(corpus_files.c.file_hash, corpus_files.c.n_articles, corpus_files.c.status)).all()),
        }


@pytest.fixture
def corpus(tmp_path: Path, example_corpus: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(example_corpus, folder)
    (folder / "broken.json").write_text('{"id": "x", "text": ', encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    with (folder / "2031-03-late.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"id": "no-text"}\n')
    return folder


def test_rerun_adds_nothing_and_broken_files_are_named(corpus, db_url, gold_analyzer):
    engine = open_store(db_url)
    first = ingest([corpus], engine, analyzer=gold_analyzer)
    assert first.articles == 22 and first.new == 21 and first.duplicate == 1 and first.analyzed == 21
    broken = {Path(p).name for p in first.broken_files}
    assert broken == {"broken.json", "empty.txt", "2031-03-late.jsonl"}
    record = [f for f in first.failures if f.path.endswith("late.jsonl")][0]
    assert record.record == 6
    before = _dump(engine)
    again = ingest([corpus], engine, analyzer=gold_analyzer)
    assert again.new == again.duplicate == again.analyzed == 0
    assert again.skipped_files == 3  # the three good files; broken ones are retried and named again
    assert {Path(p).name for p in again.broken_files} == {"broken.json", "empty.txt"}
    assert _dump(engine) == before


class Killed(BaseException):
    """Stands in for a kill signal (not an Exception, so nothing swallows it)."""


def test_interrupted_run_then_rerun_equals_clean_run(corpus, tmp_path, db_url, gold_analyzer):
    clean = open_store(f"sqlite:///{tmp_path / 'clean.db'}")
    ingest([corpus], clean, analyzer=gold_analyzer, batch_size=4)

    engine = open_store(db_url)  # SQLite, and PostgreSQL when configured
    calls = {"n": 0}

    def dying(article):
        calls["n"] += 1
        if calls["n"] == 16:  # second file: its first batch of 4 is committed, its last is not
            raise Killed()
        return gold_analyzer(article)

    with pytest.raises(Killed):
        ingest([corpus], engine, analyzer=dying, batch_size=4)
    partial = _dump(engine)
    assert 0 < len(partial["articles"]) < len(_dump(clean)["articles"])
    assert len(partial["articles"]) == len(partial["analyses"])  # article and analysis commit together
    report = ingest([corpus], engine, analyzer=gold_analyzer, batch_size=4)
    assert report.already > 0 and report.skipped_files == 1
    assert _dump(engine) == _dump(clean)


def test_publications_keep_every_outlet_of_an_identical_text(corpus, tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    ingest([corpus], engine, analyze=False)
    with engine.connect() as conn:
        rows = conn.execute(select(corpus_publications.c.name, corpus_publications.c.outlet)).all()
    names = {r.name for r in rows}
    assert {"nordwire-0303", "kestria-today-0321"} <= names and len(rows) == 22
    with engine.connect() as conn:
        assert conn.execute(select(articles.c.pk)).all().__len__() == 21
    json.dumps([tuple(r) for r in rows])  # plain values


def test_analysis_added_later_to_files_ingested_without_it(corpus, tmp_path, gold_analyzer):
    engine = open_store(f"sqlite:///{tmp_path / 'later.db'}")
    first = ingest([corpus], engine, analyze=False)
    assert first.new == 21 and first.analyzed == 0
    assert ingest([corpus], engine, analyze=False).skipped_files == 3
    later = ingest([corpus], engine, analyzer=gold_analyzer)
    assert later.new == 0 and later.analyzed == 21 and later.already == 22
    assert ingest([corpus], engine, analyzer=gold_analyzer).skipped_files == 3
    with engine.connect() as conn:
        assert len(conn.execute(select(analyses.c.pk)).all()) == 21
        assert {r.status for r in conn.execute(select(corpus_files.c.status))} == {"done"}
