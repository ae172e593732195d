"""The analyze command end to end, through a real subprocess: exit codes and one-line errors."""

import json
import subprocess
import sys

import pytest

FOUNDATION = "language.v1,segment.v1,entities.v1,sources.v1,quotes.v1,hedges.v1"


def run(*args, stdin: bytes | None = None, env_db: str | None = None):
    import os

    env = dict(os.environ)
    if env_db:
        env["NARRATRACE_DB"] = env_db
    return subprocess.run([sys.executable, "-m", "narratrace", *args], input=stdin, capture_output=True, timeout=300, env=env)


def one_error_line(result) -> str:
    err = result.stderr.decode()
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_analyze_writes_json_html_and_stores_idempotently(examples_dir, tmp_path):
    db = f"sqlite:///{tmp_path / 'nt.db'}"
    out, html = tmp_path / "r.json", tmp_path / "r.html"
    for _ in range(2):
        result = run("--db", db, "analyze", str(examples_dir / "news_report.txt"), "--json", str(out), "--html", str(html), "--stages", FOUNDATION)
        assert result.returncode == 0, result.stderr.decode()
    assert "Sources cited" in result.stdout.decode()
    report = json.loads(out.read_text())
    assert report["schema"].startswith("narratrace.analysis/")
    assert report["article"]["text"].startswith("Grain convoy stopped")
    assert html.read_text().startswith("<!DOCTYPE html>")
    import sqlalchemy as sa

    engine = sa.create_engine(db)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM articles")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM analyses")).scalar_one() == 1


def test_json_to_stdout_is_pure_json(examples_dir):
    result = run("analyze", str(examples_dir / "german_article.txt"), "--json", "-", "--no-store", "--stages", FOUNDATION)
    assert result.returncode == 0
    assert json.loads(result.stdout)["language"] == "de"


def test_stdin_text():
    result = run("analyze", "-", "--json", "-", "--no-store", "--stages", FOUNDATION,
                 stdin=b"Officials reportedly denied the claim on Monday evening.")
    assert result.returncode == 0
    assert json.loads(result.stdout)["markers"][0]["cue"] == "reportedly"


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
        (bytes(range(256)) * 40, "binary"),
        (b'{"title": "no text field"}', "no 'text'"),
        (b'[{"text": "ok"', "invalid JSON"),
    ],
)
def test_bad_single_file_gives_one_clear_line(tmp_path, content, expected):
    path = tmp_path / ("bad.json" if content.startswith((b"{", b"[")) else "bad.txt")
    path.write_bytes(content)
    result = run("analyze", str(path), "--no-store")
    assert result.returncode == 1
    line = one_error_line(result)
    assert line.startswith("error: [E1") and expected in line


def test_fifty_megabyte_file_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.write(b"word " * (10 * 1024 * 1024))
    result = run("analyze", str(path), "--no-store")
    assert result.returncode == 1
    assert "MB limit" in one_error_line(result)


def test_legacy_encoding_is_handled_with_a_note(tmp_path):
    path = tmp_path / "cp1251.txt"
    path.write_bytes(("Министерство обороны опровергло сообщения о переброске войск в регион. " * 4).encode("cp1251"))
    result = run("analyze", str(path), "--json", "-", "--no-store", "--stages", FOUNDATION)
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["language"] == "ru"
    assert any("legacy encoding" in n for n in report["article"]["notes"])


def test_folder_analyses_good_files_and_lists_bad_ones(examples_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text((examples_dir / "news_report.txt").read_text())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "nul.txt").write_bytes(b"\x00" * 500)
    out = tmp_path / "reports"
    result = run("analyze", str(folder), "--out", str(out), "--no-store", "-q", "--stages", FOUNDATION)
    assert result.returncode == 3, result.stderr.decode()  # some refused, the rest analysed
    assert len(list(out.glob("*.html"))) == 1 and len(list(out.glob("*.json"))) == 1
    err = result.stderr.decode()
    assert "empty.txt" in err and "nul.txt" in err and "Traceback" not in err


def test_unknown_stage_and_missing_file_are_clear(tmp_path):
    result = run("analyze", str(tmp_path / "nope.txt"), "--no-store")
    assert result.returncode == 1 and "does not exist" in one_error_line(result)
    (tmp_path / "a.txt").write_text("Some words here.")
    result = run("analyze", str(tmp_path / "a.txt"), "--no-store", "--stages", "nope.v9")
    assert result.returncode == 1 and "unknown stage" in one_error_line(result)


def test_help_everywhere():
    for args in (["--help"], ["analyze", "--help"], ["eval", "--help"], ["stages", "--help"]):
        result = run(*args)
        assert result.returncode == 0 and "Usage" in result.stdout.decode()


