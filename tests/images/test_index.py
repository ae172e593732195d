from __future__ import annotations

import numpy as np
import pytest
from tests.images._pictures import jpeg_bytes, scene

import narratrace.images.index as index_mod
from narratrace.images.hashing import fingerprint_bytes
from narratrace.images.index import ImageIndex, MultiIndexHashing, linear_search


@pytest.mark.parametrize(("words", "radius"), [(4, 31), (4, 47), (1, 11), (1, 15)])
def test_multi_index_equals_linear_scan(words: int, radius: int) -> None:
    rng = np.random.default_rng(words * 100 + radius)
    codes = rng.integers(0, 2**64, size=(5000, words), dtype=np.uint64)
    queries = []
    for k in range(20):  # planted neighbours at every distance up to radius + 5
        q = codes[k * 7].copy()
        flips = rng.choice(64 * words, size=int(rng.integers(0, radius + 6)), replace=False)
        for b in flips:
            q[b // 64] ^= np.uint64(1) << np.uint64(b % 64)
        queries.append(q)
    mih = MultiIndexHashing(codes)
    for q in queries:
        a_ids, a_d = linear_search(codes, q, radius)
        b_ids, b_d = mih.search(q, radius)
        assert sorted(a_ids.tolist()) == sorted(b_ids.tolist())
        assert sorted(a_d.tolist()) == sorted(b_d.tolist())


def test_image_index_uses_mih_above_cutoff(monkeypatch) -> None:
    monkeypatch.setattr(index_mod, "BRUTE_FORCE_BELOW", 2)
    fps = [fingerprint_bytes(jpeg_bytes(scene(200 + k))) for k in range(6)]
    idx = ImageIndex()
    for k, fp in enumerate(fps):
        idx.add(f"p{k}", fp)
    im = scene(203)
    w, h = im.size
    query = fingerprint_bytes(jpeg_bytes(im.crop((int(w * .05), int(h * .05), int(w * .95), int(h * .95))), 60))
    found = idx.match(query)
    assert [m.key for m in found] == ["p3"]
    assert idx._build()[2] is not None  # the multi-index was built


def test_search_any_equals_union_of_scans() -> None:
    rng = np.random.default_rng(5)
    codes = rng.integers(0, 2**64, size=(3000, 4), dtype=np.uint64)
    queries = codes[[3, 30, 300]].copy()
    queries[:, 0] ^= np.uint64(0xFF)  # 8 bits off
    mih = MultiIndexHashing(codes)
    expected = set()
    for q in queries:
        expected |= set(linear_search(codes, q, 31)[0].tolist())
    assert set(mih.search_any(queries, 31).tolist()) == expected >= {3, 30, 300}
