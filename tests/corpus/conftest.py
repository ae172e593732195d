"""Fixtures of the corpus tests: the example corpus with hand-written gold claims."""

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


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'corpus.db'}"
