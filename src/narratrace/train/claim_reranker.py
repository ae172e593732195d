"""Training of the fact-check re-ranker (``narratrace train claim-reranker``).

A logistic re-ranker over the candidate features of :mod:`narratrace.factcheck.retrieval`,
fitted on CheckThat! claim-retrieval ``train`` queries (seeded); C, the confidence model
and the two match thresholds are chosen on ``dev``. A ``dev-test`` folder beside ``dev``
is scored once the model is fixed, for the model card only. :func:`save_reranker` writes
the weights and the model card (``resources/model_cards/factcheck_rerank.md.jinja``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from narratrace.factcheck._index import CONF_FEATURES, FEATURES, FactCheckIndex, Reranker
from narratrace.factcheck._text import TOKENIZER_VERSION
from narratrace.factcheck.retrieval import (
    build_index,
    candidate_features,
    column,
    mean_ap,
    rank_with,
    read_queries,
    rrf,
)

SEED = 13
#: Hard negatives per training query for the confidence models: the records the ranker
#: puts highest after the gold one (3 keeps positives at a quarter of the pairs).
NEG_PER_QUERY = 3
#: Values of C tried (chosen by dev MAP@5; the first of equal ones).
C_GRID = (0.01, 0.1, 1.0, 10.0)
#: The ranking systems the report and the model card compare, in order.
SYSTEMS = ("bm25", "dense", "rrf", "reranked")


def choose_threshold(model: Reranker, index: FactCheckIndex, ids, qrels, feats, *, precision: float) -> float:
    """Lowest confidence at which a match is right with at least ``precision``.

    Every CheckThat query has its fact-check in the database, so a "never checked"
    claim is simulated by removing the gold record: for each query the pool holds one
    positive (the gold record's confidence) and one negative (the best other record's
    confidence, what would be shown had the claim never been checked). The threshold
    is the lowest confidence at which the pooled precision, counting everything at or
    above it, reaches ``precision``.
    """
    pairs: list[tuple[float, bool]] = []
    for qid, (rows, X) in zip(ids, feats, strict=True):
        gold = qrels.get(qid)
        if not gold or not len(rows):
            continue
        conf = model.confidence(X)
        is_gold = np.array([index.ids_[int(r)] in gold for r in rows])
        if is_gold.any():
            pairs.append((float(conf[is_gold].max()), True))
        if (~is_gold).any():
            pairs.append((float(conf[~is_gold].max()), False))
    pairs.sort(key=lambda p: -p[0])
    best, right = 1.0, 0
    for n, (conf, ok) in enumerate(pairs, 1):
        right += ok
        if right / n >= precision:
            best = conf
    return round(best, 3)


def train_reranker(
    vclaims: Path, train: Path, dev: Path, *, cs: Sequence[float] = C_GRID
) -> tuple[Reranker, dict[str, float]]:
    """Fit the logistic re-ranker on ``train`` queries; choose C by MAP@5 on ``dev``.

    Returns the re-ranker and a report of MAP@5 for BM25, dense, RRF and it on train, dev
    and, when a ``dev-test`` folder is beside ``dev``, dev-test (scored after every choice).
    """
    from sklearn.linear_model import LogisticRegression

    from narratrace.factcheck.importers import read_records

    records, _ = read_records(vclaims, "vclaims")
    index = build_index(records, reranker=None)
    data = {}
    held_out = dev.parent / "dev-test"
    splits = [("train", train), ("dev", dev)] + ([("dev-test", held_out)] if (held_out / "queries.tsv").exists() else [])
    for name, split in splits:
        ids, texts, qrels = read_queries(split)
        data[name] = (ids, qrels, candidate_features(index, texts))
    ids, qrels, feats = data["train"]
    X = np.vstack([f[1] for f in feats])
    y = np.concatenate([[index.ids_[int(r)] in qrels.get(q, set()) for r in rows] for q, (rows, _) in zip(ids, feats, strict=True)]).astype(int)
    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-9
    report: dict[str, float] = {}
    best = None
    for c in cs:
        lr = LogisticRegression(C=c, max_iter=2000, random_state=SEED).fit((X - mean) / scale, y)
        model = Reranker(lr.coef_[0].tolist(), float(lr.intercept_[0]), mean.tolist(), scale.tolist())
        dids, dq, dfeats = data["dev"]
        m = mean_ap(rank_with(model.decision, index, dids, dfeats), dq)
        report[f"dev_map_at_5_C={c}"] = m
        if best is None or m > best[0]:
            best = (m, c, model)
    assert best is not None
    model = best[2]
    # confidence models: gold vs. the best NEG_PER_QUERY other records of each train query
    cx, cy = [], []
    for q, (rows, Xq) in zip(ids, feats, strict=True):
        gold = np.array([index.ids_[int(r)] in qrels.get(q, set()) for r in rows])
        order = np.argsort(-model.decision(Xq), kind="stable")
        negs = [j for j in order if not gold[j]][:NEG_PER_QUERY]
        for j in list(np.flatnonzero(gold)) + negs:
            cx.append(Xq[j])
            cy.append(int(gold[j]))
    CX, CY = np.asarray(cx), np.asarray(cy)
    A = CX[:, [FEATURES.index(f) for f in CONF_FEATURES]]
    cmean, cscale = A.mean(axis=0), A.std(axis=0) + 1e-9
    conf = LogisticRegression(C=1.0, max_iter=2000, random_state=SEED).fit((A - cmean) / cscale, CY)
    model.conf_coef, model.conf_intercept = conf.coef_[0].tolist(), float(conf.intercept_[0])
    model.conf_mean, model.conf_scale = cmean.tolist(), cscale.tolist()
    cal = LogisticRegression(C=1.0, max_iter=1000, random_state=SEED).fit(CX[:, [FEATURES.index("cos_max")]], CY)
    model.cos_coef, model.cos_intercept = float(cal.coef_[0][0]), float(cal.intercept_[0])
    model.meta = {
        "C": best[1], "c_grid": list(cs), "train_queries": len(ids), "train_pairs": int(len(y)), "seed": SEED,
        "tokenizer": TOKENIZER_VERSION, "trained": date.today().isoformat(),
        "queries": {name: len(d[0]) for name, d in data.items()},
    }
    dids, dq, dfeats = data["dev"]
    for target, key in ((0.95, "threshold_same_claim"), (0.8, "threshold_suggested")):
        report[key] = choose_threshold(model, index, dids, dq, dfeats, precision=target)
    scorers = dict(zip(SYSTEMS, (column("bm25_all"), column("cos_max"), rrf, model.decision), strict=True))
    for name, (qids, q, f) in data.items():
        for system, fn in scorers.items():
            report[f"{name}_{system}"] = mean_ap(rank_with(fn, index, qids, f), q)
    model.meta["map_at_5"] = {name: {s: round(report[f"{name}_{s}"], 4) for s in SYSTEMS} for name in data}
    model.meta["thresholds"] = {k: report[k] for k in ("threshold_same_claim", "threshold_suggested")}
    return model, report


def save_reranker(model: Reranker, target: Path) -> None:
    """Write the re-ranker to ``target`` and its model card (``MODEL_CARD.md``) beside it."""
    from narratrace.train.model_card import render_model_card

    target.parent.mkdir(parents=True, exist_ok=True)
    model.save(target)
    context = {"meta": model.meta, "systems": SYSTEMS, "n_features": len(FEATURES), "kb": target.stat().st_size / 1024}
    (target.parent / "MODEL_CARD.md").write_text(render_model_card("factcheck_rerank", context), encoding="utf-8")
