"""Training of the claim-stance model on FNC-1 (``narratrace train claim-stance``).

Protocol: the training bodies are split in two by body (seeded): hyper-parameters and
per-class score offsets are fitted on part A and chosen on part B; the chosen
configuration is then refitted on all of train. ``dev`` is only scored, never used to
choose anything.

Model: gradient-boosted trees (scikit-learn ``HistGradientBoostingClassifier``, exported
to arrays) over the lexical/cue features, the e5 cosines and the out-of-fold
probabilities of two linear parts: a logistic regression over e5 vectors (claim ⊙
closest sentence, closest sentence) and one over the generic stems of the three
closest sentences (names left out).
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from narratrace.eval.claim_stance import LABELS, StancePair, read_fnc, stance_metrics
from narratrace.stance._features import (
    E5_NAMES,
    LEXICAL_NAMES,
    Vocabulary,
    fit_vocabulary,
    lexical_features,
    pair_inputs,
    ranked_sentences,
    view,
)
from narratrace.stance._trees import export_trees, tree_logits

logger = logging.getLogger(__name__)

SEED = 0
# Share of training bodies held out (part B) to choose hyper-parameters and offsets.
SELECT_SHARE = 0.2
OOF_FOLDS = 5
# Inverse regularisation of the two linear parts (fixed; a quick check on part B
# showed little difference between 0.5 and 4).
LINEAR_C = 1.0
# Grid of (max_iter, max_leaf_nodes, class-weight exponent), chosen on part B: the weight of class c is
# (n / n_c) ** exponent, normalised; 0 = unweighted.
TREE_GRID = ((300, 15, 0.5), (500, 31, 0.5), (300, 15, 1.0))
LEARNING_RATE = 0.08
# Sentence-level examples (see :func:`lead_examples`): least claim coverage of a lead to
# inherit its body's stance, and unrelated leads sampled per related one.
LEAD_MIN_COVERAGE = 0.4
LEAD_UNRELATED_RATIO = 2


def _embed(texts: list[str]) -> np.ndarray:
    from narratrace.text.embeddings import embed_queries

    return embed_queries(texts)


class PairData:
    """Features, labels and body groups of a list of (claim, text) examples."""

    def __init__(self, claims: list[str], texts: list[str], y: list[int], groups: list[str], vocab: Vocabulary,
                 log: Callable[[str], None] = logger.info) -> None:
        t0 = time.perf_counter()
        inputs = pair_inputs(claims, texts, vocab, _embed)
        self.lexical, self.e5, self.e5_pairs, self.bag = inputs.lexical, inputs.e5, inputs.e5_pairs, inputs.bag
        self.y = np.asarray(y)
        self.groups = np.asarray(groups)
        log(f"features of {len(claims)} examples: {time.perf_counter() - t0:.0f}s")

    def concat(self, other: PairData) -> PairData:
        """This data followed by ``other`` (a new object)."""
        out = object.__new__(PairData)
        out.lexical = np.vstack([self.lexical, other.lexical])
        out.e5 = np.vstack([self.e5, other.e5])
        out.e5_pairs = np.vstack([self.e5_pairs, other.e5_pairs])
        out.bag = sparse.vstack([self.bag, other.bag]).tocsr()
        out.y = np.concatenate([self.y, other.y])
        out.groups = np.concatenate([self.groups, other.groups])
        return out


def lead_examples(bodies: dict[str, str], pairs: list[StancePair], vocab: Vocabulary, *,
                  seed: int = SEED) -> tuple[list[str], list[str], list[int], list[str]]:
    """Sentence-level examples cut from FNC-1, so the model also reads one-sentence texts.

    A related pair whose lead sentence is the body's closest to the headline and covers
    at least :data:`LEAD_MIN_COVERAGE` of it gives (headline, lead, same stance); as many
    unrelated pairs times :data:`LEAD_UNRELATED_RATIO`, sampled, give (headline, lead,
    unrelated). Returns claims, texts, label indices and body ids.
    """
    rng = random.Random(seed)
    related, unrelated = [], []
    for p in pairs:
        body = bodies[p.body_id]
        lead = view(body).sentences[0]
        if p.stance == "unrelated":
            unrelated.append((p.headline, lead, LABELS.index("unrelated"), p.body_id))
        elif ranked_sentences(p.headline, body, vocab)[0] == 0 and \
                lexical_features(p.headline, lead, vocab)[LEXICAL_NAMES.index("cov_text")] >= LEAD_MIN_COVERAGE:
            related.append((p.headline, lead, LABELS.index(p.stance), p.body_id))
    picked = related + rng.sample(unrelated, min(len(unrelated), LEAD_UNRELATED_RATIO * len(related)))
    claims, texts, y, groups = (list(x) for x in zip(*picked, strict=True))
    return claims, texts, y, groups


def _fit_linear(x: np.ndarray | sparse.csr_matrix, y: np.ndarray) -> Any:
    """A multinomial logistic regression (scikit-learn) fitted on ``x, y``."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=LINEAR_C, max_iter=300).fit(x, y)


