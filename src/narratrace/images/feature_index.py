"""Descriptor candidates: bit-sampling LSH over the strongest ORB descriptors of each stored picture.

A stored picture keeps up to :data:`~narratrace.images.local_features.STORED_FEATURES`
(400) ORB descriptors for verification; only :data:`INDEXED_FEATURES` of them, the
strongest spread over the picture (:func:`indexed_subset`), are filed in the candidate
index. Each is filed under :data:`LSH_TABLES` keys of :data:`LSH_BITS` sampled bits
(bit-sampling LSH for Hamming space); a stored picture gets one vote per query descriptor
that shares a key with one of its indexed descriptors, weighted down when that query
descriptor hits many pictures (by the square root of their number, :data:`IDF_POWER`). The best-voted pictures are verified with all
their stored descriptors (:func:`~narratrace.images.local_features.verify`).

Memory: a table is the owners of its descriptors sorted by key (4 bytes each) and the
bucket starts (``2**LSH_BITS + 1`` offsets), nothing else: ``LSH_TABLES x 4`` bytes per
indexed descriptor, 4 KB a picture with 100 indexed descriptors (the former layout kept
every stored descriptor with its keys and an order per table: ~33 KB a picture).
``benchmarks/image_index_scale.py`` measures recall per reuse family and memory/latency at
100k and 1M pictures.

Examples
--------
>>> rng = np.random.default_rng(1)
>>> d = [rng.integers(0, 256, (50, 32), dtype=np.uint8) for _ in range(3)]
>>> idx = FeatureIndex()
>>> for k, desc in enumerate(d):
...     idx.add(k, desc)
>>> [int(i) for i, _ in idx.candidates([d[1][:20]])]
[1]
"""

from __future__ import annotations

import numpy as np

from narratrace.images.local_features import LocalFeatures, spread

# Descriptors per stored picture filed in the LSH (the strongest, spread over a grid; all
# stored ones are used to verify). Chosen with benchmarks/image_index_scale.py: see
# docs/images.md ("Scale").
INDEXED_FEATURES = 400
# Bit-sampling LSH: LSH_TABLES keys of LSH_BITS descriptor bits each. Two ORB descriptors
# of the same point differ in ~10-40 of 256 bits; at 30 bits an 18-bit key survives with
# p = 0.11 and one of 10 tables with p = 0.68, while unrelated descriptors share a key with
# p = 4e-6. A query keeps thousands of descriptors: with 14-bit keys every stored picture
# collected ~1,000 chance votes and the original of a screenshot fell out of the top 10
# (benchmark recall .18); with 18 bits chance votes are ~100 against a few hundred true ones.
MAX_LSH_TABLES = 10
LSH_TABLES = 3
LSH_BITS = 18
LSH_SEED = 14
# Larger indexes use longer keys: a query's thousands of descriptors collect chance votes in
# proportion to the descriptors per bucket, and the best of a million pictures' chance
# scores outgrows a true match's votes. The key length is fixed at the first search from
# the descriptors filed then: LSH_BITS bits up to 2**(LSH_BITS + BITS_HEADROOM)
# descriptors, one bit more per doubling, at most MAX_LSH_BITS (keys of MAX_LSH_BITS bits
# extend the LSH_BITS ones; the first LSH_BITS positions of a table are those of old).
BITS_HEADROOM = 2
MAX_LSH_BITS = 24
# Buckets holding more than this multiple of the mean bucket size (descriptors of flat or
# repetitive patches that every picture has) are skipped, like stop words.
MAX_BUCKET_FACTOR = 40
# Candidates proposed per query descriptor set by default (best-scored first; ImageIndex
# sets its own limits per set) and the votes a candidate needs.
MAX_CANDIDATES = 30
MIN_VOTES = 3
# A query descriptor hitting h pictures gives each a vote of weight h**-IDF_POWER: one
# that hits many (UI text, lettering, flat patches, common corners) says less. 1 (a vote
# split among the pictures) let a few rare chance hits outrank an original's many shared
# ones among 100k pictures (benchmarks/image_index_scale.py: original in the top 10 for
# .925 of the hard families' queries, .981 first); 0.5 put it in the top 10 for all and
# first for .981, and kept the suite's recall (0.25 lost a two-combined query there).
IDF_POWER = 0.5


def _lsh_positions() -> np.ndarray:
    rng = np.random.default_rng(LSH_SEED)
    first = [rng.choice(256, size=LSH_BITS, replace=False) for _ in range(MAX_LSH_TABLES)]
    more = np.random.default_rng(LSH_SEED + 1)
    return np.stack([np.concatenate([p, more.choice(np.setdiff1d(np.arange(256), p), MAX_LSH_BITS - LSH_BITS, replace=False)])
                     for p in first])


_POSITIONS = _lsh_positions()


