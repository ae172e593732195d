"""Grouping claim mentions into narratives: one claim family per narrative.

Mentions are compared by the multilingual e5 embedding of the claim's normalised text,
*language-centred* (:func:`center_by_language`), plus the overlap of its
language-independent name keys (:func:`narratrace.corpus.similarity.name_keys`), so
"troops shelled the Velora dam", "Truppen beschossen den Staudamm von Velora" and
"войска обстреляли дамбу в Велоре" meet. Three steps:

1. **Sub-claims.** Average-linkage clustering cut at :data:`NARRATIVE_THRESHOLD`. It runs
   inside the connected components of the graph of pairs scoring at least the cut
   (:func:`scipy.sparse.csgraph.connected_components`): an average-linkage merge at or
   above the cut always joins clusters with at least one such pair, so the result is
   exactly the full linkage's, at any corpus size, with memory bounded by the largest
   component rather than the whole corpus.
2. **Families.** Sub-claims that assert something (an affirmative mention: asserted,
   reported or confirmed, with no negation or refuting word) are variants of one
   proposition when their mean similarity reaches :data:`FAMILY_THRESHOLD`, they
   share a name key and, when their articles' stories are known, a story
   (:mod:`narratrace.corpus.stories`: on FNC-1 dev, a shared name such as "State" or
   "United" merged a bombing in one country with air strikes in another) ("Dravia sent troops to Kestria", "Dravian troops arrived in Velm",
   "Dravian soldiers fight in Velm" are one family).
3. **Reactions.** A sub-claim made only of reactions (denials, questions, "X has not
   sent troops") answers a claim made before it: it joins the earlier family with the
   most similar sub-claim at :data:`REACTION_ATTACH_THRESHOLD`, if that family was
   mentioned within :data:`REACTION_WINDOW_DAYS` before. A reaction *in the voice of a party
   the family names* (the accused answering: "Lusovia had nothing to do with the blackout",
   said by Lusovia's minister, to "Lusovian hackers caused the blackout") joins it when it is
   as close to one of the family's assertions as two wordings of one sub-claim are
   (:data:`NARRATIVE_THRESHOLD`): a denial is short and answers one wording, so its mean
   similarity to a large family can stay below the reaction threshold.

A family's label is its most central affirmative mention in the language of its first
assertion, as a clause (no "that", capitalised, no trailing punctuation).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from narratrace.corpus.mentions import events_of
from narratrace.corpus.records import Event, Mention, Narrative, event_order, publisher_voice
from narratrace.corpus.similarity import name_keys
from narratrace.errors import ConfigError

# Languages with fewer than this many mentions are centred on the global mean vector.
MIN_LANG_MENTIONS = 5
# Average-linkage cut on the centred cosine (plus NAME_WEIGHT * name-key Jaccard).
# Chosen on the example corpus (examples/corpus/velora) with the hand-written gold claims
# and with the claims of the default pipeline: same-claim groups average 0.45-0.7, the
# closest different claims (the dam blown up vs. the reservoir poisoned) 0.18.
NARRATIVE_THRESHOLD = 0.22
NAME_WEIGHT = 0.05
# Mean similarity at which two asserting sub-claims sharing a name key are variants of one
# proposition. Chosen on tests/fixtures/story_velm (sent / arrived / fighting / losses /
# pulled back / returned) against the example corpus, whose dam and reservoir claims name
# the same parties but are different propositions; see docs/corpus.md.
FAMILY_THRESHOLD = 0.12
# Mean similarity at which a reaction-only sub-claim joins an earlier family.
REACTION_ATTACH_THRESHOLD = 0.1
# Party kinds that are not a party a claim names: an outlet's own voice, its unnamed sources,
# and a country's media ("South Korean newspaper"), which are not that country's state.
OWN_VOICE_KINDS = frozenset({"outlet", "anonymous", "media"})
REACTION_STANCES = frozenset({"denies", "questions", "confirms", "retracts", "corrects"})
AFFIRMATIVE_STANCES = frozenset({"asserts", "reports", "confirms", "fact_check"})
# Days after a family's last mention within which a reaction can still answer it (the
# story window of narratrace.corpus.stories).
REACTION_WINDOW_DAYS = 30
# Rows of the similarity matrix computed at once when building the threshold graph.
BLOCK_ROWS = 1024
# A label is a clause of at least this many words and at most this many characters.
LABEL_MIN_WORDS = 4
LABEL_MAX_CHARS = 200
_LEADING_THAT = re.compile(r"^(?:(?:reports?|claims?|allegations?|rumou?rs?|berichte\w*|meldung\w*|behauptung\w*|сообщени\w*|"
                           r"утверждени\w*|слух\w*),?\s+(?:that|of|dass|daß|о том,?\s+что|что)\s+|(?:that|dass|daß|что|чтобы)\s+)", re.I)


def language_means(vectors: np.ndarray, langs: Sequence[str | None]) -> dict[str, np.ndarray]:
    """The mean vector of each language with enough mentions, and the global mean under ``"*"``.

    Empty when there are fewer than :data:`MIN_LANG_MENTIONS` vectors in all.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if len(vectors) < MIN_LANG_MENTIONS:
        return {}
    by_lang: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        by_lang.setdefault(lang or "?", []).append(i)
    means = {lang: vectors[idx].mean(axis=0) for lang, idx in by_lang.items() if len(idx) >= MIN_LANG_MENTIONS}
    means["*"] = vectors.mean(axis=0)
    return means


