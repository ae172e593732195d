"""Find a picture embedded in a larger one: the photo inside a screenshot, above a caption bar.

A screenshot surrounds the picture it shows with an app's furniture: a header, a sidebar,
lines of text, buttons. Their keypoints outnumber the picture's and drown its votes in
the descriptor index, and the picture is shown small. :func:`embedded_regions` finds the
picture's rectangle so that it can be looked up on its own, enlarged to the feature frame:

1. the page's background is its most frequent colour (quantised to 32 levels a channel);
   without one covering :data:`MIN_BACKGROUND` of the picture there is no page around a
   picture (a plain photograph) and nothing is returned;
2. the pixels that differ from it by more than :data:`BACKGROUND_TOLERANCE` on some
   channel form a mask; an opening with a square of :data:`OPEN_FRACTION` of the shorter
   side removes the thin strokes of text, outlines and icons, and a closing with
   :data:`CLOSE_FRACTION` fills the patches of the photo that share the page's colour;
3. the connected parts whose bounding box spans at least :data:`MIN_SIDE` of each side,
   covers :data:`MIN_AREA` to :data:`MAX_AREA` of the picture and is filled to
   :data:`MIN_FILL` are the embedded pictures, largest first.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> page = np.full((300, 400, 3), 255, np.uint8)
>>> page[60:240, 100:340] = rng.integers(0, 255, (180, 240, 3))
>>> embedded_regions(page)
[(100, 60, 340, 240)]
"""

from __future__ import annotations

import cv2
import numpy as np

cv2.setNumThreads(1)

# The background must cover this share of the picture (a page, an app, a caption bar).
MIN_BACKGROUND = 0.08
# Grey levels (0-255, on any channel) a pixel must differ from the background by: above
# JPEG ringing around text, below the contrast of a photo against a page.
BACKGROUND_TOLERANCE = 14
# Opening and closing squares as fractions of the shorter side (at least MIN_KERNEL px):
# text strokes are 1-4 px wide, patches of a photo in the page's colour (sky, walls) larger.
OPEN_FRACTION = 0.025
CLOSE_FRACTION = 0.05
MIN_KERNEL = 5
# A region is an embedded picture when its box spans MIN_SIDE of each side of the
# picture, covers MIN_AREA..MAX_AREA of it (above MAX_AREA it is the picture itself)
# and the region fills MIN_FILL of its box.
MIN_SIDE = 0.2
MIN_AREA = 0.08
MAX_AREA = 0.9
MIN_FILL = 0.6
MAX_REGIONS = 2


def _square(fraction: float, short: int) -> np.ndarray:
    side = max(MIN_KERNEL, round(fraction * short)) | 1  # odd: an even square shifts the mask by a pixel
    return cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))


def background_mask(rgb: np.ndarray) -> np.ndarray | None:
    """``uint8`` mask (1 = not the page's background) of an ``(h, w, 3)`` picture, or ``None`` without a background."""
    q = (rgb.astype(np.int32) >> 3).reshape(-1, 3)
    packed = (q[:, 0] << 10) | (q[:, 1] << 5) | q[:, 2]
    counts = np.bincount(packed, minlength=1 << 15)
    mode = int(counts.argmax())
    if counts[mode] < MIN_BACKGROUND * packed.size:
        return None
    colour = np.array([(mode >> 10) & 31, (mode >> 5) & 31, mode & 31], dtype=np.int32) * 8 + 4
    diff = np.abs(rgb.astype(np.int32) - colour).max(axis=2)
    return (diff > BACKGROUND_TOLERANCE).astype(np.uint8)


def embedded_regions(rgb: np.ndarray, *, max_regions: int = MAX_REGIONS) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x0, y0, x1, y1)`` in px of the pictures embedded in ``rgb`` (``(h, w, 3)`` uint8), largest first."""
    h, w = rgb.shape[:2]
    if min(h, w) < 4 * MIN_KERNEL:
        return []
    mask = background_mask(rgb)
    if mask is None:
        return []
    short = min(h, w)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, _square(OPEN_FRACTION, short))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, _square(CLOSE_FRACTION, short))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    boxes = []
    for x, y, bw, bh, area in stats[1:n]:
        box_area = int(bw) * int(bh)
        if bw < MIN_SIDE * w or bh < MIN_SIDE * h or area < MIN_FILL * box_area:
            continue
        if MIN_AREA * w * h <= box_area <= MAX_AREA * w * h:
            boxes.append((box_area, (int(x), int(y), int(x + bw), int(y + bh))))
    boxes.sort(key=lambda b: -b[0])
    return [b for _, b in boxes[:max_regions]]
