"""Robustness of picture matching, hashing throughput and index latency.

Usage::

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/image_robustness.py \
        [--procedural 400] [--index-size 1000000] [--queries 200] [--json out.json]

What it does
------------
1. Originals: the natural photos shipped inside installed packages (scikit-image's data
   folder, scikit-learn's sample images; ``pip install -e .[bench]``) plus ``--procedural``
   dead-leaves scenes (see ``benchmarks/_image_data.py``). Each is saved as JPEG q90.
2. Every original goes through each transformation (re-encode q50, half size, crop
   5/10/20 % from every side, pad 20 % on every side, mirror, rotate 4 degrees, text
   overlay, colour shift) and is saved again as JPEG.
3. Three methods score each (transformed, original) pair: pHash alone (imagehash, whole
   picture), PDQ alone (pdqhash, whole picture) and narratrace's combination (trimmed
   borders, centre-crop views, mirror views, ``pdq + 2 * phash``). The threshold of
   each method is the largest distance whose false-match rate over (transformed,
   *other* original) pairs is at most ``--fmr`` (1 in 10,000), chosen on one half of
   the pictures and applied to the other (2-fold; every picture is scored once with a
   threshold it did not help choose). Recall is the fraction of (transformed, own
   original) pairs within the threshold.
4. Hashing throughput on one core, and the recall loss of the index's candidate step.
5. Search latency over ``--index-size`` synthetic hashes: the multi-index against a
   vectorised linear scan in the same process, with planted neighbours whose distances
   are drawn from the positive pairs measured in step 3.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import imagehash
import numpy as np
import pdqhash

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _image_data import (  # noqa: E402
    jpeg,
    natural_photos,
    procedural_photos,
    reuse_families,
    street_scenes,
    transformations,
)

from narratrace.images.feature_index import LSH_TABLES, MAX_LSH_BITS, FeatureIndex, lsh_keys  # noqa: E402
from narratrace.images.hashing import (  # noqa: E402
    VIEW_SCALES,
    fingerprint_bytes,
    fingerprint_image,
    hex_to_words,
)
from narratrace.images.index import (  # noqa: E402
    PDQ_CANDIDATE_RADIUS,
    PHASH_CANDIDATE_RADIUS,
    PHASH_WEIGHT,
    VIEW_PAIRS,
    ImageIndex,
    MultiIndexHashing,
    ViewCodes,
    candidate_rule,
    combined_distances,
    linear_search,
)
from narratrace.images.local_features import query_features, verify_best  # noqa: E402
from narratrace.images.safety import open_image  # noqa: E402


def _baseline_hashes(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    img, _ = open_image(data)
    bits, _ = pdqhash.compute(np.ascontiguousarray(np.asarray(img)))
    pdq = np.packbits(bits.astype(np.uint8)).view(">u8").astype(np.uint64)
    ph = np.packbits(imagehash.phash(img).hash.flatten().astype(np.uint8)).view(">u8").astype(np.uint64)
    return pdq, ph


class Hashed:
    """Arrays of one set of pictures for the three methods."""

    def __init__(self, blobs: list[bytes]) -> None:
        fps = [fingerprint_bytes(b) for b in blobs]
        base = [_baseline_hashes(b) for b in blobs]
        self.pdq = np.stack([b[0] for b in base])  # (n, 4)
        self.phash = np.stack([b[1] for b in base])  # (n, 1)
        self.vp = np.stack([hex_to_words(f.views_pdq, 256) for f in fps])
        self.vpm = np.stack([hex_to_words(f.mirror_pdq, 256) for f in fps])
        self.vh = np.stack([hex_to_words(f.views_phash, 64)[:, 0] for f in fps])
        self.vhm = np.stack([hex_to_words(f.mirror_phash, 64)[:, 0] for f in fps])


def _global(q: np.ndarray, s: np.ndarray) -> np.ndarray:
    return np.bitwise_count(q[:, None, :] ^ s[None, :, :]).sum(axis=-1, dtype=np.int32)


def method_distances(q: Hashed, s: Hashed) -> dict[str, np.ndarray]:
    combo = np.minimum(
        combined_distances(q.vp, q.vh, s.vp, s.vh, weight=PHASH_WEIGHT),
        combined_distances(q.vpm, q.vhm, s.vp, s.vh, weight=PHASH_WEIGHT),
    )
    return {"phash": _global(q.phash, s.phash), "pdq": _global(q.pdq, s.pdq), "narratrace": combo}


def threshold_at(neg: np.ndarray, fmr: float) -> int:
    """Largest integer t with mean(neg <= t) <= fmr."""
    s = np.sort(neg)
    allowed = int(np.floor(fmr * s.size))
    if allowed >= s.size:
        return int(s[-1])
    return int(s[allowed]) - 1  # s[allowed] itself would be the (allowed+1)-th false match


def _codes(h: Hashed, i: int) -> ViewCodes:
    return ViewCodes(pdq=h.vp[i], pdq_mirror=h.vpm[i], phash=h.vh[i], phash_mirror=h.vhm[i])


def candidate_found(q: Hashed, s: Hashed, qi: int, si: int) -> bool:
    """Would the index's candidate step see the pair? (``index.candidate_rule``)"""
    return candidate_rule(_codes(q, qi), _codes(s, si))


