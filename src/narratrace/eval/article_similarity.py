"""``narratrace eval article-similarity --data train.csv``: SemEval-2022 Task 8.

Scores each article pair with the story-clustering similarity
(:func:`narratrace.corpus.similarity.similarity_logit`, the log-odds behind
``combine``: e5 cosine of the first 1,500 characters, the overlap of transliterated
name keys, and whether the two languages differ) and reports the Pearson correlation
with the gold ``Overall`` column.

Sign convention: the gold scale is 1 = same story ... 4 = unrelated, while our score is
1 = same story, so a good score correlates **negatively**; ``pearson`` is the signed
value and ``abs_pearson`` its magnitude (the task's leaderboard reports the magnitude).

Because :data:`~narratrace.corpus.similarity.SIM_WEIGHTS` were fitted on train.csv,
the command also re-fits them in 5-fold cross-validation (folds by ``pair_id`` order,
seed 0) and prints the held-out correlation as ``cv_pearson``; that is the honest
number for train.csv. ``cosine_pearson`` is plain e5 cosine, with nothing learned.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

from narratrace.corpus.similarity import (
    fit_similarity_weights,
    jaccard,
    name_keys,
    similarity_logit,
)
from narratrace.corpus.stories import STORY_THRESHOLD, story_text
from narratrace.errors import EvalDataError
from narratrace.eval.registry import EvalOptions, EvalResult, register_eval

# Pairs with gold Overall at or below this are "the same story" when fitting the
# logistic weights (the task's annotators used 1-2 for same/mostly same event).
SAME_STORY_MAX_OVERALL = 2.0
CV_FOLDS = 5


def _load(path: Path, limit: int | None) -> list[dict[str, str]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        need = {"text1", "text2", "Overall"}
        if not reader.fieldnames or not need <= set(reader.fieldnames):
            raise EvalDataError(f"{path} lacks the columns {sorted(need)} of semeval2022-task8 (has {reader.fieldnames})")
        rows = [r for r in reader if r["Overall"].strip()]
    return rows[:limit] if limit else rows


def pair_features(rows: list[dict[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """(cosine, name-key Jaccard) for every pair, embedding each text once (cached)."""
    from narratrace.text.embeddings import embed_passages

    texts = [story_text(None, r["text1"]) for r in rows] + [story_text(None, r["text2"]) for r in rows]
    vecs = embed_passages(texts)
    n = len(rows)
    cos = np.einsum("ij,ij->i", vecs[:n], vecs[n:])
    names = np.array([jaccard(name_keys(texts[i]), name_keys(texts[n + i])) for i in range(n)])
    return cos, names


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return 0.0
    return float(np.corrcoef(x, y)[0, 1])


@register_eval("article-similarity", "SemEval-2022 Task 8: Pearson r of story similarity vs Overall (negative is good)")
def evaluate(data: Path, opts: EvalOptions) -> EvalResult:
    rows = _load(data, opts.limit)
    if len(rows) < 10:
        raise EvalDataError(f"{data} has {len(rows)} scored pairs; need at least 10")
    gold = np.array([float(r["Overall"]) for r in rows])
    cos, names = pair_features(rows)
    cross = np.array([float(r.get("lang1") != r.get("lang2")) for r in rows])
    score = np.array([similarity_logit(c, j, bool(x)) for c, j, x in zip(cos, names, cross, strict=True)])
    same = (gold <= SAME_STORY_MAX_OVERALL).astype(int)
    cv_pred = np.zeros(len(rows))
    folds = np.arange(len(rows)) % CV_FOLDS
    for k in range(CV_FOLDS):
        train, test = folds != k, folds == k
        w = fit_similarity_weights(cos[train], names[train], cross[train], same[train])
        cv_pred[test] = [similarity_logit(c, j, bool(x), w) for c, j, x in zip(cos[test], names[test], cross[test], strict=True)]
    full_w = fit_similarity_weights(cos, names, cross, same)
    cv_prob = 1.0 / (1.0 + np.exp(-np.clip(cv_pred, -50, 50)))
    joined = cv_prob >= STORY_THRESHOLD
    precision = float((joined & (same == 1)).sum() / max(joined.sum(), 1))
    recall = float((joined & (same == 1)).sum() / max((same == 1).sum(), 1))
    r = _pearson(score, gold)
    metrics = {
        "pearson": r,
        "abs_pearson": abs(r),
        "cv_pearson": _pearson(cv_pred, gold),
        "cosine_pearson": _pearson(cos, gold),
        "names_pearson": _pearson(names, gold),
        "pairs": float(len(rows)),
    }
    lines = [
        f"pairs={len(rows)} (sign: score 1 = same story, gold 1 = same story ... 4 = unrelated, so r < 0 is good)",
        f"plain e5 cosine r={metrics['cosine_pearson']:.4f}; name-key Jaccard r={metrics['names_pearson']:.4f}",
        f"{CV_FOLDS}-fold cross-validated r={metrics['cv_pearson']:.4f} (weights refit per fold)",
        f"story join threshold {STORY_THRESHOLD} (CV probabilities): precision={precision:.3f} recall={recall:.3f} "
        f"for 'same story' = Overall <= {SAME_STORY_MAX_OVERALL}",
        "weights fitted on all pairs (intercept, cosine, names, cross-lingual): " + ", ".join(f"{x:.2f}" for x in full_w),
    ]
    by_pair: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_pair.setdefault(f"{row.get('lang1', '?')}-{row.get('lang2', '?')}", []).append(i)
    for key in sorted(by_pair, key=lambda k: -len(by_pair[k])):
        idx = by_pair[key]
        if len(idx) >= 20:
            lines.append(f"  {key:6s} n={len(idx):4d} r={_pearson(score[idx], gold[idx]):+.4f}")
    return EvalResult("article-similarity", metrics, ["pearson", "abs_pearson", "cv_pearson"], lines)
