"""A German and a Russian example article of the team's own: claims and sources found end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
GERMAN = REPO / "examples" / "german_article.txt"
RUSSIAN = REPO / "tests" / "fixtures" / "claims_ru_article.txt"


def _by_cue(analysis):
    t = analysis.text
    return {t[a.cue.start : a.cue.end]: a for a in analysis.attributions}


def _src(analysis, att):
    return analysis.text[att.source.start : att.source.end] if att.source else ""


@pytest.fixture(scope="module")
def german():
    from narratrace.api import analyze

    return analyze(GERMAN)


@pytest.fixture(scope="module")
def russian():
    from narratrace.api import analyze

    return analyze(RUSSIAN)


def test_german_sources_stances_and_claims(german):
    assert german.language == "de"
    cues = _by_cue(german)
    assert cues["bestreitet"].stance == "denies" and "Nordfrakt" in _src(german, cues["bestreitet"])
    assert cues["Laut"].source_kind == "outlet" and _src(german, cues["Laut"]) == "Halden Kurier"
    assert cues["sagte"].direct and "Tomas Berg" in _src(german, cues["sagte"])
    assert cues["meldete"].source_kind in ("outlet", "agency")
    assert any("40" in c.quantities for c in german.claims)
    assert all(c.checkworthiness is not None for c in german.claims)


def test_russian_sources_stances_and_claims(russian):
    assert russian.language == "ru"
    cues = _by_cue(russian)
    claim = cues["утверждает"]
    assert claim.source_kind == "outlet" and claim.stance == "reports"
    assert "техосмотр" in russian.text[claim.content.start : claim.content.end]
    assert cues["опровергла"].stance == "denies" and _src(russian, cues["опровергла"]) == "Администрация порта"
    assert cues["сообщили"].anonymous and "anonymous_source" in cues["сообщили"].evidence
    assert cues["подтвердил"].stance == "confirms" and _src(russian, cues["подтвердил"]) == "мэр"
    assert cues["заявил"].direct
    assert len([c for c in russian.claims if c.attribution is not None]) >= 5
