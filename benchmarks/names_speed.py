"""Speed of name masking (``names.v1``), as a ratio to the spaCy English parse in the same run.

Run on one core::

    OMP_NUM_THREADS=1 taskset -c 0 python benchmarks/names_speed.py [--docs 30]

Texts: PolNeAR dev articles from ``../shared/data`` (or ``NARRATRACE_SHARED_DATA``) when
present, else the team's metamorphic corpus in ``tests/fixtures/neutrality``. Masking finds
every name and builds the neutral text and the offset maps; restoring maps every offset back.
The ratio is masking words/s over spaCy words/s: above 1 means masking costs less than the
parse it precedes.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _texts(n: int) -> list[str]:
    base = Path(os.environ.get("NARRATRACE_SHARED_DATA", REPO.parent / "shared" / "data"))
    folder = base / "polnear" / "dev" / "text"
    if folder.is_dir():
        return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[:n]]
    return [p.read_text(encoding="utf-8") for p in sorted((REPO / "tests" / "fixtures" / "neutrality" / "texts").glob("en_*.txt"))][:n]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=30)
    args = parser.parse_args()
    from narratrace.text.names import NameMask
    from narratrace.text.nlp import english
    from narratrace.text.segment import paragraph_spans

    texts = _texts(args.docs)
    words = sum(len(t.split()) for t in texts)
    nlp = english()
    NameMask.build(texts[0], [(0, len(texts[0]), "en")])  # load the gazetteer outside the timed region

    t0 = time.perf_counter()
    list(nlp.pipe(texts, batch_size=16))
    t_spacy = time.perf_counter() - t0

    t0 = time.perf_counter()
    masks = [NameMask.build(t, [(s, e, "en") for s, e in paragraph_spans(t)]) for t in texts]
    t_mask = time.perf_counter() - t0
    names = sum(len(m.mentions) for m in masks)

    print(f"docs={len(texts)} words={words} names={names}")
    print(f"spacy parse: {words / t_spacy:,.0f} words/s")
    print(f"name masking: {words / t_mask:,.0f} words/s")
    print(f"names_vs_spacy_ratio={t_spacy / t_mask:.2f}")


if __name__ == "__main__":
    main()
