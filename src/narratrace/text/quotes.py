"""Find quotation spans: paired typographic or straight quotes within a paragraph."""

from __future__ import annotations

import re

# Opening quote -> accepted closing quotes.
PAIRS = {"“": "”\"", "„": "“”\"", "«": "»", "\"": "\"”“", "‘": "’", "‚": "‘’"}
_ANY = re.compile("[“„«\"‘‚”»’]")


def quote_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of the inside of each quotation in ``text[start:end]``.

    >>> t = 'He said “we will win” and „wir gewinnen“.'
    >>> [t[s:e] for s, e in quote_spans(t)]
    ['we will win', 'wir gewinnen']
    """
    end = len(text) if end is None else end
    spans = []
    pos = start
    while pos < end:
        m = _ANY.search(text, pos, end)
        if not m:
            break
        opener = m.group(0)
        closers = PAIRS.get(opener)
        if not closers or (opener in "‘’" and _is_apostrophe(text, m.start())):
            pos = m.end()
            continue
        close = next((i for i in range(m.end(), end) if text[i] in closers and not _is_apostrophe(text, i)), None)
        if close is None:
            break
        if close > m.end():
            spans.append((m.end(), close))
        pos = close + 1
    return spans


def _is_apostrophe(text: str, i: int) -> bool:
    return text[i] in "’‘'" and 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
