"""The span tagger fine-tune's data path: word windows, word labels, spans from word scores."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from narratrace.encoder import E5File, E5Tokenizer  # noqa: E402
from narratrace.eval.persuasion import si_prf  # noqa: E402
from narratrace.train.spans_finetune import predicted_spans, token_units  # noqa: E402

TEXT = "Headline here\nThe so-called experts, as usual, lied to everyone.\nЭто «наглая ложь», заявил он."


@pytest.fixture(scope="module")
def tok() -> E5Tokenizer:
    f = E5File()
    return E5Tokenizer(f.vocab, f.config.max_positions)


def _paragraphs() -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in TEXT.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def test_word_windows_are_the_whole_paragraph_windows(tok) -> None:
    units = token_units(tok, "a", "en", TEXT, _paragraphs(), [])
    for unit, (s, e) in zip(units, _paragraphs(), strict=True):
        assert unit.window.ids == tok.windows([TEXT[s:e]])[0].ids
        assert [TEXT[a:b] for a, b in unit.words] == TEXT[s:e].split()


def test_words_inside_gold_spans_are_labelled(tok) -> None:
    start = TEXT.index("so-called")
    gold = [(start, start + len("so-called experts"))]
    unit = token_units(tok, "a", "en", TEXT, _paragraphs(), gold)[1]
    inside = [TEXT[a:b] for (a, b), (t0, _) in zip(unit.words, unit.token_ranges, strict=True) if unit.labels[t0] == 1]
    assert inside == ["so-called", "experts,"]
    assert (unit.labels[:3] == -1).all() and unit.labels[-1] == -1  # <s>, the prefix, </s>


def test_runs_of_words_become_trimmed_spans(tok) -> None:
    units = token_units(tok, "a", "en", TEXT, _paragraphs(), [])
    probs = [np.zeros(len(u.words)) for u in units]
    probs[2][1:3] = 0.9  # «наглая ложь»,
    probs[1][1:3] = 0.7  # so-called experts,
    spans = predicted_spans({"a": TEXT}, units, probs, 0.6)["a"]
    assert [TEXT[s:e] for s, e in spans] == ["so-called experts", "наглая ложь"]
    assert si_prf({"a": spans}, {"a": spans})[2] == 1.0
    assert predicted_spans({"a": TEXT}, units, probs, 0.8)["a"] == [spans[1]]
