"""Reuse findings: the same picture in several articles, and what their captions disagree on.

Findings (each names the articles and the evidence):

- ``reuse`` - one picture (or near-identical copies: crops, mirrors, re-encodes) in
  several articles, ordered by date, with the earliest known appearance;
- ``caption_conflict`` - two appearances whose captions (or, lacking a caption, the
  surrounding text) name different places, units, sides, people or dates;
- ``capture_precedes_event`` - the EXIF capture date is earlier than the date the
  caption claims (an explicit date, or "today/yesterday" read against the publication);
- ``earlier_appearance`` - the picture was already published before the date a later
  caption says it was taken.

Examples
--------
>>> facets("Troops of the 47th Brigade near Avdiivka, February 2024")["units"]
['47th brigade']
>>> sorted(facets("Russian soldiers in Kursk region on 5 October 2024")["dates"])
['2024-10-05']
"""

from __future__ import annotations

import logging
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from narratrace.dates import MONTHS, find_date_mentions
from narratrace.groups import connected_groups
from narratrace.images.repository import Appearance, load_appearances, load_index

logger = logging.getLogger(__name__)

# Days of slack when comparing a capture or publication date with a claimed date: EXIF
# clocks are often off by a time zone or a few days, and captions round to the month.
DATE_GRACE_DAYS = 14
# Up to this many stored pictures, find_reuse re-reads their files (when still present) to
# look each up with full query features (~0.1 s a picture); above, stored features only.
REREAD_FILES_UP_TO = 5_000
# Recency words: a caption using them claims the picture shows the news of the day.
RECENT_RE = re.compile(r"(?i)\b(today|yesterday|this (?:morning|week|afternoon|evening)|last night|tonight|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b")
# Military and police units: "47th Brigade", "3rd Separate Assault Brigade", "Azov Regiment".
UNIT_RE = re.compile(
    r"(?i)\b((?:\d{1,3}(?:st|nd|rd|th)?|[A-Z][a-z]+)\s+(?:(?:separate|mechani[sz]ed|motori[sz]ed|assault|airborne|"
    r"air assault|marine|tank|artillery|guards|infantry|special forces|rifle|territorial defen[cs]e)\s+)*"
    r"(?:brigade|division|regiment|battalion|corps|army|company|squadron|fleet))\b"
)
# Sides: a nationality or group adjective before a word for armed or official people.
SIDE_RE = re.compile(
    r"\b([A-Z][a-z]+(?:ian|ean|ese|ish|ian-backed|i|an))\s+(?:troops|soldiers|forces|army|military|servicemen|"
    r"fighters|marines|paratroopers|sailors|police|officials|militants|rebels|separatists|drones?|tanks?|artillery)\b"
)
# Places: capitalised words after a locative preposition ("near Avdiivka", "in Kursk region").
PLACE_RE = re.compile(r"\b(?:in|near|at|outside|from)\s+(?:the\s+)?([A-Z][\w'-]+(?:\s+(?:[A-Z][\w'-]+|region|oblast|province|district))?)")
_ADJ_RE = re.compile(r"(ian|ean|ese|ish)$")
# Credit lines stripped before reading facets ("Photo: Jane Roe/AP", "(Screenshot: NYT)").
CREDIT_STRIP_RE = re.compile(r"(?i)(?:photo(?:graph)?|image|picture|credit|screenshot|foto|source)\s*:\s*[^|()\n]{2,80}|©\s*[^|()\n]{2,80}")
_LOWER_UNIT_WORDS = {"the", "a", "an", "this", "that", "his", "her", "their", "our", "its"}


def _date_intervals(text: str) -> dict[str, tuple[date, date]]:
    """Dates in ``text`` as labelled intervals (day, month or year precision)."""
    return {m.label: (m.first, m.last) for m in find_date_mentions(text)}


@cache
def _nlp():
    try:
        from narratrace.text.nlp import english

        return english()
    except Exception as exc:  # noqa: BLE001 - NER is an enhancement; regexes still work
        logger.info("no spaCy model for caption NER: %s", exc)
        return None


def _norm(s: str) -> str:
    s = " ".join(s.lower().replace("’", "'").split())
    s = re.sub(r"^(the)\s+", "", s)
    return re.sub(r"'s$", "", s).strip(" .,;:")


