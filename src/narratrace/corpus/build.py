"""Corpus-level analysis over the store: duplicates, stories, narratives with lifecycle.

:func:`build` reads every publication (``corpus_publications`` joined with the stored
article texts and analyses), then

1. finds duplicate groups (:mod:`narratrace.corpus.dedup`) and replaces ``corpus_duplicates``;
2. adds new articles to the stories built so far (:mod:`narratrace.corpus.stories`, online);
3. regroups all claim mentions into narratives -- claim families
   (:mod:`narratrace.corpus.grouping`) whose events are every article's stance toward the
   claim (:mod:`narratrace.corpus.event_stance`), taken by normalised parties
   (:mod:`narratrace.corpus.parties`) -- with lifecycle (:mod:`narratrace.corpus.lifecycle`)
   and timeline (:mod:`narratrace.corpus.timeline`), and replaces ``corpus_narratives``.

A stored narrative keeps its events, so its state on an earlier date is judged again from
them without a rebuild (:func:`list_narratives` and :func:`get_narrative` with ``as_of``).

Narrative ids are derived from the first mention (article and span), so they are
stable across rebuilds as long as the earliest mention does not change.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Any

import numpy as np
from sqlalchemy import Engine, delete, select

from narratrace.corpus.dedup import DocRef, DuplicateGroup, copy_map, find_duplicates
from narratrace.corpus.event_stance import type_events
from narratrace.corpus.grouping import NarrativeGrouper
from narratrace.corpus.incremental import (
    INDEX_ROW,
    as_narrative,
    index_payload,
    people_from_payload,
    people_payload,
    place,
)
from narratrace.corpus.lifecycle import Lifecycle, assess, independent_outlets
from narratrace.corpus.mentions import mark_copies, mentions_from_analysis
from narratrace.corpus.parties import PartyResolver, party_positions
from narratrace.corpus.records import Event, Mention, Narrative
from narratrace.corpus.stories import StoryClusterer, StoryItem, make_items
from narratrace.corpus.timeline import build_timeline
from narratrace.errors import NarratraceError
from narratrace.ingest.dates import as_utc as _aware
from narratrace.model import Article
from narratrace.store.articles import load_analyses
from narratrace.store.schema import articles
from narratrace.store.schema_corpus import (
    corpus_builds,
    corpus_duplicates,
    corpus_narratives,
    corpus_publications,
    corpus_stories,
)

logger = logging.getLogger(__name__)

SORT_KEYS = ("first", "last", "articles", "outlets", "state")


class NarrativeNotFoundError(NarratraceError):
    code = "E600"


class CorpusEmptyError(NarratraceError):
    code = "E601"


@dataclass(slots=True)
class Publication:
    name: str
    article: Article
    content_hash: str
    url_norm: str | None = None


@dataclass
class BuildResult:
    publications: int = 0
    groups: list[DuplicateGroup] = field(default_factory=list)
    stories: dict[str, str] = field(default_factory=dict)
    narratives: list[dict[str, Any]] = field(default_factory=list)
    incremental: bool = False



def load_publications(engine: Engine) -> list[Publication]:
    """Every publication with its text, in (published, ingest) order."""
    q = (
        select(corpus_publications, articles.c.text, articles.c.meta)
        .join(articles, articles.c.content_hash == corpus_publications.c.content_hash)
        .order_by(corpus_publications.c.pk)
    )
    out = []
    with engine.connect() as conn:
        for r in conn.execute(q):
            art = Article(
                text=r.text, id=r.name, title=r.title, url=r.url, outlet=r.outlet,
                published=_aware(r.published), lang=r.lang, source_path=r.source_path,
                metadata=dict(r.meta or {}),
            )
            out.append(Publication(r.name, art, r.content_hash, r.url_norm))
    return out


def corpus_volume(pubs: Sequence[Publication]) -> dict[str, int]:
    """Publications per UTC day."""
    c: Counter = Counter()
    for p in pubs:
        if p.article.published:
            c[p.article.published.astimezone(UTC).date().isoformat()] += 1
    return dict(c)


def narrative_record(n: Narrative, lc: Lifecycle, timeline: dict[str, Any], stories: dict[str, str],
                     about: set[str] | None = None) -> dict[str, Any]:
    """The machine-readable form of a narrative (``narratrace corpus narratives --json``)."""
    first = timeline["first_appearance"] or {}
    articles = list(dict.fromkeys([*n.articles, *(e.article for e in n.events)]))
    outlets = []
    for e in n.events:
        if e.outlet and e.outlet not in outlets:
            outlets.append(e.outlet)
    return {
        "id": n.id,
        "claim": n.claim,
        "state": lc.state,
        "reason": lc.reason,
        "state_events": [e.to_dict() for e in lc.state_events],
        "sub_claims": n.sub_claims,
        "about": sorted(about or ()),
        "parties": party_positions(n.events),
        "went_quiet_unresolved": lc.went_quiet_unresolved,
        "denier_confirmed": lc.denier_confirmed,
        "first_article": first.get("article"),
        "first_outlet": first.get("outlet"),
        "first_source": first.get("source"),
        "first_date": first.get("date"),
        "last_date": (timeline["last_appearance"] or {}).get("date"),
        "articles": articles,
        "outlets": outlets,
        "independent_outlets": independent_outlets(n.events, ("asserted", "denied", "questioned", "confirmed", "retracted", "corrected", "fact_checked")),
        "languages": sorted({e.lang for e in n.events if e.lang}),
        "stories": sorted({stories[a] for a in articles if a in stories}),
        "events": [e.to_dict() for e in n.events],
        "timeline": timeline,
    }


def build(
    engine: Engine,
    *,
    as_of: datetime | None = None,
    embed_articles: Callable[[list[Publication]], list[StoryItem]] | None = None,
    embed_claims: Callable[[list[Mention]], np.ndarray] | None = None,
    stance_model: Any = None,
    incremental: bool = True,
) -> BuildResult:
    """Rebuild duplicates and narratives, and extend stories, from what the store holds.

    Parameters
    ----------
    as_of:
        Reference date of the lifecycle (default: the newest publication's date).
    embed_articles, embed_claims:
        Replace the e5 embeddings (tests).
    stance_model:
        Replace the shipped claim-stance model (tests).
    incremental:
        When the store only gained publications since the last full build, place their
        mentions into the stored narratives (:mod:`narratrace.corpus.incremental`) instead
        of regrouping everything; a build that finds nothing new regroups exactly.
    """
    pubs = load_publications(engine)
    result = BuildResult(publications=len(pubs))
    now = datetime.now(UTC)

    # 1. duplicates
    docs = [DocRef(p.name, p.article.text, p.article.url, p.article.outlet, p.article.published, p.content_hash) for p in pubs]
    groups = find_duplicates(docs)
    copies = copy_map(groups)
    result.groups = groups
    with engine.begin() as conn:
        conn.execute(delete(corpus_duplicates))
        rows = [
            {"group_id": g.id, "name": m, "canonical": g.canonical, "payload": g.to_dict() if m == g.canonical else {}}
            for g in groups for m in g.members
        ]
        if rows:
            conn.execute(corpus_duplicates.insert(), rows)

    # 2. stories (online: only new publications are added to the stored clusters)
    with engine.connect() as conn:
        state = [r.payload for r in conn.execute(select(corpus_stories.c.payload))]
    clusterer = StoryClusterer.from_state(state)
    todo = [p for p in pubs if p.name not in clusterer.labels_]
    if todo:
        items = embed_articles(todo) if embed_articles else make_items([(p.name, p.article.title, p.article.text, p.article.published, p.article.lang) for p in todo])
        clusterer.partial_fit(items)
        with engine.begin() as conn:
            conn.execute(delete(corpus_stories))
            rows = [
                {"story_id": s["id"], "n_articles": len(s["members"]), "first": _aware(datetime.fromisoformat(s["first"])) if s["first"] else None,
                 "last": _aware(datetime.fromisoformat(s["last"])) if s["last"] else None, "payload": s, "updated_at": now}
                for s in clusterer.to_state()
            ]
            if rows:
                conn.execute(corpus_stories.insert(), rows)
    result.stories = dict(clusterer.labels_)

    # 3. narratives: incremental when only new publications came since a full build
    resolver = PartyResolver.from_texts((p.article.text for p in pubs), {p.article.outlet for p in pubs if p.article.outlet})
    index = _load_index(engine) if incremental else None
    seen = set(index["publications"]) if index else set()
    new_pubs = [p for p in pubs if p.name not in seen]
    incremental = bool(index) and bool(new_pubs) and seen <= {p.name for p in pubs}
    if incremental:
        resolver.people.update(people_from_payload(index.get("people") or {}))
    mentions = _mentions(engine, new_pubs if incremental else pubs, copies, result.stories, resolver)
    vectors = embed_claims(mentions) if embed_claims else None
    if incremental:
        narratives, lang_means = _place_new(engine, mentions, vectors, index, stance_model)
        publications = [*index["publications"], *(p.name for p in new_pubs)]
    else:
        grouper = NarrativeGrouper().fit(mentions, vectors)
        narratives, lang_means = grouper.narratives_, index_payload(grouper.lang_means_, [])["lang_means"]
        type_events(narratives, model=stance_model)
        publications = [p.name for p in pubs]
    result.incremental = incremental
    if as_of is None:
        dates = [p.article.published for p in pubs if p.article.published]
        as_of = max(dates) if dates else None
    volume = corpus_volume(pubs)
    records = []
    for n in narratives:
        about = resolver.countries_in(n.claim)
        lc = assess(n.events, as_of=as_of, claim=n.claim, about=about, volume=volume)
        records.append(narrative_record(n, lc, build_timeline(n.events, corpus_volume=volume), result.stories, about))
    with engine.begin() as conn:
        conn.execute(delete(corpus_narratives))
        rows = [
            {"narrative_id": INDEX_ROW, "claim": "", "state": "emerging", "n_articles": 0, "n_outlets": 0, "score": 0.0,
             "payload": {"lang_means": lang_means, "publications": publications, "people": people_payload(resolver.people)},
             "updated_at": now},
        ] + [
            {"narrative_id": r["id"], "claim": r["claim"], "state": r["state"],
             "first": _aware(datetime.fromisoformat(r["first_date"])) if r["first_date"] else None,
             "last": _aware(datetime.fromisoformat(r["last_date"])) if r["last_date"] else None,
             "n_articles": len(r["articles"]), "n_outlets": len(r["independent_outlets"]),
             "score": float(len(r["articles"])), "payload": r, "updated_at": now}
            for r in records
        ]
        if rows:
            conn.execute(corpus_narratives.insert(), rows)
        conn.execute(corpus_builds.insert().values(finished_at=datetime.now(UTC), n_publications=len(pubs), n_narratives=len(records)))
    result.narratives = records
    return result


def stored_volume(engine: Engine) -> dict[str, int]:
    """Publications per UTC day, from the store."""
    with engine.connect() as conn:
        dates = [r.published for r in conn.execute(select(corpus_publications.c.published))]
    c: Counter = Counter(_aware(d).astimezone(UTC).date().isoformat() for d in dates if d is not None)
    return dict(c)


def end_of_day(day: date | datetime) -> datetime:
    """The last instant (UTC) of ``day``: what "as of DATE" includes."""
    if isinstance(day, datetime):
        return _aware(day)
    return datetime.combine(day, time.max, tzinfo=UTC)


def record_as_of(record: dict[str, Any], as_of: datetime, volume: dict[str, int]) -> dict[str, Any] | None:
    """A stored narrative as it stood on ``as_of``: later events dropped, state judged again.

    None when the narrative had no event yet on that date.
    """
    events = [e for e in (Event.from_dict(d) for d in record["events"]) if e.date is None or e.date <= as_of]
    if not events:
        return None
    day = as_of.astimezone(UTC).date().isoformat()
    volume = {d: n for d, n in volume.items() if d <= day}
    lc = assess(events, as_of=as_of, claim=record["claim"], about=set(record.get("about") or ()), volume=volume)
    kept = {e.article for e in events}
    timeline = build_timeline(events, corpus_volume=volume)
    return {
        **record,
        "as_of": as_of.isoformat(),
        "state": lc.state,
        "reason": lc.reason,
        "state_events": [e.to_dict() for e in lc.state_events],
        "went_quiet_unresolved": lc.went_quiet_unresolved,
        "denier_confirmed": lc.denier_confirmed,
        "parties": party_positions(events),
        "articles": [a for a in record["articles"] if a in kept],
        "sub_claims": [{**sc, "articles": [a for a in sc["articles"] if a in kept]}
                       for sc in record.get("sub_claims") or [] if kept & set(sc["articles"])],
        "events": [e.to_dict() for e in events],
        "last_date": (timeline["last_appearance"] or {}).get("date"),
        "timeline": timeline,
    }


def _mentions(engine: Engine, pubs: Sequence[Publication], copies: dict[str, str], stories: dict[str, str],
              resolver: PartyResolver) -> list[Mention]:
    """The claim mentions of ``pubs``, with copies marked, stories and parties set."""
    stored = load_analyses(engine, sorted({p.content_hash for p in pubs}))
    mentions: list[Mention] = []
    for p in pubs:
        analysis = stored.get(p.content_hash)
        if analysis is not None:  # one analysis per text, read for each publication of it
            mentions.extend(mentions_from_analysis(replace(analysis, article=p.article)))
    mark_copies(mentions, copies)
    resolver.learn_people([(m.source, m.source_text) for m in mentions])
    for m in mentions:
        m.story = stories.get(m.article)
        party = resolver.resolve(m.source, m.source_text, m.outlet)
        m.actor, m.actor_kind = party.name, party.kind
    return mentions


def _load_index(engine: Engine) -> dict[str, Any] | None:
    """The stored build index, when the stored narratives can be extended (see :mod:`~narratrace.corpus.incremental`)."""
    with engine.connect() as conn:
        row = conn.execute(select(corpus_narratives.c.payload).where(corpus_narratives.c.narrative_id == INDEX_ROW)).first()
    return row.payload if row is not None and row.payload.get("lang_means") else None


def _stored_records(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        q = select(corpus_narratives.c.payload).where(corpus_narratives.c.narrative_id != INDEX_ROW)
        return [r.payload for r in conn.execute(q.order_by(corpus_narratives.c.narrative_id))]


def _place_new(engine: Engine, mentions: list[Mention], vectors: np.ndarray | None, index: dict[str, Any],
               stance_model: Any) -> tuple[list[Narrative], dict[str, Any]]:
    """Stored narratives with the new mentions placed into them, only new events typed."""
    if vectors is None:
        from narratrace.text.embeddings import embed_queries

        vectors = embed_queries([m.key_text for m in mentions]) if mentions else np.zeros((0, 384), np.float32)
    records = _stored_records(engine)
    touched, created = place(records, mentions, vectors, index["lang_means"])
    families = touched + created
    fresh = [Narrative(f.record["id"], f.record["claim"], [], f.new_events, f.subs) for f in families]
    type_events(fresh, model=stance_model)
    for f, n in zip(families, fresh, strict=True):
        f.new_events = n.events
    done = {f.record["id"] for f in families}
    untouched = [Narrative(r["id"], r["claim"], [], [Event.from_dict(e) for e in r["events"]], r["sub_claims"])
                 for r in records if r["id"] not in done]
    return [as_narrative(f) for f in families] + untouched, index["lang_means"]


def list_narratives(engine: Engine, *, state: str | None = None, sort: str = "first", min_articles: int = 1,
                    as_of: date | datetime | None = None) -> list[dict[str, Any]]:
    """Stored narratives, filtered by lifecycle state and sorted.

    ``sort`` is one of ``first`` (earliest first), ``last`` (most recent activity first),
    ``articles`` or ``outlets`` (largest first), ``state``. With ``as_of``, each narrative is
    shown as it stood at the end of that day (see :func:`record_as_of`).
    """
    from narratrace.corpus.lifecycle import STATES
    from narratrace.errors import ConfigError

    if state is not None and state not in STATES:
        raise ConfigError(f"state must be one of {', '.join(STATES)}, got {state!r}")
    if sort not in SORT_KEYS:
        raise ConfigError(f"sort must be one of {', '.join(SORT_KEYS)}, got {sort!r}")
    q = select(corpus_narratives.c.payload, corpus_narratives.c.narrative_id).where(corpus_narratives.c.narrative_id != INDEX_ROW)
    if state and as_of is None:
        q = q.where(corpus_narratives.c.state == state)
    with engine.connect() as conn:
        rows = [r.payload for r in conn.execute(q.order_by(corpus_narratives.c.narrative_id))]
    if as_of is not None:
        volume = stored_volume(engine)
        rows = [r for r in (record_as_of(r, end_of_day(as_of), volume) for r in rows) if r is not None]
        rows = [r for r in rows if state is None or r["state"] == state]
    rows = [r for r in rows if len(r["articles"]) >= min_articles]
    far = "9999"
    if sort == "first":
        rows.sort(key=lambda r: (r["first_date"] or far, r["id"]))
    elif sort == "last":
        rows.sort(key=lambda r: (r["last_date"] or ""), reverse=True)
    elif sort == "articles":
        rows.sort(key=lambda r: (-len(r["articles"]), r["first_date"] or far))
    elif sort == "outlets":
        rows.sort(key=lambda r: (-len(r["independent_outlets"]), r["first_date"] or far))
    else:
        rows.sort(key=lambda r: (STATES.index(r["state"]), r["first_date"] or far))
    return rows


def get_narrative(engine: Engine, narrative_id: str, *, as_of: date | datetime | None = None) -> dict[str, Any]:
    """One stored narrative by id (a unique prefix is accepted), as of a date when given."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(corpus_narratives.c.payload).where(corpus_narratives.c.narrative_id.startswith(narrative_id, autoescape=True))
            .where(corpus_narratives.c.narrative_id != INDEX_ROW)
        ).all()
    if len(rows) != 1:
        what = "no narrative" if not rows else f"{len(rows)} narratives"
        raise NarrativeNotFoundError(f"{what} with id {narrative_id!r}; `narratrace corpus narratives` lists them")
    if as_of is None:
        return rows[0].payload
    record = record_as_of(rows[0].payload, end_of_day(as_of), stored_volume(engine))
    if record is None:
        raise NarrativeNotFoundError(f"narrative {narrative_id!r} has no event on or before {as_of}")
    return record


def list_duplicates(engine: Engine) -> list[dict[str, Any]]:
    """Stored duplicate groups (each with canonical, members, kinds, outlets, links)."""
    with engine.connect() as conn:
        rows = conn.execute(select(corpus_duplicates.c.payload).where(corpus_duplicates.c.name == corpus_duplicates.c.canonical).order_by(corpus_duplicates.c.pk)).all()
    return [r.payload for r in rows]


def publication_count(engine: Engine) -> int:
    """How many publications (ingested articles) the store holds."""
    from sqlalchemy import func

    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(corpus_publications)).scalar_one())


def needs_build(engine: Engine) -> bool:
    """True when publications were ingested after the last build."""
    from sqlalchemy import func

    with engine.connect() as conn:
        last_pub = conn.execute(select(func.max(corpus_publications.c.ingested_at))).scalar()
        last_build = conn.execute(select(func.max(corpus_builds.c.finished_at))).scalar()
    if last_pub is None:
        return False
    return last_build is None or _aware(last_pub) > _aware(last_build)