def center_with(vectors: np.ndarray, langs: Sequence[str | None], means: dict[str, np.ndarray]) -> np.ndarray:
    """Subtract each vector's language mean (else the global ``"*"`` one) and re-normalise."""
    out = np.array(vectors, dtype=np.float32, copy=True)
    if means:
        for i, lang in enumerate(langs):
            out[i] -= np.asarray(means.get(lang or "?", means["*"]), dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


def center_by_language(vectors: np.ndarray, langs: Sequence[str | None]) -> np.ndarray:
    """Subtract each language's mean vector and re-normalise (see :data:`MIN_LANG_MENTIONS`).

    >>> v = center_by_language(np.array([[1.0, 0.1], [1.0, -0.1]] * 3), ["en", "en"] * 3)
    >>> [round(float(x), 2) for x in v[0]]
    [0.0, 1.0]
    """
    return center_with(vectors, langs, language_means(vectors, langs))


class _Similarity:
    """Centred cosine plus weighted name-key Jaccard, for any block of rows and columns."""

    def __init__(self, vecs: np.ndarray, keys: Sequence[set[str]], name_weight: float) -> None:
        from scipy.sparse import csr_matrix

        self.vecs = vecs
        self.name_weight = name_weight
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for i, ks in enumerate(keys):
            for k in ks:
                rows.append(i)
                cols.append(vocab.setdefault(k, len(vocab)))
        self.names = [set(k) for k in keys]
        self.keys = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(keys), max(1, len(vocab))))
        self.sizes = np.asarray(self.keys.sum(axis=1)).ravel()

    def block(self, a: Sequence[int] | slice, b: Sequence[int] | slice) -> np.ndarray:
        """Similarities of rows ``a`` against rows ``b`` (an element with itself has no name term)."""
        sim = self.vecs[a] @ self.vecs[b].T
        if self.name_weight:
            inter = (self.keys[a] @ self.keys[b].T).toarray()
            union = self.sizes[a][:, None] + self.sizes[b][None, :] - inter
            jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
            ia = np.arange(len(self.vecs))[a]
            ib = np.arange(len(self.vecs))[b]
            jac[ia[:, None] == ib[None, :]] = 0.0
            sim = sim + self.name_weight * jac
        return sim

    def components(self, threshold: float, rows: Sequence[int]) -> list[np.ndarray]:
        """Connected components among ``rows`` of the graph of pairs scoring at least ``threshold``."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        rows = np.asarray(rows, dtype=np.int64)
        n = len(rows)
        if not n:
            return []
        rr, cc = [], []
        for lo in range(0, n, BLOCK_ROWS):
            r, c = np.nonzero(self.block(rows[lo : lo + BLOCK_ROWS], rows) >= threshold)
            rr.append(r + lo)
            cc.append(c)
        r, c = np.concatenate(rr), np.concatenate(cc)
        graph = coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        return [rows[labels == k] for k in range(labels.max() + 1)]

    def shares_names(self, a: Sequence[int], b: Sequence[int]) -> bool:
        """True when the mentions ``a`` and ``b`` name something in common, or either names nothing."""
        ka, kb = self.keys[list(a)].sum(axis=0), self.keys[list(b)].sum(axis=0)
        if not ka.any() or not kb.any():
            return True
        return bool(np.asarray(ka).ravel() @ np.asarray(kb).ravel() > 0)


def _average_linkage(sim: np.ndarray, threshold: float) -> list[int]:
    """Cluster labels of an average-linkage tree on ``sim`` cut at ``threshold``."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    if len(sim) == 1:
        return [1]
    top = float(sim.max()) + 1.0
    dist = top - sim
    np.fill_diagonal(dist, 0.0)
    z = linkage(squareform(dist, checks=False), "average")
    return [int(x) for x in fcluster(z, top - threshold, "distance")]


