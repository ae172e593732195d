"""``checkworthiness`` eval task and stage on a hand-written .tsv (shipped model, fast)."""

from __future__ import annotations

import pytest

from narratrace.analyze.claims.checkworthiness import clean, score_texts
from narratrace.errors import EvalDataError
from narratrace.eval.checkworthiness import evaluate_checkworthiness
from narratrace.eval.registry import EvalOptions, eval_tasks

ROWS = [
    ("1", "Unemployment rose by 3.2 percent in 2019, the highest rate in a decade.", "Yes"),
    ("2", "The government spent $4 billion on the new border wall last year.", "Yes"),
    ("3", "Crime in our cities has doubled since 2015.", "Yes"),
    ("4", "Thank you all so much for being here tonight.", "No"),
    ("5", "I think we can do better, and I love this country.", "No"),
    ("6", "What do you want me to say?", "No"),
]


def test_eval_task_prints_f1_yes(tmp_path):
    path = tmp_path / "mini.tsv"
    path.write_text("Sentence_id\tText\tclass_label\n" + "".join(f"{i}\t{t}\t{y}\n" for i, t, y in ROWS), encoding="utf-8")
    assert "checkworthiness" in eval_tasks()
    result = evaluate_checkworthiness(path, EvalOptions())
    assert result.last_line().startswith("checkworthiness f1_yes=")
    assert result.metrics["f1_yes"] >= 0.8  # clear-cut examples


def test_scores_order_and_fragments():
    factual, chatter, fragment = score_texts([ROWS[1][1], ROWS[3][1], "## Photos"])
    assert 0.0 <= chatter < factual <= 1.0
    assert fragment == 0.0
    assert clean("  ## “Troops withdrew in 2024.” ") == "Troops withdrew in 2024."


def test_bad_file_is_a_data_error(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("no header here\n", encoding="utf-8")
    with pytest.raises(EvalDataError):
        evaluate_checkworthiness(path, EvalOptions())


def test_stage_pipe_matches_call():
    from narratrace.analyze.claims.checkworthiness import CheckworthinessStage
    from narratrace.model import Analysis, Article, Sentence

    def make() -> list[Analysis]:
        out = []
        for text in (ROWS[0][1] + " " + ROWS[3][1], ROWS[2][1]):
            a = Analysis(article=Article(text=text), language="en")
            first = text.find(". ") + 1
            a.sentences = [Sentence(0, first), Sentence(first + 1, len(text))] if first > 0 else [Sentence(0, len(text))]
            out.append(a)
        return out

    stage = CheckworthinessStage()
    piped = [[s.checkworthiness for s in a.sentences] for a in stage.pipe(make(), batch_size=2)]
    single = [[s.checkworthiness for s in stage(a).sentences] for a in make()]
    assert piped == single and piped[0][0] > piped[0][1]
