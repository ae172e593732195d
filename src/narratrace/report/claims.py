"""Claims in the reports: a claims table, span highlights and a terminal block.

The table lists each attribution or claim with its source, cue, stance (and the
author's stance), content, evidence, hedges and check-worthiness. Highlights mark the
source, cue and content spans (kinds ``claim-source``, ``claim-cue``, ``claim-content``).
A ranked list shows the most check-worthy claims first (``summaries["checkworthiness"]
["ranked"]``, also in the JSON report). All article text is escaped with
:func:`markupsafe.escape`.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from narratrace.model import Analysis, Claim
from narratrace.report.registry import (
    Highlight,
    Section,
    register_highlights,
    register_section,
    register_terminal,
)

# Content longer than this is cut in table cells (the full text is in the highlights and JSON).
CELL_CHARS = 160


def _cut(text: str, limit: int = CELL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def claim_rows(analysis: Analysis) -> list[dict[str, Any]]:
    """One plain-text row per claim: the data behind the table and the terminal block."""
    text = analysis.text
    rows: list[dict[str, Any]] = []
    for claim in analysis.claims:
        att = claim.attribution
        source = cue = ""
        stance = "asserts (author)"
        author = ""
        if att is not None:
            src_text = text[att.source.start : att.source.end] if att.source else ""
            source = att.source_name or src_text or "(no source)"
            bare = re.sub(r"^(the|a|an)\s+", "", src_text, flags=re.I).lower()
            if att.source_name and bare and bare not in att.source_name.lower():
                source = f"{att.source_name} ({src_text})"
            if att.anonymous:
                source += " [anonymous]"
            cue = text[att.cue.start : att.cue.end]
            stance = att.stance
            author = att.author_stance or ""
        rows.append({
            "source": source,
            "cue": cue,
            "stance": stance,
            "author_stance": author,
            "author_cues": [text[s.start : s.end] for s in att.author_stance_cues] if att else [],
            "content": claim.text,
            "evidence": ", ".join(claim.evidence),
            "hedges": ", ".join(text[h.start : h.end] for h in claim.hedges),
            "checkworthiness": claim.checkworthiness,
            "start": claim.start,
        })
    return rows


@register_highlights("claims")
def claim_highlights(analysis: Analysis) -> list[Highlight]:
    """Source, cue and content spans of every attribution."""
    text = analysis.text
    out: list[Highlight] = []
    for att in analysis.attributions:
        detail = f"stance: {att.stance}; author: {att.author_stance or 'n/a'}"
        if att.evidence:
            detail += f"; evidence: {', '.join(att.evidence)}"
        if att.source is not None:
            name = att.source_name or text[att.source.start : att.source.end]
            out.append(Highlight(att.source.start, att.source.end, "claim-source", att.source_kind or "source",
                                 f"source: {name}" + (" (anonymous)" if att.anonymous else ""),
                                 attrs={"stance": att.stance}))
        out.append(Highlight(att.cue.start, att.cue.end, "claim-cue", att.stance, detail,
                             confidence=att.confidence, attrs={"stance": att.stance}))
        if att.content is not None:
            out.append(Highlight(att.content.start, att.content.end, "claim-content",
                                 "direct" if att.direct else "indirect", detail,
                                 attrs={"author-stance": att.author_stance or ""}))
    return out


def _cw(claim_value: float | None) -> str:
    return "" if claim_value is None else f"{claim_value:.2f}"


@register_section("claims", order=200)
def claims_section(analysis: Analysis) -> Section | None:
    """The claims table; ``None`` when the claims stage did not run."""
    if "claims.v1" not in analysis.stages and not analysis.claims:
        return None
    if "claims.v1" in analysis.unsupported:
        return Section("claims", "Claims", Markup("<p>{0}</p>").format(analysis.unsupported["claims.v1"]), order=200)
    rows = claim_rows(analysis)
    if not rows:
        return Section("claims", "Claims", Markup("<p>No claims found.</p>"), order=200)
    head = Markup(
        "<table class=\"claims\"><thead><tr><th>source</th><th>cue</th><th>stance</th><th>content</th>"
        "<th>evidence</th><th>hedges</th><th>check-worthiness</th></tr></thead><tbody>"
    )
    body = []
    for r in rows:
        stance = escape(r["stance"])
        if r["author_stance"]:
            stance = Markup("{0}<br><small>author: {1}{2}</small>").format(
                r["stance"], r["author_stance"], (" — " + "; ".join(r["author_cues"])) if r["author_cues"] else "")
        body.append(Markup(
            '<tr data-stance="{stance_raw}" data-start="{start}"><td>{source}</td><td>{cue}</td><td>{stance}</td>'
            "<td>{content}</td><td>{evidence}</td><td>{hedges}</td><td>{cw}</td></tr>"
        ).format(stance_raw=r["stance"], start=r["start"], source=r["source"], cue=r["cue"], stance=stance,
                 content=_cut(r["content"]), evidence=r["evidence"], hedges=r["hedges"], cw=_cw(r["checkworthiness"])))
    return Section("claims", "Claims", head + Markup("").join(body) + Markup("</tbody></table>"), order=200)


@register_terminal("claims", order=200)
def claims_terminal(analysis: Analysis, console: object) -> None:
    """Terminal block: attributed claims first, then the most check-worthy of the author's own."""
    from rich.table import Table
    from rich.text import Text

    rows = claim_rows(analysis)
    if not rows:
        return
    attributed = [r for r in rows if r["cue"]]
    own = sorted((r for r in rows if not r["cue"]), key=lambda r: -(r["checkworthiness"] or 0))[:5]
    table = Table(title=f"Claims ({len(attributed)} attributed, {len(rows) - len(attributed)} unattributed)",
                  show_lines=False, expand=True)
    # labels (evidence kinds, stances) wrap between words, never inside one; the score never wraps
    labels = [label for r in attributed + own for label in (r["evidence"].split(", ") + r["stance"].split())]
    for col in ("source", "cue", "stance", "content"):
        table.add_column(col, overflow="fold")
    table.add_column("evidence", overflow="fold", min_width=max(map(len, labels), default=8))
    table.add_column("cw", no_wrap=True)
    for r in attributed + own:
        stance = r["stance"] + (f" / {r['author_stance']}" if r["author_stance"] and r["author_stance"] != "neutral" else "")
        table.add_row(Text(_cut(r["source"], 40)), Text(_cut(r["cue"], 25)), Text(stance), Text(_cut(r["content"], 90)),
                      Text(r["evidence"]), Text(_cw(r["checkworthiness"])))
    console.print(table)  # type: ignore[attr-defined]


