from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from narratrace.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def _run(url: str, *args: str):
    return runner.invoke(app, ["--db", url, *args], catch_exceptions=False)


def test_import_match_export(db_url, tmp_path):
    res = _run(db_url, "factchecks", "import", str(FIXTURES / "claimreview.json"))
    assert res.exit_code == 0, res.output
    assert "3 added, 0 updated, 0 unchanged, 1 skipped" in res.output and "item 3" in res.output
    res = _run(db_url, "factchecks", "import", str(FIXTURES / "claimreview.json"), "--json", str(tmp_path / "r.json"))
    assert json.loads((tmp_path / "r.json").read_text())["unchanged"] == 3

    res = _run(db_url, "factchecks", "match", "Does 5G spread coronavirus?", "--top", "2", "--date", "2020-05-01", "--json", "-")
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    top = payload["matches"][0]
    assert top["url"].endswith("5g-coronavirus") and top["verdict"] == "False"
    assert top["relation"] == "previously_checked"  # checked 2020-04-06, before the claim date
    assert "5g" in top["why"]["shared_terms"] and len(payload["matches"]) == 2

    res = _run(db_url, "factchecks", "match", "Does 5G spread coronavirus?", "--date", "2019-01-01", "--json", "-")
    assert json.loads(res.output)["matches"][0]["relation"] == "later_checked"

    out = tmp_path / "export.json"
    res = _run(db_url, "factchecks", "export", "--json", str(out))
    exported = json.loads(out.read_text())
    assert len(exported) == 3 and all(e["@type"] == "ClaimReview" for e in exported)


def test_match_on_empty_database(db_url):
    res = _run(db_url, "factchecks", "match", "anything", "--json", "-")
    assert res.exit_code == 0 and json.loads(res.output)["database"] == "empty"


def test_bad_date_is_an_error(db_url):
    from narratrace.errors import ConfigError

    try:
        _run(db_url, "factchecks", "match", "x", "--date", "yesterday")
    except ConfigError as exc:
        assert "--date" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected ConfigError")


def test_export_then_import_changes_nothing(db_url, tmp_path):
    for name in ("claimreview.json", "factcheck_api.json", "euvsdisinfo.csv", "vclaims.jsonl"):
        assert _run(db_url, "factchecks", "import", "-q", str(FIXTURES / name)).exit_code == 0
    out = tmp_path / "export.json"
    assert _run(db_url, "factchecks", "export", "--json", str(out)).exit_code == 0
    stored = len(json.loads(out.read_text()))
    res = _run(db_url, "factchecks", "import", "-q", str(out), "--json", "-")
    report = json.loads(res.stdout)
    assert (report["added"], report["updated"], report["unchanged"]) == (0, 0, stored)
    assert report["embedded"] == 0


def test_import_logs_progress_when_not_a_terminal(db_url):
    res = _run(db_url, "factchecks", "import", str(FIXTURES / "euvsdisinfo.csv"))
    assert res.exit_code == 0
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("importing:")]
    assert lines and lines[-1].startswith("importing: ") and "records (100%)" in lines[-1]
    assert "embedded" in res.stdout and "records/s" in res.stdout
    quiet = _run(db_url, "factchecks", "import", "-q", str(FIXTURES / "euvsdisinfo.csv"))
    assert "importing:" not in quiet.stderr


def test_match_sorted_by_confidence_and_old_names(db_url):
    _run(db_url, "factchecks", "import", "-q", str(FIXTURES / "claimreview.json"))
    _run(db_url, "factchecks", "import", "-q", str(FIXTURES / "euvsdisinfo.csv"))
    res = _run(db_url, "factchecks", "match", "Does 5G spread coronavirus?", "--top", "5", "--json", "-")
    confidences = [m["confidence"] for m in json.loads(res.stdout)["matches"]]
    assert len(confidences) > 1 and confidences == sorted(confidences, reverse=True)
    old = _run(db_url, "match", "Does 5G spread coronavirus?", "--k", "5", "--json", "-")
    assert json.loads(old.stdout) == json.loads(res.stdout)
    assert "deprecated" in old.stderr and "factchecks match" in old.stderr and "use --top" in old.stderr


def test_match_table_keeps_levels_and_dates_whole_at_80_columns(db_url):
    from rich.console import Console

    from narratrace.cli.factchecks import matches_table
    from narratrace.factcheck.matcher import match_claims
    from narratrace.store import open_store

    _run(db_url, "factchecks", "import", "-q", str(FIXTURES / "claimreview.json"))
    matches = match_claims(open_store(db_url), db_url, ["Does 5G spread coronavirus?"], k=3, claim_date=None)[0]
    console = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(matches_table("Does 5G spread coronavirus?", matches))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    for m in matches:
        assert m.level in text and f"{m.confidence:.2f}" in text
        if m.record.checked_on:
            assert m.record.checked_on.date().isoformat() in text
