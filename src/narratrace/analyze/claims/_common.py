"""Helpers shared by the claims stages: the spaCy parse, lexicons, sentence lookup, quotation marks."""

from __future__ import annotations

import bisect
import csv
import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narratrace.config import models_dir
from narratrace.errors import ModelError

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from narratrace.model import Analysis

# Languages the claims stages serve: English through the parser and a learned cue model,
# German and Russian through lexicons and surface patterns.
SUPPORTED_LANGS = ("en", "de", "ru")
STANCES = ("asserts", "denies", "questions", "reports", "confirms", "retracts", "corrects")


def resource_dir() -> Path:
    return models_dir() / "claims"


def article_lang(analysis: Analysis) -> str:
    """The article's language: detected, else declared, else English."""
    return (analysis.language or analysis.article.lang or "en").split("-")[0].lower()


def english_doc(analysis: Analysis) -> Doc:
    """The shared English parse, parsing (and caching) it if no stage did."""
    from narratrace.text.nlp import parse_english, spacy_doc

    doc = spacy_doc(analysis)
    if doc is None:
        doc = parse_english(analysis.text)
        analysis._cache["spacy_doc"] = doc
    return doc


@cache
def cue_lexicon(lang: str) -> dict[str, dict[str, str]]:
    """Cue lexicon ``{lemma_or_form: {"stance": ..., "kind": ...}}`` for a language.

    ``kind`` is ``verb`` (a reporting verb), ``prep`` (``according to``, ``laut``),
    ``factive`` (the author presupposes the content) or ``distancing``.
    """
    path = resource_dir() / f"cues_{lang}.tsv"
    if not path.exists():
        raise ModelError(f"cue lexicon {path} is missing; reinstall narratrace")
    out: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"):
            out[row["cue"].lower()] = {"stance": row["stance"], "kind": row["kind"]}
    return out


@cache
def load_json(name: str) -> dict[str, Any]:
    path = resource_dir() / name
    if not path.exists():
        raise ModelError(f"claims model {path} is missing; run `narratrace train attribution`")
    return json.loads(path.read_text(encoding="utf-8"))


def sentence_index(analysis: Analysis, offset: int) -> int | None:
    """Index of the sentence containing character ``offset`` (``None`` if no sentences)."""
    sents = analysis.sentences
    if not sents:
        return None
    starts = [s.start for s in sents]
    i = max(0, bisect.bisect_right(starts, offset) - 1)
    return i


QUOTE_CHARS = "\"“”„«»‘’'"

OPEN_QUOTES = "\"“„«‘"

CLOSE_QUOTES = "\"”“»’"


def balance_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Pull in the quotation marks (and the comma or full stop inside them) around a quoted content.

    >>> t = 'He said that “it was over.” Then he left.'
    >>> s, e = balance_quotes(t, t.index("it"), t.index("."))
    >>> t[s:e]
    '“it was over.”'
    >>> t = '"And they are terrifying," she said.'
    >>> s, e = balance_quotes(t, 1, t.index(","))
    >>> t[s:e]
    '"And they are terrifying,"'
    """
    if start > 0 and text[start - 1] in OPEN_QUOTES:
        start -= 1
    elif start > 1 and text[start - 2 : start] in ("''", "``"):
        start -= 2
    seg = text[start:end]
    if not seg:
        return start, end
    opens = sum(seg.count(c) for c in "“„«") + seg.count("``")
    closes = sum(seg.count(c) for c in "”»") + seg.count("''") * (1 if not seg.startswith("''") else 0)
    straight = seg.count('"')
    unbalanced = opens > closes or straight % 2 == 1 or (seg.startswith("''") and not seg.endswith("''"))
    if unbalanced:
        m = re.match(r"[.,!?;:]{0,2}(?:[”\"»’]|'')", text[end : end + 4])
        if m:
            end += m.end()
    return start, end
