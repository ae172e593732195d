"""Build indexes and score rankings (MAP@k); training is :mod:`narratrace.train.claim_reranker`.

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
    FEATURES,
    FactCheckIndex,
    Reranker,
    rrf_scores,
)
from narratrace.factcheck._records import FactCheckRecord
from narratrace.factcheck._text import TOKENIZER_VERSION

logger = logging.getLogger(__name__)

RERANKER_DIR = "factcheck_rerank"
RERANKER_FILE = "reranker.json"
_RERANKER: dict[str, Reranker | None] = {}


def default_reranker() -> Reranker | None:
    """The shipped re-ranker (``resources/factcheck_rerank/reranker.json``), if present."""
    path = models_dir() / RERANKER_DIR / RERANKER_FILE
    key = str(path)
    if key not in _RERANKER:
        _RERANKER[key] = Reranker.load(path) if path.exists() else None
        if _RERANKER[key] is None:
            logger.warning("no re-ranker at %s; ranking by reciprocal-rank fusion", path)
        elif _RERANKER[key].meta.get("tokenizer", 1) != TOKENIZER_VERSION:
            logger.warning(
                "the re-ranker at %s was trained on tokenizer version %s, this is %s: re-train it "
                "(`narratrace train claim-reranker`, docs/factcheck.md)", path, _RERANKER[key].meta.get("tokenizer", 1), TOKENIZER_VERSION,
            )
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
    langs = [r.language for r in records]
    idx.add([r.record_id for r in records], [r.text_fields() for r in records], claims, titles if has_titles else None, dates=dates, langs=langs)
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
    """For each query, its candidate rows and feature matrix (each query's language detected)."""
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