def is_affirmative(m: Mention) -> bool:
    """True when the mention asserts its claim: an asserting stance, no negation or refutation."""
    from narratrace.stance import cue_counts

    if m.stance not in AFFIRMATIVE_STANCES:
        return False
    cues = cue_counts(m.key_text)
    return not (cues["neg"] or cues["refute"])


def claim_label(text: str) -> str:
    """A claim as a clause: no leading "that", capitalised, no trailing punctuation.

    >>> claim_label("that Dravian troops had arrived in Velm.")
    'Dravian troops had arrived in Velm'
    >>> claim_label("reports that Dravian soldiers are fighting in Velm")
    'Dravian soldiers are fighting in Velm'
    """
    t = _LEADING_THAT.sub("", " ".join(text.split())).rstrip(" .;:,")
    return t[:1].upper() + t[1:]


def _well_formed(m: Mention) -> bool:
    """A label the stance model can read a claim from: a clause without hedges or negation."""
    from narratrace.stance import cue_counts

    t = claim_label(m.key_text)
    cues = cue_counts(t)
    return LABEL_MIN_WORDS <= len(t.split()) and len(t) <= LABEL_MAX_CHARS and not (cues["hedge"] or cues["neg"] or cues["refute"])


class NarrativeGrouper:
    """Grouping of claim mentions into narratives (claim families).

    Parameters
    ----------
    threshold:
        Average-linkage cut of sub-claims (``cosine + name_weight * jaccard``).
    name_weight:
        Weight of the name-key overlap.
    family_threshold:
        Mean similarity at which asserting sub-claims that share a name are one family.

    Attributes
    ----------
    narratives_ : list of Narrative
    """

    def __init__(self, *, threshold: float = NARRATIVE_THRESHOLD, name_weight: float = NAME_WEIGHT,
                 family_threshold: float = FAMILY_THRESHOLD) -> None:
        self.threshold = threshold
        self.name_weight = name_weight
        self.family_threshold = family_threshold

    def fit(self, mentions: Sequence[Mention], vectors: np.ndarray | None = None) -> NarrativeGrouper:
        if not -1.0 < self.threshold < 1.0:
            raise ConfigError(f"threshold must be in (-1, 1), got {self.threshold!r}")
        if self.name_weight < 0:
            raise ConfigError(f"name_weight must be >= 0, got {self.name_weight!r}")
        mentions = list(mentions)
        if vectors is None:
            from narratrace.text.embeddings import embed_queries

            vectors = embed_queries([m.key_text for m in mentions]) if mentions else np.zeros((0, 384), np.float32)
        if len(vectors) != len(mentions):
            raise ConfigError(f"vectors has {len(vectors)} rows for {len(mentions)} mentions")
        self.narratives_ = []
        self.lang_means_: dict[str, np.ndarray] = {}
        if not mentions:
            return self
        self.lang_means_ = language_means(vectors, [m.lang for m in mentions])
        vecs = center_with(np.asarray(vectors, dtype=np.float32), [m.lang for m in mentions], self.lang_means_)
        keys = [name_keys(" x " + m.key_text) | {k for e in m.entities for k in name_keys(" x " + e)} for m in mentions]
        sim = _Similarity(vecs, keys, self.name_weight)
        far = datetime.max.replace(tzinfo=UTC)
        order = sorted(range(len(mentions)), key=lambda i: (mentions[i].published or far, mentions[i].article, mentions[i].start))
        rank = {i: r for r, i in enumerate(order)}
        affirm = [is_affirmative(m) for m in mentions]
        self._affirm = affirm
        subs = self._subclaims(sim, [i for i in order if affirm[i]], rank)
        families = self._families(subs, mentions, sim)
        rest = self._attach_reactions(families, [i for i in order if not affirm[i]], mentions, sim, keys)
        families.extend([s] for sub in self._subclaims(sim, rest, rank) for s in _split_at_gaps(sub, mentions))
        families.sort(key=lambda fam: min(rank[i] for sub in fam for i in sub))
        self.narratives_ = [self._build(fam, mentions, vecs, sim.names) for fam in families]
        return self

    def _subclaims(self, sim: _Similarity, rows: list[int], rank: dict[int, int]) -> list[list[int]]:
        """Average-linkage groups of ``rows`` cut at the threshold, inside threshold components."""
        subs: list[list[int]] = []
        for comp in sim.components(self.threshold, rows):
            labels = _average_linkage(sim.block(comp, comp), self.threshold)
            by_label: dict[int, list[int]] = {}
            for i, lab in zip(comp, labels, strict=True):
                by_label.setdefault(lab, []).append(int(i))
            subs.extend(by_label.values())
        subs = [sorted(s, key=rank.__getitem__) for s in subs]
        return sorted(subs, key=lambda s: rank[s[0]])

    def _families(self, subs: list[list[int]], mentions: list[Mention], sim: _Similarity) -> list[list[list[int]]]:
        """Asserting sub-claims (in date order) grouped into families (see the module doc).

        A family made only of reaction stances ("confirms", "retracts" of a claim) joins the
        earlier family it answers, as a reaction does.
        """
        families: list[list[list[int]]] = []
        sums: list[np.ndarray] = []  # running vector sum of each family
        names: list[set[str]] = []
        stories: list[set[str]] = []
        for s in subs:
            s_sum = sim.vecs[s].sum(axis=0)
            s_names = set().union(*(sim.names[i] for i in s))
            s_stories = {mentions[i].story for i in s if mentions[i].story}
            best, best_score = -1, self.family_threshold
            for f, fam in enumerate(families):
                if not (s_names & names[f]):  # variants of one claim name a party or place in common
                    continue
                if s_stories and stories[f] and not s_stories & stories[f]:
                    continue  # ... and are told in one story's coverage
                n = len(s) * sum(len(sub) for sub in fam)
                # mean pairwise cosine (exact, from the sums) + the name term against the family's names
                score = float(s_sum @ sums[f]) / n + self.name_weight * _jaccard(s_names, names[f])
                if score >= best_score:
                    best, best_score = f, score
            if best < 0:
                families.append([s])
                sums.append(s_sum)
                names.append(s_names)
                stories.append(s_stories)
            else:
                families[best].append(s)
                sums[best] = sums[best] + s_sum
                names[best] |= s_names
                stories[best] |= s_stories
        out: list[list[list[int]]] = []
        for fam in families:
            idx = [i for sub in fam for i in sub]
            target = self._answered(idx, out, mentions, sim) if all(mentions[i].stance in REACTION_STANCES for i in idx) else None
            if target is None:
                out.append(fam)
            else:
                target.extend(fam)
        return out

    def _answered(self, idx: list[int], families: list[list[list[int]]], mentions: list[Mention],
                  sim: _Similarity) -> list[list[int]] | None:
        """The earlier family that the reactions ``idx`` answer, if any (see the module doc)."""
        start = _first_date(mentions, idx)
        best, best_score = None, REACTION_ATTACH_THRESHOLD
        for fam in families:
            other = [i for sub in fam for i in sub]
            first, last = _first_date(mentions, other), _last_date(mentions, other)
            if start and first and first > start:
                continue  # an answer comes after the claim
            if start and last and (start - last).days > REACTION_WINDOW_DAYS:
                continue  # nobody answers a claim that nobody has mentioned for a month
            if not sim.shares_names(idx, other):
                continue
            # the answer is to one variant: the best sub-claim's mean similarity counts
            score = max(float(sim.block(idx, sub).mean()) for sub in fam)
            if score >= best_score:
                best, best_score = fam, score
        return best

    def _attach_reactions(self, families: list[list[list[int]]], rows: list[int], mentions: list[Mention],
                          sim: _Similarity, keys: list[set[str]]) -> list[int]:
        """Attach each non-asserting mention to the family it answers; returns those that answer none.

        The rules of :meth:`_answered`, computed against running sums of each sub-claim's
        vectors (the mean cosine exactly; the name term against the sub-claim's names), so
        that each mention costs one product with the sub-claim centroids.
        """
        subs = [(f, sub) for f, fam in enumerate(families) for sub in fam]
        if not subs:
            return list(rows)
        sums = np.stack([sim.vecs[sub].sum(axis=0) for _, sub in subs])
        counts = np.array([len(sub) for _, sub in subs], dtype=np.float64)
        sub_keys = [set().union(*(keys[i] for i in sub)) for _, sub in subs]
        fam_of = np.array([f for f, _ in subs])
        members = [[i for sub in fam for i in sub] for fam in families]
        first = [_first_date(mentions, m) for m in members]
        last = [_last_date(mentions, m) for m in members]
        fam_keys = [set().union(*(keys[i] for i in m)) for m in members]
        rest = []
        for i in rows:
            when = mentions[i].published
            open_ = [f for f in range(len(families))
                     if not (when and first[f] and first[f] > when)
                     and not (when and last[f] and (when - last[f]).days > REACTION_WINDOW_DAYS)
                     and (not keys[i] or not fam_keys[f] or keys[i] & fam_keys[f])]
            if not open_:
                rest.append(i)
                continue
            cand = np.flatnonzero(np.isin(fam_of, open_))
            score = sums[cand] @ sim.vecs[i] / counts[cand]
            if self.name_weight:
                score = score + self.name_weight * np.array([_jaccard(keys[i], sub_keys[j]) for j in cand])
            k = int(np.argmax(score))
            j = int(cand[k]) if score[k] >= REACTION_ATTACH_THRESHOLD else self._party_answer(i, open_, subs, mentions, sim)
            if j < 0:
                rest.append(i)
                continue
            f = int(fam_of[j])
            subs[j][1].append(i)
            sums[j] += sim.vecs[i]
            counts[j] += 1
            sub_keys[j] |= keys[i]
            fam_keys[f] |= keys[i]
            if when and (last[f] is None or when > last[f]):
                last[f] = when
        return rest

    def _party_answer(self, i: int, open_: list[int], subs: list[tuple[int, list[int]]], mentions: list[Mention],
                      sim: _Similarity) -> int:
        """The sub-claim (index into ``subs``) that a party named by its family answers, else -1.

        Only for a mention whose party (``actor``, not an outlet's own voice) the family
        names; it joins the sub-claim holding the assertion closest to it, when that pair
        reaches the sub-claim cut (see the module doc).
        """
        m = mentions[i]
        actor = name_keys(" x " + m.actor) if m.actor and m.actor_kind not in OWN_VOICE_KINDS else set()
        if not actor:
            return -1
        best, best_score = -1, self.threshold
        open_ = set(open_)
        for j, (f, sub) in enumerate(subs):
            if f not in open_:
                continue
            aff = [k for k in sub if self._affirm[k]]
            if not aff or not actor & set().union(*(sim.names[k] for k in aff)):
                continue
            score = float(sim.block([i], aff).max())
            if score >= best_score:
                best, best_score = j, score
        return best

    @staticmethod
    def _build(family: list[list[int]], mentions: list[Mention], vecs: np.ndarray, names: list[set[str]]) -> Narrative:
        idx = sorted((i for s in family for i in s), key=lambda i: (mentions[i].published or datetime.max.replace(tzinfo=UTC), mentions[i].article, mentions[i].start))
        members = [mentions[i] for i in idx]
        first = members[0]
        centroid = vecs[idx].mean(axis=0)
        asserted = [i for i in idx if is_affirmative(mentions[i])]
        lang = mentions[asserted[0]].lang if asserted else first.lang
        pool = [i for i in asserted if _well_formed(mentions[i])] or asserted or idx
        pool = [i for i in pool if mentions[i].lang == lang] or pool
        label_i = max(pool, key=lambda i: (float(vecs[i] @ centroid), -idx.index(i)))
        nid = "N" + hashlib.sha1(f"{first.article}\x00{first.start}\x00{first.text}".encode()).hexdigest()[:10]
        subs = []
        for s in family:
            ms = [mentions[i] for i in s]
            aff = [i for i in s if is_affirmative(mentions[i])]
            best = max(aff or s, key=lambda i: float(vecs[i] @ vecs[s].mean(axis=0)))
            subs.append({"claim": claim_label(mentions[best].key_text), "affirmative": bool(aff),
                         "articles": list(dict.fromkeys(m.article for m in ms)),
                         "index": sub_index(vecs[s], set().union(*(names[i] for i in s)), [m.published for m in ms])})
        return Narrative(nid, claim_label(mentions[label_i].key_text), members, dedupe_events(e for m in members for e in events_of(m)), subs)


