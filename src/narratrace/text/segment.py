"""Paragraphs and sentences as character offsets into the unchanged text."""

from __future__ import annotations

import re
import statistics

_BLANK = re.compile(r"\n[ \t]*\n")
# Text whose lines are mostly this short, inside blocks separated by blank lines, is hard-wrapped
# (e-mail, plain-text exports): its paragraphs are the blocks, not the lines. News lines that are
# whole paragraphs run 200+ characters; wrapped lines stay near 72-80.
WRAPPED_LINE_CHARS = 100
# ... and its line breaks fall inside sentences: in wrapped prose most breaks are followed by
# a lower-case word (fewer in German, whose nouns are capitalised); in a scraped page whose
# lines are paragraphs, headings, navigation and share prompts, almost none are.
WRAPPED_CONTINUATION = 0.25
_CONTINUED = re.compile(r"[^\s.!?:;\"”»)]\n[ \t]*[a-zäöüа-яё]")
# A candidate sentence end: end punctuation, any closing quotes or brackets, then space.
_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)\]]*(\s+)")
_OPENERS = "\"'«„“‘(["


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph, whitespace trimmed.

    One paragraph per line (the SemEval and scraped-article convention), unless the text
    is hard-wrapped, in which case blank lines separate paragraphs.

    >>> t = "Title\\n\\nFirst para.\\nSecond para."
    >>> [t[s:e] for s, e in paragraph_spans(t)]
    ['Title', 'First para.', 'Second para.']
    """
    lines = [ln for ln in text.split("\n") if ln.strip()]
    blocks = [b for b in _BLANK.split(text) if b.strip()]
    multi_line = [b for b in blocks if b.strip().count("\n") >= 1]
    inner_breaks = sum(b.strip().count("\n") for b in blocks)
    wrapped = (
        len(lines) >= 4
        and len(multi_line) >= max(1, len(blocks) // 2)
        and statistics.median(len(ln) for ln in lines) < WRAPPED_LINE_CHARS
        and sum(len(_CONTINUED.findall(b)) for b in blocks) >= WRAPPED_CONTINUATION * inner_breaks
    )
    separator = _BLANK if wrapped else re.compile(r"\n")
    spans = []
    pos = 0
    for match in list(separator.finditer(text)) + [None]:
        end = match.start() if match else len(text)
        chunk = text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            spans.append((pos + lead, end - trail))
        if match:
            pos = match.end()
    return spans


def clip_sentences(sentences: list[tuple[int, int]], paragraphs: list[tuple[int, int]], text: str) -> list[tuple[int, int, int]]:
    """Split sentences at paragraph boundaries and trim whitespace; returns ``(start, end, paragraph)``.

    >>> clip_sentences([(0, 9)], [(0, 3), (5, 9)], "abc\\n\\ndefg")
    [(0, 3, 0), (5, 9, 1)]
    """
    out = []
    p = 0
    for start, end in sentences:
        while p < len(paragraphs) and paragraphs[p][1] <= start:
            p += 1
        q = p
        while q < len(paragraphs) and paragraphs[q][0] < end:
            s, e = max(start, paragraphs[q][0]), min(end, paragraphs[q][1])
            chunk = text[s:e]
            if chunk.strip():
                s += len(chunk) - len(chunk.lstrip())
                e -= len(chunk) - len(chunk.rstrip())
                out.append((s, e, q))
            if paragraphs[q][1] > end:
                break
            q += 1
    return out


def rule_sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` by punctuation and capitals alone, as offsets.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets)
    followed by space and an upper-case letter or digit, optionally behind an opening quote.
    No parser and no language model: trained features split their training text with it,
    so they split identically at training and at run time in every language. The pipeline's
    own sentences come from the ``segment`` stage, which parses English.

    >>> t = 'He said: "We left." Then 3 more came. «Да.» Nein'
    >>> [t[s:e] for s, e in rule_sentence_spans(t)]
    ['He said: "We left."', 'Then 3 more came.', '«Да.»', 'Nein']
    >>> u = "The U.S. Army left. ok"
    >>> [u[s:e] for s, e in rule_sentence_spans(u)]
    ['The U.S.', 'Army left. ok']
    """
    end = len(text) if end is None else end
    spans = []
    pos = start
    for match in _SENTENCE_END.finditer(text, start, end):
        nxt = match.end()
        while nxt < end and text[nxt] in _OPENERS:
            nxt += 1
        if nxt >= end or not (text[nxt].isupper() or text[nxt].isdigit()):
            continue
        if match.start(1) > pos:
            spans.append((pos, match.start(1)))
        pos = match.end()
    if end > pos:
        spans.append((pos, end))
    return spans
