"""FNC-1 claim stance: ``narratrace eval claim-stance --data DIR [--predictions PATH]``.

``DIR`` holds ``bodies.csv`` (``Body ID, articleBody``) and ``stances.csv``
(``Headline, Body ID, Stance``) in the Fake News Challenge stage 1 layout. The last line
is ``claim-stance fnc_score=… f1_macro=…``: the official FNC score (0.25 for getting
related/unrelated right, +0.75 for the right class among agree/disagree/discuss, as a
fraction of the best possible) and the macro-F1 over the four classes.
"""

from __future__ import annotations

import csv
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from narratrace.errors import EvalDataError
from narratrace.eval.registry import EvalOptions, EvalResult, register_eval

LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED = frozenset(LABELS[:3])


@dataclass(frozen=True)
class StancePair:
    """One FNC-1 row: a headline claim, the body it is paired with and the gold stance."""

    headline: str
    body_id: str
    stance: str


def read_fnc(folder: Path, *, limit: int | None = None) -> tuple[dict[str, str], list[StancePair]]:
    """Read ``bodies.csv`` and ``stances.csv`` from ``folder``.

    Returns
    -------
    bodies : dict
        Body ID -> article body.
    pairs : list of StancePair
        In file order; ``stance`` is ``""`` when the file has no Stance column.
    """
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    bodies_path, stances_path = folder / "bodies.csv", folder / "stances.csv"
    for path in (bodies_path, stances_path):
        if not path.is_file():
            raise EvalDataError(f"{folder} lacks {path.name} (FNC-1 layout: bodies.csv and stances.csv)")
    with bodies_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"Body ID", "articleBody"} <= set(reader.fieldnames):
            raise EvalDataError(f"{bodies_path} needs the columns Body ID, articleBody (has {reader.fieldnames})")
        bodies = {row["Body ID"]: row["articleBody"] for row in reader}
    with stances_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"Headline", "Body ID"} <= set(reader.fieldnames):
            raise EvalDataError(f"{stances_path} needs the columns Headline, Body ID[, Stance] (has {reader.fieldnames})")
        pairs = [StancePair(r["Headline"], r["Body ID"], (r.get("Stance") or "").strip()) for r in reader]
    missing = sorted({p.body_id for p in pairs} - bodies.keys())
    if missing:
        raise EvalDataError(f"{stances_path} names bodies missing from bodies.csv: {', '.join(missing[:5])}")
    bad = sorted({p.stance for p in pairs if p.stance and p.stance not in LABELS})
    if bad:
        raise EvalDataError(f"{stances_path} has unknown stances {bad}; allowed: {', '.join(LABELS)}")
    return bodies, pairs[:limit] if limit else pairs


def fnc_score(gold: list[str], pred: list[str]) -> float:
    """The official FNC-1 score as a fraction of the best possible score.

    Examples
    --------
    >>> fnc_score(["agree", "unrelated"], ["discuss", "unrelated"])  # (0.25 + 0.25) / (1 + 0.25)
    0.4
    """
    score = best = 0.0
    for g, p in zip(gold, pred, strict=True):
        best += 0.25 + (0.75 if g in RELATED else 0.0)
        if g == p:
            score += 0.25 + (0.75 if g in RELATED else 0.0)
        elif g in RELATED and p in RELATED:
            score += 0.25
    return score / best if best else 0.0


def f1_per_class(gold: list[str], pred: list[str]) -> dict[str, float]:
    """F1 of each of :data:`LABELS`."""
    out = {}
    for label in LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        out[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out


def stance_metrics(gold: list[str], pred: list[str]) -> dict[str, float]:
    """``fnc_score``, ``f1_macro``, ``accuracy`` and ``f1_<label>`` for each label."""
    per = f1_per_class(gold, pred)
    metrics = {
        "fnc_score": fnc_score(gold, pred),
        "f1_macro": sum(per.values()) / len(per),
        "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold)),
    }
    metrics.update({f"f1_{k}": v for k, v in per.items()})
    return metrics


def write_predictions(path: Path, pairs: list[StancePair], pred: list[str]) -> None:
    """Write ``Headline,Body ID,Stance`` for every pair."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Headline", "Body ID", "Stance"])
        for pair, label in zip(pairs, pred, strict=True):
            writer.writerow([pair.headline, pair.body_id, label])


@register_eval("claim-stance", "FNC-1 stance of a body toward a headline claim: FNC score and macro-F1")
def evaluate_claim_stance(data: Path, opts: EvalOptions) -> EvalResult:
    """Score the shipped claim-stance model on an FNC-1 split."""
    from narratrace.stance import load_model

    t0 = time.perf_counter()
    bodies, pairs = read_fnc(data, limit=opts.limit)
    model = load_model()
    labels, _ = model.predict_pairs([p.headline for p in pairs], [bodies[p.body_id] for p in pairs])
    if opts.extra.get("predictions"):
        write_predictions(Path(opts.extra["predictions"]), pairs, labels)
    gold = [p.stance for p in pairs]
    if not all(gold):
        raise EvalDataError(f"{data / 'stances.csv'} has rows without a Stance: it can be predicted (a predictions file) but not scored")
    metrics = stance_metrics(gold, labels)
    lines = [f"pairs={len(pairs)} bodies={len({p.body_id for p in pairs})} seconds={time.perf_counter() - t0:.1f}",
             "per-class F1: " + " ".join(f"{k}={metrics['f1_' + k]:.4f}" for k in LABELS)]
    return EvalResult("claim-stance", metrics, ["fnc_score", "f1_macro", "accuracy"], lines)
