"""Helpers of the corpus tests: the example corpus with hand-written gold claims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narratrace.model import Analysis, Article, Attribution, Claim, Span

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "corpus" / "velora"
GOLD = json.loads((Path(__file__).parent / "example_claims.json").read_text(encoding="utf-8"))


def gold_analyzer(article: Article) -> Analysis:
    """Build the Analysis of an example article from the gold claims (no models)."""
    claims = []
    for text, stance, source in GOLD.get(article.id, []):
        start = article.text.find(text)
        assert start >= 0, (article.id, text)
        claims.append(
            Claim(start, start + len(text), text, attribution=Attribution(cue=Span(start, start), source_name=source, stance=stance))
        )
    return Analysis(article=article, language=article.lang, claims=claims, stages=["gold.v1"])


@pytest.fixture(name="gold_analyzer")
def _gold_analyzer_fixture():
    return gold_analyzer


@pytest.fixture
def example_corpus() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def velora(tmp_path_factory):
    """The example corpus ingested with gold claims and built (real e5 embeddings, cached)."""
    from narratrace.corpus.build import build
    from narratrace.corpus.ingest_corpus import ingest
    from narratrace.store import engine as store_engine
    from narratrace.store import open_store

    url = f"sqlite:///{tmp_path_factory.mktemp('velora') / 'velora.db'}"
    engine = open_store(url)
    ingest([EXAMPLE], engine, analyzer=gold_analyzer)
    result = build(engine)
    yield url, engine, result
    store_engine._ENGINES.pop(url, None)
