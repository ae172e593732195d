"""Cost of the check-worthiness encoder head against the spaCy parse, in one process.

Run on one core::

    OMP_NUM_THREADS=1 python benchmarks/encoder_checkworthiness_speed.py [--docs 10]

Texts: ``examples/*.txt`` plus, when present, the first ``--docs`` PTC dev articles from
``../shared/data`` (or ``NARRATRACE_SHARED_DATA``). The spaCy English parse reads the
texts; its sentences are then scored by the stage's scoring function
(:func:`narratrace.analyze.claims.checkworthiness.score_texts`) with the TF-IDF model and
with the encoder head (numpy e5 forward of layers up to the head's deepest). Each line
prints words/s of the article text and the ratio to the parse's words/s (above 1: faster
than the parse), after a warm-up that loads every model; fastest of ``--repeat`` runs;
then the process's peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

# The same texts as the persuasion benchmark (this folder is on sys.path when run as a script).
from persuasion_speed import _texts  # noqa: E402


def _fastest(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Seconds of the fastest of ``repeat`` calls, and the last call's result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10, help="PTC dev articles to add to the examples")
    parser.add_argument("--repeat", type=int, default=2, help="runs per timing (the fastest counts)")
    args = parser.parse_args()

    from narratrace.analyze.claims.checkworthiness import active_model, score_texts
    from narratrace.text.nlp import english

    texts = _texts(args.docs)
    words = sum(len(t.split()) for t in texts)
    nlp = english()
    models = {name: active_model(name) for name in ("tfidf", "encoder")}
    nlp("Warm up the parser.")
    for model in models.values():
        score_texts(["Warm up the model with four words."], model)

    t_spacy, docs = _fastest(lambda: list(nlp.pipe(texts, batch_size=16)), args.repeat)
    sentences = [s.text for d in docs for s in d.sents]
    spacy_wps = words / t_spacy
    print(f"texts={len(texts)} words={words} sentences={len(sentences)} "
          f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}")
    print(f"spaCy parse: {spacy_wps:8.0f} words/s  ratio 1.00")
    for name, model in models.items():
        t, _ = _fastest(lambda m=model: score_texts(sentences, m), args.repeat)
        print(f"{name:>11}: {words / t:8.0f} words/s  ratio {words / t / spacy_wps:.3f}")
    print(f"peak memory (all of the above): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
