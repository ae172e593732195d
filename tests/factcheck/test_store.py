from __future__ import annotations

import json
from pathlib import Path

from narratrace.factcheck._index import FactCheckIndex
from narratrace.factcheck.store import (
    count_records,
    get_records,
    import_file,
    index_folder,
    open_index,
    revision,
)

FIXTURES = Path(__file__).parent / "fixtures"


def test_import_is_idempotent_and_reports_problems(loaded_db):
    url, engine = loaded_db
    assert count_records(engine) == 9  # 3 + 2 + 2 + 2 good records
    again = import_file(engine, FIXTURES / "euvsdisinfo.csv", url=url)
    assert (again.added, again.updated, again.unchanged, again.skipped) == (0, 0, 2, 2)
    assert count_records(engine) == 9


def test_changed_record_is_updated_and_index_follows(loaded_db, tmp_path):
    url, engine = loaded_db
    open_index(engine, url)  # persist the index at the current revision
    rows = [json.loads(line) for line in (FIXTURES / "vclaims.jsonl").read_text().splitlines()[:2]]
    rows[1]["vclaim"] = "A photograph shows polar bears walking through the Sahara desert."
    rows.append({"vclaim_id": "vclaim-test-new", "vclaim": "Tomatoes were banned in Italy in 2021.", "date": "1 May 2021"})
    f = tmp_path / "v2.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = import_file(engine, f, url=url)
    assert (report.added, report.updated, report.unchanged) == (1, 1, 1)
    assert get_records(engine, ["vclaim-test-penguins-sahara"])[0].claim.startswith("A photograph shows polar bears")
    # the persisted index was updated in place, tagged with the new revision
    folder = index_folder(url)
    assert FactCheckIndex.saved_revision(folder) == revision(engine)
    index = FactCheckIndex.load(folder)
    assert len(index) == 10 and "vclaim-test-new" in index.ids_
    hit = index.search(["Italy banned tomatoes"], k=1)[0][0]
    assert hit.record_id == "vclaim-test-new" and "tomatoes" in hit.shared_terms