def best_view_pair(q: Hashed, s: Hashed, qi: int, si: int) -> tuple[int, int]:
    best = (10**9, 0, 0)
    for qp, qh in ((q.vp[qi], q.vh[qi]), (q.vpm[qi], q.vhm[qi])):
        for i, j in VIEW_PAIRS:
            dp = int(np.bitwise_count(qp[i] ^ s.vp[si][j]).sum())
            dh = int(np.bitwise_count(qh[i] ^ s.vh[si][j]))
            best = min(best, (dp + PHASH_WEIGHT * dh, dp, dh))
    return best[1], best[2]


def best_views(q: Hashed, s: Hashed, qi: int, si: int) -> tuple[int, int, int, int]:
    """(query view, stored view, mirrored, index into VIEW_PAIRS) of the best pair."""
    best = (10**9, 0, 0, 0)
    for mirrored, (qp, qh) in enumerate(((q.vp[qi], q.vh[qi]), (q.vpm[qi], q.vhm[qi]))):
        for i, j in VIEW_PAIRS:
            dp = int(np.bitwise_count(qp[i] ^ s.vp[si][j]).sum())
            dh = int(np.bitwise_count(qh[i] ^ s.vh[si][j]))
            best = min(best, (dp + PHASH_WEIGHT * dh, i, j, mirrored))
    return best[1], best[2], best[3], best[0]


def picture_latency(args, pos_pairs, pos_views, threshold: int) -> dict:
    """ImageIndex (multi-index candidates) against its exhaustive scan over synthetic pictures."""
    rng = np.random.default_rng(args.seed + 11)
    N, Q, V = args.picture_index_size, args.picture_queries, len(VIEW_SCALES)
    pdq = rng.integers(0, 2**64, size=(N, V, 4), dtype=np.uint64)
    ph = rng.integers(0, 2**64, size=(N, V), dtype=np.uint64)
    queries = []
    planted = rng.choice(N, size=Q, replace=False)
    for k in range(Q):
        q = ViewCodes(pdq=rng.integers(0, 2**64, size=(V, 4), dtype=np.uint64), pdq_mirror=rng.integers(0, 2**64, size=(V, 4), dtype=np.uint64),
                      phash=rng.integers(0, 2**64, size=V, dtype=np.uint64), phash_mirror=rng.integers(0, 2**64, size=V, dtype=np.uint64))
        m = int(rng.integers(len(pos_pairs)))
        (dp, dh), (i, j, mirrored, _) = pos_pairs[m], pos_views[m]
        src_p = q.pdq_mirror if mirrored else q.pdq
        src_h = q.phash_mirror if mirrored else q.phash
        pdq[planted[k], j] = _flip(src_p[i], dp, rng)
        ph[planted[k], j] = _flip(src_h[i : i + 1], dh, rng)[0]
        queries.append(q)
    keys = [str(x) for x in range(N)]
    t = time.perf_counter()
    fast = ImageIndex(brute_force_below=0)
    fast.add_many(keys, pdq, ph)
    fast._build()
    build_s = time.perf_counter() - t
    exact = ImageIndex(brute_force_below=N + 1)
    exact.add_many(keys, pdq, ph)
    exact._build()
    ft, et, found_e, found_f = [], [], 0, 0
    for q in queries:
        t = time.perf_counter()
        a = {m.key for m in exact.match(q, threshold=threshold)}
        et.append(time.perf_counter() - t)
        t = time.perf_counter()
        b = {m.key for m in fast.match(q, threshold=threshold)}
        ft.append(time.perf_counter() - t)
        found_e += len(a)
        found_f += len(a & b)
    med = statistics.median
    return {"pictures": N, "views_per_picture": V, "queries": Q, "build_s": build_s,
            "exhaustive_ms": 1000 * med(et), "index_ms": 1000 * med(ft), "ratio_index_to_exhaustive": med(ft) / med(et),
            "true_matches": found_e, "recall_loss": 1 - found_f / max(found_e, 1)}


