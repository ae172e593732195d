"""A self-contained HTML page for one narrative's timeline, with plotly charts.

plotly.js is embedded inline from the installed ``plotly`` wheel
(:func:`plotly.offline.get_plotlyjs`), so the page works with no network. All text
that comes from articles (claims, sources, outlets, ids) is escaped by an autoescaping
Jinja environment, and the chart data is embedded as JSON with ``<``, ``>`` and ``&``
escaped so that no article text can close the script element.

Examples
--------
>>> page = render_timeline_html({"id": "N1", "claim": "<b>x</b>", "state": "emerging", "reason": "",
...     "events": [], "timeline": {"volume": [], "stance_over_time": [], "outlets": [], "languages": []}},
...     include_plotlyjs=False)
>>> "<b>x</b>" in page, "&lt;b&gt;x&lt;/b&gt;" in page
(False, True)
"""

from __future__ import annotations

import secrets
from typing import Any

from jinja2 import Environment, select_autoescape

from narratrace.report.html import script_json

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-{{ nonce }}'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'">
<title>Narrative {{ n.id }} - narratrace</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
h1{font-size:1.3rem} .state{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;background:#eee;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.9rem} td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top}
.t-asserted{color:#1f5fa8}.t-denied{color:#b02a2a}.t-questioned{color:#a86a1f}.t-confirmed{color:#1f8a3a}
.t-retracted,.t-corrected{color:#7a3fa8}.t-fact_checked{color:#444;font-weight:600}
.chart{height:320px}
</style></head><body>
<h1>{{ n.claim }}</h1>
<p><span class="state">{{ n.state }}</span>{% if n.as_of %} as of {{ n.as_of[:10] }}{% endif %} {{ n.reason }}</p>
{% if n.state_events %}<p>Because:</p><ul>{% for e in n.state_events %}<li class="t-{{ e.type }}">{{ (e.date or "")[:10] }} {{ e.type }} by {{ e.actor or e.source or "unnamed" }} ({{ e.article }}): &ldquo;{{ e.text }}&rdquo;</li>{% endfor %}</ul>{% endif %}
{% if n.sub_claims %}<p>Variants of the claim:</p><ul>{% for s in n.sub_claims %}<li>{{ s.claim }} ({{ s.articles|length }} article(s))</li>{% endfor %}</ul>{% endif %}
{% if n.went_quiet_unresolved %}<p><strong>Went quiet unresolved.</strong></p>{% endif %}
<p>First appearance: {{ first.date or "undated" }} in <em>{{ first.article }}</em> ({{ first.outlet or "unknown outlet" }}), source: {{ first.source or "unnamed" }}.
Last appearance: {{ last.date or "undated" }} in <em>{{ last.article }}</em>.</p>
<p>Outlets: {{ outlets|join(", ") }}. Languages: {{ languages|join(", ") }}.</p>
<h2>Parties over time</h2><div id="parties" class="chart"></div>
{% if n.parties %}<ul>{% for p in n.parties %}<li>{{ p.summary }}{% if p.kinds %} <small>({{ p.kinds|join(", ") }})</small>{% endif %}</li>{% endfor %}</ul>{% endif %}
<h2>Coverage</h2><div id="volume" class="chart"></div>
<h2>Stance over time</h2><div id="stance" class="chart"></div>
<h2>Events</h2>
<table><tr><th>date</th><th>event</th><th>party</th><th>outlet</th><th>lang</th><th>article</th><th>text</th></tr>
{% for e in n.events %}<tr><td>{{ (e.date or "")[:16] }}</td><td class="t-{{ e.type }}">{{ e.type }}{% if e.verdict %} ({{ e.verdict }}){% endif %}{% if e.copy_of %} <small>copy of {{ e.copy_of }}</small>{% endif %}</td>
<td>{{ e.actor or e.source or "" }}</td><td>{{ e.outlet or "" }}</td><td>{{ e.lang or "" }}</td><td>{{ e.article }} <small>[{{ e.span[0] }}, {{ e.span[1] }})</small></td><td>{{ e.text }}</td></tr>
{% endfor %}</table>
<script id="nt-data" type="application/json">{{ data_json|safe }}</script>
{% if plotlyjs %}<script nonce="{{ nonce }}">{{ plotlyjs|safe }}</script>{% endif %}
<script nonce="{{ nonce }}">
(function(){
  if (typeof Plotly === "undefined") { return; }
  var d = JSON.parse(document.getElementById("nt-data").textContent);
  Plotly.newPlot("volume", [
    {type: "bar", name: "articles", x: d.days, y: d.articles},
    {type: "bar", name: "independent", x: d.days, y: d.independent},
    {type: "scatter", mode: "lines+markers", name: "share of corpus that day", x: d.days, y: d.normalized, yaxis: "y2"}
  ], {barmode: "group", margin: {t: 10}, yaxis: {title: "articles"}, yaxis2: {title: "share", overlaying: "y", side: "right", rangemode: "tozero"}}, {displaylogo: false});
  Plotly.newPlot("parties", d.party_types.map(function(t){
    return {type: "scatter", mode: "markers", name: t, x: d.party_points[t].x, y: d.party_points[t].y, text: d.party_points[t].text, hoverinfo: "x+y+text", marker: {size: 11}};
  }), {margin: {t: 10, l: 160}, yaxis: {type: "category"}}, {displaylogo: false});
  var traces = d.types.map(function(t){ return {type: "bar", name: t, x: d.stance_days, y: d.stance[t]}; });
  Plotly.newPlot("stance", traces, {barmode: "stack", margin: {t: 10}}, {displaylogo: false});
})();
</script>
</body></html>
"""

def _party_points(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Chart data of parties x time: per event type, the dates, parties and articles."""
    points: dict[str, dict[str, list]] = {}
    for e in events:
        if not e.get("date"):
            continue
        p = points.setdefault(e["type"], {"x": [], "y": [], "text": []})
        p["x"].append(e["date"][:10])
        p["y"].append(e.get("actor") or e.get("source") or e.get("outlet") or "?")
        p["text"].append(e["article"])
    return {"party_types": list(points), "party_points": points}


_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def render_timeline_html(narrative: dict[str, Any], *, include_plotlyjs: bool = True) -> str:
    """The HTML page of a narrative record (as printed by ``narratrace corpus narratives --json``)."""
    from narratrace.corpus.narratives import EVENT_TYPES

    tl = narrative.get("timeline") or {}
    volume = tl.get("volume") or []
    stance = tl.get("stance_over_time") or []
    types = [t for t in EVENT_TYPES if any(row.get(t) for row in stance)]
    data = {
        "days": [v["date"] for v in volume],
        "articles": [v["articles"] for v in volume],
        "independent": [v["independent"] for v in volume],
        "normalized": [v["normalized"] for v in volume],
        "stance_days": [s["date"] for s in stance],
        "types": types,
        "stance": {t: [s.get(t, 0) for s in stance] for t in types},
        **_party_points(narrative.get("events") or []),
    }
    plotlyjs = ""
    if include_plotlyjs:
        from plotly.offline import get_plotlyjs

        plotlyjs = get_plotlyjs().replace("</script", "<\\/script")
    return _ENV.from_string(_TEMPLATE).render(
        n=narrative,
        first=tl.get("first_appearance") or {},
        last=tl.get("last_appearance") or {},
        outlets=[o["outlet"] for o in tl.get("outlets") or []],
        languages=[g["lang"] for g in tl.get("languages") or []],
        data_json=script_json(data),
        nonce=secrets.token_urlsafe(16),
        plotlyjs=plotlyjs,
    )
