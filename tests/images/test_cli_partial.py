"""``images match`` and ``images reuse`` on a partial copy: the matched region and the verification evidence."""

from __future__ import annotations

import json

from PIL import Image, ImageDraw
from tests.images._pictures import jpeg_bytes, scene
from typer.testing import CliRunner

from narratrace.cli import app


def _screenshot_of_crop(im: Image.Image) -> Image.Image:
    part = im.crop((int(im.width * 0.4), 0, im.width, im.height))  # the right 60 %, off-centre
    canvas = Image.new("RGB", (part.width + 140, part.height + 150), "white")
    d = ImageDraw.Draw(canvas)
    d.rectangle((0, 0, canvas.width, 34), fill=(20, 20, 20))
    d.text((10, 10), "app  |  search  |  profile", fill="white")
    canvas.paste(part, (120, 60))
    d.text((120, part.height + 80), "Reposted: troops in the Kursk region today", fill="black")
    return canvas


def test_match_and_reuse_show_region_and_evidence(tmp_path) -> None:
    photo = scene(77, (480, 360))
    (tmp_path / "original.jpg").write_bytes(jpeg_bytes(photo, 90))
    (tmp_path / "original.txt").write_text("Soldiers near Avdiivka, February 2024.")
    (tmp_path / "repost.jpg").write_bytes(jpeg_bytes(_screenshot_of_crop(photo), 80))
    (tmp_path / "repost.txt").write_text("Russian troops in the Kursk region, October 2024.")
    (tmp_path / "other.jpg").write_bytes(jpeg_bytes(scene(78, (480, 360)), 90))
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    runner = CliRunner()
    r = runner.invoke(app, ["--db", db, "images", "index", str(tmp_path)])
    assert r.exit_code == 0 and "indexed 3 pictures" in r.output, r.output

    r = runner.invoke(app, ["--db", db, "images", "match", str(tmp_path / "repost.jpg"), "--json", "-"])
    assert r.exit_code == 0, r.output
    matches = json.loads(r.output)["matches"]
    by_src = {m["appearances"][0]["src"]: m for m in matches}
    assert set(by_src) == {"original.jpg", "repost.jpg"}
    v = by_src["original.jpg"]["verification"]
    assert by_src["original.jpg"]["method"] == "features"
    assert abs(v["stored_region"][0] - 0.4) < 0.07 and v["stored_region"][2] > 0.93
    assert v["inliers"] >= 14 and 0 < v["confidence"] <= 1

    r = runner.invoke(app, ["--db", db, "images", "match", str(tmp_path / "repost.jpg")])
    assert "shows x 4" in r.output and "inliers" in r.output and "confidence" in r.output

    r = runner.invoke(app, ["--db", db, "images", "reuse"])
    assert r.exit_code == 0 and "[reuse]" in r.output and "[caption_conflict]" in r.output
    assert "of the stored picture" in r.output and "inliers" in r.output
