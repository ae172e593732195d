"""Descriptor candidate index at scale: recall per reuse family and memory/latency at 100k-1M pictures.

Usage::

    OMP_NUM_THREADS=1 nice -n 5 python benchmarks/image_index_scale.py \
        --natural 23 --streets 25 --leaves 5 --random-stored 60 --seed 1 \
        --cache /tmp/scale-cache --scales 0,100000,1000000 [--match] [--json out.json]

What it does
------------
1. The reuse suite of ``benchmarks/image_robustness.py`` (same originals, stored pictures,
   look-alikes, families and seeds): every stored picture is fingerprinted and every query
   (11 families x originals, plus the queries that must match nothing) gets its hashes and
   query features once; ``--cache`` keeps the queries' features in a pickle for the next run.
2. ``--match``: every query goes through :meth:`ImageIndex.match` (hash candidates,
   descriptor candidates, verification) over the suite's index: recall per family and
   false matches, as ``image_robustness.py`` reports them.
3. For each size in ``--scales``, the suite's descriptor index is padded with that many
   **synthetic** pictures: the indexed number of descriptors each, drawn from a pool of
   real ORB descriptors of unrelated pictures (procedural streets and dead-leaves scenes of
   other seeds) with each bit flipped with p = 1/8 (see :func:`_pad`), so that bucket
   crowding follows real descriptor statistics without planting any original's own
   descriptors. A query is found
   at that size when a hash candidate or a descriptor candidate (per query feature set, with
   ``ImageIndex``'s limits) is its original and that feature set verifies it: the
   candidate step is what changes with size, verification does not. Printed: recall per
   family at each size, the index's memory (bytes of its arrays) against the former layout
   (every stored descriptor in every table with its key and order), and the candidate
   lookup p50 against a linear scan (Hamming distance from each query descriptor to every
   indexed descriptor, timed on a sample of query descriptors and scaled).
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _image_data import natural_photos, procedural_photos, reuse_families, street_scenes  # noqa: E402
from image_robustness import _decode, _other_angles, stored_pictures  # noqa: E402

from narratrace.images.feature_index import (  # noqa: E402
    INDEXED_FEATURES,
    LSH_TABLES,
    MAX_LSH_BITS,
    _bucket_sort,
    lsh_bits,
    lsh_keys,
)
from narratrace.images.hashing import Fingerprint, fingerprint_image  # noqa: E402
from narratrace.images.index import (  # noqa: E402
    MATCH_THRESHOLD,
    ImageIndex,
    ViewCodes,
    candidate_rule,
    pair_distance,
)
from narratrace.images.local_features import extract_features, query_features, verify  # noqa: E402

FORMER_TABLES = 10  # the former layout: 10 tables of 18-bit keys, keys and sort order kept per table


def _queries(args) -> list[tuple[str, str, ViewCodes, object]]:
    """(family, original key, view codes, query features) of every suite query; the queries that
    must match nothing have the family ``other_angle``/``unrelated`` and key ``""``."""
    path = Path(args.cache) / f"queries-{args.natural}-{args.streets}-{args.leaves}-{args.seed}.pkl" if args.cache else None
    if path is not None and path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    streets = street_scenes(args.streets, seed=args.seed + 3)
    originals = natural_photos()[: args.natural] + [(n, a) for n, a, _ in streets] + procedural_photos(args.leaves, seed=args.seed + 14)
    families = reuse_families()
    out = []
    for f, fn in families.items():
        frng = np.random.default_rng([args.seed + 21, list(families).index(f)])
        for key, im in originals:
            q = _decode(fn(im, frng), 50 if f == "reencode_q50" else 85)
            out.append((f, key, ViewCodes.from_fingerprint(fingerprint_image(q, features=False)), query_features(q)))
    rng = np.random.default_rng(args.seed + 21)
    held_out = [c for _, _, c in _other_angles(args)]
    unrelated = [im for _, im in procedural_photos(args.random_queries, seed=args.seed + 6)]
    for f, items in (("other_angle", held_out), ("unrelated", unrelated)):
        for im in items:
            q = _decode(families["reencode_q50"](im, rng), 85)
            out.append((f, "", ViewCodes.from_fingerprint(fingerprint_image(q, features=False)), query_features(q)))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            pickle.dump(out, fh)
    return out


def _stored(args) -> tuple[list[str], list[Fingerprint], dict[str, int]]:
    """Keys and fingerprints (with stored features) of the suite's stored pictures."""
    _, stored, _ = stored_pictures(args)
    fps = [fingerprint_image(_decode(im, 90)) for _, im in stored]
    keys = [k for k, _ in stored]
    return keys, fps, {k: i for i, k in enumerate(keys)}


