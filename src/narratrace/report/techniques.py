"""Persuasion techniques in the reports: highlights, a summary section, a terminal block.

Highlights use kind ``"technique"``, the technique name as label, the reason as detail,
a colour per technique family and ``data-family`` for filtering; the renderer's
confidence slider and technique filter work on ``confidence`` and ``label``. A span
inside a quotation carries ``data-quoted-by`` (its speaker) and says so in its detail;
the summary counts only the author's own spans and names the quoted ones apart.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from narratrace.analyze.techniques.stage import STAGE_NAME, readable
from narratrace.analyze.techniques.taxonomy import FAMILY, FAMILY_COLOR
from narratrace.model import Analysis
from narratrace.report.registry import (
    Highlight,
    Section,
    register_highlights,
    register_section,
    register_terminal,
)


@register_highlights("techniques")
def technique_highlights(analysis: Analysis) -> list[Highlight]:
    """One highlight per technique span."""
    return [
        Highlight(
            start=t.start,
            end=t.end,
            kind="technique",
            label=t.technique,
            detail=t.reason,
            color=FAMILY_COLOR.get(t.family or FAMILY.get(t.technique, ""), "#dddddd"),
            confidence=t.confidence,
            attrs={"family": t.family or FAMILY.get(t.technique, "")}
            | ({"quoted-by": t.quoted_by or "unknown speaker"} if t.quoted_by is not None else {}),
        )
        for t in analysis.techniques
    ]


def _quoted_note(summary: dict) -> str:
    """"; 3 more inside quotations (their speakers')" or an empty string."""
    n = summary.get("quoted", {}).get("total", 0)
    return f"; {n} more inside quotations, credited to their speakers" if n else ""


@register_section("techniques", order=300)
def technique_section(analysis: Analysis) -> Section | None:
    """The article summary table: spans, per 1,000 words and paragraphs per technique."""
    if STAGE_NAME in analysis.unsupported:
        return Section("techniques", "Persuasion techniques", Markup("<p>") + escape(analysis.unsupported[STAGE_NAME]) + Markup("</p>"), order=300)
    summary = analysis.summaries.get("techniques")
    if not summary:
        return None
    rows = []
    techs = list(dict.fromkeys(list(summary["counts"]) + list(summary["paragraph_counts"])))
    for tech in techs:
        family = FAMILY.get(tech, "")
        rows.append(
            Markup(
                '<tr data-technique="{t}" data-family="{f}"><td><span class="swatch" data-color="{c}"></span>{name}</td>'
                "<td>{fam}</td><td>{n}</td><td>{per}</td><td>{p}</td></tr>"
            ).format(
                t=tech,
                f=family,
                c=FAMILY_COLOR.get(family, "#dddddd"),
                name=readable(tech),
                fam=family.replace("_", " "),
                n=summary["counts"].get(tech, 0),
                per=summary["per_1000_words"].get(tech, 0.0),
                p=summary["paragraph_counts"].get(tech, 0),
            )
        )
    head = Markup("<p>{n} technique spans of the author in {w} words ({r} per 1,000 words); {s:.0%} of sentences use at least one{q}.</p>").format(
        n=summary["total"], w=summary["words"], r=summary["total_per_1000_words"], s=summary["share_sentences"],
        q=_quoted_note(summary),
    )
    table = (
        Markup('<table class="techniques"><thead><tr><th>technique</th><th>family</th><th>spans</th>'
               "<th>per 1,000 words</th><th>paragraphs</th></tr></thead><tbody>")
        + Markup("").join(rows)
        + Markup("</tbody></table>")
    )
    return Section("techniques", "Persuasion techniques", head + table, order=300)


@register_terminal("techniques", order=300)
def technique_terminal(analysis: Analysis, console: object) -> None:
    """A short block: the top techniques and the strongest spans."""
    from rich.table import Table

    if STAGE_NAME in analysis.unsupported:
        console.print(f"Persuasion techniques: {analysis.unsupported[STAGE_NAME]}", markup=False)
        return
    summary = analysis.summaries.get("techniques")
    if not summary:
        return
    table = Table(
        title=f"Persuasion techniques ({summary['total']} spans, {summary['share_sentences']:.0%} of sentences{_quoted_note(summary)})"
    )
    table.add_column("technique")
    table.add_column("spans", justify="right", no_wrap=True)
    table.add_column("per 1k words", justify="right", no_wrap=True)
    table.add_column("strongest example")
    text = analysis.text
    for tech, n in list(summary["counts"].items())[:8]:
        best = max((t for t in analysis.techniques if t.technique == tech and t.quoted_by is None), key=lambda t: t.confidence)
        snippet = " ".join(text[best.start : best.end].split())
        table.add_row(readable(tech), str(n), f"{summary['per_1000_words'][tech]:.1f}", snippet[:60])
    console.print(table)
