"""Find quotation spans: paired typographic or straight quotes within a paragraph."""

from __future__ import annotations

import re

# Opening quote -> accepted closing quotes.
PAIRS = {"“": "”\"", "„": "“”\"", "«": "»", "\"": "\"”“", "‘": "’", "‚": "‘’"}
_ANY = re.compile("[“„«\"‘‚”»’]")
_ANY_SINGLE = re.compile("[“„«\"‘‚”»’']")


def quote_spans(
    text: str, start: int = 0, end: int | None = None, *, single: bool = False, open_ended: bool = False
) -> list[tuple[int, int]]:
    """``(start, end)`` of the inside of each quotation in ``text[start:end]``.

    With ``single``, straight single quotes count too where they can only be quotation
    marks: opening after a space or an opening bracket/colon before a letter, closing after a
    non-space before a space, punctuation or the end (tabloid style: 'We are worried,' he said).
    With ``open_ended``, a quotation that opens a sentence and is not closed runs to ``end``:
    that is how a quotation going on in the next paragraph is written.

    >>> t = 'He said “we will win” and „wir gewinnen“.'
    >>> [t[s:e] for s, e in quote_spans(t)]
    ['we will win', 'wir gewinnen']
    >>> t = "Kadalim told the site: 'It was staged, it's clear.' The company's shares fell."
    >>> [t[s:e] for s, e in quote_spans(t, single=True)]
    ["It was staged, it's clear."]
    >>> t = "“We need answers. The families wait."
    >>> [t[s:e] for s, e in quote_spans(t, open_ended=True)], quote_spans(t)
    (['We need answers. The families wait.'], [])
    """
    end = len(text) if end is None else end
    spans = []
    pos = start
    pattern = _ANY_SINGLE if single else _ANY
    while pos < end:
        m = pattern.search(text, pos, end)
        if not m:
            break
        opener = m.group(0)
        straight = opener == "'"
        if not (_opens_single(text, m.start()) if straight else _opens_pair(text, m.start())):
            pos = m.end()
            continue
        close = _closing(text, m.start(), end)
        if close is None and open_ended and _opens_sentence(text, start, m.start()):
            close = end
        if close is None:
            if straight:  # an apostrophe after all: read on
                pos = m.end()
                continue
            break
        if close > m.end():
            spans.append((m.end(), close))
        pos = close + 1
    return spans


def _opens_pair(text: str, i: int) -> bool:
    return text[i] in PAIRS and not (text[i] in "‘’" and _is_apostrophe(text, i))


def _closing(text: str, i: int, end: int) -> int | None:
    """Position of the mark closing the quotation opened at ``i``, if it closes before ``end``."""
    if text[i] == "'":
        return next((k for k in range(i + 1, end) if text[k] == "'" and _closes_single(text, k)), None)
    closers = PAIRS[text[i]]
    return next((k for k in range(i + 1, end) if text[k] in closers and not _is_apostrophe(text, k)), None)


def _is_apostrophe(text: str, i: int) -> bool:
    return text[i] in "’‘'" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def _opens_single(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([:—–-") and after.isalpha()


def _closes_single(text: str, i: int) -> bool:
    """A closing straight quote; after an "s" only before punctuation or a line end, since
    "the students' parents" is a possessive."""
    before = text[i - 1]
    after = text[i + 1] if i + 1 < len(text) else "\n"
    if before.isspace() or after.isalnum() or after == "'":
        return False
    return before not in "sS" or after in ",.;:!?)\n"


def _opens_sentence(text: str, floor: int, i: int) -> bool:
    return i <= floor or bool(re.search(r"(?:^|[.!?:]\s+|\n\s*)$", text[max(floor, i - 3) : i]))
