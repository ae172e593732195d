"""MUST SHOW (issue 4): claims and attributions found in the seed article.

Reads ``../shared/data/seed/000_73c1a39f5d570c75.txt`` by path (never copied).
"""

from __future__ import annotations

import pytest
from tests.conftest import SEED, needs_shared

pytestmark = [needs_shared, pytest.mark.skipif(not SEED.exists(), reason=f"seed article not found at {SEED}")]


@pytest.fixture(scope="module")
def seed():
    # narratrace.analyze(path); imported from narratrace.api because the subpackage
    # narratrace.analyze shadows the package-level function once it has been imported.
    from narratrace.api import analyze

    return analyze(SEED)


def _atts(analysis, source_word: str, content_word: str | None = None):
    out = []
    for att in analysis.attributions:
        text = analysis.text
        names = " ".join(filter(None, [att.source_name, text[att.source.start : att.source.end] if att.source else ""]))
        content = text[att.content.start : att.content.end] if att.content else ""
        if source_word.lower() in names.lower() and (content_word is None or content_word.lower() in content.lower()):
            out.append(att)
    return out


def test_new_york_times_reports_withdrawal_and_best_troops(seed):
    withdrawal = _atts(seed, "New York Times", "withdrawn")
    assert withdrawal, "NYT as source of the withdrawal claim"
    assert withdrawal[0].stance == "reports" and withdrawal[0].source_kind == "outlet"
    assert withdrawal[0].author_stance == "sceptical"  # "However, … just as invisible as their alleged presence"
    best = _atts(seed, "New York Times", "best troops")
    assert best and best[0].stance == "reports"
    assert best[0].author_stance == "sceptical"
    cues = [seed.text[c.start : c.end].lower() for c in best[0].author_stance_cues]
    assert any("without providing any evidence" in c for c in cues)
    # "The newspaper also claims …" resolved to the New York Times
    ordered = _atts(seed, "New York Times", "ordered this withdrawal")
    assert ordered and seed.text[ordered[0].source.start : ordered[0].source.end].lower().startswith("the newspaper")


def test_russia_and_north_korea_deny(seed):
    denial = _atts(seed, "Russia", "fighting")
    assert denial and denial[0].stance == "denies"
    src = seed.text[denial[0].source.start : denial[0].source.end]
    assert "North Korea" in src


def test_ukrainians_and_kiev_capture_claims(seed):
    ukr = _atts(seed, "Ukrainians", "captur")
    assert len(ukr) >= 2
    assert all(a.author_stance == "sceptical" for a in ukr[:1])
    kiev = _atts(seed, "Kiev", "alive")
    assert kiev and kiev[0].cue and seed.text[kiev[0].cue.start : kiev[0].cue.end] == "announced"


def test_biden_administration_authorised_strikes(seed):
    claims = [c for c in seed.claims if c.normalized.get("action") == "authorize"]
    assert claims, "a claim that the Biden administration authorised strikes"
    claim = claims[0]
    assert "Biden administration" in (claim.normalized.get("who") or "")
    assert "strikes" in (claim.normalized.get("target") or "")
    assert "Russia" in claim.entities
    announce = _atts(seed, "Biden administration")
    assert announce and announce[0].cue_lemma == "announce"


def test_every_attribution_has_cue_stance_and_claim_records(seed):
    assert seed.attributions and seed.claims
    for att in seed.attributions:
        assert att.cue.end > att.cue.start and att.stance and att.author_stance in ("sceptical", "endorsing", "neutral")
    for claim in seed.claims:
        assert claim.checkworthiness is not None and 0.0 <= claim.checkworthiness <= 1.0
        assert set(claim.normalized) >= {"who", "action", "target", "where", "when"}
    assert all(s.checkworthiness is not None for s in seed.sentences)
