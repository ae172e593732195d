"""The store is handed to the pipeline, never found through the environment.

Each test would have caught one fault of issue 13: ``narratrace.analyze(text)`` creating
the user's default database, stages matching against ``NARRATRACE_DB`` instead of the
corpus they run for, and the CLI steering them by rewriting ``os.environ``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from narratrace.store import open_store

FIXTURES = Path(__file__).resolve().parents[1] / "factcheck" / "fixtures"
# language, sentences, then the two stages that read a store: enough to show which store they read
STAGES = ["language.v1", "segment.v1", "factcheck_match.v1", "images.v1"]
CLAIM = "Some people say 5G networks spread the coronavirus. The weather was nice."


@pytest.fixture()
def no_default_db(tmp_path, monkeypatch) -> Path:
    """The user's data directory in a temporary folder, and no NARRATRACE_DB: the path of
    the default database, which must never appear."""
    import platformdirs

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("NARRATRACE_DB", raising=False)
    monkeypatch.setenv("NARRATRACE_INDEX_DIR", str(tmp_path / "index"))
    return Path(platformdirs.user_data_dir("narratrace", appauthor=False)) / "narratrace.db"


def _with_factchecks(url: str):
    from narratrace.factcheck.store import import_file

    engine = open_store(url)
    import_file(engine, FIXTURES / "claimreview.json", url=url)
    return engine


def test_analyze_without_a_store_creates_no_database(no_default_db):
    import narratrace

    assert str(no_default_db).startswith(os.environ["XDG_DATA_HOME"])
    analysis = narratrace.analyze(CLAIM, stages=STAGES)
    assert analysis.summaries["factcheck"] == {"database": "none"}
    assert analysis.summaries["images"]["database"] == "none"
    assert not analysis.errors
    assert not no_default_db.exists() and not no_default_db.parent.exists()


def test_stages_read_the_store_they_are_given_not_the_environment(tmp_path, no_default_db, monkeypatch):
    import narratrace
    from narratrace.analyze.pipeline import Pipeline

    with_checks = f"sqlite:///{tmp_path / 'a.db'}"
    _with_factchecks(with_checks)
    elsewhere = tmp_path / "b.db"
    monkeypatch.setenv("NARRATRACE_DB", f"sqlite:///{elsewhere}")  # a stale variable must not be read
    matched = Pipeline(STAGES, store=with_checks)(CLAIM).summaries["factcheck"]
    assert matched["database"] == "ok" and matched["matched"] >= 1
    assert narratrace.analyze(CLAIM, stages=STAGES, store=with_checks).summaries["factcheck"]["matched"] >= 1
    empty = f"sqlite:///{tmp_path / 'c.db'}"
    assert Pipeline(STAGES, store=open_store(empty))(CLAIM).summaries["factcheck"] == {"database": "empty"}
    assert not elsewhere.exists() and not no_default_db.exists()


def test_corpus_ingest_matches_against_its_own_store(tmp_path, no_default_db, monkeypatch):
    from narratrace.corpus import Corpus
    from narratrace.store.articles import load_analysis

    url = f"sqlite:///{tmp_path / 'x.db'}"
    _with_factchecks(url)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    _with_factchecks(other)
    monkeypatch.setenv("NARRATRACE_DB", other)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps({"id": "a1", "text": CLAIM}) + "\n", encoding="utf-8")
    corpus = Corpus(url)
    report = corpus.ingest([folder], stages=STAGES, build=False)
    assert report.analyzed == 1
    summary = load_analysis(corpus.engine, "a1").summaries["factcheck"]
    assert summary["database"] == "ok" and summary["matched"] >= 1
    # the same article in a corpus without fact-checks finds none, whatever NARRATRACE_DB says
    bare = Corpus(f"sqlite:///{tmp_path / 'bare.db'}")
    bare.ingest([folder], stages=STAGES, build=False)
    assert load_analysis(bare.engine, "a1").summaries["factcheck"] == {"database": "empty"}
    assert not no_default_db.exists()


def test_cli_passes_the_db_option_and_never_writes_the_environment(tmp_path, no_default_db):
    from typer.testing import CliRunner

    from narratrace.cli import app
    from narratrace.store.articles import iter_articles, load_analysis

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    _with_factchecks(url)
    article = tmp_path / "claim.txt"
    article.write_text(CLAIM, encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", url, "analyze", str(article), "--stages", ",".join(STAGES), "-q"])
    assert result.exit_code == 0, result.output
    assert "NARRATRACE_DB" not in os.environ
    [article_stored] = iter_articles(open_store(url))
    stored = load_analysis(open_store(url), article_stored.content_hash)
    assert stored is not None and stored.summaries["factcheck"]["matched"] >= 1
    assert not no_default_db.exists()