def test_csv_export_reads_back_with_the_csv_module(examples_dir, tmp_path):
    import csv

    stages = "language.v1,segment.v1,attribution.v1,stance.v1,evidence.v1,claims.v1,checkworthiness.v1"
    result = run("analyze", str(examples_dir / "news_report.txt"), "--no-store", "-q", "--stages", stages,
                 "--csv", str(tmp_path / "out.csv"), "--json", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads((tmp_path / "r.json").read_text())

    def rows(name):
        with (tmp_path / f"out-{name}.csv").open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    claims, ranked, techniques = rows("claims"), rows("checkworthy"), rows("techniques")
    assert [c["claim"] for c in claims] == [" ".join(c["text"].split()) for c in report["claims"]]
    assert {c["article_id"] for c in claims} == {report["article"]["id"]}
    scores = [float(r["score"]) for r in ranked]
    assert scores and scores == sorted(scores, reverse=True) and [r["rank"] for r in ranked] == [str(i) for i in range(1, len(ranked) + 1)]
    assert len(ranked) == sum(1 for s in report["sentences"] if s["checkworthiness"] is not None)
    assert techniques == []  # techniques.v1 did not run: a header row only
    with (tmp_path / "out-techniques.csv").open(encoding="utf-8") as fh:
        assert fh.readline().startswith("article_id,technique,")


def test_out_names_reports_after_their_inputs(examples_dir, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    text = (examples_dir / "news_report.txt").read_text()
    (folder / "grain.txt").write_text(text)
    (folder / "sub" / "grain.txt").write_text(text.replace("Grain", "Wheat"))
    (folder / "notes.txt").write_text(text.replace("Grain", "Barley"))
    out = tmp_path / "reports"
    result = run("analyze", str(folder), "--out", str(out), "--no-store", "-q", "--stages", "language.v1,segment.v1")
    assert result.returncode == 0, result.stderr.decode()
    assert sorted(p.name for p in out.iterdir()) == ["grain-2.html", "grain-2.json", "grain.html", "grain.json", "notes.html", "notes.json"]
    assert "3 report(s)" in result.stderr.decode() and not result.stdout.strip()


def test_eval_list_option_and_old_spelling():
    from typer.testing import CliRunner

    from narratrace.cli import app

    new = CliRunner().invoke(app, ["eval", "--list"])
    old = CliRunner().invoke(app, ["eval", "list"])
    assert new.exit_code == old.exit_code == 0 and "claim-retrieval" in new.stdout
    assert old.stdout == new.stdout and "deprecated" in old.stderr and "deprecated" not in new.stderr


def test_folder_is_analysed_in_batches_with_the_results_of_one_at_a_time(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import narratrace.cli.analyze as cli_analyze
    from narratrace.analyze.pipeline import Pipeline
    from narratrace.api import analyze_article
    from narratrace.cli import app
    from narratrace.ingest import read_path
    from narratrace.report.json_report import analysis_to_dict

    folder = tmp_path / "in"
    folder.mkdir()
    texts = {
        "a.txt": "The Harbour Authority of Corvia said on Monday that 300 tonnes of grain had left the port.",
        "b.txt": "Minister Alda Renk denied the report. \"No convoy was stopped,\" she told reporters in Tessin.",
        "c.txt": "Die Behörde in Marlo teilte mit, dass der Damm am Dienstag beschädigt wurde.",
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    batches: list[int] = []
    real_pipe = Pipeline.pipe

    def counting_pipe(self, articles, *, batch_size=32):
        articles = list(articles)
        batches.append(len(articles))
        return real_pipe(self, articles, batch_size=batch_size)

    monkeypatch.setattr(cli_analyze, "BATCH_SIZE", 2)
    monkeypatch.setattr(Pipeline, "pipe", counting_pipe)
    out = tmp_path / "reports"
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'nt.db'}", "analyze", str(folder), "--out", str(out),
                                      "--no-store", "-q", "--stages", FOUNDATION])
    assert result.exit_code == 0, result.output
    assert batches == [2, 1]  # three articles, two Pipeline.pipe calls
    monkeypatch.setattr(Pipeline, "pipe", real_pipe)
    for name in texts:
        (article,) = read_path(folder / name)
        alone = _rounded(analysis_to_dict(analyze_article(article, stages=FOUNDATION.split(","))))
        batched = _rounded(json.loads((out / f"{name[0]}.json").read_text(encoding="utf-8")))
        assert batched == alone


def _rounded(value):
    """``value`` with floats to 9 digits: lingua's confidences differ in the last bit from call to call."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value
