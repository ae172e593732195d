"""Open untrusted image files safely: refuse bombs, corrupt files, SVG and huge files.

Every refusal raises :class:`~narratrace.images._errors.ImageRefusedError` with a short
``reason`` key and a one-line message; callers that process many files record the
refusal and go on with the rest.

Examples
--------
>>> import io
>>> from PIL import Image
>>> buf = io.BytesIO(); Image.new("RGB", (4, 3), "red").save(buf, "PNG")
>>> img, fmt = open_image(buf.getvalue())
>>> (img.size, fmt)
((4, 3), 'PNG')
>>> try:
...     open_image(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>")
... except ImageRefusedError as exc:
...     exc.reason
'svg_not_rendered'
"""

from __future__ import annotations

import io
import struct
import warnings
from pathlib import Path

from PIL import Image, ImageFile, UnidentifiedImageError

from narratrace.errors import NotRegularFileError, TooLargeError, path_text
from narratrace.images._errors import ImageRefusedError
from narratrace.ingest.files import read_capped

# 40 MiB: the largest news photos (full-size camera JPEGs, 50 MP) are 15-30 MB; anything
# above is not a picture an article shows, and reading it costs memory for nothing.
MAX_FILE_BYTES = 40 * 1024 * 1024
# 64 megapixels: above any camera a newsroom uses (a 60 MP full-frame sensor is 9504x6336),
# and below Pillow's own warning limit (89.5 MP); a 64 MP RGB decode is ~192 MB of memory.
MAX_PIXELS = 64_000_000
# Raster formats narratrace decodes. Everything else (SVG, PDF, EPS, PSD, ICO...) is
# refused: EPS would run Ghostscript, SVG can carry scripts, the rest are not news photos.
ALLOWED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")
# Longest side of the decoded working copy: hashes resample to 64x64 (PDQ) or 32x32
# (pHash), so 512 px keeps every detail they can see while bounding CPU and memory.
WORK_SIDE = 512


def _looks_like_svg(head: bytes) -> bool:
    text = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text) or (
        text.startswith(b"<!doctype svg")
    )


