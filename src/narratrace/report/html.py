"""Self-contained HTML report: the article with highlighted spans, metadata, sources, images.

One file, no network: styles and the single script are inline and allowed only by a
per-report nonce in a restrictive Content-Security-Policy; images are never fetched.
Everything taken from the article goes through Jinja's autoescaping, the highlight
data travels as JSON with ``<``, ``>`` and ``&`` escaped, and the script writes
only with ``textContent``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from narratrace import __version__
from narratrace.model import Analysis
from narratrace.report.json_report import SCHEMA
from narratrace.report.registry import (
    Highlight,
    Section,
    highlight_providers,
    register_highlights,
    sections,
)

KIND_COLORS = {
    "entity": "#e8eaf6",
    "source": "#bbdefb",
    "quote": "#c8e6c9",
    "hedge": "#ffe0b2",
    "image": "#f8bbd0",
    "claim-source": "#b3e5fc",
    "claim-cue": "#ffcc80",
    "claim-content": "#fff9c4",
    "technique": "#ef9a9a",
}
SAFE_URL_SCHEMES = ("http://", "https://")


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("narratrace.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    return env


def safe_url(value: Any) -> str | None:
    """``value`` if it is an http(s) URL, else ``None`` (``javascript:`` and friends are dropped)."""
    text = str(value or "").strip()
    return text if text.lower().startswith(SAFE_URL_SCHEMES) and not any(c in text for c in "\"'<> ") else None


def render_fragment(template: str, **context: Any) -> Markup:
    """Render a section template from ``report/templates`` with autoescaping; for feature sections."""
    return Markup(_env().get_template(template).render(**context))


def script_json(data: Any) -> Markup:
    """JSON safe to embed inside ``<script type="application/json">``."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def _segments(text: str, highlights: list[Highlight]) -> list[tuple[str, list[int]]]:
    """Cut ``text`` at every highlight boundary; each piece lists the highlights covering it."""
    bounds = {0, len(text)}
    for h in highlights:
        bounds.update((max(0, min(h.start, len(text))), max(0, min(h.end, len(text)))))
    points = sorted(bounds)
    pieces = []
    for a, b in zip(points, points[1:], strict=False):
        covering = [i for i, h in enumerate(highlights) if h.start <= a and b <= h.end]
        pieces.append((text[a:b], covering))
    return pieces


def collect_highlights(analysis: Analysis) -> list[Highlight]:
    out: list[Highlight] = []
    for provider in highlight_providers():
        out.extend(provider(analysis))
    text_len = len(analysis.text)
    out = [h for h in out if 0 <= h.start < h.end <= text_len]
    # Shorter spans first, so the most specific highlight colours a piece of text.
    out.sort(key=lambda h: (h.end - h.start, h.start))
    return out


def render_html(analysis: Analysis) -> str:
    """The report as one HTML string."""
    highlights = collect_highlights(analysis)
    nonce = secrets.token_urlsafe(16)
    extra: Iterable[Section] = (s for s in (fn(analysis) for fn in sections()) if s is not None)
    data = [
        {"kind": h.kind, "label": h.label, "detail": h.detail,
         "color": h.color or KIND_COLORS.get(h.kind, "#eeeeee"),
         "confidence": h.confidence, "attrs": h.attrs, "start": h.start, "end": h.end}
        for h in highlights
    ]
    kinds = sorted({h.kind for h in highlights})
    labels = sorted({(h.kind, h.label) for h in highlights})
    return _env().get_template("report.html").render(
        a=analysis,
        art=analysis.article,
        nonce=nonce,
        segments=_segments(analysis.text, highlights),
        highlights=highlights,
        highlight_json=script_json(data),
        kinds=kinds,
        labels=labels,
        kind_colors={k: KIND_COLORS.get(k, "#eeeeee") for k in kinds},
        sections=sorted(extra, key=lambda s: (s.order, s.key)),
        schema=SCHEMA,
        version=__version__,
        other_languages=sorted({p.lang for p in analysis.paragraphs if p.lang and p.lang != analysis.language}),
    )


def write_html(analysis: Analysis, path: Path | str) -> Path:
    path = Path(path)
    path.write_text(render_html(analysis), encoding="utf-8")
    return path


@register_highlights("foundation")
def _foundation_highlights(analysis: Analysis) -> list[Highlight]:
    out: list[Highlight] = []
    for ent in analysis.entities:
        out.append(Highlight(ent.start, ent.end, "entity", ent.label, f"named entity ({ent.label})"))
    for source in analysis.sources:
        for m in source.mentions:
            out.append(Highlight(m.start, m.end, "source", source.name,
                                 f"cited source ({source.kind}): {'; '.join(source.reasons)}"))
    for quote in analysis.quotes:
        who = quote.speaker or "speaker unclear"
        out.append(Highlight(quote.start, quote.end, "quote", "quotation", f"direct quotation; speaker: {who}"))
    for marker in analysis.markers:
        out.append(Highlight(marker.start, marker.end, "hedge", marker.kind, f"'{marker.cue}': {marker.meaning}"))
    for para in analysis.paragraphs:
        if para.lang and analysis.language and para.lang != analysis.language:
            out.append(Highlight(para.start, para.end, "language", para.lang,
                                 f"paragraph in {para.lang} (article: {analysis.language}); confidence {para.lang_confidence:.2f}",
                                 color="#e1f5fe"))
    return out
