"""Plain reporting is not persuasion: verification language, attribution frames, names,
descriptive wording and quoted rhetoric (issue 11, item 3). Team-written texts only."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from narratrace.analyze.techniques.predict import (
    LOADED_MIN_CONFIDENCE,
    is_descriptive,
    is_name_only,
    loaded_without_evidence,
    model_path,
)
from narratrace.analyze.techniques.stage import (
    credit_quotes,
    plain_reporting_filter,
    verification_frames,
)
from narratrace.model import (
    Analysis,
    Article,
    Attribution,
    Entity,
    Paragraph,
    Quote,
    Sentence,
    Span,
    TechniqueSpan,
)

WIRE = Path(__file__).parents[1] / "fixtures" / "plain_reporting"
COMMON = {"the", "and", "a", "of", "in", "who", "were", "are", "our"}
# The filters only ask the model which words are common; a stub keeps these tests model-free.
STUB = SimpleNamespace(paragraphs=SimpleNamespace(is_common_word=lambda w: w.lower() in COMMON))

TEXT = (
    "It was not possible to independently verify the group's claim.\n"
    "Americans were advised to leave, officials said.\n"
    "The virus is highly contagious and causes body aches and vomiting.\n"
    "\"These corrupt traitors are destroying our nation,\" the senator said.\n"
    "The corrupt elites lie to you every day."
)


def _at(sub: str, technique: str, confidence: float = 0.4, paragraph: int = 0) -> TechniqueSpan:
    start = TEXT.index(sub)
    return TechniqueSpan(start, start + len(sub), technique, confidence, "reason", "", paragraph)


def _analysis() -> Analysis:
    lines, pos, paras = TEXT.split("\n"), 0, []
    for line in lines:
        paras.append(Paragraph(pos, pos + len(line), "en"))
        pos += len(line) + 1
    a = Analysis(Article(text=TEXT), language="en", paragraphs=paras)
    a.sentences = [Sentence(p.start, p.end, i, "en") for i, p in enumerate(paras)]
    us = TEXT.index("Americans")
    a.entities = [Entity(us, us + 9, "NORP", "Americans")]
    off = TEXT.index("officials said")
    a.attributions = [Attribution(cue=Span(off + 10, off + 14), source=Span(off, off + 9), source_name="officials")]
    q = TEXT.index("These corrupt")
    a.quotes = [Quote(q, TEXT.index(",\" the senator"), speaker="the senator")]
    return a


@pytest.mark.parametrize(
    "sentence",
    [
        "It was not possible to independently verify the group's claim.",
        "The figures could not be independently verified.",
        "Its claim could not be confirmed.",
        "The ministry did not respond to a request for comment.",
        "A spokesperson declined to comment.",
        "Die Angaben ließen sich zunächst nicht unabhängig überprüfen.",
        "Независимо проверить эту информацию не удалось.",
        "Подтвердить эти данные не удалось.",
    ],
)
def test_verification_language_is_found(sentence):
    assert verification_frames(sentence)


@pytest.mark.parametrize("sentence", ["The ministry confirmed the figures.", "They verified every ballot twice."])
def test_plain_statements_are_not_verification_frames(sentence):
    assert verification_frames(sentence) == []


def test_filter_drops_plain_reporting_and_keeps_rhetoric():
    a = _analysis()
    spans = [
        _at("not possible to independently verify", "Doubt"),
        _at("the group's claim", "Doubt"),  # Doubt elsewhere in a verification sentence
        _at("Americans", "Flag_Waving", paragraph=1),
        _at("officials said", "Appeal_to_Authority", paragraph=1),
        _at("highly contagious", "Loaded_Language", confidence=0.6, paragraph=2),
        _at("body aches and vomiting", "Loaded_Language", confidence=0.6, paragraph=2),
        _at("corrupt elites lie", "Loaded_Language", paragraph=4),
        _at("corrupt traitors", "Name_Calling-Labeling", paragraph=3),
    ]
    kept, filtered = plain_reporting_filter(a, spans, STUB, "en")
    assert [TEXT[t.start : t.end] for t in kept] == ["corrupt elites lie", "corrupt traitors"]
    assert filtered == {"verification": 2, "name_only": 1, "attribution_frame": 1, "descriptive": 2}


def test_loaded_language_needs_a_minimum_confidence():
    weak = _at("highly contagious", "Loaded_Language", confidence=LOADED_MIN_CONFIDENCE - 0.05, paragraph=2)
    strong = _at("corrupt elites lie", "Loaded_Language", confidence=LOADED_MIN_CONFIDENCE + 0.05, paragraph=4)
    other = _at("corrupt traitors", "Name_Calling-Labeling", confidence=LOADED_MIN_CONFIDENCE - 0.05, paragraph=3)
    assert loaded_without_evidence(weak)
    assert not loaded_without_evidence(strong) and not loaded_without_evidence(other)


@pytest.mark.parametrize(
    ("span", "descriptive"),
    [
        ("highly contagious and spreads through the air", True),
        ("rash, body aches, vomiting and red, watery", True),
        ("hochansteckend", True),
        ("сыпь и рвота", True),
        ("brutal murder", False),
        ("these corrupt traitors", False),
    ],
)
def test_descriptive_wording(span, descriptive):
    assert is_descriptive(STUB, span) is descriptive


def test_name_only_by_shape_outside_entities_and_title_case():
    text = "Later the Kremlin and Brussels disagreed.\nEvil Regime Lies Again About Brussels"
    sents = [(0, 41), (42, len(text))]
    k = text.index("Kremlin")
    assert is_name_only(STUB, text, k - 4, k + 7, [], sents, "en")  # "the Kremlin": a name and a common word
    assert not is_name_only(STUB, text, k - 4, k + 7, [], sents, "de")  # German capitalises every noun
    e = text.index("Evil")
    assert not is_name_only(STUB, text, e, e + 16, [], sents, "en")  # a title-case headline
    assert not is_name_only(STUB, text, 0, 5, [], sents, "en")  # a lower-case word


def test_quoted_rhetoric_is_credited_to_its_speaker():
    a = _analysis()
    spans = [_at("corrupt traitors", "Name_Calling-Labeling", paragraph=3), _at("corrupt elites lie", "Loaded_Language", paragraph=4)]
    credit_quotes(a, spans)
    assert spans[0].quoted_by == "the senator" and spans[0].reason.startswith("quoted: used by the senator")
    assert spans[1].quoted_by is None


@pytest.fixture
def fast_model(monkeypatch):
    if not model_path().exists():
        pytest.skip("shipped persuasion model not present (run `narratrace train persuasion`)")
    monkeypatch.setenv("NARRATRACE_TECHNIQUES_EMBEDDINGS", "off")


def test_stage_skips_furniture_and_keeps_quoted_spans_out_of_the_summary(fast_model):
    from narratrace.analyze.pipeline import Pipeline

    text = (
        "Like this story? Share it\n"
        "\"These corrupt traitors and their lying propaganda machine are destroying our great nation,\" the senator said.\n"
        "SEE MORE\n"
    )
    a = Pipeline(["language.v1", "segment.v1", "entities.v1", "quotes.v1", "techniques.v1"])(Article(text=text))
    furniture = [i for i, p in enumerate(a.paragraphs) if p.furniture]
    assert furniture == [0, 2]
    assert all(a.paragraph_techniques[i] == [] for i in furniture)
    assert all(t.paragraph not in furniture for t in a.techniques)
    summary = a.summaries["techniques"]
    own = [t for t in a.techniques if t.quoted_by is None]
    assert summary["total"] == len(own)
    assert summary["quoted"]["total"] == len(a.techniques) - len(own)
    assert summary["furniture_paragraphs"] == 2


def test_plain_reporting_eval_on_team_wire_copy(fast_model):
    from narratrace.eval.plain_reporting import eval_plain_reporting
    from narratrace.eval.registry import EvalOptions

    result = eval_plain_reporting(WIRE, EvalOptions())
    assert result.last_line().startswith("plain-reporting flags_per_1k_words=")
    assert any(line.startswith("team: texts=4") for line in result.lines)
    assert result.metrics["flags_per_1k_words"] <= result.metrics["with_quoted_per_1k_words"]