def robustness(args) -> dict:
    rng = np.random.default_rng(args.seed)
    originals = natural_photos() + procedural_photos(args.procedural, seed=args.seed + 1)
    names = [n for n, _ in originals]
    n = len(originals)
    blobs = [jpeg(im, 90) for _, im in originals]

    t_wall, t_cpu = time.perf_counter(), time.process_time()
    orig = Hashed(blobs)
    hashing_cpu = time.process_time() - t_cpu
    hashing_wall = time.perf_counter() - t_wall
    # throughput of narratrace's fingerprint alone (decode + trim + 5 views x PDQ/pHash)
    t_cpu = time.process_time()
    for b in blobs:
        fingerprint_bytes(b)
    fp_cpu = time.process_time() - t_cpu

    tfs = transformations()
    queries: dict[str, Hashed] = {}
    for name, fn in tfs.items():
        quality = 50 if name == "reencode_q50" else 90
        queries[name] = Hashed([jpeg(fn(im, rng), quality) for _, im in originals])

    folds = [np.arange(0, n, 2), np.arange(1, n, 2)]
    methods = ("phash", "pdq", "narratrace")
    dist = {t: method_distances(queries[t], orig) for t in tfs}
    result: dict = {"n_originals": n, "n_natural": sum(x.startswith("photo:") for x in names), "methods": {}}
    natural = np.array([x.startswith("photo:") for x in names])
    for m in methods:
        hits = {t: np.zeros(n, dtype=bool) for t in tfs}
        thresholds, test_fp, test_neg = [], 0, 0
        for k in range(2):
            cal, test = folds[k], folds[1 - k]
            neg_cal = np.concatenate([dist[t][m][np.ix_(cal, cal)][~np.eye(cal.size, dtype=bool)] for t in tfs])
            thr = threshold_at(neg_cal, args.fmr)
            thresholds.append(thr)
            for t in tfs:
                sub = dist[t][m][np.ix_(test, test)]
                hits[t][test] = np.diag(sub) <= thr
                off = sub[~np.eye(test.size, dtype=bool)]
                test_fp += int((off <= thr).sum())
                test_neg += off.size
        result["methods"][m] = {
            "thresholds": thresholds,
            "test_false_match_rate": test_fp / max(test_neg, 1),
            "test_negative_pairs": test_neg,
            "recall": {t: float(hits[t].mean()) for t in tfs},
            "recall_natural": {t: float(hits[t][natural].mean()) if natural.any() else None for t in tfs},
        }
    # candidate step recall loss and positive-pair distances for the latency benchmark
    accepted = missed = 0
    pos_pairs: list[tuple[int, int]] = []
    pos_views: list[tuple[int, int, int, int]] = []
    thr_all = min(result["methods"]["narratrace"]["thresholds"])
    for t in tfs:
        d = np.diag(dist[t]["narratrace"])
        for i in np.flatnonzero(d <= thr_all):
            accepted += 1
            if not candidate_found(queries[t], orig, int(i), int(i)):
                missed += 1
            pos_pairs.append(best_view_pair(queries[t], orig, int(i), int(i)))
            pos_views.append(best_views(queries[t], orig, int(i), int(i)))
    result["candidate_step"] = {"accepted_pairs": accepted, "missed_by_candidates": missed}
    result["hashing"] = {
        "images": n,
        "fingerprint_images_per_s_cpu": n / fp_cpu,
        "all_methods_images_per_s_cpu": n / hashing_cpu,
        "all_methods_wall_s": hashing_wall,
    }
    result["_pos_pairs"] = pos_pairs
    result["_pos_views"] = pos_views
    result["_threshold"] = thr_all
    return result


