"""Incremental narratives: new articles placed into the narratives built so far.

A full build (:func:`narratrace.corpus.build.build`) stores, with every narrative, an index
of each sub-claim (its language-centred vector sum, size, names and dates; see
:func:`narratrace.corpus.grouping.sub_index`), and one index row (:data:`INDEX_ROW`) with the
language means used for centring and the publications the build saw. When a later build
finds only *new* publications, their mentions are placed by the rules of the full grouping,
computed against those sums:

- an asserting mention joins the sub-claim whose mean similarity reaches
  ``NARRATIVE_THRESHOLD``, else becomes a new sub-claim of the family whose mean similarity
  reaches ``FAMILY_THRESHOLD`` (sharing a name and, where known, a story), else a new narrative;
- a denial, question or negated mention joins the family it answers (``REACTION_*`` rules;
  a party the family names joins it when its mean similarity to an asserting sub-claim
  reaches ``NARRATIVE_THRESHOLD``, where the full build asks that of the closest pair),
  else a new narrative.

Only the new events are read by the claim-stance model; every narrative's state is judged
again (the corpus's newest date and volume moved). Placement is order-dependent where the
full average linkage is not, so an incremental corpus can differ slightly from a rebuilt
one; ``corpus narratives --rebuild`` regroups exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from narratrace.corpus import grouping as g
from narratrace.corpus.records import Event, Mention, Narrative

# The corpus_narratives row that holds the build's index instead of a narrative.
INDEX_ROW = "_index"


def index_payload(lang_means: dict[str, np.ndarray], publications: Sequence[str]) -> dict[str, Any]:
    """The index row's payload: centring means and the publications a full build saw."""
    return {"lang_means": {k: [round(float(x), 6) for x in v] for k, v in lang_means.items()},
            "publications": list(publications)}


def people_payload(people: dict[str, Any]) -> dict[str, list[str]]:
    """The people a resolver placed (name -> [key, name, kind]), kept for later builds."""
    return {name: [p.key, p.name, p.kind] for name, p in people.items()}


def people_from_payload(data: dict[str, list[str]]) -> dict[str, Any]:
    from narratrace.corpus.parties import Party

    return {name: Party(*fields) for name, fields in (data or {}).items()}


