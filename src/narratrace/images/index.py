"""Hamming-distance search that stays fast at a million pictures.

Two layers:

- :class:`MultiIndexHashing` - exact radius search over binary codes (Norouzi et al.,
  "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012): a code is split
  into ``m`` chunks of 16 bits, each chunk gets a bucket table (CSR arrays, numpy only),
  and by the pigeonhole principle every code within distance ``R`` of the query agrees
  with it to within ``R // m`` bits on at least one chunk. Candidates are verified with a
  vectorised popcount, so the result equals a linear scan's.
- :class:`ImageIndex` - pictures with their views (:mod:`narratrace.images.hashing`) and
  their ORB features (:mod:`narratrace.images.local_features`). Candidates come from one
  multi-index per view scale and hash (PDQ and pHash; see :func:`candidate_rule`) and from
  the descriptor LSH (:class:`~narratrace.images.feature_index.FeatureIndex` over each
  picture's strongest descriptors: partial matches that no global hash sees). A candidate is a match when local features verify it
  (:func:`~narratrace.images.local_features.verify`), or, without verification, when its
  combined view distance is at most :data:`HASH_ONLY_THRESHOLD` (near duplicates of flat
  pictures that have too few keypoints); pictures without stored features (rows indexed
  before features existed) fall back to :data:`MATCH_THRESHOLD`.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> codes = rng.integers(0, 2**63, size=(1000, 4), dtype=np.uint64)
>>> mih = MultiIndexHashing(codes)
>>> q = codes[7].copy(); q[0] ^= np.uint64(0b1011)
>>> ids, dists = mih.search(q, radius=10)
>>> ids.tolist(), dists.tolist()
([7], [3])
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from narratrace.images.feature_index import (
    INDEXED_FEATURES,
    LSH_TABLES,
    FeatureIndex,
    indexed_subset,
)
from narratrace.images.hashing import VIEW_SCALES, Fingerprint, hex_to_words
from narratrace.images.local_features import (
    MIN_INLIERS,
    LocalFeatures,
    QueryFeatures,
    Verification,
    in_query,
    verify,
)

# Weight of a pHash bit against a PDQ bit in the combined distance
# d = pdq_bits + PHASH_WEIGHT * phash_bits. pHash (64 bits, 8x8 DCT) is the steadier hash
# under rotation and overlays, PDQ (256 bits) the more discriminating one; weights 0, 2, 4
# and 6 were compared with benchmarks/image_robustness.py and 2 gave the best worst-case
# recall at the 1-in-10,000 false-match rate (colour shifts suffer as the weight grows).
PHASH_WEIGHT = 2
# Combined distance at or below which two pictures are "the same picture". Chosen with
# `python benchmarks/image_robustness.py` on its calibration half (a disjoint set of
# pictures from the one recall is reported on) as the largest distance whose false-match
# rate stays at or below 1 in 10,000 pairs; the benchmark prints the value it derived.
MATCH_THRESHOLD = 127
# Combined distance at or below which a pair is accepted on hashes alone when local features
# do not verify it. MATCH_THRESHOLD let 2 look-alikes in 973 queries through on held-out
# photos (distance 124); benchmarks/image_robustness.py reports the hash-only false matches
# at this value on its look-alike distractors (none) and how many true matches rest on it.
HASH_ONLY_THRESHOLD = 80
# Candidate radii of the multi-indexes, per view pair. 31 PDQ bits is Meta's documented
# PDQ match threshold (exact with 16 chunks at 1 bit each); pHash is probed within 15 bits
# for views of the same scale (exact with 4 chunks at 3 bits) and 11 bits across scales
# (4 chunks at 2 bits). On the benchmark's accepted positive pairs this candidate step
# finds 99.65 %; full-view-only pHash candidates found 95.2 %. The benchmark prints the
# loss for the radii in force.
PDQ_CANDIDATE_RADIUS = 31
PHASH_CANDIDATE_RADIUS = 15
PHASH_CROSS_RADIUS = 11
# Indexes smaller than this are searched by a plain vectorised scan (faster than probing).
BRUTE_FORCE_BELOW = 20_000
# Up to this many pictures with features, every one is verified (no descriptor LSH):
# verification costs ~2-5 ms, the LSH's recall loss is avoided where it buys nothing.
FEATURE_BRUTE_FORCE_BELOW = 64
CHUNK_BITS = 16
# Descriptor candidates verified per feature set of the query (each ~20-100 ms on a loaded
# core): the whole query plain and mirrored, and each picture embedded in it (a screenshot's
# photo), whose descriptors are the picture's alone, so its original ranks near the top.
MAX_CANDIDATES = 20
MIRROR_CANDIDATES = 10
REGION_CANDIDATES = 10
REGION_MIRROR_CANDIDATES = 5
# Above LARGE_INDEX pictures with features each feature set proposes LARGE_INDEX_FACTOR
# times as many: among 100k pictures (benchmarks/image_index_scale.py) chance votes pushed
# the originals of 4 of 18 two-combined queries out of the usual limits, 1 with twice them.
LARGE_INDEX = 10_000
LARGE_INDEX_FACTOR = 2

# View pairs compared for two pictures: (query view, stored view) where one of them is the
# full picture (a crop of one is the other's centre) or both have the same scale (a small
# rotation or overlay affects all views alike). Indices into VIEW_SCALES.
VIEW_PAIRS: tuple[tuple[int, int], ...] = tuple(
    (i, j) for i in range(len(VIEW_SCALES)) for j in range(len(VIEW_SCALES)) if i == 0 or j == 0 or i == j
)


def popcount_distance(codes: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Hamming distance between each row of ``codes`` (n, w) and ``query`` (w,)."""
    return np.bitwise_count(codes ^ query).sum(axis=-1, dtype=np.int32)


