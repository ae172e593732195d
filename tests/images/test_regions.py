"""Pictures embedded in a larger one: found by the page's background, looked up on their own."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from tests.images._pictures import jpeg_bytes, scene

from narratrace.images.hashing import fingerprint_image
from narratrace.images.index import ImageIndex
from narratrace.images.local_features import query_features
from narratrace.images.regions import embedded_regions
from narratrace.images.reuse import describe_evidence
from narratrace.images.safety import open_image

SIZE = (480, 360)


def _decoded(im: Image.Image) -> Image.Image:
    return open_image(jpeg_bytes(im, 85))[0]


def _page(im: Image.Image, at: tuple[int, int], size: tuple[int, int], *, dark: bool = False) -> Image.Image:
    """``im`` at ``at`` in an app page of ``size``: a header, lines of text, a sidebar."""
    bg, fg = ((21, 32, 43), (230, 230, 230)) if dark else ((255, 255, 255), (20, 20, 20))
    page = Image.new("RGB", size, bg)
    d = ImageDraw.Draw(page)
    d.rectangle((0, 0, size[0], 30), fill=(40, 120, 200))
    d.text((8, 8), "Feed  Search  Messages  Profile", fill="white")
    for k in range(8):
        d.text((6, 44 + 34 * k), f"topic {k}", fill=fg)
    d.text((at[0], at[1] - 20), "@a_user: seen from the bridge this morning", fill=fg)
    page.paste(im, at)
    d.text((at[0], at[1] + im.height + 8), "12 replies   40 shares   300 likes", fill=fg)
    return page


@pytest.mark.parametrize("dark", [False, True])
def test_embedded_picture_is_found_where_it_was_pasted(dark) -> None:
    pic = scene(31, (240, 180))
    page = np.asarray(_decoded(_page(pic, (110, 70), (400, 300), dark=dark)))
    boxes = embedded_regions(page)
    assert boxes
    assert np.allclose(boxes[0], (110, 70, 350, 250), atol=4), boxes


def test_caption_bar_leaves_the_photo() -> None:
    pic = scene(32, SIZE)
    out = Image.new("RGB", (SIZE[0], SIZE[1] + 90), "black")
    out.paste(pic, (0, 0))
    ImageDraw.Draw(out).text((10, SIZE[1] + 30), "Flooded streets after the storm, yesterday", fill="white")
    boxes = embedded_regions(np.asarray(_decoded(out)))
    assert boxes and np.allclose(boxes[0], (0, 0, SIZE[0], SIZE[1]), atol=4), boxes


def test_plain_photos_have_no_embedded_picture() -> None:
    for seed in (33, 34, 35):
        assert embedded_regions(np.asarray(_decoded(scene(seed, SIZE)))) == []


def test_index_finds_a_screenshot_through_its_embedded_picture(monkeypatch) -> None:
    import narratrace.images.index as index_mod

    # go through the descriptor LSH, and give the whole screenshot no descriptor candidates:
    # only the embedded picture's own candidates can find the original
    monkeypatch.setattr(index_mod, "FEATURE_BRUTE_FORCE_BELOW", 0)
    monkeypatch.setattr(index_mod, "MAX_CANDIDATES", 0)
    monkeypatch.setattr(index_mod, "MIRROR_CANDIDATES", 0)
    idx = ImageIndex()
    for k in range(4):
        idx.add(f"p{k}", fingerprint_image(_decoded(scene(900 + k, SIZE))))
    shot = _decoded(_page(scene(902, SIZE).resize((240, 180)), (120, 80), (420, 330)))
    found = idx.match(fingerprint_image(shot), query_features=query_features(shot))
    assert [m.key for m in found] == ["p2"]
    v = found[0].verification
    assert v is not None and v.embedded
    # where the picture sits in the whole screenshot, not in the cut-out region
    assert np.allclose(v.query_region, (120 / 420, 80 / 330, 360 / 420, 260 / 330), atol=0.04), v.query_region
    assert v.scale == pytest.approx(0.5, abs=0.06)
    assert v.stored_area > 0.9
    assert "a picture embedded in it" in describe_evidence(found[0].to_dict())  # what match/reuse print