def ranked_rows(analysis: Analysis) -> list[dict[str, Any]]:
    """The check-worthiness stage's ranked claims, best first (empty when it did not run)."""
    return list(analysis.summaries.get("checkworthiness", {}).get("ranked", []))


@register_section("checkworthy", order=190)
def checkworthy_section(analysis: Analysis) -> Section | None:
    """An ordered list of the most check-worthy claims, with score and source."""
    if "checkworthiness" not in analysis.summaries:
        return None
    rows = ranked_rows(analysis)
    title = "Most check-worthy claims"
    if not rows:
        return Section("checkworthy", title, Markup("<p>No claim reaches the check-worthiness threshold.</p>"), order=190)
    items = [
        Markup('<li data-start="{start}"><strong>{score:.2f}</strong> {text}{by}</li>').format(
            start=r["start"], score=r["score"], text=_cut(r["text"]),
            by=Markup(" <small>({0})</small>").format(r["said_by"]) if r.get("said_by") else "",
        )
        for r in rows
    ]
    return Section("checkworthy", title, Markup('<ol class="checkworthy">') + Markup("").join(items) + Markup("</ol>"), order=190)


@register_terminal("checkworthy", order=190)
def checkworthy_terminal(analysis: Analysis, console: object) -> None:
    """Terminal block: the ranked check-worthy claims."""
    from rich.table import Table
    from rich.text import Text

    rows = ranked_rows(analysis)
    if not rows:
        return
    table = Table(title=f"Most check-worthy claims (top {len(rows)})", title_justify="left", expand=True)
    for col in ("#", "score"):
        table.add_column(col, no_wrap=True)
    for col in ("claim", "said by"):
        table.add_column(col, overflow="fold")
    for i, r in enumerate(rows, 1):
        table.add_row(str(i), f"{r['score']:.2f}", Text(_cut(r["text"], 110)), Text(_cut(r.get("said_by") or "(author)", 30)))
    console.print(table)  # type: ignore[attr-defined]


def claim_to_row(claim: Claim, analysis: Analysis) -> dict[str, Any]:
    """The table row of a single claim (for exports)."""
    for row in claim_rows(analysis):
        if row["start"] == claim.start:
            return row
    return {}
