"""Scorers and data readers of the persuasion benchmarks (hand-written fixtures only)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from narratrace.analyze.techniques.data import (
    is_dev_article,
    load_ptc,
    load_semeval2023,
    norm_hash,
    paragraph_offsets,
)
from narratrace.eval.persuasion import merge_spans, paragraph_scores, si_prf, tc_micro_f1

SHARED = Path(os.environ.get("NARRATRACE_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"))


def test_si_exact_match_scores_one():
    assert si_prf({"a": [(0, 10), (20, 30)]}, {"a": [(0, 10), (20, 30)]}) == (1.0, 1.0, 1.0)


def test_si_partial_overlap_credit():
    # predicted [0, 20) covers gold [0, 10) fully: precision 10/20, recall 10/10
    p, r, f = si_prf({"a": [(0, 10)]}, {"a": [(0, 20)]})
    assert (p, r) == (0.5, 1.0)
    assert f == pytest.approx(2 / 3)


def test_si_merges_overlapping_gold_spans():
    # two overlapping gold spans (different techniques) count as one span [0, 15)
    p, r, _ = si_prf({"a": [(0, 10), (5, 15)]}, {"a": [(0, 15)]})
    assert (p, r) == (1.0, 1.0)
    assert merge_spans([(5, 15), (0, 10), (20, 25)]) == [(0, 15), (20, 25)]


def test_si_other_article_does_not_count():
    assert si_prf({"a": [(0, 10)]}, {"b": [(0, 10)]})[2] == 0.0


def test_tc_micro_f1_multiset():
    gold = {("a", 0, 5): ["Doubt"], ("a", 7, 9): ["Loaded_Language", "Repetition"]}
    pred = {("a", 0, 5): ["Doubt"], ("a", 7, 9): ["Repetition", "Slogans"]}
    assert tc_micro_f1(gold, pred) == pytest.approx(2 / 3)


def test_paragraph_scores_micro_and_macro():
    classes = ["A", "B", "C"]
    gold = [["A"], ["A", "B"], []]
    pred = [["A"], ["B", "C"], []]
    micro, macro, per = paragraph_scores(gold, pred, classes)
    # tp=2 (A, B), fp=1 (C), fn=1 (A) -> micro 2*2/(2*2+1+1)
    assert micro == pytest.approx(4 / 6)
    assert per["A"] == pytest.approx(2 / 3) and per["B"] == 1.0 and per["C"] == 0.0
    assert macro == pytest.approx((2 / 3 + 1.0 + 0.0) / 3)


def test_paragraph_offsets_keep_raw_carriage_returns():
    text = "Title\r\n\r\nFirst para.\r\nSecond.\n"
    paras = paragraph_offsets(text)
    assert [p[0] for p in paras] == [1, 3, 4]
    assert [text[s:e] for _, s, e in paras] == ["Title", "First para.", "Second."]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def test_load_semeval2023_layout(tmp_path):
    split = tmp_path / "de" / "train"
    _write(split / "articles" / "article7.txt", "Titel\r\n\r\nDie Lügenpresse lügt.\r\n")
    _write(split / "labels-subtask-3.txt", "7\t1\t\n7\t3\tLoaded_Language,Name_Calling-Labeling\n")
    _write(split / "spans-subtask-3" / "article7-labels-subtask-3.txt", "7\tName_Calling-Labeling\t13\t24\n")
    (art,) = load_semeval2023(split)
    assert art.lang == "de" and art.labels == {1: [], 3: ["Loaded_Language", "Name_Calling-Labeling"]}
    assert art.text[13:24] == "Lügenpresse"  # offsets count the raw \r characters
    assert art.spans == [("Name_Calling-Labeling", 13, 24)]


def test_load_ptc_layout(tmp_path):
    split = tmp_path / "dev"
    _write(split / "articles" / "article5.txt", "Head\n\nThey are traitors.\n")
    _write(split / "labels-tc.txt", "5\tName_Calling,Labeling\t15\t23\n")
    _write(split / "labels-si.txt", "5\t15\t23\n")
    (art,) = load_ptc(split)
    assert art.text[15:23] == "traitors"
    assert art.spans == [("Name_Calling,Labeling", 15, 23)] and art.si_spans == [(15, 23)]


def test_dev_rule_is_stable_and_about_a_fifth():
    ids = [str(i) for i in range(2000)]
    share = sum(is_dev_article("fr", i) for i in ids) / len(ids)
    assert 0.15 < share < 0.25
    assert [is_dev_article("fr", i) for i in ids[:50]] == [is_dev_article("fr", i) for i in ids[:50]]
    assert is_dev_article("en", "1", frozenset({"1"})) and not is_dev_article("en", "2", frozenset({"1"}))
    assert norm_hash("a  b\nc") == norm_hash("a b c")


def test_eval_spans_cli_on_handwritten_split(tmp_path):
    from typer.testing import CliRunner

    from narratrace.analyze.techniques.predict import model_path
    from narratrace.cli import app

    if not model_path().exists():
        pytest.skip("shipped persuasion model not present")
    split = tmp_path / "dev"
    _write(split / "articles" / "article5.txt", "Head\n\nThey are treacherous traitors and liars.\nThe vote is on Tuesday.\n")
    _write(split / "labels-tc.txt", "5\tName_Calling,Labeling\t15\t37\n")
    _write(split / "labels-si.txt", "5\t15\t37\n")
    result = CliRunner().invoke(app, ["eval", "persuasion-spans", "--data", str(split)])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("persuasion-spans si_f1=") and "tc_micro_f1=" in last


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "semeval2020-task11-ptc" / "dev").is_dir(), reason="../shared/data is not present")
def test_eval_on_shared_dev_beats_trivial():
    from narratrace.eval.persuasion import eval_paragraph, eval_spans
    from narratrace.eval.registry import EvalOptions

    spans = eval_spans(SHARED / "semeval2020-task11-ptc" / "dev", EvalOptions(limit=20))
    # Loaded_Language alone is ~30% of PTC dev spans; a model must do better than that.
    assert spans.metrics["tc_micro_f1"] > 0.4
    assert spans.metrics["si_f1"] > 0.15
    para = eval_paragraph(SHARED / "semeval2023-task3" / "it" / "train", EvalOptions())
    assert any("skipped" in line for line in para.lines)
    assert para.metrics["micro_f1"] > 0.3
