"""Stage ``hedges.v1``: hedging and evidential markers from the team's en/de/ru lexicon."""

from __future__ import annotations

import re
from functools import cache

from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Marker
from narratrace.text.lexicons import load_lexicon

SUPPORTED = ("en", "de", "ru")


@cache
def _patterns(lang: str) -> list[tuple[re.Pattern[str], str, str]]:
    entries = load_lexicon("hedges")[lang]
    return [
        (re.compile(rf"(?<!\w)(?:{e['pattern']})(?!\w)", re.I | re.U), e["kind"], e["meaning"])
        for e in entries
    ]


def find_markers(text: str, lang: str, *, offset: int = 0) -> list[Marker]:
    """Markers of ``lang``'s lexicon in ``text``; offsets shifted by ``offset``.

    >>> [(m.cue, m.kind) for m in find_markers("It was allegedly seen, without any evidence.", "en")]
    [('allegedly', 'evidential'), ('without any evidence', 'no_evidence')]
    """
    found: list[Marker] = []
    for pattern, kind, meaning in _patterns(lang):
        for m in pattern.finditer(text):
            found.append(Marker(offset + m.start(), offset + m.end(), kind, m.group(0), lang, meaning))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Marker] = []
    for marker in found:  # longest match wins where entries overlap ("no evidence" inside "without any evidence")
        if kept and marker.start < kept[-1].end:
            continue
        kept.append(marker)
    return kept


@register_stage("hedges.v1", requires=("paragraphs",), assigns=("markers",), order=60)
class HedgeStage(Stage):
    """Hedges ("apparently"), evidentials ("allegedly", "reportedly"), missing-evidence
    markers ("without any evidence") and discrediting frames ("pretends to know"),
    per paragraph in the paragraph's own language."""

    def __call__(self, analysis: Analysis) -> Analysis:
        text = analysis.text
        markers: list[Marker] = []
        unsupported: set[str] = set()
        for para in analysis.paragraphs:
            lang = para.lang or analysis.language
            if lang not in SUPPORTED:
                unsupported.add(str(lang))
                continue
            markers.extend(find_markers(text[para.start : para.end], lang, offset=para.start))
        analysis.markers = markers
        if unsupported:
            analysis.unsupported[self.name] = f"unsupported_language: {', '.join(sorted(unsupported))} (lexicons for en, de, ru)"
        return analysis