def facets(text: str) -> dict[str, list[str]]:
    """Places, units, sides (nationalities/groups), people and dates named in ``text``."""
    out: dict[str, set[str]] = {"places": set(), "units": set(), "sides": set(), "people": set(), "dates": set()}
    if not text:
        return {k: [] for k in out}
    out["dates"].update(_date_intervals(text))
    for m in UNIT_RE.finditer(text):
        unit = _norm(m.group(1))
        if unit.split()[0] not in _LOWER_UNIT_WORDS:
            out["units"].add(unit)
    text = CREDIT_STRIP_RE.sub(" ", text)  # the photographer is not a person the picture shows
    for m in SIDE_RE.finditer(text):
        out["sides"].add(_norm(m.group(1)))
    for m in PLACE_RE.finditer(text):
        place = _norm(m.group(1))
        if place.split()[0] not in MONTHS and not any(place in u for u in out["units"]):
            out["places"].add(place)
    nlp = _nlp()
    if nlp is not None:
        doc = nlp(text[:5000])
        for ent in doc.ents:
            value = _norm(ent.text)
            if not value or any(value in u for u in out["units"]) or value.split()[0] in MONTHS:
                continue
            if ent.label_ == "NORP" or (ent.label_ == "GPE" and _ADJ_RE.search(value) and " " not in value):
                out["sides"].add(value)
            elif ent.label_ in ("GPE", "LOC", "FAC"):
                out["places"].add(value)
            elif ent.label_ == "PERSON" and value not in out["places"]:
                out["people"].add(value)
    return {k: sorted(v) for k, v in out.items()}


def _overlap_dates(a: list[str], b: list[str]) -> bool:
    ia = [_date_intervals_label(x) for x in a]
    ib = [_date_intervals_label(x) for x in b]
    return any(s1 <= e2 and s2 <= e1 for s1, e1 in ia for s2, e2 in ib)


def _date_intervals_label(label: str) -> tuple[date, date]:
    parts = [int(p) for p in label.split("-")]
    if len(parts) == 3:
        d = date(*parts)
        return d, d
    if len(parts) == 2:
        y, m = parts
        return date(y, m, 1), date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def conflicts(text_a: str, text_b: str) -> dict[str, tuple[list[str], list[str]]]:
    """Facets both texts name but on which they share nothing.

    >>> sorted(conflicts("Ukrainian troops near Avdiivka in February 2024",
    ...                  "Russian troops near Kursk in October 2024"))
    ['dates', 'places', 'sides']
    """
    fa, fb = facets(text_a), facets(text_b)
    out = {}
    for key in ("places", "units", "sides", "people"):
        if fa[key] and fb[key] and not set(fa[key]) & set(fb[key]):
            # a place named as part of the other ("Kursk" vs "Kursk region") is no conflict
            if key == "places" and any(x in y or y in x for x in fa[key] for y in fb[key]):
                continue
            out[key] = (fa[key], fb[key])
    if fa["dates"] and fb["dates"] and not _overlap_dates(fa["dates"], fb["dates"]):
        out["dates"] = (fa["dates"], fb["dates"])
    return out


@dataclass
class Finding:
    """One reuse finding with the articles it names and its evidence."""

    kind: str
    summary: str
    appearances: list[dict[str, Any]]
    evidence: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "summary": self.summary, "appearances": self.appearances,
                "evidence": self.evidence, "details": self.details}


def _caption_text(a: Appearance) -> str:
    return " ".join(x for x in (a.caption, a.alt) if x) or (a.context or "")


def _date_key(a: Appearance) -> tuple[int, datetime]:
    return (a.published is None, a.published or datetime.max.replace(tzinfo=UTC))


def _label(a: Appearance) -> str:
    when = a.published.date().isoformat() if a.published else "undated"
    who = a.outlet or "unknown outlet"
    title = a.article_title or a.article_id or a.src or "?"
    return f"{title!r} ({who}, {when})"


def _claimed_interval(a: Appearance) -> tuple[date, date, str] | None:
    text = _caption_text(a)
    dates = _date_intervals(text)
    if dates:
        label, (start, end) = min(dates.items(), key=lambda kv: kv[1][0])
        return start, end, f"caption date {label}"
    if a.published and RECENT_RE.search(text):
        day = a.published.date()
        return day - timedelta(days=7), day, f"caption says {RECENT_RE.search(text).group(0)!r} (published {day})"
    return None