def lsh_bits(descriptors: int) -> int:
    """Key length for an index of ``descriptors`` (see :data:`BITS_HEADROOM`)."""
    extra = max(0, int(np.ceil(np.log2(max(descriptors, 1)))) - LSH_BITS - BITS_HEADROOM)
    return min(MAX_LSH_BITS, LSH_BITS + extra)


def lsh_keys(descriptors: np.ndarray, bits: int = LSH_BITS, tables: int = LSH_TABLES) -> np.ndarray:
    """``(n, tables)`` bucket keys of ``bits`` bits of ``(n, 32)`` uint8 descriptors."""
    unpacked = np.unpackbits(np.asarray(descriptors, dtype=np.uint8), axis=1).astype(np.int32)  # (n, 256)
    weights = (1 << np.arange(bits - 1, -1, -1)).astype(np.int32)
    return np.stack([unpacked[:, p[:bits]] @ weights for p in _POSITIONS[:tables]], axis=1)


def indexed_subset(features: LocalFeatures, n: int = INDEXED_FEATURES) -> np.ndarray:
    """Indices of the ``n`` descriptors of a stored picture to file in the LSH.

    Stored keypoints come strongest first (:func:`~narratrace.images.local_features.extract_features`);
    each cell of the picture's grid keeps its first ones, the remainder goes to the first
    anywhere, so that a crop keeping any half of the picture keeps its share of indexed
    descriptors. Rows stored before the strongest-first order keep their detection order.
    """
    return spread(features.xy, -np.arange(len(features), dtype=np.float32), features.width, features.height, n)


def _groups(parts: list[tuple[np.ndarray, np.ndarray]], shift: int, size: int = 1 << 22):
    """``parts`` concatenated into groups of about ``size`` entries (one picture per part is
    slow to scatter), keys shifted right by ``shift`` bits."""
    buf: list[tuple[np.ndarray, np.ndarray]] = []
    n = 0
    for part in parts:
        buf.append(part)
        n += part[0].size
        if n >= size:
            yield np.concatenate([k for k, _ in buf]) >> shift, np.concatenate([o for _, o in buf])
            buf, n = [], 0
    if buf:
        yield np.concatenate([k for k, _ in buf]) >> shift, np.concatenate([o for _, o in buf])


def _bucket_sort(parts: list[tuple[np.ndarray, np.ndarray]], bits: int, total: int) -> tuple[np.ndarray, np.ndarray]:
    """Owners grouped by key and the bucket offsets, from ``(keys, owners)`` parts (keys of
    :data:`MAX_LSH_BITS` bits, of which the first ``bits`` are used).

    A counting sort that scatters one group of parts at a time: besides the result, memory
    holds one group (an argsort of the whole table would take 8 bytes an entry more).
    """
    n_keys = 1 << bits
    counts = np.zeros(n_keys, dtype=np.int64)
    shift = MAX_LSH_BITS - bits
    for k, _ in _groups(parts, shift):
        counts += np.bincount(k, minlength=n_keys)
    starts = np.zeros(n_keys + 1, dtype=np.int32 if total < 2**31 else np.int64)
    np.cumsum(counts, out=starts[1:])
    fill = starts[:-1].astype(np.int64)  # next free slot of each bucket
    out = np.empty(total, dtype=np.int32)
    for k, o in _groups(parts, shift):
        order = np.argsort(k, kind="stable")
        ks = k[order]
        first = np.searchsorted(ks, ks, side="left")  # rank among equal keys in this group
        out[fill[ks] + (np.arange(ks.size) - first)] = o[order]
        u, c = np.unique(ks, return_counts=True)
        fill[u] += c
    return out, starts


