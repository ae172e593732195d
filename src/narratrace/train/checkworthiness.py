"""Training of the check-worthiness model (``narratrace train checkworthiness``).

Fit on CheckThat! 2024 ``train.tsv``; C and the decision threshold are chosen on
``dev.tsv``; ``dev-test.tsv`` is only scored. Every sentence is read with its names
masked, as the pipeline reads it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from narratrace.analyze.claims._cw_model import (
    CheckworthinessModel,
    cue_features,
    normalize,
    read_tsv,
)

SEED = 7
# Grid for the inverse regularisation strength, chosen on dev F1 of the Yes class.
C_GRID = (0.25, 0.5, 1.0, 2.0)
MAX_FEATURES = 20000


def _f1(y: list[int], pred: np.ndarray) -> float:
    y_arr = np.asarray(y)
    tp = int(((pred == 1) & (y_arr == 1)).sum())
    fp = int(((pred == 1) & (y_arr == 0)).sum())
    fn = int(((pred == 0) & (y_arr == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _neutral(texts: list[str]) -> list[str]:
    """Sentences with their names masked, as the pipeline reads them (``names.v1``)."""
    from narratrace.text.names import NameMask

    return [NameMask.build(t, [(0, len(t), "en")]).neutral_text for t in texts]


def train_checkworthiness(train: Path, dev: Path, out: Path, *, test: Path | None = None) -> dict[str, Any]:
    """Fit on ``train``, choose C and threshold on ``dev``, write JSON to ``out``; returns a report.

    Every sentence is read with its names masked (:mod:`narratrace.text.names`), so the model
    never learns a name's weight and scores what the pipeline shows it.
    """
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    t0 = time.perf_counter()
    _, tr_x, tr_y = read_tsv(train)
    _, dv_x, dv_y = read_tsv(dev)
    tr_x, dv_x = _neutral(tr_x), _neutral(dv_x)
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+", lowercase=False,
                          min_df=2, max_features=MAX_FEATURES)
    xtr = hstack([vec.fit_transform([normalize(t) for t in tr_x]), csr_matrix(cue_features(tr_x))]).tocsr()
    xdv = hstack([vec.transform([normalize(t) for t in dv_x]), csr_matrix(cue_features(dv_x))]).tocsr()
    best: tuple[float, float, float, Any] = (-1.0, 0.0, 0.5, None)
    report: dict[str, Any] = {"train": len(tr_x), "dev": len(dv_x)}
    for c in C_GRID:
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=SEED)
        clf.fit(xtr, tr_y)
        prob = clf.predict_proba(xdv)[:, 1]
        for t in np.arange(0.3, 0.8, 0.05):
            f1 = _f1(dv_y, (prob >= t).astype(int))
            if f1 > best[0]:
                best = (f1, c, float(round(t, 2)), clf)
    f1, c, threshold, clf = best
    vocab = {k: int(v) for k, v in vec.vocabulary_.items()}
    model = CheckworthinessModel(vocab, vec.idf_, clf.coef_[0], float(clf.intercept_[0]), threshold, {})
    model.meta = {"C": c, "dev_f1_yes": round(f1, 4), "train_file": train.name, "dev_file": dev.name,
                  "features": len(vocab) + cue_features([""]).shape[1], "seed": SEED, "names": "masked"}
    report.update(model.meta)
    report["threshold"] = threshold
    if test is not None:
        _, te_x, te_y = read_tsv(test)
        te_x = _neutral(te_x)
        pred = (model.predict_proba(te_x) >= threshold).astype(int)
        report["test_f1_yes"] = round(_f1(te_y, pred), 4)
        model.meta["test_f1_yes"] = report["test_f1_yes"]
        model.meta["test_file"] = test.name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model.to_json(), ensure_ascii=False), encoding="utf-8")
    report["bytes"] = out.stat().st_size
    report["seconds"] = round(time.perf_counter() - t0, 1)
    return report