def describe_evidence(edge: dict[str, Any]) -> str:
    """One line for a match's evidence: the matched region and its verification, or the hash distances.

    >>> describe_evidence({"method": "hashes", "distance": 40, "pdq": 20, "phash": 10, "mirrored": False,
    ...                    "views": [1.0, 0.8]})
    'near duplicate on hashes: combined distance 40 (PDQ 20, pHash 10, views 100%/80%)'
    """
    v = edge.get("verification")
    hashes = ""
    if "distance" in edge:
        hashes = (f"combined distance {edge['distance']} (PDQ {edge['pdq']}, pHash {edge['phash']}"
                  f"{', mirrored' if edge.get('mirrored') else ''}, views {edge['views'][0]:.0%}/{edge['views'][1]:.0%})")
    if not v:
        return f"near duplicate on hashes: {hashes}"
    r, q = v["stored_region"], v["query_region"]
    pixels = f"pixels agree in {v['photometric']:.0%} of blocks, " if v.get("photometric") is not None else ""
    return (f"shows x {r[0]:.0%}-{r[2]:.0%}, y {r[1]:.0%}-{r[3]:.0%} of the stored picture ({v['stored_area']:.0%} of it), "
            f"at x {q[0]:.0%}-{q[2]:.0%}, y {q[1]:.0%}-{q[3]:.0%} of the query ({v['query_area']:.0%} of it"
            f"{', a picture embedded in it' if v.get('embedded') else ''}); "
            f"verified: {v['inliers']} inliers of {v['matches']} matches, coverage {v['coverage']:.0%}, {pixels}"
            f"scale {v['scale']:.2f}, rotation {v['rotation']:+.1f} deg{', mirrored' if v['mirrored'] else ''}; "
            f"confidence {v['confidence']:.2f}" + (f"; {hashes}" if hashes else ""))


def _readable_files(engine: Engine) -> dict[int, str]:
    """A local file per stored picture, where one of its appearances still points to one."""
    out: dict[int, str] = {}
    for a in load_appearances(engine):
        if a.image_pk is not None and a.image_pk not in out and a.local_path and Path(a.local_path).is_file():
            out[a.image_pk] = a.local_path
    return out


def _file_features(path: str | None) -> tuple | None:
    """Query features of a stored picture's file (every keypoint, mirrored too), else ``None``.

    Stored features keep 400 keypoints and a 128 px thumbnail; when the file is still there,
    a stored picture is looked up as a full query, as ``images match`` does.
    """
    if path is None:
        return None
    from narratrace.images._errors import ImageRefusedError
    from narratrace.images.local_features import query_features
    from narratrace.images.safety import open_image, read_bounded

    try:
        return query_features(open_image(read_bounded(Path(path)), name=Path(path).name)[0])
    except (ImageRefusedError, OSError) as exc:
        logger.info("stored picture %s not re-read: %s", path, exc)
        return None


def clusters(engine: Engine, *, seeds: set[int] | None = None) -> tuple[list[list[int]], dict[tuple[int, int], dict], dict]:
    """Groups of stored pictures that are the same picture, the evidence per edge, and the fingerprints.

    With ``seeds`` (picture keys), only the groups holding them are found: the index is
    queried from the seeds and from each picture they reach, never from every stored picture.
    """
    index, fps = load_index(engine)
    files = _readable_files(engine) if len(fps) <= REREAD_FILES_UP_TO else {}
    edges: dict[tuple[int, int], dict] = {}
    # query each picture once: every stored one, or the seeds and the pictures they reach
    hits: dict[int, list] = {}
    todo = deque(fps if seeds is None else [pk for pk in seeds if pk in fps])
    while todo:
        pk = todo.popleft()
        if pk in hits:
            continue
        fp = fps[pk]
        hits[pk] = index.match(fp, exclude=str(pk), query_features=_file_features(files.get(pk))) if fp.views_pdq else []
        if seeds is not None:
            todo.extend(int(m.key) for m in hits[pk] if int(m.key) not in hits)
    for pk in (pk for pk in fps if pk in hits):  # in key order, so the evidence kept per edge never depends on the seeds
        for m in hits[pk]:
            other = int(m.key)
            a, b = min(pk, other), max(pk, other)
            known = edges.get((a, b))
            if known is None or ("verification" not in known and m.verification is not None):
                edges[(a, b)] = {"query": pk, "stored": other, **m.to_dict()}
    groups = connected_groups([(pk, pk) for pk in hits] + list(edges))
    return [sorted(g) for g in groups], edges, fps


def _app(a: Appearance) -> dict:
    return dict(a.to_dict(), image=a.image_pk)


def _reuse_finding(group: list[int], members: list[Appearance], edges: dict) -> Finding | None:
    """The ``reuse`` finding of a group whose pictures appear in two or more articles or files."""
    keys = {a.article_id or f"file:{a.src}" for a in members}
    if len(keys) < 2:
        return None
    group_edges = [dict(pair=list(k), **v) for k, v in edges.items() if k[0] in group]
    ordered = [_app(a) for a in members]
    ev = [f"{len(keys)} articles or files show the same picture"]
    ev += [f"image {e['query']} / image {e['stored']}: {describe_evidence(e)}" for e in group_edges]
    return Finding(
        kind="reuse",
        summary=f"same picture in {len(keys)} articles; earliest known appearance: {_label(members[0])}",
        appearances=ordered,
        evidence=ev,
        details={"images": group, "earliest": ordered[0], "edges": group_edges},
    )


