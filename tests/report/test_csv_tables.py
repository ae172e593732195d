"""CSV tables of analyses and narratives: header rows, one row per item, read back with csv."""

from __future__ import annotations

import csv

from narratrace.model import Analysis, Article, Claim, Sentence, TechniqueSpan
from narratrace.report.csv_tables import analysis_tables, narrative_tables, write_tables

TEXT = "Ministers of Velmora say the dam is safe. Everyone knows it will burst,\nsaid a blogger."


def _analysis() -> Analysis:
    article = Article(TEXT, id="velmora-1")
    return Analysis(
        article=article,
        sentences=[Sentence(0, 41, checkworthiness=0.2), Sentence(42, len(TEXT), checkworthiness=0.9)],
        claims=[Claim(0, 41, TEXT[:41], checkworthiness=0.2)],
        techniques=[TechniqueSpan(42, 58, "Appeal_to_Popularity", 0.71, "an appeal to what everyone knows", family="justification")],
    )


def _read(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_analysis_tables_round_trip(tmp_path):
    files = write_tables(analysis_tables([_analysis(), _analysis()]), tmp_path / "a.csv")
    assert [f.name for f in files] == ["a-claims.csv", "a-checkworthy.csv", "a-techniques.csv"]
    ranked = _read(tmp_path / "a-checkworthy.csv")
    assert [(r["rank"], r["score"]) for r in ranked[:2]] == [("1", "0.9"), ("2", "0.2")]
    assert ranked[0]["sentence"] == "Everyone knows it will burst, said a blogger."  # one line
    techniques = _read(tmp_path / "a-techniques.csv")
    assert len(techniques) == 2 and techniques[0]["span_text"] == "Everyone knows i"
    assert techniques[0]["technique"] == "Appeal_to_Popularity" and techniques[0]["quoted_by"] == ""
    claims = _read(tmp_path / "a-claims.csv")
    assert claims[0]["claim"] == TEXT[:41] and claims[0]["end"] == "41" and claims[0]["stance"].startswith("asserts")


def test_narrative_tables_have_one_event_row_each(tmp_path):
    record = {"id": "N1", "claim": "The dam\nwill burst", "state": "contested", "articles": ["a", "b"],
              "events": [{"date": "2031-01-02", "type": "asserted", "article": "a", "span": [3, 9]},
                         {"date": None, "type": "denied", "article": "b", "span": [0, 4], "verdict": None}]}
    write_tables(narrative_tables([record]), tmp_path / "n")
    (narrative,) = _read(tmp_path / "n-narratives.csv")
    assert narrative["claim"] == "The dam will burst" and narrative["articles"] == "a;b"
    events = _read(tmp_path / "n-events.csv")
    assert [(e["type"], e["start"], e["date"]) for e in events] == [("asserted", "3", "2031-01-02"), ("denied", "0", "")]