def _oof_linear(x: np.ndarray | sparse.csr_matrix, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    out = np.zeros((len(y), len(LABELS)))
    for fit_idx, pred_idx in GroupKFold(n_splits=OOF_FOLDS).split(x, y, groups):
        model = _fit_linear(x[fit_idx], y[fit_idx])
        out[pred_idx] = model.predict_proba(x[pred_idx])
    return out


def _class_weights(y: np.ndarray, exponent: float) -> np.ndarray:
    counts = np.bincount(y, minlength=len(LABELS)).astype(float)
    w = (len(y) / np.maximum(counts, 1)) ** exponent
    return (w / w[y].mean())[y]


def _fit_trees(x: np.ndarray, y: np.ndarray, max_iter: int, leaves: int, exponent: float) -> Any:
    """Boosted trees (scikit-learn ``HistGradientBoostingClassifier``) with class weights."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(max_iter=max_iter, max_leaf_nodes=leaves, learning_rate=LEARNING_RATE,
                                         l2_regularization=1.0, early_stopping=False, random_state=SEED)
    return clf.fit(x, y, sample_weight=_class_weights(y, exponent))


def _objective(gold: list[str], pred: list[str]) -> float:
    m = stance_metrics(gold, pred)
    return m["fnc_score"] + m["f1_macro"]


def tune_offsets(logits: np.ndarray, y: np.ndarray, *, rounds: int = 3) -> np.ndarray:
    """Per-class additive offsets to the trees' scores maximising FNC score + macro-F1."""
    gold = [LABELS[i] for i in y]
    offsets = np.zeros(len(LABELS))
    grid = np.linspace(-2.0, 2.0, 21)

    def score(off: np.ndarray) -> float:
        return _objective(gold, [LABELS[i] for i in (logits + off).argmax(axis=1)])

    best = score(offsets)
    for _ in range(rounds):
        for k in range(len(LABELS) - 1):  # unrelated stays the reference
            for step in grid:
                trial = offsets.copy()
                trial[k] = step
                s = score(trial)
                if s > best + 1e-9:
                    best, offsets = s, trial
    return offsets


def _stack(data: PairData, e5_proba: np.ndarray, bag_proba: np.ndarray) -> np.ndarray:
    return np.hstack([data.lexical, data.e5, e5_proba, bag_proba]).astype(np.float32)


FEATURE_NAMES = LEXICAL_NAMES + E5_NAMES + tuple(f"e5lin_{k}" for k in LABELS) + tuple(f"baglin_{k}" for k in LABELS)


def train_claim_stance(data: Path, *, out: Path | None = None, seed: int = SEED,
                       log: Callable[[str], None] = logger.info) -> tuple[Path, dict[str, float]]:
    """Train on ``data/train``, choose on a body split of it, score ``data/dev``; write the weights.

    Returns the path written and the metrics (``select_*`` on part B of train, ``dev_*``
    on ``data/dev`` when present).
    """
    from narratrace.config import models_dir
    from narratrace.stance._model import MODEL_FILE

    t_start = time.perf_counter()
    bodies, pairs = read_fnc(data / "train")
    vocab = fit_vocabulary(list(bodies.values()) + sorted({p.headline for p in pairs}))
    log(f"vocabulary: {len(vocab.stems)} stems, {int(vocab.generic.sum())} generic")
    articles = PairData([p.headline for p in pairs], [bodies[p.body_id] for p in pairs],
                        [LABELS.index(p.stance) for p in pairs], [p.body_id for p in pairs], vocab, log)
    leads = PairData(*lead_examples(bodies, pairs, vocab, seed=seed), vocab, log)
    train = articles.concat(leads)
    is_article = np.arange(len(train.y)) < len(articles.y)

    e5_oof = _oof_linear(train.e5_pairs, train.y, train.groups)
    bag_oof = _oof_linear(train.bag, train.y, train.groups)
    x_all = _stack(train, e5_oof, bag_oof)

    body_ids = sorted(set(train.groups))
    random.Random(seed).shuffle(body_ids)
    held = set(body_ids[: int(len(body_ids) * SELECT_SHARE)])
    sel = np.array([g in held for g in train.groups])
    choose = sel & is_article  # choose on whole articles of part B; leads of part B are not fitted either
    gold_sel = [LABELS[i] for i in train.y[choose]]
    best_cfg, best_score, best_offsets = TREE_GRID[0], -1.0, np.zeros(len(LABELS))
    for cfg in TREE_GRID:
        clf = _fit_trees(x_all[~sel], train.y[~sel], *cfg)
        logits = clf._raw_predict(x_all[choose])
        offsets = tune_offsets(logits, train.y[choose])
        pred = [LABELS[i] for i in (logits + offsets).argmax(axis=1)]
        m = stance_metrics(gold_sel, pred)
        s = m["fnc_score"] + m["f1_macro"]
        log(f"config {cfg}: part B fnc={m['fnc_score']:.4f} f1_macro={m['f1_macro']:.4f} offsets={np.round(offsets, 2).tolist()}")
        if s > best_score:
            best_cfg, best_score, best_offsets = cfg, s, offsets
            metrics = {f"select_{k}": v for k, v in m.items()}
    log(f"chosen {best_cfg}")

    clf = _fit_trees(x_all, train.y, *best_cfg)
    e5_lin = _fit_linear(train.e5_pairs, train.y)
    bag_lin = _fit_linear(train.bag, train.y)
    arrays = export_trees(clf)
    check = x_all[:500]
    assert np.allclose(tree_logits(arrays, check), clf._raw_predict(check), atol=1e-6), "tree export differs"
    arrays.update({
        "vocab_stems": np.asarray(vocab.stems),
        "vocab_idf": vocab.idf,
        "vocab_generic": vocab.generic,
        "vocab_default_idf": np.float64(vocab.default_idf),
        "e5_coef": e5_lin.coef_.astype(np.float32),
        "e5_intercept": e5_lin.intercept_.astype(np.float32),
        "bag_coef": bag_lin.coef_.astype(np.float32),
        "bag_intercept": bag_lin.intercept_.astype(np.float32),
        "offsets": best_offsets,
        "feature_names": np.asarray(FEATURE_NAMES),
        "labels": np.asarray(LABELS),
        "meta": np.asarray(json.dumps({"trained": datetime.now(UTC).date().isoformat(), "config": best_cfg,
                                       "seed": seed, "train_pairs": len(pairs)})),
    })
    path = out or models_dir() / MODEL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    log(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")

    if (data / "dev").is_dir():
        from narratrace.stance._model import ClaimStanceModel

        model = ClaimStanceModel.from_file(path)
        dev_bodies, dev_pairs = read_fnc(data / "dev")
        labels, _ = model.predict_pairs([p.headline for p in dev_pairs], [dev_bodies[p.body_id] for p in dev_pairs])
        m = stance_metrics([p.stance for p in dev_pairs], labels)
        metrics.update({f"dev_{k}": v for k, v in m.items()})
    log(f"training took {time.perf_counter() - t_start:.0f}s")
    return path, metrics