def _looks_like_text(head: bytes) -> bool:
    text = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype html", b"<html", b"<?xml", b"{", b"<"))


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a regular file, refusing it when it is larger than ``limit`` bytes.

    FIFOs, devices and links to them are refused (reason ``not_regular_file``) without
    blocking, as :func:`narratrace.ingest.files.read_capped` does for articles.
    """
    try:
        return read_capped(path, limit, name=path_text(Path(path).name))
    except NotRegularFileError as exc:
        raise ImageRefusedError("not_regular_file", exc.args[0]) from None
    except TooLargeError as exc:
        raise ImageRefusedError("too_large", exc.args[0]) from None


def _checked_bytes(source: bytes | Path | str, name: str | None) -> tuple[bytes, str]:
    """The file's bytes and its display name; refuse empty, oversized and SVG files."""
    if isinstance(source, str | Path):
        path = Path(source)
        name = name or path.name
        data = read_bounded(path)
    else:
        data = source
        name = name or "image"
        if len(data) > MAX_FILE_BYTES:
            raise ImageRefusedError("too_large", f"{name}: {len(data)} bytes is over the {MAX_FILE_BYTES}-byte limit")
    if not data:
        raise ImageRefusedError("empty", f"{name}: empty file")
    if _looks_like_svg(data):
        raise ImageRefusedError("svg_not_rendered", f"{name}: SVG is never rendered (it can carry scripts and external references)")
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone switched Pillow to accept truncated files
        raise ImageRefusedError("corrupt", "Pillow's LOAD_TRUNCATED_IMAGES is on; refusing to decode")
    return data, name


def _open_checked(
    data: bytes, name: str, max_pixels: int, work_side: int
) -> tuple[Image.Image, str, Image.Exif, tuple[int, int]]:
    """Open and load the picture, refusing empty and oversized (bomb) canvases before decoding.

    Returns the loaded image, its format, its EXIF block and its declared (original) size.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        im = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        fmt = im.format or "?"
        width, height = im.size
        if width <= 0 or height <= 0:
            raise ImageRefusedError("corrupt", f"{name}: image has no pixels")
        if width * height > max_pixels:
            raise ImageRefusedError(
                "decompression_bomb",
                f"{name}: {width}x{height} = {width * height} pixels is over the {max_pixels}-pixel limit",
            )
        exif = im.getexif()
        if fmt == "JPEG":
            im.draft("RGB", (work_side, work_side))  # decode at reduced scale: fast
        im.load()
    return im, fmt, exif, (width, height)


def _decode(
    data: bytes, name: str, max_pixels: int, work_side: int
) -> tuple[Image.Image, str, Image.Exif, tuple[int, int]]:
    """:func:`_open_checked`, with every decoder failure turned into a refusal with a reason."""
    try:
        return _open_checked(data, name, max_pixels, work_side)
    except ImageRefusedError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefusedError("decompression_bomb", f"{name}: {exc}") from exc
    except UnidentifiedImageError as exc:
        kind = "text or markup" if _looks_like_text(data) else "an unknown or unsupported format"
        raise ImageRefusedError(
            "unsupported_format",
            f"{name}: not a {'/'.join(ALLOWED_FORMATS)} image ({kind})",
        ) from exc
    except OSError as exc:
        msg = str(exc)
        reason = "truncated" if "truncated" in msg.lower() or "broken data stream" in msg.lower() else "corrupt"
        raise ImageRefusedError(reason, f"{name}: {reason} image file ({msg})") from exc
    except (ValueError, SyntaxError, IndexError, struct.error) as exc:
        raise ImageRefusedError("corrupt", f"{name}: corrupt image file ({exc.__class__.__name__}: {exc})") from exc


def _rgb_working_copy(im: Image.Image, name: str, work_side: int) -> Image.Image:
    """First frame, transparency flattened on white, RGB, at most ``work_side`` px."""
    try:
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            rgba = im.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            rgb = flat
        else:
            rgb = im.convert("RGB")
        if max(rgb.size) > work_side:
            rgb.thumbnail((work_side, work_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    except OSError as exc:
        raise ImageRefusedError("truncated", f"{name}: truncated image file ({exc})") from exc
    return rgb


def open_image(
    source: bytes | Path | str,
    *,
    name: str | None = None,
    max_pixels: int = MAX_PIXELS,
    work_side: int = WORK_SIDE,
) -> tuple[Image.Image, str]:
    """Decode an untrusted image into an RGB working copy.

    Parameters
    ----------
    source:
        The file's bytes or its path.
    name:
        Name used in messages (defaults to the path's name).
    max_pixels:
        Refuse images whose declared width x height exceeds this (decompression bombs).
    work_side:
        Longest side of the returned working copy (smaller images are kept as they are).

    Returns
    -------
    (image, format)
        The loaded RGB image (at most ``work_side`` on its longest side) and the format
        Pillow detected, with the original size in ``image.info["orig_size"]`` and the
        EXIF block, if any, in ``image.info["exif_obj"]``.

    Raises
    ------
    ImageRefusedError
        With ``reason`` one of ``empty``, ``too_large``, ``not_regular_file``, ``svg_not_rendered``,
        ``unsupported_format``, ``decompression_bomb``, ``truncated``, ``corrupt``.
    """
    data, name = _checked_bytes(source, name)
    im, fmt, exif, orig_size = _decode(data, name, max_pixels, work_side)
    rgb = _rgb_working_copy(im, name, work_side)
    rgb.info["orig_size"] = orig_size
    rgb.info["exif_obj"] = exif
    rgb.info["has_icc"] = bool(im.info.get("icc_profile"))
    rgb.info["has_xmp"] = bool(im.info.get("xmp") or im.info.get("XML:com.adobe.xmp"))
    return rgb, fmt
