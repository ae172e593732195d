"""Batching windows and pooling them into sentence vectors (numpy; shared by every runtime).

``e5.c``'s ``embed_n`` mean-pools each window over all its tokens (``<s>`` and ``</s>``
included), averages a text's windows weighted by their content-token counts and
L2-normalises; :func:`pool_windows` does the same from per-window means.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from narratrace.encoder._tokenizer import Window

# Windows per forward pass: bounds padding waste and activation memory (a 512-token window
# at batch 32 is ~300 MB of fp32 attention scores); windows are sorted by length first.
BATCH_WINDOWS = 32


def padded_batches(
    windows: Sequence[Window], pad_id: int, batch: int = BATCH_WINDOWS
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Yield ``(window indices, input_ids, attention_mask)`` int64 batches, shortest first."""
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
    for s in range(0, len(order), batch):
        idx = np.asarray(order[s : s + batch], dtype=np.int64)
        width = max(len(windows[i].ids) for i in idx)
        ids = np.full((len(idx), width), pad_id, dtype=np.int64)
        mask = np.zeros((len(idx), width), dtype=np.int64)
        for r, i in enumerate(idx):
            n = len(windows[i].ids)
            ids[r, :n] = windows[i].ids
            mask[r, :n] = 1
        yield idx, ids, mask


def combine_windows(windows: Sequence[Window], values: np.ndarray, n_texts: int) -> np.ndarray:
    """Average per-window ``values[w, ...]`` per text, weighted by content-token counts."""
    out = np.zeros((n_texts, *values.shape[1:]), dtype=np.float64)
    weight = np.zeros(n_texts, dtype=np.float64)
    for w, vec in zip(windows, values, strict=True):
        k = max(len(w.ids) - 2, 1)
        out[w.text_index] += k * vec
        weight[w.text_index] += k
    return out / np.maximum(weight, 1.0).reshape(-1, *[1] * (values.ndim - 1))


def pool_windows(windows: Sequence[Window], means: np.ndarray, n_texts: int) -> np.ndarray:
    """Combine per-window mean vectors into one L2-normalised float32 vector per text."""
    out = combine_windows(windows, means, n_texts)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
    return out.astype(np.float32)
