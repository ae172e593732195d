"""Partial matches: off-centre crops, screenshots, caption bars, mirrors; and no match for other pictures."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps
from tests.images._pictures import jpeg_bytes, scene

from narratrace.images.feature_index import (
    LSH_BITS,
    LSH_TABLES,
    MAX_LSH_BITS,
    FeatureIndex,
    indexed_subset,
    lsh_bits,
    lsh_keys,
)
from narratrace.images.hashing import fingerprint_image
from narratrace.images.index import ImageIndex
from narratrace.images.local_features import (
    LocalFeatures,
    Verification,
    extract_features,
    query_features,
    verify,
    verify_best,
)
from narratrace.images.safety import open_image

SIZE = (480, 360)


def _decoded(im: Image.Image, quality: int = 85) -> Image.Image:
    return open_image(jpeg_bytes(im, quality))[0]


def _screenshot(im: Image.Image) -> Image.Image:
    canvas = Image.new("RGB", (im.width // 2 + 160, im.height // 2 + 200), "white")
    d = ImageDraw.Draw(canvas)
    d.rectangle((0, 0, canvas.width, 36), fill=(29, 161, 242))
    d.text((10, 10), "Home  Explore  Notifications", fill="white")
    d.text((130, 50), "@someone: look at this, happening right now", fill="black")
    canvas.paste(im.resize((im.width // 2, im.height // 2)), (130, 80))
    for k in range(6):
        d.text((8, 60 + 30 * k), f"Trend {k}", fill="black")
    return canvas


def _caption_bar(im: Image.Image) -> Image.Image:
    out = Image.new("RGB", (im.width, im.height + 70), "black")
    out.paste(im, (0, 0))
    ImageDraw.Draw(out).text((10, im.height + 20), "Troops near the border, today", fill="white")
    return out


@pytest.fixture(scope="module")
def stored() -> list[LocalFeatures]:
    return [extract_features(_decoded(scene(500 + k, SIZE), 90)) for k in range(4)]


def test_features_round_trip_through_bytes(stored) -> None:
    f = stored[0]
    back = LocalFeatures.from_bytes(f.to_bytes())
    assert len(back) == len(f) > 100
    assert np.array_equal(back.descriptors, f.descriptors)
    assert np.allclose(back.xy, f.xy, atol=0.07)
    assert np.array_equal(back.octaves(), f.octaves())
    assert len(f.to_bytes()) == 12 + 37 * len(f) + 4 + f.thumb.size


@pytest.mark.parametrize(
    ("name", "edit", "region"),
    [
        ("right 55 %", lambda im: im.crop((int(im.width * .45), 0, im.width, im.height)), (0.45, 0.0, 1.0, 1.0)),
        ("top-left corner", lambda im: im.crop((0, 0, int(im.width * .7), int(im.height * .75))), (0.0, 0.0, 0.7, 0.75)),
        ("screenshot", _screenshot, (0.0, 0.0, 1.0, 1.0)),
        ("caption bar", _caption_bar, (0.0, 0.0, 1.0, 1.0)),
        ("rotated 4 degrees", lambda im: im.rotate(4, Image.Resampling.BILINEAR), None),
    ],
)
def test_partial_copies_verify_with_their_region(stored, name, edit, region) -> None:
    q = query_features(_decoded(edit(scene(501, SIZE))))
    v = verify_best(q, stored[1])
    assert v is not None, name
    assert v.inliers >= 14 and 0 < v.confidence <= 1
    if region is not None:
        assert np.allclose(v.stored_region, region, atol=0.06), (name, v.stored_region)
    for k in (0, 2, 3):
        assert verify_best(q, stored[k]) is None, (name, k)


def test_screenshot_reports_where_the_picture_sits(stored) -> None:
    shot = _screenshot(scene(501, SIZE))
    v = verify_best(query_features(_decoded(shot)), stored[1])
    x0, y0 = 130 / shot.width, 80 / shot.height
    assert np.allclose(v.query_region[:2], (x0, y0), atol=0.04)
    assert 0.2 < v.query_area < 0.5 and v.scale == pytest.approx(0.5, abs=0.06)


def test_mirrored_crop_is_found_as_mirrored(stored) -> None:
    im = ImageOps.mirror(scene(502, SIZE).crop((0, 0, 300, 360)))
    v = verify_best(query_features(_decoded(im)), stored[2])
    assert v is not None and v.mirrored
    assert v.stored_region[0] < 0.05 and 0.55 < v.stored_region[2] < 0.7


def test_other_pictures_never_verify(stored) -> None:
    for seed in range(600, 606):
        q = query_features(_decoded(scene(seed, SIZE)))
        assert all(verify_best(q, s) is None for s in stored), seed


def test_flat_picture_has_no_features() -> None:
    assert len(extract_features(Image.new("RGB", (300, 200), (40, 90, 200)))) == 0
    assert verify(extract_features(Image.new("RGB", (300, 200))), extract_features(scene(1, SIZE))) is None


def test_feature_index_votes_for_the_right_picture(stored) -> None:
    idx = FeatureIndex()
    for k, f in enumerate(stored):
        idx.add(k, f.descriptors)
    q = query_features(_decoded(scene(503, SIZE).crop((200, 100, 480, 360))))
    best = idx.candidates([q[0].descriptors, q[1].descriptors])
    assert best and best[0][0] == 3


def test_indexed_subset_is_spread_over_the_picture(stored) -> None:
    f = stored[3]
    sub = indexed_subset(f, 100)
    assert sub.size == 100 and np.unique(sub).size == 100
    for axis, size in ((0, f.width), (1, f.height)):
        for half in (f.xy[:, axis] < size / 2, f.xy[:, axis] >= size / 2):
            assert half[sub].mean() >= 0.6 * half.mean()  # any half of the picture keeps its share
    assert indexed_subset(f, 10_000).size == len(f)


def test_indexed_descriptors_find_an_off_centre_crop(stored) -> None:
    idx = FeatureIndex()
    for k, f in enumerate(stored):
        idx.add(k, f.descriptors[indexed_subset(f, 100)])
    q = query_features(_decoded(scene(503, SIZE).crop((200, 100, 480, 360))))
    best = idx.candidates([q[0].descriptors])
    assert best and best[0][0] == 3


def test_longer_keys_extend_the_short_ones(stored) -> None:
    d = stored[0].descriptors
    assert np.array_equal(lsh_keys(d, MAX_LSH_BITS) >> (MAX_LSH_BITS - LSH_BITS), lsh_keys(d, LSH_BITS))
    assert [lsh_bits(n) for n in (1_000, 2**20, 2**22, 4 * 10**7, 10**9)] == [18, 18, 20, 24, 24]
    idx = FeatureIndex(bits=MAX_LSH_BITS)
    for k, f in enumerate(stored):
        idx.add(k, f.descriptors)
    q = query_features(_decoded(scene(503, SIZE).crop((200, 100, 480, 360))))
    assert idx.candidates([q[0].descriptors])[0][0] == 3


def test_feature_index_merges_pictures_added_after_a_search(stored) -> None:
    whole, grown = FeatureIndex(), FeatureIndex()
    for k, f in enumerate(stored):
        whole.add(k, f.descriptors)
    q = [query_features(_decoded(scene(503, SIZE).crop((0, 0, 300, 300))))[0].descriptors]
    for k, f in enumerate(stored):
        grown.add(k, f.descriptors)
        grown.candidates(q)  # builds the tables after each picture
    assert grown.candidates(q) == whole.candidates(q)
    assert len(grown) == len(stored) and grown.descriptors == sum(len(f) for f in stored)
    assert grown.bits == LSH_BITS and grown.nbytes == LSH_TABLES * 4 * (grown.descriptors + (1 << LSH_BITS) + 1)


def test_image_index_matches_partial_copies_with_evidence(monkeypatch) -> None:
    import narratrace.images.index as index_mod

    monkeypatch.setattr(index_mod, "FEATURE_BRUTE_FORCE_BELOW", 0)  # go through the descriptor LSH
    idx = ImageIndex()
    for k in range(4):
        idx.add(f"p{k}", fingerprint_image(_decoded(scene(700 + k, SIZE), 90)))
    shot = _decoded(_screenshot(scene(702, SIZE).crop((0, 0, 264, 360))))
    found = idx.match(fingerprint_image(shot), query_features=query_features(shot))
    assert [m.key for m in found] == ["p2"]
    assert found[0].method == "features"
    d = found[0].to_dict()
    assert d["verification"]["stored_region"][2] == pytest.approx(264 / 480, abs=0.06)


def test_a_large_index_proposes_more_candidates(monkeypatch, stored) -> None:
    import narratrace.images.index as index_mod

    monkeypatch.setattr(index_mod, "FEATURE_BRUTE_FORCE_BELOW", 0)
    monkeypatch.setattr(index_mod, "MAX_CANDIDATES", 1)
    idx = ImageIndex()
    for k, f in enumerate(stored):
        idx.add(f"p{k}", fingerprint_image(Image.new("RGB", (64, 48), (k, 0, 0)), features=False), f)
    q = query_features(_decoded(scene(503, SIZE)))
    small = idx._views(q)[0].candidates
    monkeypatch.setattr(index_mod, "LARGE_INDEX", len(stored) - 1)
    large = idx._views(q)[0].candidates
    assert len(small) == 1 and len(large) == index_mod.LARGE_INDEX_FACTOR and small < large


def test_hash_only_near_duplicates_still_match_without_features() -> None:
    im = scene(800, SIZE)
    idx = ImageIndex()
    fp = fingerprint_image(_decoded(im), features=False)
    idx.add("a", fp)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    found = idx.match(fingerprint_image(open_image(buf.getvalue())[0], features=False))
    assert [m.key for m in found] == ["a"] and found[0].method == "hashes"


def _evidence(residual: float, photometric: float, inliers: int, matches: int) -> Verification:
    return Verification(inliers=inliers, matches=matches, coverage=0.8, residual=residual, photometric=photometric,
                        stored_region=(0, 0, 1, 1), query_region=(0, 0, 1, 1), stored_area=1.0, query_area=1.0,
                        scale=1.0, rotation=0.0, mirrored=False, confidence=0.9)


@pytest.mark.parametrize(
    ("case", "residual", "photometric", "inliers", "matches", "expected"),
    [
        ("copy, exact fit", 0.2, 1.0, 60, 500, True),  # repetitive texture: few matches are inliers
        ("copy, loose fit (rotation)", 0.66, 0.95, 400, 900, True),
        ("copy under a text overlay", 0.1, 0.78, 300, 600, True),
        ("crop of a scanned page: loose fit, ambiguous matches, same pixels", 0.6, 1.0, 254, 1037, True),
        ("stereo twin: loose fit, few matches explained", 0.73, 0.90, 150, 635, False),
        ("a step aside: close fit, pixels differ", 0.26, 0.79, 40, 160, False),
        ("look-alike: close fit, pixels differ", 0.45, 0.61, 40, 365, False),
    ],
)
def test_acceptance_needs_pixels_and_explained_matches(case, residual, photometric, inliers, matches, expected) -> None:
    assert _evidence(residual, photometric, inliers, matches).accepted() is expected, case


def _low_texture(seed: int) -> Image.Image:
    """A smooth, low-contrast picture (a scan, a haze): few corners at ORB's usual FAST threshold."""
    from PIL import ImageFilter

    a = np.asarray(scene(seed, SIZE).filter(ImageFilter.GaussianBlur(2)), np.float32)
    return Image.fromarray(np.clip(128 + (a - a.mean()) * 0.12, 0, 255).astype(np.uint8))


def test_off_centre_crop_of_a_low_texture_picture_verifies() -> None:
    stored = [extract_features(_decoded(_low_texture(600 + k), 90)) for k in range(3)]
    assert all(len(s) >= 30 for s in stored)  # the smooth cells' keypoints (0-2 at the usual threshold alone)
    q = query_features(_decoded(_low_texture(601).crop((0, 0, 300, SIZE[1]))))
    v = verify_best(q, stored[1])
    assert v is not None and v.inliers >= 14
    assert v.stored_region[2] <= 300 / SIZE[0] + 0.06  # the region lies inside the kept 62 %
    assert verify_best(q, stored[0]) is None and verify_best(q, stored[2]) is None
