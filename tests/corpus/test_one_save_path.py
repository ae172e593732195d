"""`analyze --store` and `ingest` write through one save path (:func:`save_analyses`)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from narratrace.cli import app
from narratrace.corpus.build import load_publications
from narratrace.corpus.ingest_corpus import ingest, save_analyses
from narratrace.model import Analysis, Article
from narratrace.store import open_store
from narratrace.store.articles import load_analysis

STAGES = "language.v1,segment.v1"
TEXTS = ["Troops shelled the Kestrel dam on Monday.", "The ministry denied the report.", "Floods closed the Velm bridge."]


def _folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [json.dumps({"id": f"art-{i}", "text": t, "outlet": "Wire"}) for i, t in enumerate(TEXTS)]
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_analyse_then_ingest_counts_no_duplicates(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    folder = _folder(tmp_path)
    result = CliRunner().invoke(app, ["--db", url, "analyze", str(folder / "wire.jsonl"), "--stages", STAGES, "-q"])
    assert result.exit_code == 0, result.output
    engine = open_store(url)
    # analysed articles are publications, so `narratives` and `duplicates` see them
    assert sorted(p.name for p in load_publications(engine)) == ["art-0", "art-1", "art-2"]
    report = ingest([folder], engine, stages=STAGES.split(","))
    assert (report.new, report.duplicate, report.already) == (0, 0, len(TEXTS))
    assert len(load_publications(engine)) == len(TEXTS)


def test_a_text_stored_without_a_publication_is_no_duplicate_of_itself(tmp_path):
    """Stores written by older versions of `analyze --store` hold the article but no publication."""
    from narratrace.store.articles import save_article
    from narratrace.store.engine import run_write

    engine = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    folder = _folder(tmp_path)
    run_write(engine, lambda conn: save_article(conn, Article(text=TEXTS[0], id="art-0")))
    report = ingest([folder], engine, analyze=False)
    assert (report.new, report.duplicate, report.already) == (2, 0, 1)


def test_the_same_text_under_another_id_is_a_duplicate(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    first = Analysis(article=Article(text=TEXTS[0], id="wire-1", outlet="Wire"), language="en", stages=["x.v1"])
    copy = Analysis(article=Article(text=TEXTS[0], id="copy-1", outlet="Other"), language="en", stages=["x.v1"])
    assert save_analyses(url, [first]).new == 1
    assert save_analyses(url, [copy]).duplicate == 1
    assert load_analysis(open_store(url), copy.article.content_hash).language == "en"  # one analysis per text
