"""The name swap of the metamorphic neutrality suite, and the shape of its corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from narratrace.eval.name_swap import KINDS, load_pairs, load_texts, swap_names, swap_pattern

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "neutrality"
PAIRS = [("Russia", "Ukraine"), ("North Korea", "South Korea"), ("NATO", "CSTO"), ("Donald Trump", "Xi Jinping"),
         ("Trump", "Xi"), ("New York Times", "Global Times")]


def test_swaps_both_directions_at_once() -> None:
    assert swap_names("Russia blamed Ukraine.", PAIRS) == "Ukraine blamed Russia."


def test_swap_twice_gives_the_original() -> None:
    text = "Donald Trump met Xi. NATO and CSTO; Russia's and Ukraine's; the New York Times."
    once = swap_names(text, PAIRS)
    assert once != text
    assert swap_names(once, PAIRS) == text


def test_whole_words_only() -> None:
    pairs = [("nato", "csto"), ("RT", "DW")]
    text = "The senator watched RTL and ARTE, not RT; nato-led, Senators."
    assert swap_names(text, pairs) == "The senator watched RTL and ARTE, not DW; csto-led, Senators."


def test_case_sensitive() -> None:
    assert swap_names("NATO, Nato, nato", [("NATO", "CSTO")]) == "CSTO, Nato, nato"


def test_longest_names_first() -> None:
    pairs = [("Korea", "Japan"), ("North Korea", "South Korea"), ("Trump", "Xi"), ("Donald Trump", "Xi Jinping")]
    assert swap_names("North Korea, Korea, Donald Trump, Trump", pairs) == "South Korea, Japan, Xi Jinping, Xi"
    assert swap_pattern(["Korea", "North Korea"]).findall("North Korea; Korea") == ["North Korea", "Korea"]


def test_unicode_word_boundaries() -> None:
    pairs = [("Путин", "Зеленский"), ("Путина", "Зеленского")]
    assert swap_names("Путина и Путин, но не Путинизм", pairs) == "Зеленского и Зеленский, но не Путинизм"


def test_extra_columns_are_ignored() -> None:
    assert swap_names("Russia", [("Russia", "Ukraine", "country")]) == "Ukraine"


@pytest.mark.parametrize("pairs", [[("Russia", "Ukraine"), ("Russia", "China")], [("Russia", "Russia")], [("", "x")]])
def test_ambiguous_or_empty_pairs_are_refused(pairs: list[tuple[str, str]]) -> None:
    with pytest.raises(ValueError):
        swap_names("Russia", pairs)


def test_load_pairs_checks_header_and_kind(tmp_path: Path) -> None:
    good = tmp_path / "pairs.tsv"
    good.write_text("a\tb\tkind\n# comment\nRussia\tUkraine\tcountry\n\n", encoding="utf-8")
    assert load_pairs(good) == [("Russia", "Ukraine", "country")]
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\tkind\nRussia\tUkraine\tplanet\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kind"):
        load_pairs(bad)
    headless = tmp_path / "headless.tsv"
    headless.write_text("Russia\tUkraine\tcountry\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        load_pairs(headless)


def test_load_texts_reads_the_texts_folder(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "en_01_news.txt").write_text("Title\n\nBody.", encoding="utf-8")
    assert load_texts(tmp_path) == {"en_01_news": "Title\n\nBody."}


# The corpus itself: the shape issue 11 asks for.

def test_corpus_pairs() -> None:
    pairs = load_pairs(CORPUS / "pairs.tsv")
    assert len(pairs) >= 24
    assert {k for _, _, k in pairs} == KINDS


def test_corpus_texts() -> None:
    pairs = load_pairs(CORPUS / "pairs.tsv")
    texts = load_texts(CORPUS)
    langs = [name[:2] for name in texts]
    assert (langs.count("en"), langs.count("de"), langs.count("ru")) >= (14, 11, 11)
    pattern = swap_pattern([n for a, b, _ in pairs for n in (a, b)])
    for name, text in texts.items():
        assert re.fullmatch(r"(en|de|ru)_\d\d_(news|opinion|statemedia|factcheck)", name), name
        assert 120 <= len(re.findall(r"\w+", text)) <= 300, name
        assert len(set(pattern.findall(text))) >= 3, name
        assert "\n\n" in text and text.split("\n", 1)[0].strip(), name
        swapped = swap_names(text, pairs)
        assert swapped != text and swap_names(swapped, pairs) == text, name
