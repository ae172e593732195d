"""``narratrace eval claim-stance``: FNC-1 layout, scorer and predictions file (shipped model, small split)."""

from __future__ import annotations

import csv

import pytest
from tests.conftest import SHARED_DATA, needs_shared
from typer.testing import CliRunner

from narratrace.cli import app
from narratrace.errors import EvalDataError
from narratrace.eval.claim_stance import evaluate_claim_stance, fnc_score, read_fnc, stance_metrics
from narratrace.eval.registry import EvalOptions, eval_tasks

BODIES = {
    "1": ("Ostland's intelligence service said on Monday that about 3,000 Dravian soldiers had arrived in the Velora "
          "region and were fighting alongside Kestrian units. It published satellite images of a camp near the front.\n\n"
          "The agency said the soldiers had been trained for two months before they were sent to Velora."),
    "2": ("The Kestrian foreign ministry dismissed the reports as fake news. \"There are no Dravian soldiers in Velora,\" "
          "a spokesman said, calling the claims a fabrication by hostile media.\n\nDravia also denied sending troops."),
    "3": ("The harbour of Marsk reopened on Tuesday after a storm had closed it for three days. Ferries to the islands "
          "run on the usual timetable again, the port office said."),
}
ROWS = [
    ("Dravian troops are fighting for Kestria in Velora", "1", "agree"),
    ("Dravian troops are fighting for Kestria in Velora", "2", "disagree"),
    ("Dravian troops are fighting for Kestria in Velora", "3", "unrelated"),
    ("Storm closes Marsk harbour for three days", "3", "agree"),
    ("Storm closes Marsk harbour for three days", "1", "unrelated"),
]


def write_split(folder, rows=ROWS):
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "bodies.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Body ID", "articleBody"])
        w.writerows(BODIES.items())
    with (folder / "stances.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Headline", "Body ID", "Stance"])
        w.writerows(rows)
    return folder


def test_fnc_score_weights_related_classes():
    assert fnc_score(["agree", "unrelated"], ["agree", "unrelated"]) == 1.0
    assert fnc_score(["disagree"], ["discuss"]) == 0.25
    assert fnc_score(["unrelated"], ["agree"]) == 0.0
    m = stance_metrics(["agree", "disagree", "discuss", "unrelated"], ["agree", "discuss", "discuss", "unrelated"])
    assert m["f1_disagree"] == 0.0 and m["f1_agree"] == 1.0 and m["f1_macro"] == pytest.approx((1 + 0 + 2 / 3 + 1) / 4)


def test_read_fnc_checks_the_layout(tmp_path):
    with pytest.raises(EvalDataError, match="bodies.csv"):
        read_fnc(tmp_path)
    write_split(tmp_path, [("A claim", "9", "agree")])
    with pytest.raises(EvalDataError, match="missing from bodies.csv"):
        read_fnc(tmp_path)
    write_split(tmp_path, [("A claim", "1", "maybe")])
    with pytest.raises(EvalDataError, match="unknown stances"):
        read_fnc(tmp_path)


def test_eval_task_scores_and_writes_predictions(tmp_path):
    split = write_split(tmp_path / "mini")
    assert "claim-stance" in eval_tasks()
    out = tmp_path / "pred.csv"
    result = evaluate_claim_stance(split, EvalOptions(extra={"predictions": str(out)}))
    assert result.last_line().startswith("claim-stance fnc_score=")
    assert " f1_macro=" in result.last_line()
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["Headline"], r["Body ID"]) for r in rows] == [(h, b) for h, b, _ in ROWS]
    assert {r["Stance"] for r in rows} <= {"agree", "disagree", "discuss", "unrelated"}
    assert result.metrics["fnc_score"] >= 0.6  # clear-cut, hand-written pairs


def test_cli_passes_predictions_path(tmp_path, monkeypatch):
    import narratrace.eval.claim_stance as module
    from narratrace.eval.registry import EvalResult

    seen = {}

    def fake(data, opts):
        seen.update(data=data, extra=opts.extra)
        return EvalResult("claim-stance", {"fnc_score": 0.5, "f1_macro": 0.25}, ["fnc_score", "f1_macro"])

    tasks = eval_tasks()
    monkeypatch.setitem(module.__dict__, "evaluate_claim_stance", fake)
    monkeypatch.setattr("narratrace.eval.registry.eval_tasks", lambda: {**tasks, "claim-stance": (fake, "")})
    result = CliRunner().invoke(app, ["eval", "claim-stance", "--data", str(tmp_path), "--predictions", str(tmp_path / "p.csv")])
    assert result.exit_code == 0, result.output
    assert seen["extra"]["predictions"] == str(tmp_path / "p.csv")
    assert result.output.strip().splitlines()[-1] == "claim-stance fnc_score=0.5000 f1_macro=0.2500"


@pytest.mark.slow
@needs_shared
def test_dev_beats_the_anchors():
    result = evaluate_claim_stance(SHARED_DATA / "fnc1" / "dev", EvalOptions())
    assert result.metrics["fnc_score"] > 0.82 and result.metrics["f1_macro"] > 0.60
