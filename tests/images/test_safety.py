from __future__ import annotations

import struct
import zlib

import pytest
from PIL import Image
from tests.images._pictures import jpeg_bytes, png_bytes, scene

from narratrace.images import ImageRefusedError
from narratrace.images.indexing import index_paths
from narratrace.images.safety import open_image
from narratrace.store import open_store


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a huge size (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)  # noqa: E731
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "svg_not_rendered"),
        (b"<html><body>not a picture</body></html>", "unsupported_format"),
        (b"%PDF-1.4 whatever", "unsupported_format"),
        (_png_header_only(20000, 20000), "decompression_bomb"),
    ],
)
def test_hostile_inputs_refused_with_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ImageRefusedError) as info:
        open_image(data, name="x")
    assert info.value.reason == reason
    assert info.value.code == "E700"
    assert "x" in str(info.value)


def test_truncated_and_corrupt_jpeg_refused() -> None:
    good = jpeg_bytes(scene(1))
    with pytest.raises(ImageRefusedError) as info:
        open_image(good[: len(good) // 2])
    assert info.value.reason in ("truncated", "corrupt")
    with pytest.raises(ImageRefusedError):
        open_image(good[:20] + b"\x00" * 200)


def test_bomb_limit_is_configurable_and_small_image_passes() -> None:
    data = png_bytes(Image.new("RGB", (100, 100), "blue"))
    img, fmt = open_image(data)
    assert fmt == "PNG" and img.size == (100, 100)
    with pytest.raises(ImageRefusedError) as info:
        open_image(data, max_pixels=5000)
    assert info.value.reason == "decompression_bomb"


def test_huge_file_refused_before_reading(tmp_path, monkeypatch) -> None:
    import narratrace.images.safety as safety

    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1000)
    p = tmp_path / "big.jpg"
    p.write_bytes(jpeg_bytes(scene(2)))
    with pytest.raises(ImageRefusedError) as info:
        safety.read_bounded(p, limit=1000)
    assert info.value.reason == "too_large"


def test_folder_with_hostile_files_processes_the_rest(tmp_path) -> None:
    (tmp_path / "ok1.jpg").write_bytes(jpeg_bytes(scene(3)))
    (tmp_path / "ok2.png").write_bytes(png_bytes(scene(4)))
    (tmp_path / "evil.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")
    (tmp_path / "bomb.png").write_bytes(_png_header_only(30000, 30000))
    trunc = jpeg_bytes(scene(5))
    (tmp_path / "cut.jpg").write_bytes(trunc[: len(trunc) // 3])
    (tmp_path / "fake.gif").write_bytes(b"GIF89a garbage")
    engine = open_store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    report = index_paths(engine, [tmp_path])
    assert report.indexed == 2
    reasons = {r["location"].rsplit("/", 1)[-1]: r["reason"] for r in report.refused}
    assert reasons["evil.svg"] == "svg_not_rendered"
    assert reasons["bomb.png"] == "decompression_bomb"
    assert reasons["cut.jpg"] in ("truncated", "corrupt")
    assert reasons["fake.gif"] in ("corrupt", "truncated", "unsupported_format")


@pytest.mark.timeout(30)
@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs FIFOs")
def test_fifo_and_link_to_a_device_refused_without_blocking(tmp_path) -> None:
    import os

    from narratrace.images.safety import read_bounded

    os.mkfifo(tmp_path / "pipe.jpg")
    (tmp_path / "zero.jpg").symlink_to("/dev/zero")
    for name in ("pipe.jpg", "zero.jpg"):
        with pytest.raises(ImageRefusedError) as info:
            read_bounded(tmp_path / name)
        assert info.value.reason == "not_regular_file"
