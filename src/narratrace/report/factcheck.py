"""Fact-check matches in the reports: an HTML section and a terminal block.

Each claim (or check-worthy sentence) with matches is listed with every matched
fact-check's level, whose verdict it is (publisher and database), date (and whether it
came before or after the article) and why it matched. All text is escaped: articles
and databases are untrusted.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from narratrace.model import Analysis
from narratrace.report.registry import Section, register_section, register_terminal

LEVEL_LABELS = {"same_claim": "same claim", "suggested": "suggested — confirm", "related": "related"}
#: Shown above the matches: a verdict is its publisher's, not the report's.
VERDICT_NOTE = "Each verdict is the finding of the publisher named; one database's verdict alone does not settle a claim."


def verdict_line(m: dict[str, Any]) -> str:
    """"<verdict> — <publisher>'s verdict (<database>)", also for matches stored before ``verdict_by`` existed.

    >>> verdict_line({"verdict": "False", "publisher": "PolitiFact"})
    "False — PolitiFact's verdict"
    """
    by = m.get("verdict_by") or {}
    if by.get("label"):
        return str(by["label"])
    return f"{m.get('verdict') or 'no verdict'} — {m.get('publisher') or 'unknown publisher'}'s verdict"


def claim_matches(analysis: Analysis) -> list[tuple[str, list[dict[str, Any]]]]:
    """``(claim text, matches)`` pairs to show, from claims or the sentence fallback."""
    out = [(c.text, c.matches) for c in analysis.claims if c.matches]
    summary = analysis.summaries.get("factcheck") or {}
    out.extend((s.get("text", ""), s.get("matches", [])) for s in summary.get("sentences", []) if s.get("matches"))
    return out


def _match_html(m: dict[str, Any]) -> Markup:
    why = m.get("why") or {}
    when = m.get("checked_on") or "undated"
    rel = (m.get("relation") or "undated").replace("_", " ")
    title = escape(m.get("claim") or "")
    link = Markup('<a href="{0}" rel="noopener noreferrer">{1}</a>').format(m["url"], title) if str(m.get("url") or "").startswith(("http://", "https://")) else title
    return Markup(
        '<li class="fc-match" data-level="{level}" data-relation="{relraw}">'
        '<span class="fc-level">{level_label}</span> <strong class="fc-verdict">{verdict}</strong>, '
        '{when} ({rel})<br>{link}<br><small class="fc-why">why: {why}</small></li>'
    ).format(
        level=m.get("level", ""),
        relraw=m.get("relation", ""),
        level_label=LEVEL_LABELS.get(m.get("level", ""), m.get("level", "")),
        verdict=verdict_line(m),
        when=when,
        rel=rel,
        link=link,
        why=why.get("text", ""),
    )


@register_section("factcheck", order=400)
def factcheck_section(analysis: Analysis) -> Section | None:
    """HTML section listing each claim's fact-check matches; ``None`` if nothing to show."""
    summary = analysis.summaries.get("factcheck")
    if summary is None:
        return None
    if summary.get("database") == "empty":
        body = Markup("<p>The fact-check database is empty; import one with <code>narratrace factchecks import</code>.</p>")
        return Section("factcheck", "Fact-checks", body, order=400)
    if summary.get("database") == "none":
        body = Markup("<p>Not matched: the analysis ran without a store of fact-checks.</p>")
        return Section("factcheck", "Fact-checks", body, order=400)
    items = claim_matches(analysis)
    if not items:
        return Section("factcheck", "Fact-checks", Markup("<p>No earlier or later fact-checks match these claims.</p>"), order=400)
    parts = [Markup('<p class="fc-note">{0}</p>').format(VERDICT_NOTE)]
    for text, matches in items:
        parts.append(Markup('<div class="fc-claim"><p class="fc-text">{0}</p><ul>').format(text))
        parts.extend(_match_html(m) for m in matches)
        parts.append(Markup("</ul></div>"))
    return Section("factcheck", "Fact-checks", Markup("").join(parts), order=400)


@register_terminal("factcheck", order=400)
def factcheck_terminal(analysis: Analysis, console: object) -> None:
    """Terminal block: one line per claim, one indented line per match."""
    summary = analysis.summaries.get("factcheck")
    if summary is None:
        return
    print_ = console.print  # type: ignore[attr-defined]
    if summary.get("database") == "empty":
        print_("Fact-checks: database empty (narratrace factchecks import FILE)", markup=False)
        return
    if summary.get("database") == "none":
        print_("Fact-checks: not matched (no store attached)", markup=False)
        return
    items = claim_matches(analysis)
    print_(f"Fact-checks: {len(items)} of {summary.get('items', 0)} {summary.get('basis', 'claims')} matched", markup=False)
    if items:
        print_(f"  ({VERDICT_NOTE})", markup=False)
    for text, matches in items:
        print_(f"  • {text[:120]}", markup=False)
        for m in matches:
            print_(
                f"    - {LEVEL_LABELS.get(m.get('level', ''), m.get('level'))}: {verdict_line(m)}"
                f", {m.get('checked_on') or 'undated'}"
                f" ({(m.get('relation') or 'undated').replace('_', ' ')}): {m.get('claim', '')[:100]}",
                markup=False,
            )
            print_(f"      why: {(m.get('why') or {}).get('text', '')}", markup=False)
