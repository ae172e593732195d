"""Claims table, highlights and terminal block on a hand-built analysis (hostile text escaped)."""

from __future__ import annotations

import io

from rich.console import Console

from narratrace.model import Analysis, Article, Attribution, Claim, Span
from narratrace.report.claims import claim_highlights, claim_rows, claims_section, claims_terminal

TEXT = "<script>alert(1)</script> Officials said the dam <b>broke</b> in 2023."


def _analysis() -> Analysis:
    src, cue = TEXT.index("Officials"), TEXT.index("said")
    content = TEXT.index("the dam")
    att = Attribution(cue=Span(cue, cue + 4), source=Span(src, src + 9), content=Span(content, len(TEXT) - 1),
                      anonymous=True, source_kind="anonymous", stance="reports", author_stance="sceptical",
                      author_stance_cues=[Span(0, 8)], evidence=["anonymous_source"])
    claim = Claim(start=content, end=len(TEXT) - 1, text=TEXT[content:-1], attribution=att, evidence=["anonymous_source"],
                  checkworthiness=0.81)
    a = Analysis(article=Article(text=TEXT), language="en", attributions=[att], claims=[claim])
    a.stages.append("claims.v1")
    return a


def test_rows_and_highlight_kinds():
    a = _analysis()
    rows = claim_rows(a)
    assert rows[0]["source"].endswith("[anonymous]") and rows[0]["cue"] == "said"
    kinds = sorted(h.kind for h in claim_highlights(a))
    assert kinds == ["claim-content", "claim-cue", "claim-source"]


def test_section_escapes_article_text():
    html = str(claims_section(_analysis()).html)
    assert "<script>" not in html and "<b>broke" not in html
    assert "&lt;b&gt;broke" in html and "0.81" in html and "sceptical" in html


def test_terminal_block_prints_table():
    buf = io.StringIO()
    claims_terminal(_analysis(), Console(file=buf, width=160))
    out = buf.getvalue()
    assert "Officials" in out and "reports / sceptical" in out
