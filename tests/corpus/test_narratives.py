from datetime import UTC, datetime

import numpy as np
import pytest

from narratrace.corpus.narratives import (
    Mention,
    center_by_language,
    group_mentions,
    mark_copies,
    mentions_from_analysis,
    verdict_class,
)
from narratrace.errors import ConfigError
from narratrace.model import (
    Analysis,
    Article,
    Attribution,
    Claim,
    Span,
    analysis_from_jsonable,
    to_jsonable,
)

TEXT = "The ministry denied that troops shelled the dam. Ok."


def _analysis():
    art = Article(text=TEXT, id="post-1", outlet="Post", published=datetime(2031, 5, 2), lang="en")
    content = Span(25, 47)
    claim = Claim(0, 48, TEXT[:48], attribution=Attribution(cue=Span(13, 19), source=Span(0, 12), content=content, stance="denies"),
                  matches=[{"verdict": "False", "source": "Checker", "score": 0.9, "date": "2031-05-01"}, {"verdict": "True", "score": 0.1}])
    short = Claim(49, 52, "Ok.")
    return Analysis(article=art, claims=[claim, short], language="en")


def test_mentions_from_analysis_use_content_source_and_stance():
    (m,) = mentions_from_analysis(_analysis())  # the 3-character claim is skipped
    assert m.article == "post-1" and m.stance == "denies" and m.source == "The ministry"
    assert m.key_text == "troops shelled the dam" and m.published.tzinfo is not None


def test_stored_form_roundtrip_gives_the_same_mentions():
    a = _analysis()
    assert mentions_from_analysis(analysis_from_jsonable(to_jsonable(a))) == mentions_from_analysis(a)


def test_events_are_typed_dated_and_point_at_spans():
    mentions = mentions_from_analysis(_analysis())
    (n,) = group_mentions(mentions, vectors=np.ones((1, 4), np.float32))
    types = [(e.type, e.verdict) for e in n.events]
    assert types == [("fact_checked", "False"), ("denied", None)]  # the low-score match is dropped
    fc, denied = n.events
    assert fc.date == datetime(2031, 5, 1, tzinfo=UTC)  # dated by the review
    assert (denied.start, denied.end, denied.source) == (0, 48, "The ministry")


def _m(i, text, lang, day, stance="asserts", source=None):
    return Mention(f"a{i}", text, stance=stance, published=datetime(2031, 5, day, tzinfo=UTC), lang=lang, outlet=f"O{i}", source=source)


def test_grouping_with_language_offsets():
    # two claims, each in two "languages" whose vectors carry a strong language component
    lang_en, lang_de = np.array([1, 0, 0, 0, 0, 0.0]), np.array([0, 1, 0, 0, 0, 0.0])
    claim_x, claim_y = np.array([0, 0, 1, 0, 0, 0.0]), np.array([0, 0, 0, 1, 0, 0.0])
    rows, mentions = [], []
    for i, (lang, vec, claim) in enumerate([(lang_en, claim_x, "x"), (lang_en, claim_y, "y"), (lang_de, claim_x, "x"), (lang_de, claim_y, "y")] * 3):
        rows.append(3 * lang + vec + 0.01 * i * np.array([0, 0, 0, 0, 1, 0]))
        mentions.append(_m(i, f"claim {claim} number {i}", "en" if lang is lang_en else "de", 1 + i))
    vecs = np.array(rows, dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    centred = center_by_language(vecs, [m.lang for m in mentions])
    assert float(centred[0] @ centred[2]) > float(centred[0] @ centred[1])
    groups = group_mentions(mentions, vectors=vecs)
    assert sorted(sorted(m.text.split()[1] for m in n.mentions) for n in groups) == [["x"] * 6, ["y"] * 6]
    first = groups[0]
    # the label is the most central mention, written as a clause (capitalised)
    assert first.mentions[0].article == "a0" and first.claim[0] == "C" and first.claim.lower() in {m.text for m in first.mentions}


def test_mark_copies_and_verdicts():
    ms = [_m(1, "a claim long enough", "en", 1), _m(2, "a claim long enough", "en", 2)]
    mark_copies(ms, {"a1": "a1", "a2": "a1"})
    assert [m.copy_of for m in ms] == [None, "a1"]
    assert [verdict_class(v) for v in ("False", "Mostly true", "Falsch", "Ложь", "Missing context")] == ["refutes", "supports", "refutes", "refutes", "mixed"]


def test_bad_vectors_raise():
    with pytest.raises(ConfigError):
        group_mentions([_m(1, "a claim long enough", "en", 1)], vectors=np.ones((2, 3), np.float32))
