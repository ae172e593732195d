"""Duplicates: exact copies, near-duplicates and syndicated wire copies, grouped.

Three kinds of link are found between articles and then merged into groups with a
connected-components pass (:mod:`narratrace.groups`), so that spread can be counted by *independent* outlets rather than by
copies:

``exact``
    The same normalised URL (:func:`normalize_url`) or the same text (content hash).
``near``
    Estimated Jaccard similarity of word 5-shingles of at least
    :data:`NEAR_DUP_THRESHOLD`, found with MinHash LSH (``datasketch``) and then
    checked on the MinHash estimate, so the cost grows with the corpus, not its square.
``wire``
    A syndicated copy: two articles share one contiguous passage of at least
    :data:`WIRE_MIN_WORDS` words (typically an agency text reprinted with a new
    headline, intro or ending), found through sampled 8-word shingles.
``contained``
    A trimmed or re-edited copy: most of the shorter text's word 5-shingles
    (:data:`CONTAINMENT_THRESHOLD`) appear in the longer one. This folds copies that
    dropped the credit line or the last paragraphs, gained a note, "read also" links or
    small edits (a changed dateline, "said on Tuesday" -> "said Tuesday") that break
    every long shared passage; Jaccard alone misses them because the texts differ in
    length.

Every outlet is judged by the same rules; nothing depends on who published what.

Examples
--------
>>> docs = [
...     DocRef("a", "Wire agency reports that the dam at Velora was damaged overnight " * 3, outlet="A"),
...     DocRef("b", "Wire agency reports that the dam at Velora was damaged overnight " * 3, outlet="B"),
...     DocRef("c", "Something entirely different happened in another town today.", outlet="C"),
... ]
>>> groups = find_duplicates(docs)
>>> [sorted(g.members) for g in groups]
[['a', 'b']]
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

from datasketch import MinHash, MinHashLSH

from narratrace.errors import ConfigError
from narratrace.groups import component_labels
from narratrace.urls import TRACKING_PARAMS, normalize_url  # noqa: F401 - re-exported (dedup keys articles by URL)

# Word n-gram size for near-duplicate shingles: 5-grams are the usual choice for news
# (Broder 1997; Manku et al. 2007) -- long enough to ignore shared stock phrases.
SHINGLE_WORDS = 5
# MinHash permutations: 128 gives a standard error of about 0.04 on a Jaccard estimate.
NUM_PERM = 128
# Near-duplicate if the estimated Jaccard of 5-shingles is at least this. 0.7 keeps
# copies that differ by a headline, a byline or a sentence and drops rewrites; checked on
# the example corpus (copies with a changed intro score 0.75-0.95, different reports < 0.1).
NEAR_DUP_THRESHOLD = 0.7
# A wire copy shares at least this many contiguous words with another article: about
# two to three news sentences, far longer than any stock phrase or shared quotation seen
# in the example corpus (longest shared quote there: 19 words).
WIRE_MIN_WORDS = 40
# Shingle size of the passage index used to find wire-copy and containment candidates,
# and the sampling modulus (keep shingles whose hash is 0 mod this).
WIRE_SHINGLE_WORDS = 8
WIRE_SAMPLE_MOD = 4
# A candidate pair shares at least this many sampled shingles: one shared stock phrase
# is not enough, while a 40-word passage (33 shingles, ~8 sampled) misses two with
# probability ~1e-3.
PASSAGE_MIN_SAMPLED = 2
# Containment link: share of the shorter text's 5-shingles found in the longer one.
# Chosen on the planted-copy corpus of tests/corpus/test_dedup.py (seeds 0-4): trimmed
# copies with inserted links and small edits score 0.62-1.0, independently written
# articles on the same story from the same templates at most 0.35.
CONTAINMENT_THRESHOLD = 0.55
# ... and at least this many shared 5-shingles (about 30 words), so a short text that is
# all stock phrase, a dateline or a credit line never folds into a long article.
CONTAINMENT_MIN_SHARED = 25
# Passage-index shingles shared by more than this many articles are boilerplate
# (footers, cookie notices) and are not used to propose candidates.
WIRE_MAX_POSTINGS = 200

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-cased, accent-folded word tokens used by every duplicate test."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(folded)


def _shingles(tokens: Sequence[str], k: int) -> set[str]:
    if len(tokens) < k:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


def minhash_of(text: str, *, num_perm: int = NUM_PERM) -> MinHash:
    """MinHash of the word 5-shingles of ``text``."""
    m = MinHash(num_perm=num_perm, seed=1)
    for sh in _shingles(words(text), SHINGLE_WORDS):
        m.update(sh.encode("utf-8"))
    return m


def longest_shared_passage(a: Sequence[str], b: Sequence[str]) -> int:
    """Length in words of the longest contiguous run of words ``a`` and ``b`` share.

    >>> longest_shared_passage("x a b c y".split(), "q a b c".split())
    3
    """
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return sm.find_longest_match(0, len(a), 0, len(b)).size


def containment(a: set[str], b: set[str], *, min_shared: int = CONTAINMENT_MIN_SHARED) -> float | None:
    """Share of the smaller shingle set found in the larger, or None below ``min_shared`` shared.

    >>> containment({"a", "b", "c", "d"}, {"a", "b", "c", "x", "y", "z"}, min_shared=2)
    0.75
    >>> containment({"a"}, {"a", "b"}, min_shared=2) is None
    True
    """
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    shared = len(small & large)
    if shared < min_shared or not small:
        return None
    return shared / len(small)


def _add_postings(doc_id: str, toks: Sequence[str], postings: dict[int, list[str]]) -> None:
    """Index the sampled :data:`WIRE_SHINGLE_WORDS`-word shingles of one document."""
    seen: set[int] = set()
    for i in range(len(toks) - WIRE_SHINGLE_WORDS + 1):
        digest = hashlib.blake2b(" ".join(toks[i : i + WIRE_SHINGLE_WORDS]).encode(), digest_size=8).digest()
        h = int.from_bytes(digest, "big")
        if h % WIRE_SAMPLE_MOD == 0 and h not in seen:
            seen.add(h)
            postings[h].append(doc_id)


def _passage_candidates(postings: dict[int, list[str]]) -> set[tuple[str, str]]:
    """Pairs of documents sharing :data:`PASSAGE_MIN_SAMPLED` sampled shingles (boilerplate left out)."""
    counts: Counter[tuple[str, str]] = Counter()
    for ids in postings.values():
        if len(ids) < 2 or len(ids) > WIRE_MAX_POSTINGS:
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                counts[(min(a, b), max(a, b))] += 1
    return {pair for pair, n in counts.items() if n >= PASSAGE_MIN_SAMPLED}


@dataclass(slots=True)
class DocRef:
    """What duplicate detection needs to know about one published copy."""

    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    content_hash: str | None = None

    def __post_init__(self) -> None:
        if self.content_hash is None:
            self.content_hash = hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class DuplicateLink:
    a: str
    b: str
    kind: str  # exact_url, exact_text, near, wire, contained
    score: float  # Jaccard estimate for near, shared words for wire, containment, 1.0 for exact


@dataclass(slots=True)
class DuplicateGroup:
    """Copies of one text: ``canonical`` is the earliest, the rest are its copies."""

    id: str
    canonical: str
    members: list[str]
    kinds: list[str]
    outlets: list[str]
    links: list[DuplicateLink] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "canonical": self.canonical,
            "members": list(self.members),
            "kinds": list(self.kinds),
            "outlets": list(self.outlets),
            "links": [{"a": lk.a, "b": lk.b, "kind": lk.kind, "score": round(lk.score, 4)} for lk in self.links],
        }


class Deduplicator:
    """Find exact, near-duplicate and wire-copy links in a set of documents.

    Parameters
    ----------
    threshold:
        Near-duplicate Jaccard threshold in (0, 1].
    wire_min_words:
        Shortest shared passage, in words, that makes two articles wire copies;
        ``0`` disables wire-copy detection.
    containment:
        Share of the shorter text's 5-shingles that must appear in the longer one for a
        ``contained`` link (a trimmed copy); ``0`` disables it.
    num_perm:
        MinHash permutations.

    Attributes
    ----------
    links_ : list of DuplicateLink
        Links found by :meth:`fit`.
    groups_ : list of DuplicateGroup
        Connected groups of two or more documents.

    Examples
    --------
    >>> d = Deduplicator(threshold=0.8).fit([DocRef("x", "same words here"), DocRef("y", "same words here")])
    >>> d.groups_[0].kinds
    ['exact_text']
    """

    def __init__(self, *, threshold: float = NEAR_DUP_THRESHOLD, wire_min_words: int = WIRE_MIN_WORDS,
                 containment: float = CONTAINMENT_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.wire_min_words = wire_min_words
        self.containment = containment
        self.num_perm = num_perm

    def _validate(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigError(f"threshold must be in (0, 1], got {self.threshold!r}")
        if self.wire_min_words < 0 or self.wire_min_words and self.wire_min_words < WIRE_SHINGLE_WORDS:
            raise ConfigError(f"wire_min_words must be 0 (off) or >= {WIRE_SHINGLE_WORDS}, got {self.wire_min_words!r}")
        if not 0.0 <= self.containment <= 1.0:
            raise ConfigError(f"containment must be 0 (off) or in (0, 1], got {self.containment!r}")
        if self.num_perm < 16:
            raise ConfigError(f"num_perm must be >= 16, got {self.num_perm!r}")

    def fit(self, docs: Iterable[DocRef]) -> Deduplicator:
        self._validate()
        docs = list(docs)
        by_id = {d.id: d for d in docs}
        links = _Links()
        _exact_links(docs, links)
        passages = bool(self.wire_min_words or self.containment)
        postings = self._near_links(docs, links, keep_postings=passages)
        if passages:
            self._passage_links(by_id, postings, links)
        self.links_ = links.links
        self.groups_ = _group(links.links, by_id)
        return self

    def _near_links(self, docs: list[DocRef], links: _Links, *, keep_postings: bool) -> dict[int, list[str]]:
        """Near-duplicates through MinHash LSH; returns the passage postings when asked for them."""
        lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        hashes: dict[str, MinHash] = {}
        postings: dict[int, list[str]] = defaultdict(list)
        for d in docs:
            toks = words(d.text)
            if keep_postings:  # tokens are not kept: candidates are re-read from their text
                _add_postings(d.id, toks, postings)
            m = MinHash(num_perm=self.num_perm, seed=1)
            m.update_batch([s.encode("utf-8") for s in _shingles(toks, SHINGLE_WORDS)])
            hashes[d.id] = m
        with lsh.insertion_session() as session:
            for d in docs:
                session.insert(d.id, hashes[d.id], check_duplication=False)
        for d in docs:
            for other in lsh.query(hashes[d.id]):
                if other == d.id:
                    continue
                est = hashes[d.id].jaccard(hashes[other])
                if est >= self.threshold:
                    links.add(d.id, other, "near", est)
        return postings

    def _passage_links(self, by_id: dict[str, DocRef], postings: dict[int, list[str]], links: _Links) -> None:
        """Wire copies (a long shared passage) and contained copies (trimmed or edited)."""
        tokens: dict[str, list[str]] = {}
        shingle_sets: dict[str, set[str]] = {}

        def shingles_of(doc_id: str) -> set[str]:
            if doc_id not in shingle_sets:
                tokens[doc_id] = words(by_id[doc_id].text)
                shingle_sets[doc_id] = _shingles(tokens[doc_id], SHINGLE_WORDS)
            return shingle_sets[doc_id]

        for a, b in sorted(_passage_candidates(postings) - links.seen_pairs):
            sa, sb = shingles_of(a), shingles_of(b)
            shared_shingles = len(sa & sb)
            # a shared passage of n words holds n - 4 shared 5-shingles: cheap to rule out
            if self.wire_min_words and shared_shingles > self.wire_min_words - SHINGLE_WORDS:
                shared = longest_shared_passage(tokens[a], tokens[b])
                if shared >= self.wire_min_words:
                    links.add(a, b, "wire", float(shared))
                    continue
            if self.containment:
                score = containment(sa, sb)
                if score is not None and score >= self.containment:
                    links.add(a, b, "contained", score)


class _Links:
    """The links found so far; a pair of documents is linked once, by the first test that links it."""

    def __init__(self) -> None:
        self.links: list[DuplicateLink] = []
        self.seen_pairs: set[tuple[str, str]] = set()

    def add(self, a: str, b: str, kind: str, score: float) -> None:
        key = (min(a, b), max(a, b))
        if a == b or key in self.seen_pairs:
            return
        self.seen_pairs.add(key)
        self.links.append(DuplicateLink(key[0], key[1], kind, score))


def _exact_links(docs: list[DocRef], links: _Links) -> None:
    """Exact copies: the same normalised URL, or the same text."""
    for attr, kind in (("url", "exact_url"), ("content_hash", "exact_text")):
        buckets: dict[str, list[str]] = defaultdict(list)
        for d in docs:
            key = normalize_url(d.url) if attr == "url" else d.content_hash
            if key:
                buckets[key].append(d.id)
        for ids in buckets.values():
            for other in ids[1:]:
                links.add(ids[0], other, kind, 1.0)


def _sort_key(doc: DocRef | None, doc_id: str) -> tuple:
    published = doc.published.timestamp() if doc is not None and doc.published is not None else float("inf")
    return (published, doc_id)


def _group(links: list[DuplicateLink], by_id: dict[str, DocRef]) -> list[DuplicateGroup]:
    label = component_labels((lk.a, lk.b) for lk in links)
    members: dict[int, list[str]] = defaultdict(list)
    for x, component in label.items():
        members[component].append(x)
    group_links: dict[int, list[DuplicateLink]] = defaultdict(list)
    for lk in links:
        group_links[label[lk.a]].append(lk)
    groups: list[DuplicateGroup] = []
    for component, ids in members.items():
        ids.sort(key=lambda i: _sort_key(by_id.get(i), i))
        in_group = group_links[component]
        kinds = sorted({lk.kind for lk in in_group})
        outlets = []
        for i in ids:
            o = by_id[i].outlet if i in by_id else None
            if o and o not in outlets:
                outlets.append(o)
        gid = "D" + hashlib.sha1(ids[0].encode()).hexdigest()[:10]
        groups.append(DuplicateGroup(gid, ids[0], ids, kinds, outlets, in_group))
    groups.sort(key=lambda g: _sort_key(by_id.get(g.canonical), g.canonical))
    return groups


def find_duplicates(docs: Iterable[DocRef], **params) -> list[DuplicateGroup]:
    """One-call form of :class:`Deduplicator`: the duplicate groups of ``docs``."""
    return Deduplicator(**params).fit(docs).groups_


def copy_map(groups: Iterable[DuplicateGroup]) -> dict[str, str]:
    """Map every member of a group to the group's canonical (earliest) article.

    Spread is counted on the values: two outlets carrying the same wire text count once.
    """
    out: dict[str, str] = {}
    for g in groups:
        for m in g.members:
            out[m] = g.canonical
    return out
