"""`narratrace corpus ingest / narratives / timeline / duplicates` through the Typer app."""

from __future__ import annotations

import csv
import json
import re

import pytest
from typer.testing import CliRunner

from narratrace.cli import app

REQUIRED = {"id", "claim", "state", "first_article", "articles", "events"}
STATES = {"emerging", "spreading", "contested", "confirmed", "refuted", "retracted", "dormant", "went_quiet_unresolved"}


@pytest.fixture
def cli_db(tmp_path, monkeypatch, example_corpus, gold_analyzer):
    import narratrace.corpus.ingest_corpus as ic

    monkeypatch.setattr(ic, "_default_analyzer", lambda _engine: gold_analyzer)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    folder = tmp_path / "in"
    folder.mkdir()
    for f in example_corpus.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "bad.json").write_text("[1, 2", encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", url, "corpus", "ingest", "-q", str(folder)])
    assert result.exit_code == 3, result.output  # some refused (bad.json), the rest stored
    assert "21 new, 1 duplicate" in result.stdout and "bad.json" in result.stdout
    return url, folder


def test_ingest_again_adds_nothing(cli_db):
    url, folder = cli_db
    result = CliRunner().invoke(app, ["--db", url, "corpus", "ingest", "-q", "--json", "-", str(folder)])
    summary = json.loads(result.stdout)
    assert summary["new"] == summary["duplicate"] == 0 and summary["skipped_files"] == 3
    assert summary["narratives"] >= 3 and len(summary["broken"]) == 1


def test_narratives_json_contract(cli_db):
    url, _ = cli_db
    result = CliRunner().invoke(app, ["--db", url, "corpus", "narratives", "--json", "-", "--sort", "articles"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(REQUIRED <= set(r) for r in rows)
    assert all(r["state"] in STATES for r in rows)
    assert len(rows[0]["articles"]) == max(len(r["articles"]) for r in rows)
    for e in rows[0]["events"]:
        assert {"date", "type", "article", "source"} <= set(e)
    only = json.loads(CliRunner().invoke(app, ["--db", url, "corpus", "narratives", "--json", "-", "--state", "confirmed"]).stdout)
    assert {r["state"] for r in only} == {"confirmed"}
    bad = CliRunner().invoke(app, ["--db", url, "corpus", "narratives", "--state", "sleepy"])
    assert bad.exit_code != 0


def test_duplicates_json(cli_db):
    url, _ = cli_db
    groups = json.loads(CliRunner().invoke(app, ["--db", url, "corpus", "duplicates", "--json", "-"]).stdout)
    assert isinstance(groups, list) and len(groups) == 1 and len(groups[0]["members"]) == 3


def test_timeline_terminal_json_and_offline_html(cli_db, tmp_path):
    url, _ = cli_db
    rows = json.loads(CliRunner().invoke(app, ["--db", url, "corpus", "narratives", "--json", "-"]).stdout)
    nid = rows[0]["id"]
    out = CliRunner().invoke(app, ["--db", url, "corpus", "timeline", nid])
    assert out.exit_code == 0 and "state: confirmed" in out.stdout
    page = tmp_path / "t.html"
    res = CliRunner().invoke(app, ["--db", url, "corpus", "timeline", nid, "--html", str(page), "--json", "-"])
    assert json.loads(res.stdout)["id"] == nid
    html = page.read_text(encoding="utf-8")
    # no script or stylesheet from elsewhere (the CSP nonce is random text and may spell "cdn")
    assert "Plotly.newPlot" in html and "<script src" not in html and not re.search(r"https?://", html.split("<body>")[0])
    assert len(html) > 1_000_000  # plotly.js is inline
    missing = CliRunner().invoke(app, ["--db", url, "corpus", "timeline", "Nnope"])
    assert missing.exit_code != 0


def test_timeline_html_escapes_article_text():
    from narratrace.report.timeline_html import render_timeline_html

    evil = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    n = {"id": "N1", "claim": evil, "state": "emerging", "reason": evil,
         "events": [{"date": "2031-01-01", "type": "asserted", "article": evil, "source": evil, "outlet": evil, "span": [0, 1], "text": evil}],
         "timeline": {"volume": [{"date": evil, "articles": 1, "independent": 1, "normalized": None}], "stance_over_time": [],
                      "outlets": [{"outlet": evil}], "languages": []}}
    page = render_timeline_html(n, include_plotlyjs=False)
    assert "alert(1)</script>" not in page and "<img src=x" not in page
    assert page.count("<script") == 2  # the data block and the chart code, nothing injected


def test_narratives_csv_reads_back(cli_db, tmp_path):
    url, _ = cli_db
    result = CliRunner().invoke(app, ["--db", url, "corpus", "narratives", "--csv", str(tmp_path / "n.csv"), "--json", "-"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    with (tmp_path / "n-narratives.csv").open(encoding="utf-8", newline="") as fh:
        narratives = list(csv.DictReader(fh))
    with (tmp_path / "n-events.csv").open(encoding="utf-8", newline="") as fh:
        events = list(csv.DictReader(fh))
    assert [r["narrative_id"] for r in narratives] == [r["id"] for r in records]
    assert narratives[0]["articles"].split(";") == records[0]["articles"]
    assert len(events) == sum(len(r["events"]) for r in records)
    assert {e["narrative_id"] for e in events} <= {r["id"] for r in records}
    assert {"date", "type", "article", "source"} <= set(events[0])


def test_old_top_level_names_still_work_with_a_note(cli_db):
    url, _ = cli_db
    old = CliRunner().invoke(app, ["--db", url, "narratives", "--json", "-"])
    new = CliRunner().invoke(app, ["--db", url, "corpus", "narratives", "--json", "-"])
    assert old.exit_code == 0 and json.loads(old.stdout) == json.loads(new.stdout)
    assert "deprecated" in old.stderr and "narratrace corpus narratives" in old.stderr
    assert "deprecated" not in new.stderr
    assert "narratives" not in CliRunner().invoke(app, ["--help"]).stdout.split("corpus", 1)[0]


def test_empty_store_is_e601(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    for command in (["corpus", "narratives"], ["corpus", "duplicates"], ["corpus", "timeline", "N1"]):
        result = CliRunner().invoke(app, ["--db", url, *command])
        assert result.exit_code != 0 and getattr(result.exception, "code", None) == "E601", command


def test_narratives_table_keeps_ids_and_dates_whole_at_80_columns():
    from rich.console import Console

    from narratrace.cli.corpus import events_table, narratives_table

    row = {"id": "N0123456789abcdef", "state": "went_quiet_unresolved", "first_date": "2031-04-17T08:00:00+00:00",
           "articles": ["a1", "a2"], "independent_outlets": ["x"], "languages": ["de", "en", "ru"],
           "claim": "A very long claim about a convoy " * 6}
    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(narratives_table([row], 80))
    console.print(narratives_table([row], 160))
    console.print(events_table([{"date": "2031-04-17T08:00", "type": "fact_checked", "verdict": "false",
                                 "source": "Ministry of Long Names " * 3, "outlet": "Velora Daily Herald", "article": "velora-herald-0042"}]))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert text.count("N0123456789abcdef") == 2 and "A very long claim" in text
    for whole in ("N0123456789abcdef", "went_quiet_unresolved", "2031-04-17", "2031-04-17T08:00", "velora-herald-0042"):
        assert whole in text, whole


@pytest.mark.parametrize("args, expected", [([], None), (["--profile", "full"], None), (["--profile", "corpus"], "corpus")])
def test_ingest_profile_chooses_the_stages(tmp_path, monkeypatch, example_corpus, gold_analyzer, args, expected):
    import narratrace.corpus.ingest_corpus as ic

    asked: list = []

    def analyzer_for(_engine, stages=None):
        asked.append(stages)
        return gold_analyzer

    monkeypatch.setattr(ic, "_default_analyzer", analyzer_for)
    folder = tmp_path / "in"
    folder.mkdir()
    first = sorted(example_corpus.iterdir())[0]
    (folder / first.name).write_bytes(first.read_bytes())
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'p.db'}", "corpus", "ingest", "-q", "--no-build", *args, str(folder)])
    assert result.exit_code == 0, result.output
    assert asked == [ic.CORPUS_PROFILE if expected == "corpus" else None]
    if expected == "corpus":
        assert "techniques.v1" not in ic.CORPUS_PROFILE and "images.v1" not in ic.CORPUS_PROFILE


def test_ingest_profile_is_checked_and_documented(tmp_path):
    bad = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'p.db'}", "corpus", "ingest", "--profile", "fast", str(tmp_path)])
    assert bad.exit_code == 2 and "fast" in bad.output
    text = re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─]", " ", CliRunner().invoke(app, ["corpus", "ingest", "--help"], terminal_width=200).stdout))
    assert "--profile" in text and "techniques.v1" in text and "images.v1" in text
