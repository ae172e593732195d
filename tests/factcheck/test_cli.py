from __future__ import annotations

import json
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

    res = _run(db_url, "match", "Does 5G spread coronavirus?", "--k", "2", "--date", "2020-05-01", "--json", "-")
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    top = payload["matches"][0]
    assert top["url"].endswith("5g-coronavirus") and top["verdict"] == "False"
    assert top["relation"] == "previously_checked"  # checked 2020-04-06, before the claim date
    assert "5g" in top["why"]["shared_terms"] and len(payload["matches"]) == 2

    res = _run(db_url, "match", "Does 5G spread coronavirus?", "--date", "2019-01-01", "--json", "-")
    assert json.loads(res.output)["matches"][0]["relation"] == "later_checked"

    out = tmp_path / "export.json"
    res = _run(db_url, "factchecks", "export", "--json", str(out))
    exported = json.loads(out.read_text())
    assert len(exported) == 3 and all(e["@type"] == "ClaimReview" for e in exported)


def test_match_on_empty_database(db_url):
    res = _run(db_url, "match", "anything", "--json", "-")
    assert res.exit_code == 0 and json.loads(res.output)["database"] == "empty"


def test_bad_date_is_an_error(db_url):
    from narratrace.errors import ConfigError

    try:
        _run(db_url, "match", "x", "--date", "yesterday")
    except ConfigError as exc:
        assert "--date" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected ConfigError")
