"""Narratives as they stood on an earlier date (``--as-of``), judged from the stored events."""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from narratrace.cli import app
from narratrace.corpus.build import get_narrative, list_narratives

DAM = "nordwire-0303"


def test_state_as_of_a_date_before_the_acknowledgement(velora):
    _, engine, _ = velora
    now = {r["first_article"]: r for r in list_narratives(engine)}[DAM]
    assert now["state"] == "confirmed"
    then = get_narrative(engine, now["id"], as_of=date(2031, 3, 5))
    assert then["state"] == "contested"
    assert {e["type"] for e in then["events"]} <= {"asserted", "denied"}
    assert all(e["date"] < "2031-03-06" for e in then["events"])
    assert {e["actor"] for e in then["state_events"] if e["type"] == "denied"} == {"Dravia"}
    # narratives that had not appeared yet are not listed
    early = list_narratives(engine, as_of=date(2031, 3, 3))
    assert [r["first_article"] for r in early] == [DAM]
    assert list_narratives(engine, as_of=date(2031, 3, 5), state="confirmed") == []


def test_cli_as_of(velora):
    url, _, _ = velora
    runner = CliRunner()
    res = runner.invoke(app, ["--db", url, "corpus", "narratives", "--as-of", "2031-03-05", "--json", "-"])
    assert res.exit_code == 0, res.output
    rows = {r["first_article"]: r for r in json.loads(res.stdout)}
    assert rows[DAM]["state"] == "contested" and rows[DAM]["as_of"].startswith("2031-03-05")
    res = runner.invoke(app, ["--db", url, "corpus", "timeline", rows[DAM]["id"], "--as-of", "2031-03-05"])
    assert res.exit_code == 0 and "as of 2031-03-05" in res.stdout and "Dravia: denied 2031-03-04" in res.stdout
    bad = runner.invoke(app, ["--db", url, "corpus", "narratives", "--as-of", "March"])
    assert bad.exit_code == 2
