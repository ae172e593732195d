from __future__ import annotations

from datetime import datetime

from PIL import Image, ImageOps
from tests.images._pictures import jpeg_bytes, scene

from narratrace.images.hashing import VIEW_SCALES, fingerprint_bytes, trim_borders
from narratrace.images.index import MATCH_THRESHOLD, ViewCodes, pair_distance


def _d(a, b) -> int:
    return pair_distance(ViewCodes.from_fingerprint(a), ViewCodes.from_fingerprint(b)).combined


def test_fingerprint_shapes_and_quality() -> None:
    fp = fingerprint_bytes(jpeg_bytes(scene(10)))
    assert len(fp.pdq) == 64 and len(fp.phash) == 16 and len(fp.dhash) == 16
    assert len(fp.views_pdq) == len(VIEW_SCALES) == len(fp.mirror_phash)
    assert 0 <= fp.pdq_quality <= 100 and not fp.low_quality
    flat = fingerprint_bytes(jpeg_bytes(Image.new("RGB", (200, 150), (120, 120, 120))))
    assert flat.low_quality


def test_transformed_copies_match_and_other_pictures_do_not() -> None:
    im = scene(11)
    orig = fingerprint_bytes(jpeg_bytes(im))
    w, h = im.size
    variants = {
        "reencode": jpeg_bytes(im, 40),
        "mirror": jpeg_bytes(ImageOps.mirror(im)),
        "crop10": jpeg_bytes(im.crop((int(w * .1), int(h * .1), int(w * .9), int(h * .9)))),
        "pad": jpeg_bytes(ImageOps.expand(im, border=(w // 5, h // 5), fill=(0, 0, 0))),
        "rotate": jpeg_bytes(im.rotate(4, Image.Resampling.BILINEAR)),
    }
    for name, data in variants.items():
        assert _d(fingerprint_bytes(data), orig) <= MATCH_THRESHOLD, name
    others = [fingerprint_bytes(jpeg_bytes(scene(100 + k))) for k in range(5)]
    assert all(_d(o, orig) > MATCH_THRESHOLD for o in others)


def test_mirror_is_found_through_mirror_views() -> None:
    im = scene(12)
    a = fingerprint_bytes(jpeg_bytes(im))
    b = fingerprint_bytes(jpeg_bytes(ImageOps.mirror(im)))
    best = pair_distance(ViewCodes.from_fingerprint(b), ViewCodes.from_fingerprint(a))
    assert best.mirrored and best.combined < 40


def test_trim_borders_removes_padding_of_any_colour() -> None:
    im = scene(13)
    for colour in ((0, 0, 0), (255, 255, 255), (200, 30, 30)):
        padded = ImageOps.expand(im, border=(40, 25), fill=colour)
        trimmed, did = trim_borders(padded)
        assert did
        assert abs(trimmed.size[0] - im.size[0]) <= 2 and abs(trimmed.size[1] - im.size[1]) <= 2


def test_exif_metadata_read() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS 5D"
    exif[0x0131] = "Adobe Photoshop"
    exif.get_ifd(0x8769)[0x9003] = "2022:03:01 10:20:30"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (50.0, 27.0, 0.0), "E", (30.0, 31.0, 12.0)
    fp = fingerprint_bytes(jpeg_bytes(scene(14), exif=exif))
    m = fp.metadata
    assert not m.stripped
    assert m.capture_date == datetime(2022, 3, 1, 10, 20, 30)
    assert m.camera == "Canon EOS 5D" and m.software == "Adobe Photoshop"
    assert m.gps is not None and abs(m.gps[0] - 50.45) < 1e-6 and abs(m.gps[1] - 30.52) < 1e-6
    assert fingerprint_bytes(jpeg_bytes(scene(14))).metadata.stripped
