"""Speed of the ``techniques.v1`` stage against the spaCy English parse, on the same texts.

Run on one core::

    OMP_NUM_THREADS=1 taskset -c 0 python benchmarks/persuasion_speed.py [--docs 30]

Texts: ``examples/*.txt`` plus, when present, the first ``--docs`` PTC dev articles from
``../shared/data`` (or ``NARRATRACE_SHARED_DATA``). Both sides read exactly the same text
in the same process, so the printed ratios are stable on a noisy machine.

Three timings of the stage (all after a warm-up that loads the models):

- ``tfidf``: the stage with ``NARRATRACE_TECHNIQUES_EMBEDDINGS=off`` (the sparse
  paragraph and span models only, no e5);
- ``cold``: the full stage, e5 embeddings of paragraphs and candidate spans computed
  (into a fresh, empty cache);
- ``warm``: the full stage again, embeddings read from the on-disk cache (what a
  re-analysis, or a pipeline whose other stages already embedded the paragraphs, pays).

Each line prints words/s and the ratio to spaCy words/s (above 1: faster than the parse).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NARRATRACE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _texts(n: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    ptc = SHARED / "semeval2020-task11-ptc" / "dev" / "articles"
    if ptc.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(ptc.glob("article*.txt"))[:n]]
    return [t for t in texts if t.strip()]


def _run_stage(texts: list[str]) -> tuple[float, int]:
    from narratrace.analyze.techniques.stage import TechniquesStage
    from narratrace.model import Analysis, Article

    stage = TechniquesStage()
    t0 = time.perf_counter()
    n_spans = 0
    for text in texts:
        a = stage(Analysis(article=Article(text=text, lang="en"), language="en"))
        n_spans += len(a.techniques)
    return time.perf_counter() - t0, n_spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=30, help="PTC dev articles to add to the examples")
    args = parser.parse_args()

    from narratrace.analyze.techniques.predict import get_model
    from narratrace.analyze.techniques.stage import TechniquesStage
    from narratrace.model import Analysis, Article
    from narratrace.text.nlp import english

    texts = _texts(args.docs)
    words = sum(len(t.split()) for t in texts)
    nlp = english()
    model = get_model()
    nlp("Warm up the parser.")
    TechniquesStage()(Analysis(article=Article(text="They lie to you.", lang="en"), language="en"))

    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    t_spacy = time.perf_counter() - t0
    assert len(docs) == len(texts)
    spacy_wps = words / t_spacy
    print(f"texts={len(texts)} words={words}")
    print(f"spacy en_core_web_sm parse: {spacy_wps:8.0f} words/s ({t_spacy:.2f}s)")

    from narratrace.analyze.techniques.predict import EMBEDDINGS_ENV

    os.environ[EMBEDDINGS_ENV] = "off"  # sparse paragraph and span models only, no e5
    t_tfidf, n_tfidf = _run_stage(texts)
    del os.environ[EMBEDDINGS_ENV]
    print(f"techniques.v1 tfidf only:   {words / t_tfidf:8.0f} words/s ({t_tfidf:.2f}s, {n_tfidf} spans)  ratio={spacy_wps and (words / t_tfidf) / spacy_wps:.2f}")
    if not model.paragraphs.uses_embeddings:
        print("the shipped model has no embedding part: cold/warm timings skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        # A fresh, empty cache: every paragraph is encoded once ("cold"), then read back ("warm").
        os.environ["NARRATRACE_CACHE"] = tmp
        import narratrace.text.embeddings as emb

        emb._cache_conn = None
        t_cold, n_cold = _run_stage(texts)
        t_warm, _ = _run_stage(texts)
        if emb._cache_conn is not None:
            emb._cache_conn.close()
            emb._cache_conn = None
    print(f"techniques.v1 cold e5:      {words / t_cold:8.0f} words/s ({t_cold:.2f}s, {n_cold} spans)  ratio={(words / t_cold) / spacy_wps:.2f}")
    print(f"techniques.v1 warm cache:   {words / t_warm:8.0f} words/s ({t_warm:.2f}s)  ratio={(words / t_warm) / spacy_wps:.2f}")


if __name__ == "__main__":
    main()
