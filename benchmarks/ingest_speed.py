"""Ingest and near-duplicate benchmark (one core).

1. Articles per second through ``narratrace.corpus.ingest`` into a fresh SQLite store,
   with and without the default analysis pipeline (synthetic variants of the example
   corpus, so every text is new).
2. Near-duplicate detection (MinHash LSH, :class:`narratrace.corpus.dedup.Deduplicator`)
   on N synthetic documents (default 100,000, 1% planted near-duplicates), against
   exhaustive pairwise Jaccard timed on a sample and scaled by the number of pairs,
   in the same process; recall of the planted pairs is printed too.
3. Peak resident memory of the process.

Run: ``OMP_NUM_THREADS=1 python benchmarks/ingest_speed.py [--docs 100000] [--articles 60]``
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _synthetic_corpus(folder: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    rows = []
    for path in sorted((REPO / "examples" / "corpus" / "velora").glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with (folder / "bench.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n):
            r = dict(rows[i % len(rows)])
            sentences = r["text"].split(". ")
            rng.shuffle(sentences)
            r["id"] = f"bench-{i}"
            r["text"] = ". ".join(sentences) + f" Report number {i}."
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def bench_ingest(n: int) -> dict[str, float]:
    from narratrace.corpus.ingest_corpus import ingest
    from narratrace.store import open_store

    out = {}
    for analyze in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            _synthetic_corpus(folder, n)
            engine = open_store(f"sqlite:///{tmp}/bench.db")
            if analyze:  # load models outside the timing
                from narratrace.api import analyze_article
                from narratrace.model import Article

                analyze_article(Article(text="Warm-up sentence. Officials denied it."))
            t0 = time.perf_counter()
            report = ingest([folder], engine, analyze=analyze)
            dt = time.perf_counter() - t0
            engine.dispose()
            out["with_analysis" if analyze else "store_only"] = report.new / dt
    return out


def _docs(n: int, seed: int = 1) -> tuple[list, set]:
    from narratrace.corpus.dedup import DocRef

    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(20000)]
    docs, planted = [], set()
    for i in range(n):
        if i and i % 100 == 0:  # 1%: a copy of an earlier document with 2 of 80 words changed (Jaccard ~0.77)
            j = rng.randrange(i)
            words = docs[j].text.split()
            for _ in range(2):
                words[rng.randrange(len(words))] = rng.choice(vocab)
            docs.append(DocRef(f"d{i}", " ".join(words)))
            planted.add((f"d{j}", f"d{i}"))
        else:
            docs.append(DocRef(f"d{i}", " ".join(rng.choice(vocab) for _ in range(80))))
    return docs, planted


def bench_near_duplicates(n: int, sample: int = 1500) -> dict[str, float]:
    from narratrace.corpus.dedup import SHINGLE_WORDS, Deduplicator, _shingles, words

    docs, planted = _docs(n)
    t0 = time.perf_counter()
    dedup = Deduplicator(wire_min_words=0).fit(docs)
    lsh_s = time.perf_counter() - t0
    found = {(lk.a, lk.b) if int(lk.a[1:]) < int(lk.b[1:]) else (lk.b, lk.a) for lk in dedup.links_}
    recall = len(planted & found) / max(len(planted), 1)

    sets = [_shingles(words(d.text), SHINGLE_WORDS) for d in docs[:sample]]
    t0 = time.perf_counter()
    for i in range(len(sets)):
        a = sets[i]
        for j in range(i + 1, len(sets)):
            b = sets[j]
            _ = len(a & b) / (len(a | b) or 1)
    pair_s = time.perf_counter() - t0
    pairs_sample = sample * (sample - 1) / 2
    pairs_full = n * (n - 1) / 2
    exhaustive_s = pair_s * pairs_full / pairs_sample
    return {"docs": n, "lsh_seconds": lsh_s, "exhaustive_seconds_estimated": exhaustive_s, "speedup": exhaustive_s / lsh_s, "recall_planted": recall}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--articles", type=int, default=60)
    args = ap.parse_args(argv)
    rates = bench_ingest(args.articles)
    print(f"ingest store_only: {rates['store_only']:.1f} articles/s")
    print(f"ingest with_analysis: {rates['with_analysis']:.2f} articles/s (ratio to store-only: {rates['with_analysis'] / rates['store_only']:.3f})")
    nd = bench_near_duplicates(args.docs)
    print(
        f"near-duplicates on {nd['docs']} docs: LSH {nd['lsh_seconds']:.1f}s vs exhaustive pairwise "
        f"~{nd['exhaustive_seconds_estimated']:.0f}s (estimated from a sample) -> ratio {nd['speedup']:.1f}x, "
        f"recall of planted copies {nd['recall_planted']:.3f}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory: {peak / 1024:.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