class _Family:
    """A stored narrative as placement sees it: sub-claim sums, names and dates."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record
        self.subs = record["sub_claims"]
        self.sums = [np.asarray(s["index"]["sum"], dtype=np.float32) for s in self.subs]
        self.names = [set(s["index"]["names"]) for s in self.subs]
        self.first = min((_date(s["index"]["first"]) for s in self.subs if s["index"]["first"]), default=None)
        self.last = max((_date(s["index"]["last"]) for s in self.subs if s["index"]["last"]), default=None)
        self.new_events: list[Event] = []

    def sub_scores(self, v: np.ndarray, names: set[str], weight: float) -> np.ndarray:
        return np.array([float(v @ s) / sub["index"]["n"] + weight * g._jaccard(names, n)
                         for s, sub, n in zip(self.sums, self.subs, self.names, strict=True)])

    def family_score(self, vec_sum: np.ndarray, count: int, names: set[str], weight: float) -> float | None:
        """Mean similarity of ``count`` mentions (vector sum ``vec_sum``) to the family, None without a shared name."""
        all_names = set().union(*self.names)
        if not (names and all_names and names & all_names):
            return None
        n = sum(sub["index"]["n"] for sub in self.subs)
        return float(vec_sum @ np.sum(self.sums, axis=0)) / (n * count) + weight * g._jaccard(names, all_names)

    def add(self, k: int, m: Mention, v: np.ndarray, names: set[str]) -> None:
        sub = self.subs[k]
        self.sums[k] = self.sums[k] + v
        self.names[k] |= names
        sub["index"]["n"] += 1
        sub["index"]["names"] = sorted(self.names[k])
        sub["index"]["sum"] = [round(float(x), 5) for x in self.sums[k]]
        if m.published:
            when = m.published.isoformat()
            sub["index"]["first"] = min(filter(None, [sub["index"]["first"], when]))
            sub["index"]["last"] = max(filter(None, [sub["index"]["last"], when]))
            self.first = min(filter(None, [self.first, m.published]))
            self.last = max(filter(None, [self.last, m.published]))
        if m.article not in sub["articles"]:
            sub["articles"].append(m.article)
        self.new_events.extend(g.events_of(m))

    def new_sub(self, m: Mention, v: np.ndarray, names: set[str], affirmative: bool) -> None:
        self.subs.append({"claim": g.claim_label(m.key_text), "affirmative": affirmative, "articles": [],
                          "index": g.sub_index(np.zeros((0, len(v)), np.float32), set(), [])})
        self.sums.append(np.zeros_like(v))
        self.names.append(set())
        self.subs[-1]["index"]["n"] = 0
        self.add(len(self.subs) - 1, m, v, names)


def _date(text: str | None) -> datetime | None:
    from narratrace.ingest.dates import as_utc

    return as_utc(datetime.fromisoformat(text)) if text else None


def place(records: list[dict[str, Any]], mentions: list[Mention], vectors: np.ndarray,
          lang_means: dict[str, Any]) -> tuple[list[_Family], list[_Family]]:
    """Place new ``mentions`` into the stored narrative ``records`` (see the module doc).

    In the full build's order of steps: asserting mentions form sub-claims among themselves
    (the same linkage), each of which merges into a stored sub-claim at the linkage cut, else
    joins a family or starts one; then denials and questions attach to the family they
    answer, or form their own.
    Returns the touched stored families and the new ones (each with its ``new_events``).
    """
    from narratrace.corpus.similarity import name_keys

    means = {k: np.asarray(v, dtype=np.float32) for k, v in lang_means.items()}
    vecs = g.center_with(np.asarray(vectors, dtype=np.float32), [m.lang for m in mentions], means)
    names = [name_keys(" x " + m.key_text) | {k for e in m.entities for k in name_keys(" x " + e)} for m in mentions]
    families = [_Family(r) for r in records]
    far = datetime.max.replace(tzinfo=UTC)
    order = sorted(range(len(mentions)), key=lambda i: (mentions[i].published or far, mentions[i].article, mentions[i].start))
    rank = {i: r for r, i in enumerate(order)}
    affirm = [g.is_affirmative(m) for m in mentions]
    sim = g._Similarity(vecs, names, g.NAME_WEIGHT)
    grouper = g.NarrativeGrouper()
    created: list[_Family] = []
    for sub in grouper._subclaims(sim, [i for i in order if affirm[i]], rank):
        sub_names = set().union(*(names[i] for i in sub))
        # a new group merges into a stored sub-claim at the average-linkage cut, as in the full build
        best = _best_sub(families, vecs[sub].sum(axis=0) / len(sub), sub_names, g.NARRATIVE_THRESHOLD, affirmative_only=True)
        if best is not None:
            for i in sub:
                best[0].add(best[1], mentions[i], vecs[i], names[i])
            continue
        sub_stories = {mentions[i].story for i in sub if mentions[i].story}
        scored = [(f.family_score(vecs[sub].sum(axis=0), len(sub), sub_names, g.NAME_WEIGHT), f)
                  for f in families + created if any(s["affirmative"] for s in f.subs)
                  and not (sub_stories and f.record.get("stories") and not sub_stories & set(f.record["stories"]))]
        scored = [(sc, f) for sc, f in scored if sc is not None and sc >= g.FAMILY_THRESHOLD]
        target = max(scored, key=lambda sf: sf[0])[1] if scored else _new_family(mentions[sub[0]], created)
        _add_sub(target, sub, mentions, vecs, names, True)
    rest = []
    for i in (i for i in order if not affirm[i]):
        open_ = [f for f in families + created if _answers(f, mentions[i], names[i])]
        best = _best_sub(open_, vecs[i], names[i], g.REACTION_ATTACH_THRESHOLD) or _party_answer(open_, mentions[i], vecs[i], names[i])
        if best is None:
            rest.append(i)
        else:
            best[0].add(best[1], mentions[i], vecs[i], names[i])
    for sub in grouper._subclaims(sim, rest, rank):
        for part in g._split_at_gaps(sub, mentions):
            _add_sub(_new_family(mentions[part[0]], created), part, mentions, vecs, names, False)
    return [f for f in families if f.new_events], created


def _new_family(m: Mention, created: list[_Family]) -> _Family:
    fam = _Family({"id": _new_id(m), "claim": g.claim_label(m.key_text), "sub_claims": [], "events": [], "articles": []})
    created.append(fam)
    return fam


def _add_sub(fam: _Family, sub: list[int], mentions: list[Mention], vecs: np.ndarray, names: list[set[str]], affirmative: bool) -> None:
    fam.new_sub(mentions[sub[0]], vecs[sub[0]], names[sub[0]], affirmative)
    for i in sub[1:]:
        fam.add(len(fam.subs) - 1, mentions[i], vecs[i], names[i])
    if not fam.record["sub_claims"] or len(fam.subs) == 1:  # a new family is labelled by its best-formed assertion
        fam.record["claim"] = g.claim_label(next((mentions[i].key_text for i in sub if g._well_formed(mentions[i])), mentions[sub[0]].key_text))


def _best_sub(pool: Sequence[_Family], v: np.ndarray, names: set[str], threshold: float, *,
              affirmative_only: bool = False) -> tuple[_Family, int] | None:
    best, best_score = None, threshold
    for f in pool:
        if not f.subs:
            continue
        scores = f.sub_scores(v, names, g.NAME_WEIGHT)
        if affirmative_only:
            scores = np.where([sub["affirmative"] for sub in f.subs], scores, -np.inf)
        k = int(np.argmax(scores))
        if scores[k] >= best_score:
            best, best_score = (f, k), float(scores[k])
    return best


def _party_answer(pool: Sequence[_Family], m: Mention, v: np.ndarray, names: set[str]) -> tuple[_Family, int] | None:
    """The full build's party rule (a party the family names answering it), on sub-claim
    means: a mean at the sub-claim cut implies the closest pair reaches it too, so this
    attaches a subset of what the full build attaches."""
    from narratrace.corpus.similarity import name_keys

    if not m.actor or m.actor_kind in g.OWN_VOICE_KINDS:
        return None
    actor = name_keys(" x " + m.actor)
    named = [f for f in pool if actor & set().union(*(n for n, s in zip(f.names, f.subs, strict=True) if s["affirmative"]))]
    return _best_sub(named, v, names, g.NARRATIVE_THRESHOLD, affirmative_only=True)


def _answers(f: _Family, m: Mention, names: set[str]) -> bool:
    when = m.published
    if when and f.first and f.first > when:
        return False
    if when and f.last and (when - f.last).days > g.REACTION_WINDOW_DAYS:
        return False
    all_names = set().union(*f.names)
    return not names or not all_names or bool(names & all_names)


def _new_id(m: Mention) -> str:
    import hashlib

    return "N" + hashlib.sha1(f"{m.article}\x00{m.start}\x00{m.text}".encode()).hexdigest()[:10]


def as_narrative(f: _Family) -> Narrative:
    """The family with its stored and new events, as a :class:`Narrative` (events deduplicated)."""
    stored = [Event.from_dict(e) for e in f.record.get("events") or []]
    return Narrative(f.record["id"], f.record["claim"], [], g.dedupe_events(stored + f.new_events), f.subs)
