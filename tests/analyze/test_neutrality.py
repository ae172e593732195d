"""Neutral by construction: names are masked by kind before the stages and restored after.

The metamorphic suite (team-written texts in ``tests/fixtures/neutrality``) swaps countries,
capitals, nationalities, outlets and politicians pairwise and checks that every sentence that
holds a name keeps its technique labels, attributions, entity labels and scores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.analyze.pipeline import Pipeline
from narratrace.model import Article
from narratrace.text.names import NameMask, find_names

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "neutrality"


def _mask(text: str, lang: str = "en") -> NameMask:
    return NameMask.build(text, [(0, len(text), lang)])


def test_swapped_names_of_one_kind_give_the_same_neutral_text():
    pairs = [
        ("The criminal regime in Kiev lies. Putin said so, according to RT.",
         "The criminal regime in Moscow lies. Zelensky said so, according to The New York Times."),
        ("Russian officials told reporters that the US had agreed.", "Chinese officials told reporters that the UK had agreed."),
        ("Xi said Trump was wrong.", "Trump said Xi was wrong."),
    ]
    for left, right in pairs:
        assert _mask(left).neutral_text.replace("The ", "") == _mask(right).neutral_text.replace("The ", "")


def test_offsets_and_strings_map_back():
    text = "Officials in Moscow said Russia's army and TASS were wrong."
    mask = _mask(text)
    assert "Moscow" not in mask.neutral_text and "TASS" not in mask.neutral_text
    start = mask.neutral_text.index("said")
    assert text[mask.to_original(start) : mask.to_original(start + 4, end=True)] == "said"
    city = next(m for m in mask.mentions if m.kind == "city")
    neutral_start = mask.to_neutral(city.start)
    neutral_end = mask.to_neutral(city.end, end=True)
    assert text[mask.to_original(neutral_start) : mask.to_original(neutral_end, end=True)] == "Moscow"
    assert mask.restore_string(mask.neutral_text) == text


def test_words_inside_words_are_not_names():
    text = "The senator from the Carmy district spoke."
    names = [text[m.start : m.end] for m in find_names(text, [(0, len(text), "en")])]
    assert names == ["Carmy"]


def test_kind_comes_from_context_not_from_the_name():
    for name in ("Xi", "Trump", "Berzatto"):
        text = f"Foreign Minister {name} spoke. {name} left."
        kinds = {m.kind for m in find_names(text, [(0, len(text), "en")])}
        assert kinds == {"person"}, (name, kinds)
    text = "The newspaper Courier wrote it. Courier later apologised."
    assert {m.kind for m in find_names(text, [(0, len(text), "en")])} == {"outlet"}


def test_initials_and_suffixes_stay_inside_the_name():
    text = "Another critic, Laurence H. Tribe, agreed with Joseph R. Biden Jr. on Monday. They chose Plan B. Then it rained."
    names = [text[m.start : m.end] for m in find_names(text, [(0, len(text), "en")])]
    assert "Laurence H. Tribe" in names and "Joseph R. Biden Jr." in names
    assert not any("Then" in name for name in names)  # a sentence ending on a capital letter is not an initial


def test_a_title_case_headline_is_not_a_name():
    head = "Troops No Longer Seen Near The Border As Talks Begin"
    body = "Jonas Keller, a spokesman, said the troops had moved."
    tail = "Keller Says Army Will Not Return"
    text = f"{head}\n\n{body}\n\n{tail}"
    paragraphs = [(text.index(p), text.index(p) + len(p), "en") for p in (head, body, tail)]
    names = [text[m.start : m.end] for m in find_names(text, paragraphs)]
    assert names == ["Jonas Keller", "Keller"]  # the name the body writes is still masked in a headline


def test_russian_case_forms_are_one_entity():
    text = "Россия заявила, что в России всё спокойно. Москва молчит, в Москве тихо."
    mentions = find_names(text, [(0, len(text), "ru")])
    assert {(m.kind, m.entity) for m in mentions} == {("country", 0), ("city", 0)}


def test_pipeline_restores_the_article_text_and_names():
    pipe = Pipeline(["language.v1", "names.v1", "segment.v1", "entities.v1", "sources.v1"])
    text = "President Putin told reporters in Moscow that the plan had failed. The newspaper Kommersant reported it."
    analysis = pipe(Article(text=text))
    assert analysis.text == text
    assert "names.v1" in analysis.stages
    labels = {(e.text, e.label) for e in analysis.entities}
    assert ("Moscow", "GPE") in labels and ("Putin", "PERSON") in labels
    assert all(text[s.start : s.end] == s.text for s in analysis.entities)
    assert {s.name for s in analysis.sources} >= {"Putin"}


@pytest.fixture(scope="module")
def metamorphic_result():
    from narratrace.eval.neutrality import evaluate_neutrality
    from narratrace.eval.registry import EvalOptions

    if not (FIXTURE / "pairs.tsv").is_file():
        pytest.skip("neutrality fixture missing")
    return evaluate_neutrality(FIXTURE, EvalOptions())


def test_metamorphic_suite_is_invariant(metamorphic_result):
    """The issue's gate: >= 0.99 of the sentences holding a name are unchanged by the swap."""
    assert metamorphic_result.metrics["invariance"] >= 0.99, "\n".join(metamorphic_result.lines[:20])


def test_technique_reasons_never_cite_a_name(seed_path):
    """Reasons cite the words that carry a technique; a word found only inside names is never one."""
    import re

    import narratrace

    checked = 0
    texts = [FIXTURE / "texts" / n for n in ("en_03_opinion.txt", "en_05_statemedia.txt", "de_05_statemedia.txt")] + [seed_path]
    for path in texts:
        analysis = narratrace.analyze(path.read_text(encoding="utf-8"))
        text = analysis.text
        mask = NameMask.build(text, [(p.start, p.end, p.lang) for p in analysis.paragraphs])

        def only_in_names(word: str, text: str = text, mask: NameMask = mask) -> bool:
            hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I)]
            return all(any(n.start <= h < n.end for n in mask.mentions) for h in hits)

        for t in analysis.techniques:
            cited = re.findall(r"'([^']+)'", t.reason.split(": ")[0])
            words = [w for phrase in cited for w in re.findall(r"\w+", phrase)]
            assert all(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.I) for w in words), (path.name, t.reason)
            if not t.reason.startswith("'"):  # trigger words, not a snippet of the span itself
                assert not [w for w in cited if only_in_names(w)], (path.name, t.reason)
            checked += bool(cited)
    assert checked, "no technique reason cited any word: the check checked nothing"
