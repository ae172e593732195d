"""Build indexes, score rankings (MAP@k) and train the re-ranker.

Examples
--------
>>> average_precision(["a", "b", "c"], {"b"}, depth=5)
0.5
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from narratrace.config import models_dir
from narratrace.errors import EvalDataError
from narratrace.factcheck._index import (
    CONF_FEATURES,
    FEATURES,
    FactCheckIndex,
    Reranker,
    rrf_scores,
)
from narratrace.factcheck._records import FactCheckRecord

logger = logging.getLogger(__name__)

RERANKER_DIR = "factcheck_rerank"
RERANKER_FILE = "reranker.json"
SEED = 13
#: Hard negatives per training query for the confidence models: the records the ranker
#: puts highest after the gold one (3 keeps positives at a quarter of the pairs).
NEG_PER_QUERY = 3
_RERANKER: dict[str, Reranker | None] = {}


def default_reranker() -> Reranker | None:
    """The shipped re-ranker (``resources/factcheck_rerank/reranker.json``), if present."""
    path = models_dir() / RERANKER_DIR / RERANKER_FILE
    key = str(path)
    if key not in _RERANKER:
        _RERANKER[key] = Reranker.load(path) if path.exists() else None
        if _RERANKER[key] is None:
            logger.warning("no re-ranker at %s; ranking by reciprocal-rank fusion", path)
    return _RERANKER[key]


def embed_records(records: Sequence[FactCheckRecord]) -> tuple[np.ndarray, np.ndarray]:
    """Passage vectors of each record's claim and title.

    A record without a distinct title (EUvsDisinfo, where the title is the claim)
    reuses the claim's vector, so it costs one e5 pass.
    """
    from narratrace.text.embeddings import embed_passages

    claims = embed_passages([r.claim for r in records])
    titles = claims.copy()
    titled = [i for i, r in enumerate(records) if r.title and r.title != r.claim]
    if titled:
        titles[titled] = embed_passages([records[i].title or "" for i in titled])
    return claims, titles


def build_index(records: Sequence[FactCheckRecord], *, reranker: Reranker | None | str = "default") -> FactCheckIndex:
    """An in-memory index over ``records`` (embeds them, using the shared cache)."""
    rr = default_reranker() if reranker == "default" else reranker
    idx = FactCheckIndex(reranker=rr if not isinstance(rr, str) else None)
    claims, titles = embed_records(records)
    dates = [r.checked_on.date() if r.checked_on else None for r in records]
    has_titles = any(r.title and r.title != r.claim for r in records)
    idx.add([r.record_id for r in records], [r.text_fields() for r in records], claims, titles if has_titles else None, dates=dates)
    return idx


# -- CheckThat layout ----------------------------------------------------------------


def read_queries(split: Path) -> tuple[list[str], list[str], dict[str, set[str]]]:
    """``(query_ids, texts, qrels)`` of a split folder with ``queries.tsv`` and ``qrels.tsv``."""
    qfile, rfile = split / "queries.tsv", split / "qrels.tsv"
    for f in (qfile, rfile):
        if not f.exists():
            raise EvalDataError(f"{f} is missing: a claim-retrieval split has queries.tsv and qrels.tsv")
    ids, texts = [], []
    for n, line in enumerate(qfile.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t", 1)
        if len(parts) != 2:
            raise EvalDataError(f"{qfile}:{n}: expected tweet_id<TAB>text")
        if parts[0] == "tweet_id" and n == 1:
            continue
        ids.append(parts[0])
        texts.append(parts[1])
    qrels: dict[str, set[str]] = {}
    for n, line in enumerate(rfile.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split("\t")
        if len(parts) < 3:
            if line.strip():
                raise EvalDataError(f"{rfile}:{n}: expected tweet_id<TAB>0<TAB>vclaim_id<TAB>1")
            continue
        if len(parts) >= 4 and parts[3].strip() == "0":
            continue
        qrels.setdefault(parts[0], set()).add(parts[2])
    return ids, texts, qrels


def average_precision(ranked: Sequence[str], relevant: set[str], *, depth: int = 5) -> float:
    """AP@depth as the CheckThat! 2022 2A scorer computes it (divided by |relevant|)."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, rid in enumerate(ranked[:depth], 1):
        if rid in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


def mean_ap(rankings: dict[str, list[str]], qrels: dict[str, set[str]], *, depth: int = 5) -> float:
    """MAP@depth over the queries that have relevance judgements."""
    qs = [q for q in rankings if q in qrels]
    return float(np.mean([average_precision(rankings[q], qrels[q], depth=depth) for q in qs])) if qs else 0.0


def candidate_features(index: FactCheckIndex, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each query, its candidate rows and feature matrix."""
    from narratrace.text.embeddings import embed_queries

    qv = embed_queries(list(texts))
    return [index.features(t, v)[:2] for t, v in zip(texts, qv, strict=True)]


def rank_with(scores_fn, index: FactCheckIndex, ids: Sequence[str], feats, depth: int = 10) -> dict[str, list[str]]:
    """Rankings from a scoring function over each query's feature matrix."""
    out = {}
    for qid, (rows, X) in zip(ids, feats, strict=True):
        if not len(rows):
            out[qid] = []
            continue
        order = np.argsort(-scores_fn(X), kind="stable")[:depth]
        out[qid] = [index.ids_[int(rows[j])] for j in order]
    return out


def column(name: str):
    j = FEATURES.index(name)
    return lambda X: X[:, j]


def rrf(X: np.ndarray) -> np.ndarray:
    """Reciprocal-rank fusion scores of a feature matrix."""
    return rrf_scores(X)


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
    vclaims: Path, train: Path, dev: Path, *, cs: Sequence[float] = (0.01, 0.1, 1.0, 10.0)
) -> tuple[Reranker, dict[str, float]]:
    """Fit the logistic re-ranker on ``train`` queries; choose C by MAP@5 on ``dev``.

    Returns the re-ranker and a report of train/dev MAP@5 for BM25, dense, RRF and it.
    """
    from sklearn.linear_model import LogisticRegression

    from narratrace.factcheck.importers import read_records

    records, _ = read_records(vclaims, "vclaims")
    index = build_index(records, reranker=None)
    data = {}
    for name, split in (("train", train), ("dev", dev)):
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
    model.meta = {"C": best[1], "train_queries": len(ids), "train_pairs": int(len(y)), "seed": SEED}
    dids, dq, dfeats = data["dev"]
    for target, key in ((0.95, "threshold_same_claim"), (0.8, "threshold_suggested")):
        report[key] = choose_threshold(model, index, dids, dq, dfeats, precision=target)
    for name, (qids, q, f) in data.items():
        report[f"{name}_bm25"] = mean_ap(rank_with(column("bm25_all"), index, qids, f), q)
        report[f"{name}_dense"] = mean_ap(rank_with(column("cos_max"), index, qids, f), q)
        report[f"{name}_rrf"] = mean_ap(rank_with(rrf, index, qids, f), q)
        report[f"{name}_reranked"] = mean_ap(rank_with(model.decision, index, qids, f), q)
    return model, report
