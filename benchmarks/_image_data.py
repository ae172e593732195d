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


# --- partial-reuse families and look-alike distractors (issue 14) -------------------------

_WORDS = ["BREAKING", "EXCLUSIVE", "Kyiv", "frontline", "witness", "photo", "2024", "SHARE", "TRUTH", "LIVE",
          "Reuters", "video", "shelling", "city", "today", "residents", "police", "market", "night", "report"]


def _city_layer(rng: np.random.Generator, w: int, h: int) -> tuple[Image.Image, float]:
    """Static street: sky, facades with window grids, signs, doors and a road (no people)."""
    horizon = rng.uniform(0.25, 0.45) * h
    sky_top, sky_low = rng.uniform(90, 230, 3), rng.uniform(150, 255, 3)
    t = np.clip(np.arange(h)[:, None, None] / max(horizon, 1), 0, 1)
    arr = sky_top * (1 - t) + sky_low * t + np.zeros((h, w, 3))
    im = Image.fromarray(arr.astype(np.uint8))
    d = ImageDraw.Draw(im)
    ground = int(rng.uniform(0.72, 0.86) * h)
    d.rectangle((0, ground, w, h), fill=tuple(int(c) for c in rng.uniform(50, 120, 3)))
    for k in range(int(rng.integers(6, 14))):  # road markings
        x = int(k * w / 10 + rng.uniform(0, 40))
        d.rectangle((x, ground + (h - ground) // 2, x + 40, ground + (h - ground) // 2 + 6), fill=(230, 230, 220))
    font = _font(max(12, h // 30))
    x = int(rng.uniform(-40, 0))
    while x < w:
        bw = int(rng.uniform(0.12, 0.3) * w)
        _building(d, rng, font, x, bw, int(rng.uniform(0.05, 0.9) * horizon), ground)
        x += bw + int(rng.uniform(0, 20))
    arr = np.asarray(im, dtype=np.float32) + _pink_noise(rng, h, w, 2.0)[..., None] * rng.uniform(4, 10)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), ground


def _building(d: ImageDraw.ImageDraw, rng: np.random.Generator, font, x: int, bw: int, top: int, ground: float) -> None:
    """A facade with a window grid, a door and maybe a shop sign."""
    wall = tuple(int(c) for c in rng.uniform(60, 230, 3))
    d.rectangle((x, top, x + bw, ground), fill=wall + (255,), outline=tuple(max(0, c - 40) for c in wall) + (255,), width=2)
    cols, rows = int(rng.integers(2, 7)), int(rng.integers(3, 9))
    win_w, win_h = bw / (cols * 1.7), (ground - top) / (rows * 1.9)
    glass = rng.uniform(20, 120, 3)
    for r in range(rows - 1):
        for c in range(cols):
            wx = x + (c + 0.35) * bw / cols
            wy = top + (r + 0.35) * (ground - top) / rows
            lit = rng.uniform() < 0.3
            col = tuple(int(v) for v in (rng.uniform(200, 255, 3) if lit else glass + rng.normal(0, 15, 3)))
            d.rectangle((wx, wy, wx + win_w, wy + win_h), fill=col + (255,), outline=(40, 40, 40, 255))
            if rng.uniform() < 0.5:  # window cross bars
                d.line((wx + win_w / 2, wy, wx + win_w / 2, wy + win_h), fill=(50, 50, 50, 255), width=1)
    door_x = x + rng.uniform(0.2, 0.7) * bw
    d.rectangle((door_x, ground - (ground - top) / rows * 1.2, door_x + bw / 6, ground),
                fill=tuple(int(c) for c in rng.uniform(20, 110, 3)) + (255,))
    if rng.uniform() < 0.7:  # shop sign
        sy = ground - (ground - top) / rows * 1.6
        sign = tuple(int(c) for c in rng.uniform(0, 255, 3))
        d.rectangle((x + 6, sy - 22, x + bw - 6, sy), fill=sign + (255,))
        d.text((x + 10, sy - 20), " ".join(rng.choice(_WORDS, 2)).upper(), font=font, fill=tuple(255 - c for c in sign) + (255,))


def _front_row(rng: np.random.Generator, w: int, h: int, ground: float) -> Image.Image:
    """Lower buildings nearer the camera, with gaps (RGBA): they move against the back row between viewpoints."""
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    font = _font(max(12, h // 30))
    x = int(rng.uniform(0, 0.2) * w)
    while x < w:
        bw = int(rng.uniform(0.1, 0.22) * w)
        _building(d, rng, font, x, bw, int(ground - rng.uniform(0.25, 0.5) * h), ground + 0.04 * h)
        x += bw + int(rng.uniform(0.08, 0.3) * w)
    arr = np.asarray(layer, dtype=np.float32)
    arr[..., :3] += _pink_noise(rng, h, w, 2.0)[..., None] * rng.uniform(4, 10)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGBA")


def _compose(back: Image.Image, front: Image.Image, shift: int) -> Image.Image:
    world = back.copy()
    world.paste(front, (shift, 0), front)
    return world


def _transients(im: Image.Image, rng: np.random.Generator, ground: float) -> Image.Image:
    """People, cars and trees in front of the street: what changes between two photos of it."""
    im = im.copy()
    d = ImageDraw.Draw(im)
    w, h = im.size
    for _ in range(int(rng.integers(4, 12))):
        kind = rng.integers(3)
        x, y = rng.uniform(0, w), ground + rng.uniform(-10, 0.1 * h)
        s = rng.uniform(0.6, 1.4) * h / 12
        col = tuple(int(c) for c in rng.uniform(0, 255, 3))
        if kind == 0:  # person
            d.ellipse((x - s * 0.25, y - s * 2.1, x + s * 0.25, y - s * 1.6), fill=(200, 160, 130))
            d.rectangle((x - s * 0.35, y - s * 1.6, x + s * 0.35, y - s * 0.6), fill=col)
            d.rectangle((x - s * 0.3, y - s * 0.6, x + s * 0.3, y), fill=tuple(int(c) for c in rng.uniform(0, 90, 3)))
        elif kind == 1:  # car
            d.rounded_rectangle((x - s * 2, y - s, x + s * 2, y), radius=int(s / 3), fill=col)
            d.rectangle((x - s * 1.2, y - s * 1.6, x + s * 1.1, y - s), fill=tuple(int(c * 0.6) for c in col))
            for wx in (x - s * 1.3, x + s * 1.3):
                d.ellipse((wx - s * 0.4, y - s * 0.4, wx + s * 0.4, y + s * 0.4), fill=(20, 20, 20))
        else:  # tree
            d.rectangle((x - s * 0.15, y - s * 2.5, x + s * 0.15, y), fill=(90, 60, 30))
            d.ellipse((x - s, y - s * 4, x + s, y - s * 2), fill=(int(rng.uniform(20, 80)), int(rng.uniform(90, 160)), 40))
    return im


def _camera(world: Image.Image, rng: np.random.Generator, out: tuple[int, int], *, tilt: float) -> Image.Image:
    """A view of ``world``: a window of it under a perspective warp (corners moved by up to ``tilt``)."""
    W, H = world.size
    w, h = out
    zoom = rng.uniform(0.55, 0.8)
    vw, vh = W * zoom, W * zoom * h / w
    vh = min(vh, H * 0.95)
    x0, y0 = rng.uniform(0, W - vw), rng.uniform(0, H - vh)
    quad = [(x0, y0), (x0 + vw, y0), (x0 + vw, y0 + vh), (x0, y0 + vh)]
    quad = [(x + rng.uniform(-tilt, tilt) * vw, y + rng.uniform(-tilt, tilt) * vh) for x, y in quad]
    data = [c for p in (quad[0], quad[3], quad[2], quad[1]) for c in p]
    return world.transform(out, Image.Transform.QUAD, data, Image.Resampling.BILINEAR)


def _relight(im: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Another moment: global light and colour, plus slow shadows and light patches of its own."""
    arr = np.asarray(im, dtype=np.float32) / 255
    shade = 1 + 0.12 * _pink_noise(rng, arr.shape[0], arr.shape[1], 3.0)[..., None]
    arr = np.clip(arr * shade, 0, 1) ** rng.uniform(0.75, 1.3) * rng.uniform(0.85, 1.1, 3)
    return Image.fromarray(np.clip(arr * 255 + rng.normal(0, 2.5, arr.shape), 0, 255).astype(np.uint8))


def _photo(scene: tuple, rng: np.random.Generator, parallax: float, tilt: float) -> Image.Image:
    street, front, ground, size = scene
    world = _compose(street, front, int(parallax * street.width))
    return _camera(_transients(world, rng, ground), rng, size, tilt=tilt)


def street_scenes(n: int, seed: int, *, extra_view: bool = False) -> list[tuple[str, Image.Image, Image.Image]]:
    """``n`` street photos, each with a look-alike: the same street from another angle, with other passers-by.

    With ``extra_view`` the look-alike is replaced by a third photo of the same street
    (same seed, same worlds, another camera): a look-alike that was never stored.
    """
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        W, H = 960, 640
        street, ground = _city_layer(rng, W, H)
        front = _front_row(rng, W, H, ground)
        size = ((512, 384), (480, 320), (384, 512))[int(rng.integers(3))]

        scene = (street, front, ground, size)
        a = _photo(scene, rng, 0.0, 0.04)
        # another photo: the photographer moved (the front row shifts against the back row by
        # 4-12 % of the street), turned (perspective), and the light and passers-by changed
        b = _relight(_photo(scene, rng, rng.choice([-1, 1]) * rng.uniform(0.04, 0.12), 0.12), rng)
        if extra_view:
            b = _relight(_photo(scene, rng, rng.choice([-1, 1]) * rng.uniform(0.04, 0.12), 0.12), rng)
        out.append((f"street:{seed}:{i}", a, b))
    return out


def _offcentre(im: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Remove 25-50 % of the area from one side or around a corner (never centred)."""
    w, h = im.size
    keep = rng.uniform(0.5, 0.75)
    if rng.uniform() < 0.5:  # one side cut
        side = int(rng.integers(4))
        if side < 2:
            cw = int(w * keep)
            x0 = 0 if side == 0 else w - cw
            return im.crop((x0, 0, x0 + cw, h))
        ch = int(h * keep)
        y0 = 0 if side == 2 else h - ch
        return im.crop((0, y0, w, y0 + ch))
    k = math.sqrt(keep) * rng.uniform(0.92, 1.08)
    cw, ch = min(w, int(w * k)), min(h, int(h * keep / k))
    x0 = 0 if rng.uniform() < 0.5 else w - cw
    y0 = 0 if rng.uniform() < 0.5 else h - ch
    return im.crop((x0, y0, x0 + cw, y0 + ch))


def _screenshot(im: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The picture inside an app or browser: header, sidebar, text lines, buttons, avatars."""
    dark = rng.uniform() < 0.3
    bg, fg = ((21, 32, 43), (230, 230, 230)) if dark else ((255, 255, 255), (20, 20, 20))
    scale = rng.uniform(0.45, 0.85)
    pw, ph = int(im.width * scale), int(im.height * scale)
    pic = im.resize((pw, ph), Image.Resampling.BILINEAR)
    side = int(rng.uniform(0, 0.35) * pw)
    W, H = pw + side + int(rng.uniform(20, 60)), ph + int(rng.uniform(120, 220))
    canvas = Image.new("RGB", (W, H), bg)
    d = ImageDraw.Draw(canvas)
    font = _font(14)
    accent = tuple(int(c) for c in rng.uniform(0, 255, 3))
    d.rectangle((0, 0, W, 36), fill=accent)
    d.text((10, 10), " ".join(rng.choice(_WORDS, 3)), font=font, fill=(255, 255, 255))
    d.ellipse((side + 10, 46, side + 46, 82), fill=tuple(int(c) for c in rng.uniform(0, 255, 3)))
    d.text((side + 54, 50), " ".join(rng.choice(_WORDS, 2)) + " @user", font=font, fill=fg)
    d.text((side + 10, 88), " ".join(rng.choice(_WORDS, 6)), font=font, fill=fg)
    top = 112
    canvas.paste(pic, (side + 10, top))
    for k in range(4):  # action bar below the picture
        d.rounded_rectangle((side + 10 + k * 70, top + ph + 12, side + 60 + k * 70, top + ph + 32), radius=8, outline=fg)
    for k in range(int(H / 40)):  # sidebar entries
        d.text((8, 50 + 40 * k), str(rng.choice(_WORDS)), font=font, fill=fg)
    return canvas


def _caption_bar(im: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A solid bar with a caption below (or above) the picture, 12-25 % of its height."""
    w, h = im.size
    bar = int(h * rng.uniform(0.12, 0.25))
    colour = tuple(int(c) for c in rng.choice([0, 255, 200, 30], 3))
    out = Image.new("RGB", (w, h + bar), colour)
    below = rng.uniform() < 0.75
    out.paste(im, (0, 0 if below else bar))
    d = ImageDraw.Draw(out)
    font = _font(max(12, bar // 3))
    y = h + bar // 4 if below else bar // 4
    d.text((8, y), " ".join(rng.choice(_WORDS, 5)), font=font, fill=tuple(255 - c for c in colour))
    return out


def _rotate(im: Image.Image, rng: np.random.Generator) -> Image.Image:
    angle = rng.uniform(3, 5) * (1 if rng.uniform() < 0.5 else -1)
    return im.rotate(angle, Image.Resampling.BILINEAR)


def _centred(im: Image.Image, rng: np.random.Generator) -> Image.Image:
    return _crop(im, rng.uniform(0.05, 0.15))


def reuse_families() -> dict[str, object]:
    """The issue-14 families: name -> fn(image, rng) -> image (JPEG-encoded afterwards)."""
    single = {
        "reencode_q50": lambda im, rng: im,
        "resize_half": lambda im, rng: im.resize((im.width // 2, im.height // 2), Image.Resampling.BILINEAR),
        "crop_centred": _centred,
        "crop_offcentre": _offcentre,
        "screenshot": _screenshot,
        "caption_bar": _caption_bar,
        "text_overlay": _text,
        "mirror": lambda im, rng: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        "colour_shift": lambda im, rng: _colour(im),
        "rotate_3_5": _rotate,
    }
    pool = ["crop_offcentre", "screenshot", "caption_bar", "text_overlay", "mirror", "colour_shift", "rotate_3_5", "resize_half"]

    def combined(im: Image.Image, rng: np.random.Generator) -> Image.Image:
        a, b = rng.choice(pool, 2, replace=False)
        if b in ("crop_offcentre", "rotate_3_5", "mirror") and a in ("screenshot", "caption_bar"):
            a, b = b, a  # edit the picture first, then frame it
        return single[b](single[a](im, rng), rng)

    return {**single, "two_combined": combined}
