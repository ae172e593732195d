"""Narrative building benchmark (one core): full rebuild against an incremental update.

The development story (``tests/fixtures/story_velm``, 33 articles) is repeated ``--copies``
times, each copy's articles renamed and moved ``--shift-days`` later, and ingested with the
default pipeline (not timed). Then, in this order:

1. ``full``: :func:`narratrace.corpus.build.build` over all but the last copy (a full build:
   dedup, stories, grouping, every event typed);
2. ``incremental``: the last copy ingested and built (only its mentions placed and typed);
3. ``rebuild``: a build that finds nothing new (an exact regroup of everything).

Each line gives seconds, articles/s over the corpus at that point and the process's peak
resident memory. The story's embeddings are cached on disk after a first run, so a second
run measures the narrative work rather than e5.

Run: ``OMP_NUM_THREADS=1 python benchmarks/narratives_incremental.py [--copies 6]``
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STORY = REPO / "tests" / "fixtures" / "story_velm"


def write_copies(out: Path, copies: int, shift_days: int) -> list[Path]:
    """One JSONL file per copy of the story, ids suffixed and dates shifted."""
    articles = [json.loads(line) for f in sorted(STORY.glob("*.jsonl")) for line in f.read_text(encoding="utf-8").splitlines() if line]
    files = []
    for k in range(copies):
        path = out / f"copy{k:02d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for a in articles:
                when = datetime.fromisoformat(a["published"].replace("Z", "+00:00")) + timedelta(days=k * shift_days)
                fh.write(json.dumps({**a, "id": f"{a['id']}-c{k}", "url": f"{a['url']}-c{k}", "published": when.isoformat(),
                                     "text": a["text"] + f" (Edition {k}.)"}, ensure_ascii=False) + "\n")
        files.append(path)
    return files


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=6)
    ap.add_argument("--shift-days", type=int, default=200)
    args = ap.parse_args()

    from narratrace.corpus.build import build, publication_count
    from narratrace.corpus.ingest_corpus import ingest
    from narratrace.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        files = write_copies(Path(tmp), args.copies, args.shift_days)
        engine = open_store(f"sqlite:///{tmp}/bench.db")
        ingest(files[:-1], engine)
        t0 = time.perf_counter()
        full = build(engine)
        t_full = time.perf_counter() - t0
        n = publication_count(engine)
        print(f"full         {t_full:7.2f} s  {n / t_full:7.1f} articles/s  {n} articles  {len(full.narratives)} narratives  peak {peak_mib():.0f} MiB")
        ingest(files[-1:], engine)
        t0 = time.perf_counter()
        inc = build(engine)
        t_inc = time.perf_counter() - t0
        n = publication_count(engine)
        assert inc.incremental
        print(f"incremental  {t_inc:7.2f} s  {n / t_inc:7.1f} articles/s  {n} articles  {len(inc.narratives)} narratives  peak {peak_mib():.0f} MiB")
        t0 = time.perf_counter()
        again = build(engine)
        t_again = time.perf_counter() - t0
        print(f"rebuild      {t_again:7.2f} s  {n / t_again:7.1f} articles/s  {n} articles  {len(again.narratives)} narratives  peak {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