def _flip(code: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    out = code.copy()
    nbits = code.size * 64
    for b in rng.choice(nbits, size=k, replace=False):
        out[b // 64] ^= np.uint64(1) << np.uint64(63 - b % 64)
    return out


def latency(args, pos_pairs: list[tuple[int, int]], threshold: int) -> dict:
    rng = np.random.default_rng(args.seed + 7)
    N, Q = args.index_size, args.queries
    pdq = rng.integers(0, 2**64, size=(N, 4), dtype=np.uint64)
    ph = rng.integers(0, 2**64, size=(N, 1), dtype=np.uint64)
    qp = rng.integers(0, 2**64, size=(Q, 4), dtype=np.uint64)
    qh = rng.integers(0, 2**64, size=(Q, 1), dtype=np.uint64)
    planted = rng.choice(N, size=Q, replace=False)
    pairs = pos_pairs or [(10, 2)]
    for k in range(Q):  # each query has one planted neighbour at a measured positive distance
        dp, dh = pairs[int(rng.integers(len(pairs)))]
        pdq[planted[k]] = _flip(qp[k], dp, rng)
        ph[planted[k]] = _flip(qh[k], dh, rng)
    t = time.perf_counter()
    mih_p, mih_h = MultiIndexHashing(pdq), MultiIndexHashing(ph)
    build_s = time.perf_counter() - t

    def linear(k: int) -> np.ndarray:
        d = np.bitwise_count(pdq ^ qp[k]).sum(axis=1, dtype=np.int32) + PHASH_WEIGHT * np.bitwise_count(ph[:, 0] ^ qh[k, 0]).astype(np.int32)
        return np.flatnonzero(d <= threshold)

    def indexed(k: int) -> np.ndarray:
        cand = np.union1d(mih_p.search(qp[k], PDQ_CANDIDATE_RADIUS)[0], mih_h.search(qh[k], PHASH_CANDIDATE_RADIUS)[0])
        d = np.bitwise_count(pdq[cand] ^ qp[k]).sum(axis=1, dtype=np.int32) + PHASH_WEIGHT * np.bitwise_count(ph[cand, 0] ^ qh[k, 0]).astype(np.int32)
        return cand[d <= threshold]

    lin_t, mih_t, found_lin, found_mih = [], [], 0, 0
    pdq_lin_t, pdq_mih_t, pdq_lost, pdq_total = [], [], 0, 0
    for k in range(Q):
        t = time.perf_counter()
        a = linear(k)
        lin_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        b = indexed(k)
        mih_t.append(time.perf_counter() - t)
        found_lin += a.size
        found_mih += np.intersect1d(a, b).size
        # the plain exact case: PDQ radius 31, multi-index against a scan
        t = time.perf_counter()
        la, _ = linear_search(pdq, qp[k], PDQ_CANDIDATE_RADIUS)
        pdq_lin_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        lb, _ = mih_p.search(qp[k], PDQ_CANDIDATE_RADIUS)
        pdq_mih_t.append(time.perf_counter() - t)
        pdq_total += la.size
        pdq_lost += la.size - np.intersect1d(la, lb).size
    med = statistics.median
    return {
        "index_size": N,
        "queries": Q,
        "build_s": build_s,
        "combined": {
            "linear_ms": 1000 * med(lin_t),
            "index_ms": 1000 * med(mih_t),
            "speedup": med(lin_t) / med(mih_t),
            "ratio_index_to_linear": med(mih_t) / med(lin_t),
            "true_neighbours": found_lin,
            "recall_loss": 1 - found_mih / max(found_lin, 1),
        },
        "pdq_radius_31": {
            "linear_ms": 1000 * med(pdq_lin_t),
            "index_ms": 1000 * med(pdq_mih_t),
            "speedup": med(pdq_lin_t) / med(pdq_mih_t),
            "true_neighbours": pdq_total,
            "recall_loss": pdq_lost / max(pdq_total, 1),
        },
    }


def _motorcycle_right():
    """scikit-image's stereo twin of motorcycle_left: a real "same place, other photo"."""
    try:
        import skimage
        from PIL import Image
    except ImportError:
        return None
    path = Path(skimage.__file__).parent / "data" / "motorcycle_right.png"
    if not path.exists():
        return None
    im = Image.open(path).convert("RGB")
    im.thumbnail((512, 512))
    return im


def _decode(im, quality: int):
    return open_image(jpeg(im, quality))[0]


def stored_pictures(args) -> tuple[list, list, list]:
    """The reuse suite's pictures: (originals, stored, streets).

    Originals (natural photos, streets, dead-leaves scenes); stored: the originals, a
    look-alike of each street (the same street from another angle), scikit-image's stereo
    twin of motorcycle_left, and unrelated dead-leaves pictures.
    """
    streets = street_scenes(args.streets, seed=args.seed + 3)
    originals = natural_photos()[: args.natural] + [(n, a) for n, a, _ in streets] + procedural_photos(args.leaves, seed=args.seed + 14)
    stored: list[tuple[str, object]] = list(originals)
    stored += [(n + "/lookalike", b) for n, _, b in streets]
    twin = _motorcycle_right()
    if twin is not None:
        stored.append(("photo:motorcycle_right.png/lookalike", twin))
    stored += procedural_photos(args.random_stored, seed=args.seed + 5)
    return originals, stored, streets


def _reuse_index(args) -> tuple[list, list, list, ImageIndex, float]:
    """The reuse suite's stored pictures (:func:`stored_pictures`) and their index.

    Returns (originals, stored, streets, index, CPU seconds spent indexing).
    """
    import cv2

    cv2.setNumThreads(1)
    originals, stored, streets = stored_pictures(args)
    index = ImageIndex()
    t = time.process_time()
    for key, im in stored:
        index.add(key, fingerprint_image(_decode(im, 90)))
    index._build()
    return originals, stored, streets, index, time.process_time() - t


def reuse_suite(args) -> dict:
    """Issue-14 families against an index holding look-alikes and random distractors.

    Every query is matched against the whole index (hash candidates + descriptor LSH
    candidates, verified); a hit on its own original counts for recall, a hit on any other
    stored picture is a false match. Look-alike queries (another photo of a stored
    street) and unrelated pictures are queries that must match nothing.
    """
    rng = np.random.default_rng(args.seed + 21)
    originals, stored, streets, index, index_s = _reuse_index(args)
    # the same streets seen again from another angle (never stored): regenerated from the same world seed
    held_out = [(f"{n}/other-angle", c) for (n, _, _), (_, _, c) in zip(streets, _other_angles(args), strict=True)]
    unrelated = [(f"unrelated:{i}", im) for i, (_, im) in enumerate(procedural_photos(args.random_queries, seed=args.seed + 6))]
    keys = [k for k, _ in stored]
    original_keys = {k for k, _ in originals}

    all_families = reuse_families()
    families = {f: fn for f, fn in all_families.items() if not args.families or f in args.families.split(",")}
    hits = {f: 0 for f in families}
    n_q = {f: 0 for f in families}
    natural_hits = {f: [0, 0] for f in families}
    false: list[dict] = []
    misses: list[str] = []
    by_method = {"features": 0, "hashes": 0}
    q_times, scan_times = [], []
    for fam, fn in families.items():
        frng = np.random.default_rng([args.seed + 21, list(all_families).index(fam)])  # the same queries in any subset
        for i, (key, im) in enumerate(originals):
            query = _decode(fn(im, frng), 50 if fam == "reencode_q50" else 85)
            t = time.perf_counter()
            fp = fingerprint_image(query)
            qf = query_features(query)
            found = index.match(fp, query_features=qf)
            q_times.append(time.perf_counter() - t)
            if len(scan_times) < args.scan_queries and i % 7 == 0:  # linear scan: verify every stored picture
                t = time.perf_counter()
                for f in index._features.values():
                    verify_best(qf, f)
                scan_times.append(time.perf_counter() - t + q_times[-1])
            n_q[fam] += 1
            ok = any(m.key == key for m in found)
            hits[fam] += ok
            if not ok:
                misses.append(f"{fam}:{key}")
            if key.startswith("photo:"):
                natural_hits[fam][0] += ok
                natural_hits[fam][1] += 1
            for m in found:
                if m.key == key:
                    by_method[m.method] += 1
                else:
                    false.append({"query": f"{fam}:{key}", "matched": m.key, **m.to_dict()})
    neg_queries = 0
    for fam_name, items in (("other_angle", held_out), ("unrelated", unrelated)):
        for key, im in items:
            query = _decode(all_families["reencode_q50"](im, rng), 85)
            found = index.match(fingerprint_image(query), query_features=query_features(query))
            neg_queries += 1
            false += [{"query": f"{fam_name}:{key}", "matched": m.key, **m.to_dict()} for m in found]
    total_q = sum(n_q.values()) + neg_queries
    med = statistics.median
    return {
        "originals": len(originals), "natural": sum(k.startswith("photo:") for k in original_keys),
        "stored": len(stored), "lookalikes_stored": sum(k.endswith("/lookalike") for k in keys),
        "queries": total_q, "negative_queries": neg_queries,
        "recall": {f: hits[f] / max(n_q[f], 1) for f in families},
        "recall_natural": {f: natural_hits[f][0] / max(natural_hits[f][1], 1) for f in families},
        "misses": misses, "false_matches": false, "false_per_10k": 1e4 * len(false) / max(total_q, 1),
        "true_matches_by_method": by_method,
        "indexing_images_per_s_cpu": len(stored) / index_s,
        "query_p50_ms": 1000 * med(q_times),
        "linear_scan_p50_ms": 1000 * med(scan_times) if scan_times else None,
    }


def distractor_suite(args) -> dict:
    """Queries that must match nothing, through candidate lookup and verification, until
    ``--distractors`` queries or ``--distractor-minutes`` of wall time.

    The index is the reuse suite's (look-alikes stored). Look-alike queries: a third photo
    of each stored street (same place, another camera, never stored) under every reuse
    family, each draw a new crop, frame, overlay or colour. Random queries: streets and
    dead-leaves scenes of other seeds (never stored) under the same families. Every
    query's outcome is appended to ``--distractor-log`` (JSON lines) as it is measured.
    """
    _, _, _, index, _ = _reuse_index(args)
    families = reuse_families()
    third = [(f"{n}/other-angle", c) for n, _, c in _other_angles(args)]
    unrelated = [(n + "/unstored", a) for n, a, _ in street_scenes(args.streets, seed=args.seed + 7)]
    unrelated += [(n + "/unstored", im) for n, im in procedural_photos(args.streets, seed=args.seed + 8)]
    rng = np.random.default_rng(args.seed + 41)
    plan = [("lookalike", f, k, im) for f in families for k, im in third] + [("random", f, k, im) for f in families for k, im in unrelated]
    order = rng.permutation(len(plan))
    log = open(args.distractor_log, "a", encoding="utf-8") if args.distractor_log else None
    stop = time.monotonic() + 60 * args.distractor_minutes
    counts = {"lookalike": 0, "random": 0}
    false: list[dict] = []
    k = 0
    while k < args.distractors and time.monotonic() < stop:
        kind, fam, key, im = plan[order[k % len(plan)]]
        query = _decode(families[fam](im, rng), 50 if fam == "reencode_q50" else 85)
        found = index.match(fingerprint_image(query), query_features=query_features(query))
        counts[kind] += 1
        hits = [{"query": f"{fam}:{key}", "kind": kind, "matched": m.key, **m.to_dict()} for m in found]
        false += hits
        if log:
            log.write(json.dumps({"n": k, "kind": kind, "family": fam, "query": key, "false": hits}, default=str) + "\n")
            log.flush()
        k += 1
    if log:
        log.close()
    return {"queries": k, "by_kind": counts, "false_matches": false,
            "false_per_10k": 1e4 * len(false) / max(k, 1), "upper95_per_10k": 1e4 * _upper95(len(false), k)}


def _upper95(events: int, n: int) -> float:
    """One-sided 95 % upper bound of a rate with ``events`` in ``n`` trials (exact Poisson; 3/n at zero)."""
    from scipy.stats import chi2

    return float(chi2.ppf(0.95, 2 * (events + 1)) / 2 / max(n, 1))


def _other_angles(args) -> list:
    """A third photo of each benchmark street (same world seed, new camera): never stored."""
    return street_scenes(args.streets, seed=args.seed + 3, extra_view=True)


def feature_index_scaling(args) -> dict:
    """Descriptor-LSH candidate search over synthetic pictures against a linear descriptor scan."""
    rng = np.random.default_rng(args.seed + 31)
    n, per = args.feature_index_size, 400
    desc = rng.integers(0, 256, size=(n * per, 32), dtype=np.uint8)
    owners = np.repeat(np.arange(n), per)
    t = time.process_time()
    keys = np.concatenate([lsh_keys(desc[i : i + 200_000], MAX_LSH_BITS) for i in range(0, desc.shape[0], 200_000)])
    idx = FeatureIndex()
    idx.add_keys(owners, keys)
    idx._build()
    build_s = time.process_time() - t
    ft, lt, found = [], [], 0
    for k in range(args.feature_queries):
        target = int(rng.integers(n))
        q = desc[target * per : (target + 1) * per][: per // 2].copy()  # half the picture (a crop)
        flips = rng.integers(0, 256, size=(q.shape[0], 6))  # ~6 bits changed per descriptor
        for j in range(6):
            q[np.arange(q.shape[0]), flips[:, j] // 8] ^= (1 << (flips[:, j] % 8)).astype(np.uint8)
        t = time.perf_counter()
        cands = idx.candidates([q])
        ft.append(time.perf_counter() - t)
        found += bool(cands) and cands[0][0] == target
        if k < 5:  # the baseline: Hamming distance from every query descriptor to every stored one
            t = time.perf_counter()
            best = np.full(n, 0)
            for row in q[:50]:
                d = np.bitwise_count(desc ^ row).sum(axis=1)
                np.add.at(best, owners[d <= 40], 1)
            lt.append((time.perf_counter() - t) * q.shape[0] / 50)
    med = statistics.median
    return {"pictures": n, "descriptors": n * per, "tables": LSH_TABLES, "build_s_cpu": build_s,
            "lsh_ms": 1000 * med(ft), "linear_ms": 1000 * med(lt), "ratio_lsh_to_linear": med(ft) / med(lt),
            "top1": found / args.feature_queries}


def _print_reuse(res: dict) -> None:
    print(f"reuse suite: {res['originals']} originals ({res['natural']} natural photos), {res['stored']} stored pictures "
          f"({res['lookalikes_stored']} look-alikes), {res['queries']} queries ({res['negative_queries']} must match nothing)")
    print(f"{'family':<16}{'recall':>8}{'natural':>9}")
    for f, r in res["recall"].items():
        print(f"{f:<16}{r:>8.3f}{res['recall_natural'][f]:>9.3f}")
    print(f"{'min':<16}{min(res['recall'].values()):>8.3f}{min(res['recall_natural'].values()):>9.3f}")
    print(f"false matches: {len(res['false_matches'])} in {res['queries']} queries = {res['false_per_10k']:.1f} per 10,000 "
          f"(true matches by method: {res['true_matches_by_method']})")
    if res["misses"]:
        print(f"missed ({len(res['misses'])}): " + ", ".join(res["misses"][:20]))
    for fm in res["false_matches"][:10]:
        print(f"  {fm['query']} -> {fm['matched']} ({fm['method']}, {fm.get('verification') or fm.get('distance')})")
    scan = res["linear_scan_p50_ms"]
    print(f"indexing {res['indexing_images_per_s_cpu']:.1f} images/s (one core: decode + hashes + ORB); query p50 "
          f"{res['query_p50_ms']:.0f} ms" + (f" vs verifying every stored picture {scan:.0f} ms (ratio {res['query_p50_ms'] / scan:.2f})" if scan else ""))


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--procedural", type=int, default=400, help="procedural pictures added to the natural photos")
    p.add_argument("--index-size", type=int, default=1_000_000, help="synthetic hashes in the latency benchmark")
    p.add_argument("--queries", type=int, default=200, help="latency queries")
    p.add_argument("--picture-index-size", type=int, default=200_000, help="synthetic pictures (5 views each) for the ImageIndex latency")
    p.add_argument("--picture-queries", type=int, default=30, help="ImageIndex latency queries")
    p.add_argument("--fmr", type=float, default=1e-4, help="false-match rate the thresholds are set at")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default=None, help="write the full results to this path")
    p.add_argument("--natural", type=int, default=None, help="at most this many natural photos (default: all)")
    p.add_argument("--streets", type=int, default=40, help="street scenes (each stored with a look-alike)")
    p.add_argument("--leaves", type=int, default=20, help="dead-leaves originals in the reuse suite")
    p.add_argument("--random-stored", type=int, default=100, help="unrelated pictures stored as distractors")
    p.add_argument("--random-queries", type=int, default=40, help="unrelated pictures queried (must match nothing)")
    p.add_argument("--families", default="", help="comma-separated reuse families to query (default: all)")
    p.add_argument("--scan-queries", type=int, default=15, help="queries also timed against verifying every picture")
    p.add_argument("--feature-index-size", type=int, default=10_000, help="synthetic pictures in the descriptor-LSH scaling")
    p.add_argument("--feature-queries", type=int, default=50)
    p.add_argument("--hash-suite", action="store_true", help="also run the global-hash suite and 1M-hash latency")
    p.add_argument("--hash-latency", action="store_true",
                   help="also time the hash multi-index against a linear scan at --index-size (no hash suite)")
    p.add_argument("--distractors", type=int, default=0,
                   help="only run this many queries that must match nothing (look-alike and random), then stop")
    p.add_argument("--distractor-minutes", type=float, default=1e9, help="stop the distractor queries after this wall time")
    p.add_argument("--distractor-log", default=None, help="append each distractor query's outcome here (JSON lines)")
    args = p.parse_args(argv)

    if args.distractors:
        d = distractor_suite(args)
        print(f"distractor queries: {d['queries']:,} ({d['by_kind']['lookalike']:,} look-alike, {d['by_kind']['random']:,} random); "
              f"false matches {len(d['false_matches'])} = {d['false_per_10k']:.1f} per 10,000, "
              f"upper 95 % bound {d['upper95_per_10k']:.1f} per 10,000")
        for fm in d["false_matches"][:10]:
            print(f"  {fm['query']} -> {fm['matched']} ({fm['method']}, {fm.get('verification') or fm.get('distance')})")
        if args.json:
            Path(args.json).write_text(json.dumps({"distractors": d}, indent=2, default=str) + "\n")
        return {"distractors": d}
    out: dict = {"reuse": reuse_suite(args)}
    _print_reuse(out["reuse"])
    if args.feature_index_size:
        fs = out["feature_scaling"] = feature_index_scaling(args)
        print(f"descriptor LSH over {fs['pictures']:,} synthetic pictures ({fs['descriptors']:,} descriptors, build "
              f"{fs['build_s_cpu']:.1f}s): {fs['lsh_ms']:.1f} ms vs linear scan {fs['linear_ms']:.0f} ms "
              f"(ratio {fs['ratio_lsh_to_linear']:.4f}), right picture first {fs['top1']:.2f}")
    if args.hash_latency and not args.hash_suite:
        # planted neighbours at (PDQ, pHash) distances typical of accepted pairs in the hash suite
        lat = out["hash_latency"] = latency(args, [(dp, dh) for dp in (8, 20, 34, 50) for dh in (2, 6, 10)], 127)
        c = lat["combined"]
        print(f"hash search over {lat['index_size']:,} synthetic pictures ({lat['queries']} queries, build {lat['build_s']:.1f}s): "
              f"linear {c['linear_ms']:.1f} ms, multi-index {c['index_ms']:.1f} ms, ratio {c['ratio_index_to_linear']:.3f}, "
              f"recall loss {c['recall_loss']:.4f}")
    if not args.hash_suite:
        if args.json:
            Path(args.json).write_text(json.dumps(out, indent=2, default=str) + "\n")
        return out
    res = robustness(args)
    res.update(out)
    print(f"pictures: {res['n_originals']} originals ({res['n_natural']} natural photos), "
          f"{len(next(iter(res['methods'].values()))['recall'])} transformations, false-match rate <= {args.fmr:g}")
    header = f"{'transformation':<15}" + "".join(f"{m:>12}" for m in res["methods"])
    print(header)
    tnames = list(next(iter(res["methods"].values()))["recall"])
    for t in tnames:
        print(f"{t:<15}" + "".join(f"{res['methods'][m]['recall'][t]:>12.3f}" for m in res["methods"]))
    print(f"{'min':<15}" + "".join(f"{min(res['methods'][m]['recall'].values()):>12.3f}" for m in res["methods"]))
    if res["n_natural"]:
        print(f"{'min (natural)':<15}" + "".join(f"{min(res['methods'][m]['recall_natural'].values()):>12.3f}" for m in res["methods"]))
    print(f"{'test FMR':<15}" + "".join(f"{res['methods'][m]['test_false_match_rate']:>12.2e}" for m in res["methods"]))
    print(f"{'thresholds':<15}" + "".join(f"{'/'.join(map(str, res['methods'][m]['thresholds'])):>12}" for m in res["methods"]))
    cs = res["candidate_step"]
    print(f"index candidate step: {cs['missed_by_candidates']} of {cs['accepted_pairs']} accepted positive pairs missed")
    h = res["hashing"]
    print(f"hashing (one core): narratrace fingerprint {h['fingerprint_images_per_s_cpu']:.1f} images/s; "
          f"all three methods {h['all_methods_images_per_s_cpu']:.1f} images/s")
    pos_pairs, pos_views, thr = res.pop("_pos_pairs"), res.pop("_pos_views"), res.pop("_threshold")
    lat = latency(args, pos_pairs, thr)
    res["latency"] = lat
    c, pq = lat["combined"], lat["pdq_radius_31"]
    print(f"search over {lat['index_size']:,} synthetic hashes ({lat['queries']} queries, build {lat['build_s']:.1f}s):")
    print(f"  combined rule: linear {c['linear_ms']:.2f} ms, multi-index {c['index_ms']:.2f} ms, "
          f"ratio {c['ratio_index_to_linear']:.3f} ({c['speedup']:.1f}x faster), recall loss {c['recall_loss']:.4f} "
          f"over {c['true_neighbours']} true neighbours")
    print(f"  PDQ radius 31: linear {pq['linear_ms']:.2f} ms, multi-index {pq['index_ms']:.2f} ms, "
          f"{pq['speedup']:.1f}x faster, recall loss {pq['recall_loss']:.4f} over {pq['true_neighbours']}")
    if args.picture_index_size:
        pl = picture_latency(args, pos_pairs, pos_views, thr)
        res["picture_latency"] = pl
        print(f"  ImageIndex over {pl['pictures']:,} synthetic pictures x {pl['views_per_picture']} views ({pl['queries']} queries, "
              f"build {pl['build_s']:.1f}s): exhaustive {pl['exhaustive_ms']:.1f} ms, multi-index {pl['index_ms']:.1f} ms, "
              f"ratio {pl['ratio_index_to_exhaustive']:.3f}, recall loss {pl['recall_loss']:.4f} over {pl['true_matches']} true matches")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n")
    return res


if __name__ == "__main__":
    main()