def sub_index(vecs: np.ndarray, names: set[str], dates: Sequence[datetime | None]) -> dict:
    """What incremental building keeps of a sub-claim: its centred vector sum, size, names, dates."""
    known = [d for d in dates if d]
    return {"sum": [round(float(x), 5) for x in np.asarray(vecs).sum(axis=0)], "n": len(vecs), "names": sorted(names),
            "first": min(known).isoformat() if known else None, "last": max(known).isoformat() if known else None}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _split_at_gaps(sub: list[int], mentions: list[Mention]) -> list[list[int]]:
    """Split a date-ordered group where :data:`REACTION_WINDOW_DAYS` pass without a mention:
    denials and questions months apart answer different things."""
    out = [[sub[0]]]
    for prev, i in zip(sub, sub[1:], strict=False):
        a, b = mentions[prev].published, mentions[i].published
        if a and b and (b - a).days > REACTION_WINDOW_DAYS:
            out.append([])
        out[-1].append(i)
    return out


def _first_date(mentions: list[Mention], idx: Sequence[int]) -> datetime | None:
    dates = [mentions[i].published for i in idx if mentions[i].published]
    return min(dates) if dates else None


def _last_date(mentions: list[Mention], idx: Sequence[int]) -> datetime | None:
    dates = [mentions[i].published for i in idx if mentions[i].published]
    return max(dates) if dates else None


def dedupe_events(events) -> list[Event]:
    """Events in date order, one per (article, type, verdict): an article repeating a claim
    in three sentences is one assertion, not three. A fact-check published in the corpus
    restates the claim it rates: its own-voice assertion of that claim is not an event."""
    events = list(events)
    reviews = {e.article for e in events if e.type == "fact_checked" and e.stance == "published_review"}
    out = []
    seen: set[tuple] = set()
    for e in sorted(events, key=event_order):
        key = (e.article, e.type, e.verdict)
        if e.type == "asserted" and e.article in reviews and publisher_voice(e):
            continue
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def group_mentions(mentions: Sequence[Mention], *, vectors: np.ndarray | None = None, **params) -> list[Narrative]:
    """One-call form of :class:`NarrativeGrouper`."""
    return NarrativeGrouper(**params).fit(mentions, vectors).narratives_
