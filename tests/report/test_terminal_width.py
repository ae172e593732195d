"""The terminal summary at 80 columns: labels, scores, counts and dates are never cut or split."""

from __future__ import annotations

import io
from datetime import datetime

from rich.console import Console

from narratrace.model import Analysis, Article, Attribution, Claim, Source, Span, TechniqueSpan
from narratrace.report.terminal import render_terminal

LONG = "The regional water authority of the Velmora valley announced on Tuesday evening that "


def _analysis() -> Analysis:
    text = (LONG * 3) + "Everyone knows the dam will burst, said the anonymous engineer."
    article = Article(text, id="velmora-dam-2031-0042", title="Dam " * 30, published=datetime(2031, 4, 17, 8, 30),
                      url="https://example.org/" + "very-long-path-segment/" * 6)
    cue = Span(len(text) - 27, len(text) - 23)
    claim = Claim(0, len(LONG) * 3, LONG * 3, attribution=Attribution(cue=cue, source_name="the anonymous engineer of the Velmora authority",
                                                                         stance="asserts", anonymous=True), checkworthiness=0.8765,
                  evidence=["anonymous_source", "named_official"])
    start = len(LONG) * 3
    return Analysis(
        article=article, language="en", language_confidence=0.99,
        sources=[Source("Regional Water Authority of the Velmora Valley and its Northern Branch", kind="organization",
                        mentions=[Span(0, 10)] * 12, cited=True, reasons=["cited with 'announced' " * 5])],
        claims=[claim],
        techniques=[TechniqueSpan(start, start + 14, "Appeal_to_Popularity", 0.77, "what everyone knows")],
        summaries={
            "checkworthiness": {"ranked": [{"kind": "claim", "start": 0, "end": 10, "text": LONG * 3, "score": 0.8765, "said_by": "x" * 60}]},
            "techniques": {"total": 1, "share_sentences": 0.25, "counts": {"Appeal_to_Popularity": 1},
                           "per_1000_words": {"Appeal_to_Popularity": 12.345}},
        },
        stages=["test.v1"],
    )


def test_summary_fits_80_columns_and_keeps_values_whole():
    buffer = io.StringIO()
    console = Console(width=80, file=buffer, record=True)
    render_terminal(_analysis(), console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    for whole in ("organization", "0.88", "12.3", "2031-04-17", "anonymous_source", "named_official", "asserts", "mentions"):
        assert whole in text, whole