def _caption_conflicts(members: list[Appearance]) -> list[Finding]:
    """Caption conflicts between appearances in different articles."""
    findings: list[Finding] = []
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if (a.article_id or a.src) == (b.article_id or b.src):
                continue
            ta, tb = _caption_text(a), _caption_text(b)
            found = conflicts(ta, tb)
            if not found:
                continue
            ev = [f"{k}: {', '.join(va)} vs {', '.join(vb)}" for k, (va, vb) in found.items()]
            findings.append(Finding(
                kind="caption_conflict",
                summary=f"captions disagree on {', '.join(found)}: {_label(a)} vs {_label(b)}",
                appearances=[_app(a), _app(b)],
                evidence=[f"earlier caption: {ta!r}", f"later caption: {tb!r}", *ev],
                details={"conflicts": {k: {"earlier": va, "later": vb} for k, (va, vb) in found.items()},
                         "earlier_date": a.published.isoformat() if a.published else None},
            ))
    return findings


def _capture_precedes(a: Appearance, fp, start, why: str) -> Finding | None:
    """``capture_precedes_event`` when the EXIF capture date is before the claimed event."""
    cap = fp.metadata.capture_date if fp else None
    if cap is None or cap.date() >= start - timedelta(days=DATE_GRACE_DAYS):
        return None
    return Finding(
        kind="capture_precedes_event",
        summary=f"picture taken {cap.date()} but {_label(a)} presents it as {why}",
        appearances=[_app(a)],
        evidence=[f"EXIF capture date {cap.isoformat()}" + (f" ({fp.metadata.camera})" if fp and fp.metadata.camera else ""),
                  why],
        details={"capture_date": cap.isoformat(), "claimed_start": start.isoformat()},
    )


def _earlier_appearance(a: Appearance, members: list[Appearance], start, why: str) -> Finding | None:
    """``earlier_appearance`` when another article published the picture before the claimed event."""
    earlier = [b for b in members if b.published and b is not a and (b.article_id or b.src) != (a.article_id or a.src)
               and b.published.date() < start - timedelta(days=DATE_GRACE_DAYS)]
    if not earlier:
        return None
    b = earlier[0]
    return Finding(
        kind="earlier_appearance",
        summary=f"{_label(a)} presents the picture as {why}, but it was already published in {_label(b)}",
        appearances=[_app(b), _app(a)],
        evidence=[f"earlier publication {b.published.date()}", why],
        details={"earlier_date": b.published.isoformat(), "claimed_start": start.isoformat()},
    )


def _date_findings(members: list[Appearance], fps: dict) -> list[Finding]:
    """Capture dates or earlier publications preceding the event a caption claims."""
    findings: list[Finding] = []
    for a in members:
        claimed = _claimed_interval(a)
        if claimed is None:
            continue
        start, _end, why = claimed
        fp = fps.get(a.image_pk) if a.image_pk is not None else None
        found = (_capture_precedes(a, fp, start, why), _earlier_appearance(a, members, start, why))
        findings += [f for f in found if f is not None]
    return findings


def find_reuse(engine: Engine, *, article_id: str | None = None) -> list[Finding]:
    """All reuse findings in the store (or only those naming ``article_id``).

    For one article, only the groups of its own pictures are looked up through the index
    (an article with no stored picture costs one indexed query), not every stored picture.
    """
    seeds = None
    if article_id is not None:
        seeds = {a.image_pk for a in load_appearances(engine, article_id=article_id) if a.image_pk is not None}
        if not seeds:
            return []
    groups, edges, fps = clusters(engine, seeds=seeds)
    by_image: dict[int, list[Appearance]] = {}
    for a in load_appearances(engine):
        if a.image_pk is not None:
            by_image.setdefault(a.image_pk, []).append(a)
    findings: list[Finding] = []
    for group in groups:
        members = sorted((a for pk in group for a in by_image.get(pk, [])), key=_date_key)
        if not members:
            continue
        reuse = _reuse_finding(group, members, edges)
        findings += [reuse] if reuse is not None else []
        findings += _caption_conflicts(members)
        findings += _date_findings(members, fps)
    if article_id is not None:
        findings = [f for f in findings if any(x.get("article_id") == article_id for x in f.appearances)]
    order = {"caption_conflict": 0, "earlier_appearance": 1, "capture_precedes_event": 2, "reuse": 3}
    findings.sort(key=lambda f: (order.get(f.kind, 9), f.summary))
    return findings