class FeatureIndex:
    """Candidate search over stored pictures' ORB descriptors (bit-sampling LSH + voting).

    Each table keeps only the owners of its descriptors sorted by bucket key and the
    bucket offsets; pictures added after a search are merged in at the next search.
    """

    def __init__(self, *, bits: int | None = None, tables: int = LSH_TABLES) -> None:
        self.bits = bits  # key length; None: chosen at the first search (lsh_bits)
        self.tables = tables  # the first ``tables`` of the MAX_LSH_TABLES key functions
        self._pending_owners: list[np.ndarray] = []
        self._pending_keys: list[list[np.ndarray]] = [[] for _ in range(tables)]  # per table: key columns
        self._owners: list[np.ndarray] = []  # per table: owners sorted by key (int32)
        self._starts: list[np.ndarray] = []  # per table: bucket offsets (2**LSH_BITS + 1)
        self._size = 0  # descriptors filed
        self._pictures: set[int] = set()

    def __len__(self) -> int:
        return len(self._pictures)

    @property
    def descriptors(self) -> int:
        """Number of descriptors filed."""
        return self._size + sum(o.size for o in self._pending_owners)

    @property
    def nbytes(self) -> int:
        """Bytes held by the tables (after the pending pictures are merged in)."""
        self._build()
        return sum(o.nbytes for o in self._owners) + sum(s.nbytes for s in self._starts)

    def add(self, picture: int, descriptors: np.ndarray) -> None:
        """File a picture's descriptors (already the indexed subset) under its integer id ``picture``."""
        self._pictures.add(picture)
        if len(descriptors):
            self.add_keys(np.full(len(descriptors), picture, dtype=np.int32), lsh_keys(descriptors, MAX_LSH_BITS, self.tables))

    def add_keys(self, owners: np.ndarray, keys: np.ndarray) -> None:
        """Bulk add ``keys`` (n, >= tables), ``lsh_keys(descriptors, MAX_LSH_BITS)``, of descriptors owned by ``owners`` (n,)."""
        self._pictures.update(np.unique(owners).tolist())
        self._pending_owners.append(np.asarray(owners, dtype=np.int32))
        for t in range(self.tables):
            self._pending_keys[t].append(np.ascontiguousarray(keys[:, t], dtype=np.int32))

    def _build(self) -> None:
        """Merge the pending descriptors into the tables, one table at a time (see :func:`_bucket_sort`)."""
        if not self._pending_owners:
            return
        owners = self._pending_owners
        keys = self._pending_keys
        self._pending_owners, self._pending_keys = [], [[] for _ in range(self.tables)]
        total = self._size + sum(o.size for o in owners)
        if self.bits is None:
            self.bits = lsh_bits(total)
        shift = MAX_LSH_BITS - self.bits
        for t in range(self.tables):
            parts = list(zip(keys[t], owners, strict=True))
            keys[t] = []  # a table's pending keys are freed as it is built
            if t < len(self._owners):  # the filed keys are the bucket numbers repeated by bucket size
                old = np.repeat(np.arange(1 << self.bits, dtype=np.int32) << shift, np.diff(self._starts[t]))
                parts.insert(0, (old, self._owners[t]))
            tab = _bucket_sort(parts, self.bits, total)
            if t < len(self._owners):
                self._owners[t], self._starts[t] = tab
            else:
                self._owners.append(tab[0])
                self._starts.append(tab[1])
            del parts, tab
        self._size = total

    def _hits(self, desc: np.ndarray, qset: int, cap: int) -> list[np.ndarray]:
        """``query descriptor id << 32 | picture`` for every (query descriptor, indexed descriptor) sharing a key."""
        keys = lsh_keys(desc, self.bits or LSH_BITS, self.tables)
        out = []
        for t in range(self.tables):
            st, en = self._starts[t][keys[:, t]].astype(np.int64), self._starts[t][keys[:, t] + 1].astype(np.int64)
            sizes = en - st
            sizes[sizes > cap] = 0
            total = int(sizes.sum())
            if not total:
                continue
            offsets = np.repeat(st - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
            owners = self._owners[t][offsets + np.arange(total)]
            q_ids = np.repeat(np.arange(len(desc), dtype=np.int64) + qset * 100_000, sizes)
            out.append(q_ids * (1 << 32) + owners.astype(np.int64))
        return out

    def candidates(self, query_descriptors: list[np.ndarray], *, limit: int = MAX_CANDIDATES,
                   min_votes: int = MIN_VOTES) -> list[tuple[int, int]]:
        """``(picture, votes)`` of the best-scored pictures for any of the query descriptor sets.

        A picture's score sums its votes, each divided by the number of pictures that query
        descriptor hit to the power :data:`IDF_POWER`; at least ``min_votes`` votes are needed.
        """
        self._build()
        if not self._size:
            return []
        cap = max(8, int(MAX_BUCKET_FACTOR * self._size / (1 << (self.bits or LSH_BITS))))
        pairs_all = [h for qset, desc in enumerate(query_descriptors) if len(desc) for h in self._hits(desc, qset, cap)]
        if not pairs_all:
            return []
        pairs = np.unique(np.concatenate(pairs_all))
        owner = pairs & ((1 << 32) - 1)
        _, q_index, q_hits = np.unique(pairs >> 32, return_inverse=True, return_counts=True)
        # a query descriptor that hits many pictures (UI text, sign lettering, flat patches)
        # says little: its vote is split among them, like IDF
        weight = q_hits[q_index].astype(float) ** -IDF_POWER
        pictures, inverse, votes = np.unique(owner, return_inverse=True, return_counts=True)
        score = np.bincount(inverse, weights=weight)
        keep = votes >= min_votes
        pictures, votes, score = pictures[keep], votes[keep], score[keep]
        top = np.argsort(-score, kind="stable")[:limit]
        return [(int(pictures[i]), int(votes[i])) for i in top]
