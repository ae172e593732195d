"""Fingerprints of pictures: pHash/dHash (imagehash), PDQ (pdqhash) and robust views.

Global perceptual hashes survive re-encoding and resizing but not cropping, padding,
mirroring or small rotations. narratrace therefore hashes several *views* of each picture:

1. uniform borders (letterboxing, padding in any solid colour) are trimmed first;
2. centred crops keeping 100, 90, 80, 70 and 60 % of each side (:data:`VIEW_SCALES`) are
   hashed with PDQ and pHash, both as they are and mirrored left-right (PDQ's dihedral
   variant ``flipX``, at no extra cost);
3. two pictures match when some pair of views is close under the combined distance
   ``pdq + PHASH_WEIGHT * phash`` (see :mod:`narratrace.images.index`).

A crop of 5-20 % from each side makes the cropped picture's full view line up with the
original's 90-60 % view; padding is trimmed away; mirroring is met by the flipped views.

Examples
--------
>>> from PIL import Image, ImageDraw
>>> im = Image.new("RGB", (64, 48), "white"); ImageDraw.Draw(im).ellipse((8, 8, 40, 40), fill="black")
>>> fp = fingerprint_image(im)
>>> len(fp.pdq), len(fp.phash), len(fp.views_pdq)
(64, 16, 5)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import imagehash
import numpy as np
import pdqhash
from PIL import Image

from narratrace.images.local_features import LocalFeatures, extract_features, query_features
from narratrace.images.safety import open_image, read_bounded

# Fractions of each side kept by the centred crop views. The 0.1 step is the widest at
# which a crop between two steps is still within PDQ's tolerance (it survives ~4-5 %
# rescaling, measured with benchmarks/image_robustness.py); 0.6 covers a crop of 20 % from
# every side, the strongest in the benchmark and in the published PDQ evaluation.
VIEW_SCALES: tuple[float, ...] = (1.0, 0.9, 0.8, 0.7, 0.6)
# Longest side fed to PDQ per view: PDQ downsamples to 64x64 itself, so 128 px (2x its
# grid) loses nothing it uses and costs ~0.3 ms per view instead of ~1.5 ms at 256.
VIEW_SIDE = 128
# A row or column is "border" when its luminance standard deviation is below this
# (0-255 scale). 6.0 sits above the JPEG ringing measured on re-encoded flat pads (<=4)
# and below the quietest real image rows in the benchmark photos (sky: 7-10).
BORDER_STD = 3.0
# Trim at most this fraction of a side: a picture that is mostly flat is left as it is.
MAX_TRIM = 0.45
# PDQ quality below this means a nearly flat picture whose hash is noise; Meta's PDQ
# documentation recommends discarding hashes with quality < 50.
MIN_PDQ_QUALITY = 50

# Index of the left-right mirror in pdqhash.compute_dihedral's output (checked against
# pdqhash.compute(img[:, ::-1]); its order is
# original, rot90, rot180, rot270, flip-rows, flip-columns, transpose, anti-transpose).
_PDQ_FLIPX = 5


@dataclass(slots=True)
class ImageMetadata:
    """What the file says about itself (EXIF through Pillow)."""

    capture_date: datetime | None = None
    gps: tuple[float, float] | None = None
    camera: str | None = None
    software: str | None = None
    stripped: bool = True  # no EXIF block at all (typical of re-uploaded or social-media copies)
    exif_tags: int = 0


@dataclass(slots=True)
class Fingerprint:
    """All hashes and metadata of one picture.

    Hashes are lowercase hex strings; ``views_*`` follow :data:`VIEW_SCALES`, and
    ``mirror_*`` are the same views mirrored left-right.
    """

    sha256: str
    width: int
    height: int
    format: str
    phash: str
    dhash: str
    pdq: str
    pdq_quality: int
    views_pdq: list[str] = field(default_factory=list)
    views_phash: list[str] = field(default_factory=list)
    mirror_pdq: list[str] = field(default_factory=list)
    mirror_phash: list[str] = field(default_factory=list)
    trimmed: bool = False
    metadata: ImageMetadata = field(default_factory=ImageMetadata)
    features: LocalFeatures | None = None  # ORB keypoints for partial matches (local_features)

    @property
    def low_quality(self) -> bool:
        """True when PDQ's quality says the picture is too flat to match reliably."""
        return self.pdq_quality < MIN_PDQ_QUALITY


