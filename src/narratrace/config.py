"""Process-wide settings: where the database lives and where shipped models are."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DB_ENV = "NARRATRACE_DB"
MODELS_ENV = "NARRATRACE_MODELS"
# Inputs larger than this are refused instead of read: a news article is rarely above 1 MB,
# and the cap keeps a mistaken multi-GB file from exhausting memory.
MAX_INPUT_BYTES = int(os.environ.get("NARRATRACE_MAX_INPUT_BYTES", 20 * 1024 * 1024))


def default_db_url() -> str:
    """``NARRATRACE_DB`` if set, else a SQLite file in the user's data directory."""
    url = os.environ.get(DB_ENV)
    if url:
        return url
    data_dir = Path(platformdirs.user_data_dir("narratrace", appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'narratrace.db'}"


def models_dir() -> Path:
    """Directory of shipped weights and lexicons (``models/`` in the source tree).

    Shipped models live inside the package (``narratrace/resources``) so that a wheel
    carries them; ``NARRATRACE_MODELS`` overrides the location.
    """
    override = os.environ.get(MODELS_ENV)
    if override:
        return Path(override)
    return Path(__file__).parent / "resources"
