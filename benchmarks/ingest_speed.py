"""Ingest benchmark (one core): articles/s and peak memory, against the spaCy parse alone.

1. Synthetic articles (default 1,000; ``--articles 10000`` for the large run): each joins
   ``--paragraphs`` example articles (sentences shuffled, numbered), so every text is new
   and about as long as a short news item. Characters per article are printed.
2. In the same run, each in a fresh process (so that its peak memory is its own):

   - ``spacy_parse``: ``en_core_web_sm`` over the texts with ``nlp.pipe`` (the floor:
     every profile parses each English article once);
   - ``store_only``: ``narratrace.corpus.ingest(..., analyze=False)``;
   - ``corpus_profile``: ingest with :data:`narratrace.corpus.ingest_corpus.CORPUS_PROFILE`
     (what ``narratives`` needs; no persuasion techniques, no picture reuse): what
     ``narratrace corpus ingest --profile corpus`` runs;
   - ``full_pipeline``: ingest with the default pipeline.

   Models load before the clock starts. Each line gives articles/s, the ratio to the spaCy
   parse (speed of the parse / speed of the profile: how many parses one article costs) and
   the process's peak resident memory.
3. Near-duplicate detection (MinHash LSH, :class:`narratrace.corpus.dedup.Deduplicator`) on
   ``--docs`` synthetic documents (1% planted near-duplicates) against exhaustive pairwise
   Jaccard timed on a sample; ``--docs 0`` skips it.

Run: ``OMP_NUM_THREADS=1 python benchmarks/ingest_speed.py [--articles 1000] [--large]
[--profiles spacy_parse,store_only,corpus_profile,full_pipeline] [--docs 0]``
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROFILES = ("spacy_parse", "store_only", "corpus_profile", "full_pipeline")
LARGE = 10_000
# Articles analysed (and thrown away) before the clock starts: loads every model.
WARM_UP = 8


def _example_rows() -> list[dict]:
    rows = []
    for path in sorted((REPO / "examples" / "corpus" / "velora").glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def synthetic_corpus(path: Path, n: int, *, paragraphs: int = 4, seed: int = 0) -> float:
    """Write ``n`` synthetic articles to a JSONL file; return the mean characters per article."""
    rng = random.Random(seed)
    rows = _example_rows()
    chars = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            first = dict(rows[i % len(rows)])
            parts = []
            for _ in range(paragraphs):
                sentences = rng.choice(rows)["text"].split(". ")
                rng.shuffle(sentences)
                parts.append(". ".join(sentences))
            first["id"] = f"bench-{i}"
            first["text"] = "\n\n".join(parts) + f" Report number {i}."
            chars += len(first["text"])
            fh.write(json.dumps(first, ensure_ascii=False) + "\n")
    return chars / max(n, 1)


def _texts(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]


def _run_profile(profile: str, corpus: str, workdir: str) -> dict[str, float]:
    """One profile in this (fresh) process: seconds, articles and peak memory in MB."""
    from narratrace.corpus.ingest_corpus import CORPUS_PROFILE, ingest
    from narratrace.store import open_store

    corpus_path = Path(corpus)
    texts = _texts(corpus_path)
    if profile == "spacy_parse":
        from narratrace.text.nlp import english

        nlp = english()
        list(nlp.pipe(texts[:WARM_UP]))
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=32):
            pass
        seconds = time.perf_counter() - t0
    else:
        engine = open_store(f"sqlite:///{workdir}/{profile}.db")
        stages = {"corpus_profile": list(CORPUS_PROFILE), "full_pipeline": None}.get(profile)
        if profile != "store_only":
            from narratrace.analyze.pipeline import get_pipeline
            from narratrace.model import Article

            list(get_pipeline(stages, store=engine).pipe([Article(text=t) for t in texts[-WARM_UP:]]))
        t0 = time.perf_counter()
        report = ingest([corpus_path], engine, analyze=profile != "store_only", stages=stages)
        seconds = time.perf_counter() - t0
        engine.dispose()
        if report.new != len(texts) or (profile != "store_only" and report.analyzed != len(texts)):
            raise SystemExit(f"{profile}: {report.to_dict()}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "articles": len(texts), "peak_mb": peak_mb}


def bench_ingest(n: int, profiles: list[str], *, paragraphs: int = 4) -> tuple[float, dict[str, dict[str, float]]]:
    """Mean characters per article and, per profile, articles/s and peak memory."""
    results: dict[str, dict[str, float]] = {}
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "bench.jsonl"
        chars = synthetic_corpus(corpus, n, paragraphs=paragraphs)
        for profile in profiles:
            with ctx.Pool(1) as pool:
                r = pool.apply(_run_profile, (profile, str(corpus), tmp))
            r["rate"] = r["articles"] / r["seconds"]
            results[profile] = r
            print(f"  ... {profile}: {r['rate']:.2f} articles/s", file=sys.stderr, flush=True)
    return chars, results


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
    ap.add_argument("--articles", type=int, default=1000, help="synthetic articles to ingest (default 1000)")
    ap.add_argument("--large", action="store_true", help=f"ingest {LARGE:,} articles instead")
    ap.add_argument("--paragraphs", type=int, default=4, help="example articles joined into one synthetic article")
    ap.add_argument("--profiles", default=",".join(PROFILES), help="comma-separated subset of " + ", ".join(PROFILES))
    ap.add_argument("--docs", type=int, default=100_000, help="documents for the near-duplicate benchmark (0 skips it)")
    args = ap.parse_args(argv)
    n = LARGE if args.large else args.articles
    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    unknown = sorted(set(profiles) - set(PROFILES))
    if unknown:
        ap.error(f"unknown profile(s) {', '.join(unknown)}")
    chars, results = bench_ingest(n, profiles, paragraphs=args.paragraphs)
    print(f"ingest of {n} synthetic articles ({chars:.0f} characters each on average), one process per profile:")
    parse = results.get("spacy_parse")
    for profile, r in results.items():
        ratio = f", {parse['rate'] / r['rate']:.2f}x the spaCy parse's time" if parse and profile != "spacy_parse" else ""
        print(f"  {profile:15s} {r['rate']:8.2f} articles/s{ratio}; peak memory {r['peak_mb']:.0f} MB")
    if args.docs:
        nd = bench_near_duplicates(args.docs)
        print(
            f"near-duplicates on {nd['docs']} docs: LSH {nd['lsh_seconds']:.1f}s vs exhaustive pairwise "
            f"~{nd['exhaustive_seconds_estimated']:.0f}s (estimated from a sample) -> ratio {nd['speedup']:.1f}x, "
            f"recall of planted copies {nd['recall_planted']:.3f}"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
