"""The fact-check store on PostgreSQL (runs when NARRATRACE_TEST_PG_URL is set)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PG_URL = os.environ.get("NARRATRACE_TEST_PG_URL")


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="set NARRATRACE_TEST_PG_URL to a throwaway PostgreSQL database")
def test_import_and_match_on_postgres(tmp_path, monkeypatch):
    from sqlalchemy import text

    from narratrace.factcheck.matcher import match_claims
    from narratrace.factcheck.store import count_records, import_file
    from narratrace.store import open_store

    monkeypatch.setenv("NARRATRACE_INDEX_DIR", str(tmp_path / "index"))
    engine = open_store(PG_URL)
    with engine.begin() as conn:  # isolate from earlier runs
        conn.execute(text("DELETE FROM factchecks"))
    first = import_file(engine, FIXTURES / "claimreview.json", url=PG_URL)
    again = import_file(engine, FIXTURES / "claimreview.json", url=PG_URL)
    assert (first.added, again.added, again.unchanged) == (3, 0, 3)
    assert count_records(engine) == 3
    top = match_claims(engine, PG_URL, [f"5G spreads the coronavirus {uuid.uuid4().hex[:4]}"], k=1)[0][0]
    assert top.record.url.endswith("5g-coronavirus") and top.record.review_date.tzinfo is not None