def _bits_to_hex(bits: np.ndarray) -> str:
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def _imagehash_hex(h: imagehash.ImageHash) -> str:
    return _bits_to_hex(h.hash.flatten())


def hex_to_words(hexes: list[str] | str, nbits: int) -> np.ndarray:
    """Hex hashes to an ``(n, nbits // 64)`` uint64 array (big-endian words).

    >>> int(hex_to_words(["ff" * 8], 64)[0, 0]) == 2**64 - 1
    True
    """
    if isinstance(hexes, str):
        hexes = [hexes]
    nbytes = nbits // 8
    buf = b"".join(bytes.fromhex(h) for h in hexes)
    if len(buf) != nbytes * len(hexes):
        raise ValueError(f"expected {nbits}-bit hashes ({nbytes * 2} hex digits each)")
    return np.frombuffer(buf, dtype=">u8").astype(np.uint64).reshape(len(hexes), nbits // 64)


def trim_borders(img: Image.Image) -> tuple[Image.Image, bool]:
    """Remove uniform borders (padding, letterboxing) of any colour.

    Rows and columns are trimmed in turns until nothing changes, so a pad on all four
    sides is removed even when the picture's own edge (a sky) has another colour.
    Returns the trimmed image and whether anything was removed.
    """
    arr = np.asarray(img.convert("L"), dtype=np.float32)
    h, w = arr.shape
    if h < 8 or w < 8:
        return img, False
    top = bottom = left = right = 0

    def run(flags: np.ndarray) -> int:
        idx = np.flatnonzero(~flags)
        return int(idx[0]) if idx.size else len(flags)

    for _ in range(4):
        sub = arr[top : h - bottom, left : w - right]
        row_flat = sub.std(axis=1) < BORDER_STD
        nt, nb = run(row_flat), run(row_flat[::-1])
        nt = min(nt, int(MAX_TRIM * h) - top) if nt else 0
        nb = min(nb, int(MAX_TRIM * h) - bottom) if nb else 0
        top, bottom = top + max(nt, 0), bottom + max(nb, 0)
        sub = arr[top : h - bottom, left : w - right]
        col_flat = sub.std(axis=0) < BORDER_STD
        nl, nr = run(col_flat), run(col_flat[::-1])
        nl = min(nl, int(MAX_TRIM * w) - left) if nl else 0
        nr = min(nr, int(MAX_TRIM * w) - right) if nr else 0
        left, right = left + max(nl, 0), right + max(nr, 0)
        if max(nt, nb, nl, nr) <= 0:
            break
    if top + bottom + left + right == 0:
        return img, False
    return img.crop((left, top, w - right, h - bottom)), True


def _center_crop(img: Image.Image, scale: float) -> Image.Image:
    if scale >= 1.0:
        return img
    w, h = img.size
    dx, dy = w * (1 - scale) / 2, h * (1 - scale) / 2
    return img.crop((round(dx), round(dy), round(w - dx), round(h - dy)))


def _exif_metadata(img: Image.Image) -> ImageMetadata:
    exif = img.info.get("exif_obj")
    meta = ImageMetadata()
    if exif is None or len(exif) == 0:
        return meta
    meta.stripped = False
    meta.exif_tags = len(exif)
    try:
        sub = exif.get_ifd(0x8769)  # Exif IFD
    except Exception:  # noqa: BLE001 - malformed IFD pointers are common; keep what we have
        sub = {}
    raw_date = sub.get(0x9003) or sub.get(0x9004) or exif.get(0x0132)  # DateTimeOriginal, Digitized, DateTime
    if isinstance(raw_date, bytes):
        raw_date = raw_date.decode("ascii", "replace")
    if isinstance(raw_date, str):
        try:
            meta.capture_date = datetime.strptime(raw_date.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
        except ValueError:
            meta.capture_date = None
    make, model = exif.get(0x010F), exif.get(0x0110)
    camera = " ".join(str(p).strip("\x00 ") for p in (make, model) if p)
    meta.camera = camera or None
    software = exif.get(0x0131)
    meta.software = str(software).strip("\x00 ") if software else None
    try:
        gps = exif.get_ifd(0x8825)
    except Exception:  # noqa: BLE001
        gps = {}
    if gps and 2 in gps and 4 in gps:
        try:
            lat = _dms(gps[2]) * (-1 if str(gps.get(1, "N")).upper().startswith("S") else 1)
            lon = _dms(gps[4]) * (-1 if str(gps.get(3, "E")).upper().startswith("W") else 1)
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                meta.gps = (round(lat, 6), round(lon, 6))
        except (TypeError, ValueError, ZeroDivisionError):
            meta.gps = None
    return meta


def _dms(value) -> float:
    d, m, s = (float(v) for v in value)
    return d + m / 60 + s / 3600


def _view_hashes(view: Image.Image) -> tuple[str, str, str, str, int]:
    if max(view.size) > VIEW_SIDE:
        view = view.resize(_fit(view.size, VIEW_SIDE), Image.Resampling.BOX)
    variants, quality = pdqhash.compute_dihedral(np.ascontiguousarray(np.asarray(view)))
    pdq, pdq_m = _bits_to_hex(variants[0]), _bits_to_hex(variants[_PDQ_FLIPX])
    # pHash resamples to 32x32 with LANCZOS; a 64x64 BOX-reduced input gives the same
    # bits at a fraction of the cost.
    small = view.convert("L").resize((64, 64), Image.Resampling.BOX)
    ph = _imagehash_hex(imagehash.phash(small))
    ph_m = _imagehash_hex(imagehash.phash(small.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    return pdq, pdq_m, ph, ph_m, int(quality)


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    w, h = size
    k = side / max(w, h)
    return max(1, round(w * k)), max(1, round(h * k))


def fingerprint_image(img: Image.Image, *, sha256: str = "", fmt: str = "", features: bool = True) -> Fingerprint:
    """Fingerprint an already-decoded picture (see :func:`fingerprint_file` for files).

    ``features`` adds the ORB keypoints of :mod:`narratrace.images.local_features` (about
    15 ms a picture), which partial matches (crops, screenshots, caption bars) need.
    """
    if img.mode != "RGB":
        img = img.convert("RGB")
    orig_w, orig_h = img.info.get("orig_size", img.size)
    base, trimmed = trim_borders(img)
    vp, vm, hp, hm = [], [], [], []
    quality = 0
    for i, scale in enumerate(VIEW_SCALES):
        pdq, pdq_m, ph, ph_m, q = _view_hashes(_center_crop(base, scale))
        vp.append(pdq)
        vm.append(pdq_m)
        hp.append(ph)
        hm.append(ph_m)
        if i == 0:
            quality = q
    return Fingerprint(
        sha256=sha256 or hashlib.sha256(img.tobytes()).hexdigest(),
        width=int(orig_w),
        height=int(orig_h),
        format=fmt,
        phash=hp[0],
        dhash=_imagehash_hex(imagehash.dhash(base)),
        pdq=vp[0],
        pdq_quality=quality,
        views_pdq=vp,
        views_phash=hp,
        mirror_pdq=vm,
        mirror_phash=hm,
        trimmed=trimmed,
        metadata=_exif_metadata(img),
        features=extract_features(img) if features else None,
    )


def fingerprint_bytes(data: bytes, *, name: str = "image") -> Fingerprint:
    """Decode untrusted bytes safely and fingerprint them (raises ImageRefusedError)."""
    img, fmt = open_image(data, name=name)
    return fingerprint_image(img, sha256=hashlib.sha256(data).hexdigest(), fmt=fmt)


def fingerprint_file(path: Path | str) -> Fingerprint:
    """Fingerprint an image file (size-capped read, safe decode)."""
    path = Path(path)
    return fingerprint_bytes(read_bounded(path), name=path.name)


def fingerprint_query(path: Path | str) -> tuple[Fingerprint, tuple[LocalFeatures, LocalFeatures]]:
    """Fingerprint a picture to look up, with its plain and mirrored query features.

    Query features keep every keypoint (see
    :func:`~narratrace.images.local_features.query_features`), so a stored picture shown
    small inside a screenshot, or under text, is still found.
    """
    path = Path(path)
    data = read_bounded(path)
    img, fmt = open_image(data, name=path.name)
    fp = fingerprint_image(img, sha256=hashlib.sha256(data).hexdigest(), fmt=fmt)
    return fp, query_features(img)
