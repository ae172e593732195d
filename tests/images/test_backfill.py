"""Stored pictures without local features (indexed before they existed) get them back from their files."""

from __future__ import annotations

import json

from sqlalchemy import delete, select
from tests.images._pictures import jpeg_bytes, scene
from typer.testing import CliRunner

from narratrace.cli import app
from narratrace.images.backfill import count_without_features, refresh_features
from narratrace.images.indexing import index_paths
from narratrace.store import open_store
from narratrace.store.schema_images import image_features

SIZE = (480, 360)


def _old_store(tmp_path):
    """A store whose pictures were indexed before local features existed (rows removed)."""
    for k in range(3):
        (tmp_path / f"p{k}.jpg").write_bytes(jpeg_bytes(scene(610 + k, SIZE), 90))
    db = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = open_store(db)
    index_paths(engine, [tmp_path])
    with engine.begin() as conn:
        conn.execute(delete(image_features))
    return db, engine


def _crop(tmp_path):
    path = tmp_path.parent / f"{tmp_path.name}-query.jpg"
    path.write_bytes(jpeg_bytes(scene(611, SIZE).crop((200, 0, 480, 360)), 85))  # the right 58 %, off-centre
    return path


def test_refresh_gives_old_pictures_their_features(tmp_path) -> None:
    _, engine = _old_store(tmp_path)
    assert count_without_features(engine) == 3
    report = refresh_features(engine)
    assert (report.checked, report.refreshed, report.missing_files) == (3, 3, [])
    assert count_without_features(engine) == 0
    with engine.connect() as conn:
        assert all(r.n_features >= 200 for r in conn.execute(select(image_features)))
    assert refresh_features(engine).checked == 0  # nothing left to do


def test_a_changed_or_missing_file_is_reported_not_read(tmp_path) -> None:
    _, engine = _old_store(tmp_path)
    (tmp_path / "p0.jpg").write_bytes(jpeg_bytes(scene(699, SIZE), 90))  # other bytes under the same name
    (tmp_path / "p1.jpg").unlink()
    report = refresh_features(engine)
    assert report.refreshed == 1
    assert [r["files"][0].endswith("p0.jpg") for r in report.changed_files] == [True]
    assert [r["files"][0].endswith("p1.jpg") for r in report.missing_files] == [True]
    assert count_without_features(engine) == 2


def test_match_says_so_and_refresh_makes_the_crop_found(tmp_path) -> None:
    db, _ = _old_store(tmp_path)
    query = _crop(tmp_path)
    runner = CliRunner()
    r = runner.invoke(app, ["--db", db, "images", "match", str(query)])
    assert r.exit_code == 0 and "3 stored pictures have no local features" in r.output and "images refresh" in r.output
    assert "image " not in r.output  # an off-centre crop is no near duplicate on the hashes

    r = runner.invoke(app, ["--db", db, "images", "refresh"])
    assert r.exit_code == 0 and "refreshed the local features of 3 of 3" in r.output, r.output

    r = runner.invoke(app, ["--db", db, "images", "match", str(query), "--json", "-"])
    out = json.loads(r.output)
    assert out["stored_without_features"] == 0
    assert [m["appearances"][0]["src"] for m in out["matches"]] == ["p1.jpg"]
    assert out["matches"][0]["method"] == "features"