def _index(keys: list[str], fps: list[Fingerprint], n: int, bits: int | None, tables: int) -> ImageIndex:
    index = ImageIndex(indexed_features=n, feature_bits=bits, feature_tables=tables)
    for k, fp in zip(keys, fps, strict=True):
        index.add(k, fp)
    return index


def _pool(args) -> np.ndarray:
    """Real ORB descriptors of pictures the suite never uses (streets and dead-leaves scenes of other seeds)."""
    pics = [im for _, im, _ in street_scenes(args.pool, seed=args.seed + 61)] + [im for _, im in procedural_photos(args.pool, seed=args.seed + 62)]
    return np.concatenate([extract_features(_decode(im, 90)).descriptors for im in pics])


class _SyntheticParts:
    """One table's ``(keys, owners)`` parts: the suite's filed descriptors, then ``pictures``
    synthetic pictures of ``per`` descriptors, regenerated identically on every iteration.

    A synthetic descriptor is a pool descriptor with each bit flipped with p = 1/8 (~32 of
    256 bits): its key in table ``t`` is the pool descriptor's key with each key bit flipped
    with p = 1/8 (tables drawn independently; their bit positions rarely overlap). The same
    pool descriptors are drawn for every table.
    """

    def __init__(self, suite: list, pool_keys: np.ndarray, first: int, pictures: int, per: int, seed: int, t: int) -> None:
        self.suite, self.pool_keys, self.first, self.pictures, self.per, self.seed, self.t = suite, pool_keys, first, pictures, per, seed, t

    def __iter__(self):
        yield from self.suite
        chunk = max(1, 4_000_000 // self.per)
        for c, start in enumerate(range(0, self.pictures, chunk)):
            m = min(chunk, self.pictures - start)
            idx = np.random.default_rng([self.seed, c]).integers(len(self.pool_keys), size=m * self.per)
            rng = np.random.default_rng([self.seed, c, self.t + 1])
            noise = rng.integers(0, 1 << MAX_LSH_BITS, size=idx.size, dtype=np.int32)
            noise &= rng.integers(0, 1 << MAX_LSH_BITS, size=idx.size, dtype=np.int32)
            noise &= rng.integers(0, 1 << MAX_LSH_BITS, size=idx.size, dtype=np.int32)
            owners = np.repeat(np.arange(self.first + start, self.first + start + m, dtype=np.int32), self.per)
            yield self.pool_keys[idx, self.t] ^ noise, owners


def _pad(index: ImageIndex, pool: np.ndarray, pictures: int, per: int, seed: int) -> float:
    """File ``pictures`` synthetic pictures (:class:`_SyntheticParts`) in the index's LSH, table by
    table (only the finished tables and one group of keys in memory); returns CPU seconds.

    Reaches into the :class:`FeatureIndex` internals (its counting sort) so that a million
    pictures fit beside other jobs: its own ``add`` keeps every table's keys until the build.
    """
    t0 = time.process_time()
    fi = index._feature_index
    suite_keys, suite_owners = fi._pending_keys, fi._pending_owners
    total = fi.descriptors + pictures * per
    fi.bits = fi.bits or lsh_bits(total)
    pool_keys = lsh_keys(pool, MAX_LSH_BITS, fi.tables)
    fi._owners, fi._starts = [], []
    for t in range(fi.tables):
        parts = _SyntheticParts(list(zip(suite_keys[t], suite_owners, strict=True)), pool_keys, len(index.keys), pictures, per, seed, t)
        owners, starts = _bucket_sort(parts, fi.bits, total)
        fi._owners.append(owners)
        fi._starts.append(starts)
    fi._pending_keys, fi._pending_owners = [[] for _ in range(fi.tables)], []
    fi._size = total
    fi._pictures.update(range(len(index.keys), len(index.keys) + pictures))
    return time.process_time() - t0


class Found:
    """Whether each query's original is found through a given index's candidates (verifications cached)."""

    def __init__(self, queries: list, fps: list[Fingerprint], pos: dict[str, int]) -> None:
        self.queries, self.fps, self.pos = queries, fps, pos
        self._verified: dict[tuple[int, int], bool] = {}
        self._hash: dict[int, int] = {}

    def _hash_distance(self, i: int) -> int:
        """Combined distance of query ``i`` to its original when the hash candidate rule finds it (else a large value)."""
        if i not in self._hash:
            _, key, vc, _ = self.queries[i]
            s = ViewCodes.from_fingerprint(self.fps[self.pos[key]])
            d = pair_distance(vc, s).combined
            self._hash[i] = d if candidate_rule(vc, s) and d <= MATCH_THRESHOLD else 10**6
        return self._hash[i]

    def found(self, index: ImageIndex, i: int) -> tuple[bool, float]:
        """(found, seconds spent proposing descriptor candidates) for query ``i``."""
        _, key, _, qf = self.queries[i]
        target = self.pos[key]
        t = time.perf_counter()
        views = index._views(qf)
        spent = time.perf_counter() - t
        by_hash = self._hash_distance(i) < 10**6
        stored = index._features.get(target)
        for j, view in enumerate(views):
            if stored is None or not (by_hash or target in view.candidates):
                continue
            if (i, j) not in self._verified:
                self._verified[i, j] = verify(view.features, stored, mirrored=view.mirrored) is not None
            if self._verified[i, j]:
                return True, spent
        return self._hash_distance(i) <= index.hash_only_threshold, spent


def _linear_ms(queries: list, n_desc: int, rng: np.random.Generator) -> float:
    """Median ms of a linear scan: Hamming distance from each descriptor of a query's feature
    sets to ``n_desc`` stored ones (timed on a sample of 20 query descriptors against 1M, scaled)."""
    stored = rng.integers(0, 256, size=(1_000_000, 32), dtype=np.uint8)
    t = time.perf_counter()
    for row in stored[:20]:
        np.bitwise_count(stored ^ row).sum(axis=1, dtype=np.int32)
    per_pair = (time.perf_counter() - t) / (20 * stored.shape[0])
    sizes = [len(qf.plain) + len(qf.mirrored) + sum(len(r.plain) + len(r.mirrored) for r in qf.regions) for _, _, _, qf in queries]
    return 1000 * statistics.median(sizes) * n_desc * per_pair


def _recall_table(found: Found, index: ImageIndex, sample: list[int]) -> tuple[dict[str, float], float, list[str]]:
    hits: dict[str, list[int]] = {}
    times, misses = [], []
    for i in sample:
        fam, key, _, _ = found.queries[i]
        ok, spent = found.found(index, i)
        times.append(spent)
        hits.setdefault(fam, [0, 0])
        hits[fam][0] += ok
        hits[fam][1] += 1
        if not ok:
            misses.append(f"{fam}:{key}")
    return {f: h / n for f, (h, n) in hits.items()}, 1000 * statistics.median(times), misses


def scale(args, queries: list, keys: list[str], fps: list[Fingerprint], pos: dict[str, int]) -> list[dict]:
    """Recall per family and candidate cost with the suite's index padded to each size of ``--scales``."""
    found = Found(queries, fps, pos)
    fams = set(args.families.split(",")) if args.families else None
    sample = [i for i, (f, k, _, _) in enumerate(queries) if k and (fams is None or f in fams)][:: args.every]
    pool = _pool(args) if any(int(x) for x in args.scales.split(",")) else None
    rows = []
    configs = [(int(n), int(t)) for n, t in (c.split("x") for c in args.configs.split(","))]
    for n, tables in configs:
        for bits in [None if b == "auto" else int(b) for b in args.bits.split(",")]:
            for size in (int(x) for x in args.scales.split(",")):
                index = _index(keys, fps, n, bits, tables)
                build = _pad(index, pool, size, n, args.seed + 71) if size else 0.0
                fi = index._feature_index
                recall, p50, misses = _recall_table(found, index, sample)
                # the former layout: every stored descriptor (400) in 10 tables with its key and sort order, plus its owner
                old_bytes = (sum(len(f.features) for f in fps) + 400 * size) * (FORMER_TABLES * 8 + 4) + FORMER_TABLES * 8 * (2**18 + 1)
                row = {"indexed": n, "tables": tables, "bits": fi.bits, "pictures": len(keys) + size, "synthetic": size, "descriptors": fi.descriptors,
                       "index_mb": fi.nbytes / 2**20, "former_layout_mb": old_bytes / 2**20, "build_s_cpu": build,
                       "candidates_p50_ms": p50, "linear_scan_ms": _linear_ms([queries[i] for i in sample], 400 * (len(keys) + size),
                                                                                np.random.default_rng(0)),
                       "recall": recall, "misses": misses}
                rows.append(row)
                _print_row(row)
                del index, fi
    return rows


def _print_row(r: dict) -> None:
    rec = r["recall"]
    print(f"indexed {r['indexed']:>3} x {r['tables']:>2} tables, bits {r['bits']} pictures {r['pictures']:>9,}: min recall {min(rec.values()):.3f} "
          + " ".join(f"{f[:10]}={v:.3f}" for f, v in rec.items()))
    print(f"    index {r['index_mb']:.1f} MB (former layout {r['former_layout_mb']:.0f} MB, ratio {r['index_mb'] / r['former_layout_mb']:.3f}); "
          f"candidates p50 {r['candidates_p50_ms']:.0f} ms vs linear scan {r['linear_scan_ms']:.0f} ms "
          f"(ratio {r['candidates_p50_ms'] / r['linear_scan_ms']:.2g}); build {r['build_s_cpu']:.0f} s CPU; misses {r['misses'][:8]}", flush=True)


def match_suite(queries: list, index: ImageIndex) -> dict:
    """Every query through :meth:`ImageIndex.match`: recall per family and false matches."""
    hits: dict[str, list[int]] = {}
    false, misses, times = [], [], []
    for fam, key, vc, qf in queries:
        t = time.perf_counter()
        found = index.match(vc, query_features=qf)
        times.append(time.perf_counter() - t)
        false += [f"{fam}:{key or '-'} -> {m.key}" for m in found if m.key != key]
        if key:
            ok = any(m.key == key for m in found)
            hits.setdefault(fam, [0, 0])
            hits[fam][0] += ok
            hits[fam][1] += 1
            if not ok:
                misses.append(f"{fam}:{key}")
    return {"recall": {f: h / n for f, (h, n) in hits.items()}, "false_matches": false, "misses": misses,
            "queries": len(queries), "match_p50_ms": 1000 * statistics.median(times)}


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--natural", type=int, default=23)
    p.add_argument("--streets", type=int, default=25)
    p.add_argument("--leaves", type=int, default=5)
    p.add_argument("--random-stored", type=int, default=60)
    p.add_argument("--random-queries", type=int, default=15)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cache", default=None, help="folder for the queries' features (pickle)")
    p.add_argument("--configs", default=f"{INDEXED_FEATURES}x{LSH_TABLES}",
                   help="comma-separated NxT: N descriptors a picture indexed in T LSH tables")
    p.add_argument("--bits", default="auto", help="comma-separated LSH key lengths ('auto': from the index size)")
    p.add_argument("--scales", default="0", help="comma-separated numbers of synthetic pictures added")
    p.add_argument("--families", default="", help="only these families in the scale runs")
    p.add_argument("--every", type=int, default=1, help="every n-th query in the scale runs")
    p.add_argument("--pool", type=int, default=30, help="streets and dead-leaves scenes whose descriptors seed the synthetic pictures")
    p.add_argument("--limits", default="",
                   help="descriptor candidates per feature set: whole plain, mirrored, embedded plain, mirrored (default: ImageIndex's)")
    p.add_argument("--idf-power", type=float, default=None, help="vote weight hits**-power (default: the index's IDF_POWER)")
    p.add_argument("--match", action="store_true", help="run every query through ImageIndex.match (first --configs value)")
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    if args.limits:
        import narratrace.images.index as image_index

        (image_index.MAX_CANDIDATES, image_index.MIRROR_CANDIDATES,
         image_index.REGION_CANDIDATES, image_index.REGION_MIRROR_CANDIDATES) = (int(x) for x in args.limits.split(","))
    if args.idf_power is not None:
        import narratrace.images.feature_index as feature_index

        feature_index.IDF_POWER = args.idf_power
    t = time.process_time()
    queries = _queries(args)
    keys, fps, pos = _stored(args)
    print(f"{len(queries)} queries, {len(keys)} stored pictures ({time.process_time() - t:.0f} s CPU)", flush=True)
    out: dict = {}
    if args.match:
        n, tables = (int(x) for x in args.configs.split(",")[0].split("x"))
        res = out["match"] = match_suite(queries, _index(keys, fps, n, None, tables))
        print(f"match, {n} indexed descriptors a picture: min recall {min(res['recall'].values()):.3f}; "
              + " ".join(f"{f}={v:.3f}" for f, v in res["recall"].items()))
        print(f"  false matches {len(res['false_matches'])} in {res['queries']} queries {res['false_matches'][:5]}; "
              f"match p50 {res['match_p50_ms']:.0f} ms; misses {res['misses']}", flush=True)
    out["scale"] = scale(args, queries, keys, fps, pos)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, default=str) + "\n")
    return out


if __name__ == "__main__":
    main()
