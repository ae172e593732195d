"""Pictures and reuse findings in the reports: HTML section, terminal block, credit highlights.

Reads ``analysis.summaries["images"]`` (stage ``images.v1``). Everything is escaped:
captions and article text are untrusted. Pictures are never embedded or fetched: the
report lists their sources as text.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from narratrace.model import Analysis
from narratrace.report.registry import (
    Highlight,
    Section,
    register_highlights,
    register_section,
    register_terminal,
)

KIND_LABELS = {
    "reuse": "reused picture",
    "caption_conflict": "caption conflict",
    "capture_precedes_event": "taken before the event",
    "earlier_appearance": "published before the event",
}


def _summary(analysis: Analysis) -> dict[str, Any] | None:
    return analysis.summaries.get("images")


@register_highlights("images")
def image_highlights(analysis: Analysis) -> list[Highlight]:
    """Highlight picture credits located in the text."""
    out = []
    for ref in analysis.article.images:
        if ref.start is not None and ref.end is not None and ref.end > ref.start:
            out.append(Highlight(ref.start, ref.end, "image", ref.kind or "image",
                                 detail=f"credit: {ref.credit or '-'}; caption: {ref.caption or '-'}"))
    return out


def _finding_html(f: dict[str, Any]) -> Markup:
    apps = Markup("").join(
        Markup("<li>{when} — {outlet} — {title}<br><small>caption: {caption}</small></li>").format(
            when=a.get("published") or "undated", outlet=a.get("outlet") or "unknown outlet",
            title=a.get("title") or a.get("article_id") or a.get("src") or "?", caption=a.get("caption") or "-",
        )
        for a in f.get("appearances", [])
    )
    evidence = Markup("").join(Markup("<li>{0}</li>").format(e) for e in f.get("evidence", []))
    return Markup(
        '<div class="img-finding" data-kind="{kind}"><strong>{label}</strong>: {summary}'
        "<ul class=\"img-apps\">{apps}</ul><details><summary>evidence</summary><ul>{evidence}</ul></details></div>"
    ).format(kind=f.get("kind", ""), label=KIND_LABELS.get(f.get("kind", ""), f.get("kind", "")),
             summary=f.get("summary", ""), apps=apps, evidence=evidence)


@register_section("images", order=600)
def images_section(analysis: Analysis) -> Section | None:
    """The article's pictures and the reuse findings naming it; ``None`` if none of either."""
    summary = _summary(analysis)
    if not summary or (not summary.get("images") and not summary.get("findings")):
        return None
    rows = Markup("").join(
        Markup("<li data-kind=\"{kind}\">{kind}: {src} — caption: {caption} — credit: {credit}</li>").format(
            kind=i.get("kind") or "image", src=i.get("src") or "(no file)", caption=i.get("caption") or "-",
            credit=i.get("credit") or "-",
        )
        for i in summary.get("images", [])
    )
    findings = summary.get("findings", [])
    if findings:
        body = Markup("").join(_finding_html(f) for f in findings)
    elif summary.get("database") == "empty":
        body = Markup("<p>No pictures are indexed; run <code>narratrace images index PATH</code> to check reuse.</p>")
    elif summary.get("database") == "none":
        body = Markup("<p>Reuse was not checked: the analysis ran without a store.</p>")
    else:
        body = Markup("<p>No reuse findings for this article's pictures.</p>")
    html = Markup("<h3>Pictures ({n})</h3><ul class=\"img-list\">{rows}</ul><h3>Reuse findings</h3>{body}").format(
        n=len(summary.get("images", [])), rows=rows, body=body)
    return Section("images", "Pictures and reuse", html, order=600)


@register_terminal("images", order=600)
def images_terminal(analysis: Analysis, console: object) -> None:
    """Terminal block: the pictures, then each finding with the articles it names."""
    summary = _summary(analysis)
    if not summary or (not summary.get("images") and not summary.get("findings")):
        return
    print_ = console.print  # type: ignore[attr-defined]
    imgs = summary.get("images", [])
    print_(f"Pictures: {len(imgs)}", markup=False)
    for i in imgs[:10]:
        print_(f"  {i.get('kind') or 'image'}: {i.get('src') or i.get('credit') or '-'}"
               + (f" — {i['caption']}" if i.get("caption") else ""), markup=False)
    for f in summary.get("findings", []):
        print_(f"  [{KIND_LABELS.get(f['kind'], f['kind'])}] {f['summary']}", markup=False)
        for e in f.get("evidence", [])[:4]:
            print_(f"      {e}", markup=False)


def findings_html(findings: list[dict[str, Any]]) -> Markup:
    """HTML of corpus-level findings (for corpus reports)."""
    if not findings:
        return Markup("<p>No reuse findings.</p>")
    return Markup("").join(_finding_html(f) for f in findings)


__all__ = ["images_section", "images_terminal", "image_highlights", "findings_html", "escape"]
