"""Gradient-boosted trees as plain arrays, evaluated with numpy.

Training uses scikit-learn's ``HistGradientBoostingClassifier``; :func:`export_trees`
flattens its fitted trees into a few arrays that :func:`tree_logits` walks without
scikit-learn, so the shipped weights are an ``.npz`` and do not depend on pickles.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def export_trees(clf: Any) -> dict[str, np.ndarray]:
    """Flatten a fitted ``HistGradientBoostingClassifier`` (numeric features only)."""
    feature, threshold, left, right, leaf, value, missing_left, roots, classes = [], [], [], [], [], [], [], [], []
    offset = 0
    for iteration in clf._predictors:
        for k, predictor in enumerate(iteration):
            nodes = predictor.nodes
            roots.append(offset)
            classes.append(k)
            feature.append(nodes["feature_idx"].astype(np.int32))
            threshold.append(nodes["num_threshold"].astype(np.float64))
            left.append(nodes["left"].astype(np.int32) + offset)
            right.append(nodes["right"].astype(np.int32) + offset)
            leaf.append(nodes["is_leaf"].astype(bool))
            value.append(nodes["value"].astype(np.float64))
            missing_left.append(nodes["missing_go_to_left"].astype(bool))
            offset += len(nodes)
    return {
        "tree_feature": np.concatenate(feature),
        "tree_threshold": np.concatenate(threshold),
        "tree_left": np.concatenate(left),
        "tree_right": np.concatenate(right),
        "tree_leaf": np.concatenate(leaf),
        "tree_value": np.concatenate(value),
        "tree_missing_left": np.concatenate(missing_left),
        "tree_roots": np.asarray(roots, dtype=np.int32),
        "tree_class": np.asarray(classes, dtype=np.int32),
        "tree_baseline": np.asarray(clf._baseline_prediction, dtype=np.float64).ravel(),
    }


def tree_logits(arrays: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Raw scores ``(n, n_classes)`` of the exported trees for features ``x``."""
    baseline = arrays["tree_baseline"]
    n_classes = len(baseline)
    out = np.tile(baseline, (len(x), 1))
    feat, thr = arrays["tree_feature"], arrays["tree_threshold"]
    left, right, is_leaf = arrays["tree_left"], arrays["tree_right"], arrays["tree_leaf"]
    miss, val = arrays["tree_missing_left"], arrays["tree_value"]
    rows = np.arange(len(x))
    for root, k in zip(arrays["tree_roots"], arrays["tree_class"], strict=True):
        node = np.full(len(x), root, dtype=np.int64)
        active = ~is_leaf[node]
        while active.any():
            nd = node[active]
            xv = x[rows[active], feat[nd]]
            go_left = np.where(np.isnan(xv), miss[nd], xv <= thr[nd])
            node[active] = np.where(go_left, left[nd], right[nd])
            active = ~is_leaf[node]
        out[:, k if n_classes > 1 else 0] += val[node]
    return out
