"""Fact-check matching speed: build time, query latency and memory of the hybrid index.

Synthetic records (Zipf-distributed words from a 50k-word vocabulary, 8-20 words a
claim, random unit vectors standing in for e5) are indexed at 10k and 100k records
(1M with ``--with-1m``). For each size it prints the build time, p50/p95 latency of
:meth:`FactCheckIndex.search` (BM25 over four fields + dense cosine + fusion, query
vector given: e5 query embedding is a constant ~30 ms on top, measured once), the
memory of the index arrays, and the same latencies for an *exhaustive scan* run in
the same process: every record's token set intersected with the query and a dot
product per record, in Python, which is what matching without an index costs.
The ratio is scan / index (higher is better).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/match_speed.py [--with-1m] [--queries 50]
"""

from __future__ import annotations

import argparse
import gc
import time

import numpy as np

from narratrace.factcheck._index import FactCheckIndex

VOCAB = 50_000
DIM = 384
SEED = 7


def synthetic(n: int, rng: np.random.Generator) -> tuple[list[str], list[dict[str, str]], np.ndarray]:
    ranks = np.arange(1, VOCAB + 1)
    p = 1.0 / ranks**1.05
    p /= p.sum()
    lens = rng.integers(8, 21, size=n)
    words = rng.choice(VOCAB, size=int(lens.sum()), p=p)
    texts, pos = [], 0
    for ln in lens:
        texts.append({"claim": " ".join(f"w{w}x" for w in words[pos : pos + ln])})
        pos += ln
    vecs = rng.standard_normal((n, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return [f"r{i}" for i in range(n)], texts, vecs


def index_bytes(index: FactCheckIndex) -> int:
    total = index.claim_vecs_.nbytes + (index.title_vecs_.nbytes if index.title_vecs_ is not None else 0)
    for model in (index._bm25 or {}).values():
        for arr in model.scores.values():
            if isinstance(arr, np.ndarray):
                total += arr.nbytes
    return total


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def scan(query: str, qvec: np.ndarray, token_sets: list[set[str]], vecs: np.ndarray, k: int = 5) -> list[int]:
    from narratrace.factcheck._text import tokenize

    q = set(tokenize(query, "en"))
    scores = []
    for i, toks in enumerate(token_sets):
        scores.append(len(q & toks) / (1 + len(toks)) + float(vecs[i] @ qvec))
    return sorted(range(len(scores)), key=scores.__getitem__, reverse=True)[:k]


def run(n: int, n_queries: int, rng: np.random.Generator) -> None:
    ids, texts, vecs = synthetic(n, rng)
    rss0 = rss_mb()
    t0 = time.perf_counter()
    index = FactCheckIndex()
    index.add(ids, texts, vecs, langs=["en"] * len(ids))
    index._lexical()
    build = time.perf_counter() - t0
    rss1 = rss_mb()
    picks = rng.choice(n, size=n_queries, replace=False)
    queries = [" ".join(texts[i]["claim"].split()[: 6]) for i in picks]
    qvecs = vecs[picks] + 0.05 * rng.standard_normal((n_queries, DIM)).astype(np.float32)
    qvecs /= np.linalg.norm(qvecs, axis=1, keepdims=True)
    lat, found = [], 0
    for q, v, gold in zip(queries, qvecs, picks, strict=True):
        t = time.perf_counter()
        hits = index.search([q], k=5, query_vectors=v[None, :])[0]
        lat.append(time.perf_counter() - t)
        found += hits[0].record_id == ids[gold]
    token_sets = [set(t) for t in index.tokens_["claim"]]
    n_scan = max(3, min(n_queries, 2_000_000 // n))
    slat = []
    for q, v in zip(queries[:n_scan], qvecs[:n_scan], strict=True):
        t = time.perf_counter()
        scan(q, v, token_sets, vecs)
        slat.append(time.perf_counter() - t)
    p50, p95 = np.percentile(lat, 50) * 1000, np.percentile(lat, 95) * 1000
    s50, s95 = np.percentile(slat, 50) * 1000, np.percentile(slat, 95) * 1000
    print(
        f"n={n:>8,d} build={build:7.1f}s  index p50={p50:7.1f}ms p95={p95:7.1f}ms  "
        f"scan p50={s50:8.1f}ms p95={s95:8.1f}ms  ratio(scan/index) p50={s50 / p50:5.1f}x p95={s95 / p95:5.1f}x  "
        f"index_arrays={index_bytes(index) / 2**20:7.1f}MiB rss_delta={rss1 - rss0:7.1f}MiB top1={found}/{n_queries}",
        flush=True,
    )
    del index, token_sets
    gc.collect()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--with-1m", action="store_true", help="also run 1,000,000 records (minutes, ~4 GB RAM)")
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--e5", action="store_true", help="also time one e5 query embedding (loads the model)")
    args = ap.parse_args()
    rng = np.random.default_rng(SEED)
    if args.e5:
        from narratrace.text.embeddings import embed_queries

        embed_queries(["warm up"])
        t = time.perf_counter()
        embed_queries([f"is it true that claim number {time.time()} happened"])
        print(f"e5 query embedding: {1000 * (time.perf_counter() - t):.1f}ms (added to every query)")
    for n in (10_000, 100_000) + ((1_000_000,) if args.with_1m else ()):
        run(n, args.queries, rng)


if __name__ == "__main__":
    main()