def _chunks(codes: np.ndarray) -> np.ndarray:
    """(n, w) uint64 -> (n, w * 4) uint16 chunks."""
    n, w = codes.shape
    parts = [(codes >> np.uint64(48 - 16 * k)) & np.uint64(0xFFFF) for k in range(4)]
    return np.stack(parts, axis=-1).reshape(n, w * 4).astype(np.uint16)


def _masks(bits: int, radius: int) -> np.ndarray:
    out = [0]
    for r in range(1, radius + 1):
        for combo in combinations(range(bits), r):
            out.append(sum(1 << b for b in combo))
    return np.asarray(out, dtype=np.uint32)


class MultiIndexHashing:
    """Exact Hamming radius search over 64k-bit codes with 16-bit chunk tables.

    Parameters
    ----------
    codes:
        ``(n, w)`` uint64 array, each row one ``64 * w``-bit code.

    Attributes
    ----------
    n_chunks_:
        Number of 16-bit chunks (``4 * w``).

    Examples
    --------
    >>> codes = np.array([[0], [0b111], [2**64 - 1]], dtype=np.uint64)
    >>> MultiIndexHashing(codes).search(np.array([0], dtype=np.uint64), radius=3)[0].tolist()
    [0, 1]
    """

    def __init__(self, codes: np.ndarray) -> None:
        codes = np.ascontiguousarray(codes, dtype=np.uint64)
        if codes.ndim != 2:
            raise ValueError("codes must be a 2-d (n, words) uint64 array")
        self.codes_ = codes
        chunks = _chunks(codes)
        self.n_chunks_ = chunks.shape[1]
        self._order: list[np.ndarray] = []
        self._starts: list[np.ndarray] = []
        for c in range(self.n_chunks_):
            col = chunks[:, c]
            order = np.argsort(col, kind="stable").astype(np.int32)
            counts = np.bincount(col, minlength=1 << CHUNK_BITS)
            starts = np.zeros((1 << CHUNK_BITS) + 1, dtype=np.int64)
            np.cumsum(counts, out=starts[1:])
            self._order.append(order)
            self._starts.append(starts)
        self._mask_cache: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return self.codes_.shape[0]

    def candidates(self, query: np.ndarray, radius: int) -> np.ndarray:
        """Ids whose code agrees with ``query`` within ``radius // n_chunks`` bits on a chunk."""
        per_chunk = radius // self.n_chunks_
        masks = self._mask_cache.get(per_chunk)
        if masks is None:
            masks = self._mask_cache[per_chunk] = _masks(CHUNK_BITS, per_chunk)
        qchunks = _chunks(np.asarray(query, dtype=np.uint64).reshape(1, -1))[0]
        found = []
        for c in range(self.n_chunks_):
            keys = (np.uint32(qchunks[c]) ^ masks).astype(np.int64)
            starts, ends = self._starts[c][keys], self._starts[c][keys + 1]
            sizes = ends - starts
            total = int(sizes.sum())
            if total == 0:
                continue
            # gather the concatenation of order[starts[i]:ends[i]] without a Python loop
            offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
            found.append(self._order[c][offsets + np.arange(total)])
        if not found:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(found))

    def search_any(self, queries: np.ndarray, radius: int) -> np.ndarray:
        """Ids within ``radius`` bits of at least one of ``queries`` ``(k, w)`` (exact)."""
        queries = np.asarray(queries, dtype=np.uint64).reshape(-1, self.codes_.shape[1])
        per_chunk = radius // self.n_chunks_
        masks = self._mask_cache.get(per_chunk)
        if masks is None:
            masks = self._mask_cache[per_chunk] = _masks(CHUNK_BITS, per_chunk)
        qchunks = _chunks(queries).astype(np.uint32)
        found = []
        for c in range(self.n_chunks_):
            keys = np.unique((qchunks[:, c][:, None] ^ masks[None, :]).ravel()).astype(np.int64)
            starts, ends = self._starts[c][keys], self._starts[c][keys + 1]
            sizes = ends - starts
            total = int(sizes.sum())
            if total:
                offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
                found.append(self._order[c][offsets + np.arange(total)])
        if not found:
            return np.empty(0, dtype=np.int64)
        cand = np.unique(np.concatenate(found))
        codes = self.codes_[cand]
        best = np.full(cand.size, np.iinfo(np.int32).max, dtype=np.int32)
        for q in queries:
            np.minimum(best, popcount_distance(codes, q), out=best)
        return cand[best <= radius]

    def search(self, query: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray]:
        """All ids within ``radius`` bits of ``query`` (exact), with their distances."""
        cand = self.candidates(query, radius)
        if cand.size == 0:
            return cand, np.empty(0, dtype=np.int32)
        d = popcount_distance(self.codes_[cand], np.asarray(query, dtype=np.uint64))
        keep = d <= radius
        return cand[keep], d[keep]


