"""Stance, author stance and evidence on hand-built analyses (no models)."""

from __future__ import annotations

from narratrace.analyze.claims.evidence import EvidenceStage, mention_kinds
from narratrace.analyze.claims.stance import StanceStage, cue_stance, sceptical_signals
from narratrace.model import Analysis, Article, Attribution, Sentence, Span


def _analysis(text: str, atts: list[Attribution], lang: str = "en") -> Analysis:
    a = Analysis(article=Article(text=text, lang=lang), language=lang)
    pos = 0
    for chunk in text.split(". "):
        end = min(len(text), pos + len(chunk) + 2)
        a.sentences.append(Sentence(pos, end))
        pos = end
    a.attributions = atts
    for att in atts:
        att.sentence = next(i for i, s in enumerate(a.sentences) if s.start <= att.cue.start < s.end)
    return a


def _att(text: str, source: str, cue: str, content: str, **kw) -> Attribution:
    s, c, t = text.index(source), text.index(cue), text.index(content)
    return Attribution(cue=Span(c, c + len(cue)), source=Span(s, s + len(source)), content=Span(t, t + len(content)),
                       cue_lemma=kw.pop("lemma", cue), **kw)


def test_denial_and_outlet_claim_stances():
    text = "Russia strongly denied the claim. The Daily Planet claims that troops left."
    atts = [_att(text, "Russia", "denied", "the claim", lemma="deny", source_kind="government"),
            _att(text, "The Daily Planet", "claims", "that troops left", lemma="claim", source_kind="outlet")]
    a = StanceStage()(_analysis(text, atts))
    assert [x.stance for x in a.attributions] == ["denies", "reports"]


def test_negation_flips_confirmation():
    text = "The ministry did not confirm the report."
    att = _att(text, "The ministry", "confirm", "the report", lemma="confirm")
    assert cue_stance(att, text, "en") == "denies"


def test_author_scepticism_from_signal_and_contrastive_next_sentence():
    text = ("The paper claims, without providing any evidence, that X happened. "
            "The agency said Y happened. However, Y was just as invisible as before. The mayor revealed the plan.")
    atts = [_att(text, "The paper", "claims", "that X happened", lemma="claim"),
            _att(text, "The agency", "said", "Y happened", lemma="say"),
            _att(text, "The mayor", "revealed", "the plan", lemma="reveal")]
    a = StanceStage()(_analysis(text, atts))
    stances = [x.author_stance for x in a.attributions]
    assert stances == ["sceptical", "sceptical", "endorsing"]
    cue_texts = [text[s.start : s.end] for s in a.attributions[0].author_stance_cues]
    assert "without providing any evidence" in cue_texts


def test_neutral_without_signals():
    text = "The minister said the bridge reopened."
    a = StanceStage()(_analysis(text, [_att(text, "The minister", "said", "the bridge reopened", lemma="say")]))
    assert a.attributions[0].author_stance == "neutral"
    assert a.attributions[0].author_stance_cues == []


def test_german_and_russian_sceptical_patterns():
    assert [m.group() for m in sceptical_signals("Die angeblich gefangenen Soldaten", "de")] == ["angeblich"]
    assert [m.group() for m in sceptical_signals("Солдаты якобы попали в плен", "ru")] == ["якобы"]


def test_evidence_kinds():
    text = "The Ukrainians presented various photos as evidence. (Screenshot:Example) Officials said nothing."
    atts = [_att(text, "The Ukrainians", "presented", "various photos", lemma="present", source_kind="other"),
            _att(text, "Officials", "said", "nothing", lemma="say", anonymous=True, source_kind="anonymous")]
    a = EvidenceStage()(_analysis(text, atts))
    assert "photo" in a.attributions[0].evidence and "screenshot" in a.attributions[0].evidence
    assert "anonymous_source" in a.attributions[1].evidence
    assert mention_kinds("Er legte keine Beweise vor, nur ein Video.", "de") == {"none", "video"}
