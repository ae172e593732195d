"""Pictures generated at test time (no binary fixtures): seeded scenes with natural-ish structure."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw


def scene(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A random scene of overlapping shapes over a gradient, with grain (distinct per seed)."""
    rng = np.random.default_rng(seed)
    w, h = size
    t = np.linspace(0, 1, h)[:, None, None]
    base = rng.uniform(0, 255, 3) * (1 - t) + rng.uniform(0, 255, 3) * t
    im = Image.fromarray((base * np.ones((h, w, 1))).astype(np.uint8))
    d = ImageDraw.Draw(im)
    for _ in range(60):
        r = float(rng.pareto(1.5) * 6 + 4)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        fill = tuple(int(c) for c in rng.uniform(0, 255, 3))
        if rng.uniform() < 0.5:
            d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)
        else:
            d.rectangle((cx - r, cy - r / 2, cx + r, cy + r), fill=fill)
    arr = np.asarray(im, dtype=np.float32) + rng.normal(0, 3, (h, w, 1))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def jpeg_bytes(im: Image.Image, quality: int = 90, exif: Image.Exif | None = None) -> bytes:
    buf = io.BytesIO()
    if exif is not None:
        im.save(buf, "JPEG", quality=quality, exif=exif)
    else:
        im.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def png_bytes(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()