def linear_search(codes: np.ndarray, query: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """The baseline: a vectorised scan over every code."""
    d = popcount_distance(codes, np.asarray(query, dtype=np.uint64))
    ids = np.flatnonzero(d <= radius)
    return ids, d[ids]


@dataclass(slots=True)
class ViewCodes:
    """A picture's views as arrays: PDQ ``(V, 4)`` and pHash ``(V,)``, plain and mirrored."""

    pdq: np.ndarray
    pdq_mirror: np.ndarray
    phash: np.ndarray
    phash_mirror: np.ndarray

    @classmethod
    def from_fingerprint(cls, fp: Fingerprint) -> ViewCodes:
        return cls(
            pdq=hex_to_words(fp.views_pdq, 256),
            pdq_mirror=hex_to_words(fp.mirror_pdq, 256),
            phash=hex_to_words(fp.views_phash, 64)[:, 0],
            phash_mirror=hex_to_words(fp.mirror_phash, 64)[:, 0],
        )


@dataclass(slots=True)
class PairDistance:
    """The best combined distance between two pictures, and how it was reached."""

    combined: int
    pdq: int
    phash: int
    query_view: float
    stored_view: float
    mirrored: bool


def combined_distances(
    q_pdq: np.ndarray, q_ph: np.ndarray, s_pdq: np.ndarray, s_ph: np.ndarray, *, weight: int = PHASH_WEIGHT
) -> np.ndarray:
    """Best combined distance over :data:`VIEW_PAIRS` between many queries and many pictures.

    Shapes: ``q_pdq`` (m, V, 4), ``q_ph`` (m, V), ``s_pdq`` (n, V, 4), ``s_ph`` (n, V).
    Returns an ``(m, n)`` int array. Mirroring is handled by the caller (pass the mirrored
    query views and take the minimum).
    """
    best = np.full((q_pdq.shape[0], s_pdq.shape[0]), np.iinfo(np.int32).max, dtype=np.int32)
    for i, j in VIEW_PAIRS:
        dp = np.bitwise_count(q_pdq[:, i][:, None, :] ^ s_pdq[:, j][None, :, :]).sum(axis=-1, dtype=np.int32)
        dh = np.bitwise_count(q_ph[:, i][:, None] ^ s_ph[:, j][None, :]).astype(np.int32)
        np.minimum(best, dp + weight * dh, out=best)
    return best


def pair_distance(a: ViewCodes, b: ViewCodes, *, weight: int = PHASH_WEIGHT) -> PairDistance:
    """The best view pair between two pictures (plain or mirrored)."""
    best: PairDistance | None = None
    for mirrored, (qp, qh) in ((False, (a.pdq, a.phash)), (True, (a.pdq_mirror, a.phash_mirror))):
        for i, j in VIEW_PAIRS:
            dp = int(np.bitwise_count(qp[i] ^ b.pdq[j]).sum())
            dh = int(np.bitwise_count(qh[i] ^ b.phash[j]))
            d = dp + weight * dh
            if best is None or d < best.combined:
                best = PairDistance(d, dp, dh, VIEW_SCALES[i], VIEW_SCALES[j], mirrored)
    assert best is not None
    return best


def _phash_radius(i: int, j: int) -> int:
    return PHASH_CANDIDATE_RADIUS if i == j else PHASH_CROSS_RADIUS


def candidate_rule(q: ViewCodes, s: ViewCodes) -> bool:
    """Whether the index's candidate step finds stored picture ``s`` for query ``q``.

    A pair is a candidate when, plain or mirrored, some view pair of :data:`VIEW_PAIRS` is
    within :data:`PDQ_CANDIDATE_RADIUS` PDQ bits, or within :data:`PHASH_CANDIDATE_RADIUS`
    pHash bits (same scale) / :data:`PHASH_CROSS_RADIUS` (different scales). Pairs the
    combined rule accepts but this one misses are the index's recall loss, which
    ``benchmarks/image_robustness.py`` reports.
    """
    for qp, qh in ((q.pdq, q.phash), (q.pdq_mirror, q.phash_mirror)):
        for i, j in VIEW_PAIRS:
            if int(np.bitwise_count(qp[i] ^ s.pdq[j]).sum()) <= PDQ_CANDIDATE_RADIUS:
                return True
            if int(np.bitwise_count(qh[i] ^ s.phash[j])) <= _phash_radius(i, j):
                return True
    return False


@dataclass(slots=True)
class _View:
    """One feature set of a query (whole or embedded picture, plain or mirrored) and its candidates."""

    features: LocalFeatures
    mirrored: bool
    box: tuple[float, float, float, float] | None
    candidates: set[int]


@dataclass(slots=True)
class Match:
    """A stored picture that matches a query, with the evidence.

    ``verification`` holds the local-feature evidence (matched region, inliers,
    confidence) when the match was verified geometrically; ``None`` for hash-only matches.
    """

    key: str
    distance: PairDistance | None
    verification: Verification | None = None

    @property
    def method(self) -> str:
        """``"features"`` (geometrically verified) or ``"hashes"`` (near duplicate on hashes alone)."""
        return "features" if self.verification is not None else "hashes"

    def to_dict(self) -> dict:
        """JSON-ready evidence."""
        d = self.distance
        out: dict = {"method": self.method}
        if d is not None:
            out.update(distance=d.combined, pdq=d.pdq, phash=d.phash, mirrored=d.mirrored,
                       views=[d.query_view, d.stored_view])
        if self.verification is not None:
            out["verification"] = self.verification.to_dict()
            out["mirrored"] = self.verification.mirrored
        return out


class ImageIndex:
    """Pictures by key, searchable for the same picture under crops, pads, mirrors, overlays.

    Examples
    --------
    >>> from PIL import Image, ImageDraw
    >>> from narratrace.images.hashing import fingerprint_image
    >>> im = Image.new("RGB", (96, 64), "white"); d = ImageDraw.Draw(im)
    >>> d.ellipse((10, 10, 50, 50), fill="red"); d.rectangle((60, 5, 90, 60), fill="blue")
    >>> index = ImageIndex(); index.add("a", fingerprint_image(im))
    >>> [m.key for m in index.match(fingerprint_image(im.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))]
    ['a']
    """

    def __init__(
        self, *, threshold: int = MATCH_THRESHOLD, weight: int = PHASH_WEIGHT, brute_force_below: int | None = None,
        hash_only_threshold: int = HASH_ONLY_THRESHOLD, indexed_features: int = INDEXED_FEATURES,
        feature_bits: int | None = None, feature_tables: int = LSH_TABLES,
    ) -> None:
        """``indexed_features``: descriptors a picture files in the candidate LSH (all stored
        ones verify); ``feature_bits``/``feature_tables``: the LSH key length (default: from the
        index size) and number of tables."""
        self.threshold = threshold
        self.hash_only_threshold = hash_only_threshold
        self.weight = weight
        self.brute_force_below = BRUTE_FORCE_BELOW if brute_force_below is None else brute_force_below
        self.keys: list[str] = []
        self._pdq: list[np.ndarray] = []
        self._ph: list[np.ndarray] = []
        self._features: dict[int, LocalFeatures] = {}
        self.indexed_features = indexed_features
        self._feature_index = FeatureIndex(bits=feature_bits, tables=feature_tables)
        self._built: tuple[np.ndarray, np.ndarray, tuple[list[MultiIndexHashing], list[MultiIndexHashing]] | None] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: str, fp: Fingerprint | ViewCodes, features: LocalFeatures | None = None) -> None:
        """Add a picture; its ORB ``features`` default to the fingerprint's."""
        codes = fp if isinstance(fp, ViewCodes) else ViewCodes.from_fingerprint(fp)
        if features is None and isinstance(fp, Fingerprint):
            features = fp.features
        self.keys.append(key)
        self._pdq.append(codes.pdq)
        self._ph.append(codes.phash)
        if features is not None and len(features) >= MIN_INLIERS:
            self._features[len(self.keys) - 1] = features
            self._feature_index.add(len(self.keys) - 1, features.descriptors[indexed_subset(features, self.indexed_features)])
        self._built = None

    def add_many(self, keys: list[str], pdq: np.ndarray, phash: np.ndarray) -> None:
        """Bulk add: ``pdq`` ``(n, V, 4)`` and ``phash`` ``(n, V)`` uint64 view codes."""
        if pdq.shape[0] != len(keys) or phash.shape[0] != len(keys):
            raise ValueError(f"keys ({len(keys)}), pdq ({pdq.shape[0]}) and phash ({phash.shape[0]}) differ in length")
        self.keys.extend(keys)
        self._pdq.extend(pdq)
        self._ph.extend(phash)
        self._built = None

    def _build(self):
        if self._built is None:
            V = len(VIEW_SCALES)
            pdq = np.stack(self._pdq) if self._pdq else np.zeros((0, V, 4), dtype=np.uint64)
            ph = np.stack(self._ph) if self._ph else np.zeros((0, V), dtype=np.uint64)
            tables = None
            if len(self.keys) >= self.brute_force_below:
                # one table per view scale and hash, so each view pair probes one table
                tables = (
                    [MultiIndexHashing(pdq[:, v]) for v in range(V)],
                    [MultiIndexHashing(ph[:, v : v + 1]) for v in range(V)],
                )
            self._built = (pdq, ph, tables)
        return self._built

    def _candidates(self, q: ViewCodes) -> np.ndarray:
        """Pictures that pass :func:`candidate_rule` with ``q`` (found through the multi-indexes)."""
        pdq, ph, tables = self._build()
        if tables is None:
            return np.arange(len(self.keys))
        t_pdq, t_ph = tables
        found = []
        for j in range(len(VIEW_SCALES)):
            src = [i for i, jj in VIEW_PAIRS if jj == j]
            qp = np.concatenate([q.pdq[src], q.pdq_mirror[src]])
            found.append(t_pdq[j].search_any(qp, PDQ_CANDIDATE_RADIUS))
            for i in src:
                qh = np.array([q.phash[i], q.phash_mirror[i]], dtype=np.uint64)
                found.append(t_ph[j].search_any(qh, _phash_radius(i, j)))
        return np.unique(np.concatenate(found))

    def _views(self, query: QueryFeatures) -> list[_View]:
        """The query's feature sets to verify, each with its descriptor candidates.

        Plain and mirrored features get candidates of their own (a mirrored copy's
        descriptors vote for the original only through the mirrored set), so a candidate
        costs one verification per orientation it was proposed for, not two.
        """
        brute = len(self._features) <= FEATURE_BRUTE_FORCE_BELOW
        everything = set(self._features)
        k = LARGE_INDEX_FACTOR if len(self._feature_index) > LARGE_INDEX else 1
        sets = [(query.plain, False, None, k * MAX_CANDIDATES), (query.mirrored, True, None, k * MIRROR_CANDIDATES)]
        for r in query.regions:
            sets += [(r.plain, False, r.box, k * REGION_CANDIDATES), (r.mirrored, True, r.box, k * REGION_MIRROR_CANDIDATES)]
        views = []
        for features, mirrored, box, limit in sets:
            if features is None or len(features) < MIN_INLIERS:
                continue
            ids = everything if brute else {pic for pic, _ in self._feature_index.candidates([features.descriptors], limit=limit)}
            views.append(_View(features, mirrored, box, ids))
        return views

    def _verify(self, idx: int, views: list[_View], hash_ids: set[int]) -> Verification | None:
        """The first view (whole query, plain then mirrored, then embedded pictures) that verifies ``idx``."""
        stored = self._features.get(idx)
        if stored is None:
            return None
        for view in views:
            if idx in hash_ids or idx in view.candidates:
                v = verify(view.features, stored, mirrored=view.mirrored)
                if v is not None:
                    return v if view.box is None else in_query(v, view.box)
        return None

    def match(
        self,
        fp: Fingerprint | ViewCodes,
        *,
        threshold: int | None = None,
        exclude: str | None = None,
        query_features: QueryFeatures | tuple[LocalFeatures, LocalFeatures | None] | None = None,
    ) -> list[Match]:
        """Stored pictures that ``fp`` shows (whole or in part), verified first, then nearest.

        ``query_features`` are the query's plain and mirrored ORB features and those of
        the pictures embedded in it (:func:`~narratrace.images.local_features.query_features`);
        without them the fingerprint's own features are used (no mirrored partial
        matches). ``threshold`` is the combined distance for pictures that have no local
        features.
        """
        q = fp if isinstance(fp, ViewCodes) else ViewCodes.from_fingerprint(fp)
        if query_features is None and isinstance(fp, Fingerprint) and fp.features is not None:
            query_features = (fp.features, None)
        if query_features is not None and not isinstance(query_features, QueryFeatures):
            query_features = QueryFeatures(*query_features)
        if query_features is not None and len(query_features.plain) < MIN_INLIERS and not query_features.regions:
            query_features = None
        limit = self.threshold if threshold is None else threshold
        pdq, ph, _ = self._build()
        cand = self._candidates(q)
        dist: dict[int, int] = {}
        if cand.size:
            d = np.minimum(
                combined_distances(q.pdq[None], q.phash[None], pdq[cand], ph[cand], weight=self.weight)[0],
                combined_distances(q.pdq_mirror[None], q.phash_mirror[None], pdq[cand], ph[cand], weight=self.weight)[0],
            )
            dist = {int(i): int(x) for i, x in zip(cand, d, strict=True) if x <= limit}
        hash_ids = set(dist)
        verify_ids = set(dist)
        views = self._views(query_features) if query_features is not None else []
        for view in views:
            verify_ids.update(view.candidates)
        out = []
        for idx in sorted(verify_ids):
            key = self.keys[idx]
            if key == exclude:
                continue
            stored_features = self._features.get(idx)
            v = None
            if query_features is not None:
                v = self._verify(idx, views, hash_ids)
            d_hash = dist.get(idx)
            hash_limit = limit if (query_features is None or stored_features is None) else min(limit, self.hash_only_threshold)
            if v is None and (d_hash is None or d_hash > hash_limit):
                continue
            stored = ViewCodes(pdq[idx], pdq[idx], ph[idx], ph[idx])
            out.append(Match(key, pair_distance(q, stored, weight=self.weight), v))
        out.sort(key=lambda m: (m.verification is None, -(m.verification.confidence if m.verification else 0),
                                m.distance.combined if m.distance else 0, m.key))
        return out
