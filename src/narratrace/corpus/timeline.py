"""Timeline of a narrative: first and last appearance, volume, reach and stance over time.

Volume is counted per UTC day in articles that mention the narrative, raw and
normalised by the corpus's article count that day (so a busy news day does not look
like a surge), and also with duplicates folded (``independent``: wire copies and
near-duplicates of one text count once).

Examples
--------
>>> from datetime import datetime, UTC
>>> from narratrace.corpus.narratives import Event
>>> ev = [Event(datetime(2031, 5, 1, tzinfo=UTC), "asserted", "a1", "Nordwire", "Nordwire", "en"),
...       Event(datetime(2031, 5, 1, tzinfo=UTC), "asserted", "a2", "Nordwire", "Rundblick", "de", copy_of="a1")]
>>> t = build_timeline(ev, corpus_volume={"2031-05-01": 4})
>>> t["volume"][0]["articles"], t["volume"][0]["independent"], t["volume"][0]["normalized"]
(2, 1, 0.5)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from narratrace.corpus.narratives import EVENT_TYPES, Event


def _day(d: datetime | None) -> str | None:
    return d.astimezone(UTC).date().isoformat() if d else None


def _point(e: Event | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {"date": e.date.isoformat() if e.date else None, "article": e.article, "outlet": e.outlet, "source": e.source, "lang": e.lang, "type": e.type, "span": [e.start, e.end]}


def build_timeline(events: Sequence[Event], *, corpus_volume: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Timeline dictionary of a narrative's events.

    Parameters
    ----------
    events:
        The narrative's events (any order).
    corpus_volume:
        Articles in the whole corpus per ISO day, for the normalised volume.
    """
    events = sorted(events, key=lambda e: (e.date or datetime.max.replace(tzinfo=UTC)))
    corpus_volume = corpus_volume or {}
    dated = [e for e in events if e.date]
    # first appearance: the first article that puts the claim forward (asserts, reports
    # with doubt, confirms); a narrative only ever denied starts with its first event
    putting = [e for e in events if e.type in ("asserted", "questioned", "confirmed")]
    # (of articles published at the same time, the original before its copies)
    first = min(putting or events, key=lambda e: (e.date or datetime.max.replace(tzinfo=UTC), e.copy_of is not None)) if events else None
    last = dated[-1] if dated else None

    per_day: dict[str, set[str]] = defaultdict(set)
    per_day_ind: dict[str, set[str]] = defaultdict(set)
    stance: dict[str, Counter] = defaultdict(Counter)
    outlets: dict[str, dict[str, Any]] = {}
    langs: dict[str, dict[str, Any]] = {}
    for e in dated:
        day = _day(e.date)
        per_day[day].add(e.article)
        per_day_ind[day].add(e.copy_of or e.article)
        stance[day][e.type] += 1
        if e.outlet:
            o = outlets.setdefault(e.outlet, {"outlet": e.outlet, "first": e.date.isoformat(), "articles": set(), "types": Counter()})
            o["articles"].add(e.article)
            o["types"][e.type] += 1
        if e.lang:
            g = langs.setdefault(e.lang, {"lang": e.lang, "first": e.date.isoformat(), "articles": set()})
            g["articles"].add(e.article)
    volume = []
    for day in sorted(per_day):
        total = corpus_volume.get(day, 0)
        n = len(per_day[day])
        volume.append({"date": day, "articles": n, "independent": len(per_day_ind[day]), "corpus": total, "normalized": round(n / total, 4) if total else None})
    return {
        "first_appearance": _point(first),
        "last_appearance": _point(last),
        "volume": volume,
        "stance_over_time": [{"date": day, **{t: stance[day].get(t, 0) for t in EVENT_TYPES}} for day in sorted(stance)],
        "outlets": [{**o, "articles": sorted(o["articles"]), "types": dict(o["types"])} for o in outlets.values()],
        "languages": [{**g, "articles": sorted(g["articles"])} for g in langs.values()],
    }
