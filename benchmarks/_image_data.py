"""Photos and transformations for benchmarks/image_robustness.py.

Natural photos come from packages installed offline (scikit-image's ``skimage/data``
folder, scikit-learn's two sample JPEGs); they are read as files, never downloaded.
The rest are procedural "dead leaves" scenes: occluding shapes with power-law sizes
over an illumination gradient, textured with 1/f noise - the classic model that
reproduces the scale invariance and edge statistics of natural photographs.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

# skimage/data files that are photographs (or photo-like scans), not synthetic
# patterns; motorcycle_right is left out (a stereo twin of motorcycle_left).
SKIMAGE_PHOTOS = (
    "astronaut.png", "camera.png", "chelsea.png", "coffee.png", "coins.png", "hubble_deep_field.jpg",
    "motorcycle_left.png", "retina.jpg", "rocket.jpg", "moon.png", "page.png", "text.png",
    "brick.png", "grass.png", "gravel.png", "ihc.png", "cell.png", "clock_motion.png",
    "microaneurysms.png", "horse.png", "color.png",
)
SKLEARN_PHOTOS = ("china.jpg", "flower.jpg")


def natural_photos(max_side: int = 512) -> list[tuple[str, Image.Image]]:
    """Photos shipped inside installed packages (none downloaded); may be empty."""
    out: list[tuple[str, Image.Image]] = []
    folders: list[tuple[Path, tuple[str, ...]]] = []
    try:
        import skimage

        folders.append((Path(skimage.__file__).parent / "data", SKIMAGE_PHOTOS))
    except ImportError:
        pass
    try:
        import sklearn

        folders.append((Path(sklearn.__file__).parent / "datasets" / "images", SKLEARN_PHOTOS))
    except ImportError:
        pass
    for folder, names in folders:
        for name in names:
            path = folder / name
            if not path.exists():
                continue
            im = Image.open(path).convert("RGB")
            im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            if min(im.size) >= 96:
                out.append((f"photo:{name}", im))
    return out


def _pink_noise(rng: np.random.Generator, h: int, w: int, alpha: float) -> np.ndarray:
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1.0
    spec = (rng.normal(size=f.shape) + 1j * rng.normal(size=f.shape)) / f ** (alpha / 2)
    spec[0, 0] = 0
    field = np.fft.irfft2(spec, s=(h, w))
    return (field - field.mean()) / (field.std() + 1e-9)


def dead_leaves(rng: np.random.Generator, size: tuple[int, int]) -> Image.Image:
    """A procedural scene with natural-image statistics (dead leaves + 1/f texture)."""
    w, h = size
    top, bottom = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    horizon = rng.uniform(0.2, 0.8)
    t = np.clip((np.arange(h)[:, None] / h - horizon) * rng.uniform(2, 8) + 0.5, 0, 1)
    base = (top[None, None, :] * (1 - t[..., None]) + bottom[None, None, :] * t[..., None]) * np.ones((h, w, 1))
    im = Image.fromarray(base.astype(np.uint8))
    draw = ImageDraw.Draw(im)
    palette = rng.uniform(0, 255, (6, 3))
    rmin, rmax = 3.0, max(w, h) / 2.5
    n = int(rng.integers(60, 220))
    for _ in range(n):
        # radius ~ r^-3 (the dead-leaves law giving scale invariance), by inverse CDF
        u = rng.uniform()
        r = (rmin ** -2 - u * (rmin ** -2 - rmax ** -2)) ** -0.5
        cx, cy = rng.uniform(-0.1 * w, 1.1 * w), rng.uniform(-0.1 * h, 1.1 * h)
        col = palette[rng.integers(len(palette))] + rng.normal(0, 25, 3)
        fill = tuple(int(c) for c in np.clip(col, 0, 255))
        kind = rng.integers(4)
        if kind == 0:
            draw.ellipse((cx - r, cy - r * rng.uniform(0.4, 1), cx + r, cy + r), fill=fill)
        elif kind == 1:
            draw.rectangle((cx - r, cy - r * rng.uniform(0.2, 1.5), cx + r * rng.uniform(0.3, 1.5), cy + r), fill=fill)
        elif kind == 2:
            pts = [(cx + r * math.cos(a), cy + r * math.sin(a)) for a in np.sort(rng.uniform(0, 2 * math.pi, int(rng.integers(3, 7))))]
            draw.polygon(pts, fill=fill)
        else:
            draw.line((cx - r, cy - r * rng.uniform(-1, 1), cx + r, cy + r * rng.uniform(-1, 1)), fill=fill, width=max(1, int(r / 6)))
    arr = np.asarray(im, dtype=np.float32)
    shade = _pink_noise(rng, h, w, 2.0)[..., None] * rng.uniform(8, 25)
    grain = rng.normal(0, 3, (h, w, 1))
    arr = np.clip(arr + shade + grain, 0, 255).astype(np.uint8)
    return Image.fromarray(arr)


def procedural_photos(n: int, seed: int) -> list[tuple[str, Image.Image]]:
    rng = np.random.default_rng(seed)
    shapes = [(384, 288), (432, 288), (512, 288), (288, 384), (320, 320)]
    return [(f"leaves:{seed}:{i}", dead_leaves(rng, shapes[int(rng.integers(len(shapes)))])) for i in range(n)]


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def _pad(im: Image.Image, frac: float, color) -> Image.Image:
    w, h = im.size
    return ImageOps.expand(im, border=(int(w * frac), int(h * frac)), fill=color)


def _crop(im: Image.Image, frac: float) -> Image.Image:
    w, h = im.size
    return im.crop((int(w * frac), int(h * frac), w - int(w * frac), h - int(h * frac)))


def _text(im: Image.Image, rng: np.random.Generator) -> Image.Image:
    im = im.copy()
    draw = ImageDraw.Draw(im)
    w, h = im.size
    font = _font(max(12, h // 12))
    words = ["BREAKING", "EXCLUSIVE", "Kyiv", "frontline", "witness", "photo", "2024", "SHARE", "TRUTH"]
    for k in range(2):
        text = " ".join(rng.choice(words, 3))
        y = int(h * (0.62 + 0.14 * k))
        draw.text((int(w * 0.05), y), text, font=font, fill=(255, 255, 255), stroke_width=2, stroke_fill=(0, 0, 0))
    return im


def _colour(im: Image.Image) -> Image.Image:
    hsv = np.asarray(im.convert("HSV")).astype(np.int16)
    hsv[..., 0] = (hsv[..., 0] + 20) % 256  # hue rotated by ~28 degrees
    out = Image.fromarray(hsv.astype(np.uint8), "HSV").convert("RGB")
    out = ImageEnhance.Color(out).enhance(1.3)
    out = ImageEnhance.Brightness(out).enhance(1.08)
    return ImageEnhance.Contrast(out).enhance(1.1)


def transformations() -> dict[str, object]:
    """Name -> fn(image, rng) -> image. The published PDQ evaluation's names where they exist."""
    return {
        "reencode_q50": lambda im, rng: im,  # the JPEG step below at quality 50
        "resize_half": lambda im, rng: im.resize((im.width // 2, im.height // 2), Image.Resampling.BILINEAR),
        "crop_5": lambda im, rng: _crop(im, 0.05),
        "crop_10": lambda im, rng: _crop(im, 0.10),
        "crop_20": lambda im, rng: _crop(im, 0.20),
        "pad_20": lambda im, rng: _pad(im, 0.20, tuple(int(c) for c in rng.choice([0, 255, 128], 3))),
        "mirror": lambda im, rng: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        "rotate_4": lambda im, rng: im.rotate(4 * (1 if rng.uniform() < 0.5 else -1), Image.Resampling.BILINEAR),
        "text_overlay": _text,
        "colour_shift": lambda im, rng: _colour(im),
    }


def jpeg(im: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    return buf.getvalue()
