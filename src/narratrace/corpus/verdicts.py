"""Fact-check verdict labels read as what they mean for a claim's lifecycle.

Verdict words of ClaimReview ratings and common fact-checker scales, in several
languages, map to ``refutes``, ``supports`` or ``mixed``.
"""

from __future__ import annotations

import re

_VERDICT_FALSE = re.compile(r"false|fake|pants|incorrect|wrong|misleading|fabricat|disinfo|hoax|untrue|\bno\b|falsch|irreführend|ложь|фейк|неправд|ложн", re.I)
_VERDICT_TRUE = re.compile(r"^(true|correct|accurate|mostly true|confirmed|richtig|wahr|правда|верно)$", re.I)


def verdict_class(verdict: str | None) -> str:
    """``refutes``, ``supports`` or ``mixed`` for a fact-check verdict label.

    >>> verdict_class("Mostly False"), verdict_class("True"), verdict_class("Unproven")
    ('refutes', 'supports', 'mixed')
    """
    v = (verdict or "").strip()
    if _VERDICT_TRUE.match(v):
        return "supports"
    if _VERDICT_FALSE.search(v):
        return "refutes"
    return "mixed"
