"""Shared fixtures of the fact-check tests: hand-written records in four layouts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(os.environ.get("NARRATRACE_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"))
CHECKTHAT = SHARED / "checkthat2022-claim-retrieval"
needs_checkthat = pytest.mark.skipif(not (CHECKTHAT / "vclaims.jsonl").exists(), reason="../shared/data/checkthat2022-claim-retrieval is absent")


@pytest.fixture()
def db_url(tmp_path, monkeypatch) -> str:
    """A fresh SQLite database and index folder, also exported as NARRATRACE_DB."""
    url = f"sqlite:///{tmp_path / 'fc.db'}"
    monkeypatch.setenv("NARRATRACE_DB", url)
    monkeypatch.setenv("NARRATRACE_INDEX_DIR", str(tmp_path / "index"))
    return url


@pytest.fixture()
def loaded_db(db_url):
    """The database with every fixture file imported."""
    from narratrace.factcheck.store import import_file
    from narratrace.store import open_store

    engine = open_store(db_url)
    for name in ("claimreview.json", "factcheck_api.json", "euvsdisinfo.csv", "vclaims.jsonl"):
        import_file(engine, FIXTURES / name, url=db_url)
    return db_url, engine
