"""Speed of the whole ``analyze`` pipeline against the spaCy English pipeline alone.

Both run on the same texts in the same process, so the printed ratio is stable on
noisy machines even when absolute words per second drift.

Usage: ``OMP_NUM_THREADS=1 python benchmarks/analyze_speed.py [--repeat N] [--stages a,b] [--db URL]``

Without ``--db`` the pipeline has no store: fact-check matching and picture reuse record
``{"database": "none"}`` and touch no database. ``--db URL`` passes that store (as
``narratrace --db URL analyze`` does), so those stages read it.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed" / "000_73c1a39f5d570c75.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the example articles")
    parser.add_argument("--stages", default=None, help="comma-separated stages (default: the default pipeline)")
    parser.add_argument("--db", default=None, metavar="URL", help="store the pipeline reads (default: none)")
    args = parser.parse_args()

    from narratrace.analyze.pipeline import Pipeline
    from narratrace.ingest import read_file
    from narratrace.text.language import detect_language
    from narratrace.text.nlp import english

    paths = sorted(EXAMPLES.glob("*.txt")) + sorted(EXAMPLES.glob("*.html"))
    if SEED.is_file():
        paths.append(SEED)
    # English only, so that both sides parse exactly the same text with the same model.
    articles = [a for p in paths for a in read_file(p) if detect_language(a.text)[0] == "en"]
    english_texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in english_texts)
    store = None
    if args.db:
        from narratrace.store import open_store

        store = open_store(args.db)
    pipeline = Pipeline(args.stages.split(",") if args.stages else None, store=store)
    nlp = english()
    # Warm-up: load every model once so that loading is not timed.
    nlp(english_texts[0])
    list(pipeline.pipe(read_file(sorted(EXAMPLES.glob("*.txt"))[0])))

    start = time.perf_counter()
    for _ in range(args.repeat):
        for text in english_texts:
            nlp(text)
    spacy_seconds = time.perf_counter() - start

    start = time.perf_counter()
    for _ in range(args.repeat):
        for analysis in pipeline.pipe(articles, batch_size=8):
            analysis._cache.clear()
    pipeline_seconds = time.perf_counter() - start

    total = words * args.repeat
    print(f"articles: {len(articles)} x {args.repeat}, words: {total}")
    print(f"stages: {', '.join(pipeline.names)}")
    print(f"spaCy en_core_web_sm alone : {total / spacy_seconds:8.0f} words/s")
    print(f"narratrace analyze pipeline: {total / pipeline_seconds:8.0f} words/s")
    print(f"ratio pipeline/spaCy speed : {spacy_seconds / pipeline_seconds:.3f} (1.0 = as fast as spaCy alone)")


if __name__ == "__main__":
    main()
