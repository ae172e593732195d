from __future__ import annotations

from datetime import date

from markupsafe import Markup

from narratrace.analyze.factcheck_match import FactCheckMatch
from narratrace.model import Analysis, Article, Claim, Sentence
from narratrace.report.factcheck import factcheck_section, factcheck_terminal


def _stage(url: str) -> FactCheckMatch:
    """The stage with the test database attached, as a Pipeline(store=...) attaches it."""
    from narratrace.store import open_store

    stage = FactCheckMatch()
    stage.store = open_store(url)
    return stage


def _analysis(text: str, **kw) -> Analysis:
    return Analysis(article=Article(text=text, published=date(2020, 6, 1)), **kw)


def _terminal_lines(a: Analysis) -> list[str]:
    lines: list[str] = []

    class Con:
        def print(self, s, **_):
            lines.append(s)

    factcheck_terminal(a, Con())
    return lines


def test_no_store_attached_is_recorded_not_raised():
    a = FactCheckMatch()(_analysis("Cats can fly.", sentences=[Sentence(0, 13)]))
    assert a.summaries["factcheck"] == {"database": "none"}
    assert "without a store" in str(factcheck_section(a).html)
    assert _terminal_lines(a) == ["Fact-checks: not matched (no store attached)"]


def test_empty_database_is_recorded_not_raised(db_url):
    a = _stage(db_url)(_analysis("Cats can fly.", sentences=[Sentence(0, 13)]))
    assert a.summaries["factcheck"] == {"database": "empty"}
    assert "empty" in str(factcheck_section(a).html)


def test_claims_get_matches_with_dates(loaded_db):
    url, _engine = loaded_db
    text = "Some people say 5G networks spread the coronavirus. The weather was nice."
    claim = Claim(0, 51, text[:51])
    a = _stage(url)(_analysis(text, claims=[claim], sentences=[Sentence(0, 51), Sentence(52, len(text))]))
    assert a.summaries["factcheck"]["basis"] == "claims"
    top = claim.matches[0]
    assert top["url"].endswith("5g-coronavirus") and top["relation"] == "previously_checked"
    assert top["level"] in ("same_claim", "suggested")


def test_sentence_fallback_uses_checkworthiness(loaded_db):
    url, _engine = loaded_db
    text = "Bananas cure cancer, a blog says. I had lunch."
    sents = [Sentence(0, 33, checkworthiness=0.9), Sentence(34, len(text), checkworthiness=0.1)]
    a = _stage(url)(_analysis(text, sentences=sents))
    s = a.summaries["factcheck"]
    assert s["basis"] == "checkworthy_sentences" and s["items"] == 1
    assert s["sentences"][0]["matches"][0]["claim"] == "Eating bananas cures cancer."


def test_report_escapes_hostile_text():
    evil = "<script>alert(1)</script>"
    m = {"claim": evil, "verdict": evil, "publisher": "P", "url": "javascript:alert(1)", "level": "suggested",
         "relation": "later_checked", "checked_on": "2020-01-01", "why": {"text": evil}}
    a = _analysis("x", claims=[Claim(0, 1, evil, matches=[m])])
    a.summaries["factcheck"] = {"database": "ok", "basis": "claims", "items": 1}
    html = str(factcheck_section(a).html)
    assert "<script>" not in html and "javascript:" not in html and "&lt;script&gt;" in html
    assert isinstance(factcheck_section(a).html, Markup)
    lines = _terminal_lines(a)
    assert any("suggested" in line for line in lines) and any("why:" in line for line in lines)


def test_matches_name_whose_verdict_and_fragments_get_none(loaded_db):
    text = "Some people say 5G networks spread the coronavirus. his decision"
    claim, fragment = Claim(0, 51, text[:51]), Claim(52, len(text), "his decision")
    a = _stage(loaded_db[0])(_analysis(text, claims=[claim, fragment], sentences=[Sentence(0, 51), Sentence(52, len(text))]))
    by = claim.matches[0]["verdict_by"]
    assert by["publisher"] == claim.matches[0]["publisher"] and by["single_source"] is True
    assert by["publisher"] in a.summaries["factcheck"]["verdict_publishers"]
    assert fragment.matches == []
    lines = _terminal_lines(a)
    assert any("'s verdict" in line for line in lines) and any("does not settle" in line for line in lines)
