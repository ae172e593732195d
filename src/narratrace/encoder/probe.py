"""Check-worthiness heads over cached layer states: which layers carry the signal?

``python -m narratrace.encoder.probe --data DIR --cache DIR [--train-size N] [--seed S]``

Reads CheckThat! 2024 ``train.tsv``, ``dev.tsv`` and ``dev-test.tsv`` from ``DIR`` with
names masked (as the pipeline and ``narratrace train checkworthiness`` read them), caches
the per-layer mean states once (:class:`LayerCache`, resumable), then fits logistic
regression heads on train over each candidate layer set; the set, C and the threshold are
chosen on dev F1 (Yes class) and only the winner is scored on dev-test. The baseline
candidate ``last`` is the frozen e5 sentence vector the shipped models use. Needs ``[train]``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

# Candidate layer sets (0 = embeddings, 12 = last layer), mean states concatenated.
LAYER_SETS: dict[str, tuple[int, ...]] = {
    "last": (12,),
    "mid": (6,),
    "mid+last": (6, 12),
    "4+8+12": (4, 8, 12),
    "all-mean": tuple(range(13)),
}
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
THRESHOLDS = np.arange(0.2, 0.85, 0.05)


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = int(((pred == 1) & (y == 1)).sum())
    return 2 * tp / (2 * tp + int((pred != y).sum())) if tp else 0.0


def _features(states: np.ndarray, layers: tuple[int, ...], name: str) -> np.ndarray:
    x = states.astype(np.float32)
    if name == "all-mean":
        return x.mean(axis=1)
    return x[:, list(layers)].reshape(len(x), -1)


def probe(data: Path, cache: Path, *, train_size: int = 3000, seed: int = 7) -> dict[str, Any]:
    """Fit, choose on dev, score dev-test; returns the report (also written to ``cache``)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from narratrace.analyze.claims._cw_model import read_tsv
    from narratrace.encoder.layer_cache import LayerCache
    from narratrace.text.names import NameMask

    splits = {}
    for split in ("train", "dev", "dev-test"):
        _, texts, labels = read_tsv(data / f"{split}.tsv")
        if split == "train" and train_size < len(texts):
            keep = np.sort(np.random.default_rng(seed).choice(len(texts), train_size, False))
            texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
        masked = [NameMask.build(t, [(0, len(t), "en")]).neutral_text for t in texts]
        splits[split] = (LayerCache(cache / split).states(masked), np.asarray(labels))

    report: dict[str, Any] = {"train": len(splits["train"][1]), "seed": seed, "dev": {}}
    best: tuple[float, str, float, float] = (-1.0, "", 0.0, 0.5)
    for name, layers in LAYER_SETS.items():
        scaler = StandardScaler().fit(_features(splits["train"][0], layers, name))
        xtr = scaler.transform(_features(splits["train"][0], layers, name))
        xdv = scaler.transform(_features(splits["dev"][0], layers, name))
        for c in C_GRID:
            clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000,
                                     random_state=seed).fit(xtr, splits["train"][1])
            prob = clf.predict_proba(xdv)[:, 1]
            f1, t = max((_f1(splits["dev"][1], (prob >= t).astype(int)), float(t))
                        for t in THRESHOLDS)
            report["dev"][f"{name} C={c}"] = round(f1, 4)
            if f1 > best[0]:
                best = (f1, name, c, t)
    f1, name, c, t = best
    layers = LAYER_SETS[name]
    scaler = StandardScaler().fit(_features(splits["train"][0], layers, name))
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed)
    clf.fit(scaler.transform(_features(splits["train"][0], layers, name)), splits["train"][1])
    xte = scaler.transform(_features(splits["dev-test"][0], layers, name))
    pred = (clf.predict_proba(xte)[:, 1] >= t).astype(int)
    report.update({"chosen": name, "C": c, "threshold": round(t, 2), "dev_f1": round(f1, 4),
                   "dev_test_f1": round(_f1(splits["dev-test"][1], pred), 4)})
    (cache / "report.json").write_text(json.dumps(report, indent=1))
    return report


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--train-size", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(probe(args.data, args.cache, train_size=args.train_size, seed=args.seed),
                     indent=1))


if __name__ == "__main__":
    main()
