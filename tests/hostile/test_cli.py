"""Command-line behaviour on hostile input: exit codes, safe terminal output, `--out` never overwrites."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from narratrace.cli import app
from narratrace.model import Analysis

GOOD = "Officials denied the report on Tuesday, the ministry said."


@pytest.fixture(autouse=True)
def stub_pipeline(monkeypatch):
    """Analyses without models (the CLI's behaviour is under test, not the stages)."""
    import narratrace.api
    import narratrace.corpus.ingest_corpus as ic

    def stub(article, **_):
        return Analysis(article=article, stages=["stub.v1"])

    monkeypatch.setattr(narratrace.api, "analyze_article", stub)
    monkeypatch.setattr(ic, "_default_analyzer", lambda _engine: stub)


def _invoke(*args):
    return CliRunner().invoke(app, list(args))


def test_out_names_reports_after_inputs_and_never_overwrites(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        (tmp_path / "in" / sub / "same name.txt").write_text(f"{GOOD} ({sub})")
    out = tmp_path / "out"
    out.mkdir()
    (out / "same_name.json").write_text("keep me")
    result = _invoke("analyze", str(tmp_path / "in"), "--out", str(out), "--no-store", "-q")
    assert result.exit_code == 0, result.output
    assert (out / "same_name.json").read_text() == "keep me"
    written = sorted(p.name for p in out.glob("*.json"))
    assert written == ["same_name-2.json", "same_name-3.json", "same_name.json"]
    texts = {json.loads((out / n).read_text())["article"]["text"] for n in written if n != "same_name.json"}
    assert texts == {f"{GOOD} (a)", f"{GOOD} (b)"}


def test_analyze_exit_codes_and_control_characters(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    assert _invoke("analyze", str(folder), "--out", str(tmp_path / "o1"), "--no-store", "-q").exit_code == 0
    (folder / "evil\x1b]0;owned\x07.txt").write_bytes(b"")
    some = _invoke("analyze", str(folder), "--out", str(tmp_path / "o2"), "--no-store", "-q")
    assert some.exit_code == 3 and "evil" in some.output and "\x1b" not in some.output and "\x07" not in some.output
    (folder / "good.txt").unlink()
    nothing = _invoke("analyze", str(folder), "--no-store", "-q")
    assert nothing.exit_code == 1 and "\x1b" not in nothing.output


def test_ingest_exit_codes(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    good, mixed, bad = (tmp_path / n for n in ("good", "mixed", "bad"))
    for folder in (good, mixed, bad):
        folder.mkdir()
    (good / "a.jsonl").write_text(json.dumps({"id": "a", "text": GOOD}))
    (mixed / "b.jsonl").write_text(json.dumps({"id": "b", "text": GOOD + " b"}) + "\n" + json.dumps({"text": 5}))
    (bad / "c.jsonl").write_text(json.dumps({"text": 5}) + "\n" + json.dumps({"url": 42}))
    assert _invoke("--db", db, "corpus", "ingest", "-q", "--no-build", str(good)).exit_code == 0
    some = _invoke("--db", db, "corpus", "ingest", "-q", "--no-build", str(mixed))
    assert some.exit_code == 3 and "record 2" in some.output
    nothing = _invoke("--db", db, "corpus", "ingest", "-q", "--no-build", str(bad))
    assert nothing.exit_code == 1 and "nothing usable" in nothing.output
    assert "SELECT" not in nothing.output and "INSERT" not in nothing.output


@pytest.mark.timeout(120)
def test_exit_codes_reach_the_shell_and_names_are_printed_safely(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.jsonl").write_text(json.dumps({"id": "ok", "text": GOOD}))
    (folder / "evil\x1b[2J\x1b]0;owned\x07.txt").write_bytes(b"")
    db = f"sqlite:///{tmp_path / 's.db'}"
    result = subprocess.run([sys.executable, "-m", "narratrace", "--db", db, "corpus", "ingest", "--no-analyze", "--no-build", "-q", str(folder)],
                            capture_output=True, timeout=100)
    assert result.returncode == 3, result.stderr.decode()
    output = result.stdout + result.stderr
    assert b"evil" in output and b"\x1b" not in output and b"\x07" not in output
