from __future__ import annotations

import json
from pathlib import Path

import pytest

from narratrace.errors import UnknownFormatError
from narratrace.factcheck.importers import detect_format, read_records, to_claimreview

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("claimreview.json", "claimreview"), ("factcheck_api.json", "claimreview"), ("euvsdisinfo.csv", "euvsdisinfo"), ("vclaims.jsonl", "vclaims")],
)
def test_detect_format(name, fmt):
    assert detect_format(FIXTURES / name) == fmt


def test_detect_format_rejects_other_csv(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(UnknownFormatError):
        detect_format(p)


def test_claimreview_jsonld_skips_malformed_and_keeps_rest():
    recs, problems = read_records(FIXTURES / "claimreview.json")
    assert [r.url for r in recs] == [
        "https://factcheck.example.org/2020/04/5g-coronavirus",
        "https://factcheck.example.org/2020/05/gates-microchips",
        "https://checkers.example.net/shark-highway",
    ]
    assert [p.where for p in problems if p.skipped] == ["item 3"]
    first = recs[0]
    assert first.verdict == "False" and first.publisher == "Example Fact Check"
    assert first.claimant == "Viral social media posts"
    assert first.review_date.date().isoformat() == "2020-04-06"
    assert first.claim_date.date().isoformat() == "2020-03-30"
    assert first.extra["bestRating"] == 5


def test_fact_check_tools_api_layout():
    recs, problems = read_records(FIXTURES / "factcheck_api.json")
    assert [r.claim for r in recs] == ["Eating bananas cures cancer.", "Drinking hot water every 15 minutes kills the coronavirus."]
    bananas = recs[0]
    assert (bananas.publisher, bananas.publisher_site, bananas.verdict) == ("Health Checks Example", "healthchecks.example.com", "False")
    assert bananas.claimant == "Health blog" and bananas.review_date.day == 10
    # an unreadable date is a warning (record kept, date dropped); an empty review list skips the claim
    warn = [p for p in problems if not p.skipped]
    assert len(warn) == 1 and "review_date" in warn[0].reason and recs[1].review_date is None
    assert sum(p.skipped for p in problems) == 1


def test_euvsdisinfo_csv():
    recs, problems = read_records(FIXTURES / "euvsdisinfo.csv")
    assert len(recs) == 2 and len(problems) == 2 and all(p.skipped for p in problems)
    biolabs = recs[0]
    assert biolabs.verdict == "Disinformation" and biolabs.extra["countries"] == ["Ukraine", "US"]
    assert biolabs.review_date.year == 2022


def test_vclaims_jsonl():
    recs, problems = read_records(FIXTURES / "vclaims.jsonl")
    assert [r.record_id for r in recs] == ["vclaim-test-eiffel-scrap", "vclaim-test-penguins-sahara"]
    assert recs[0].title == "Was the Eiffel Tower Sold for Scrap?" and recs[0].summary.startswith("A satirical")
    assert {p.where for p in problems} == {"line 3", "line 4"}


def test_export_round_trips_through_import(tmp_path):
    recs, _ = read_records(FIXTURES / "claimreview.json")
    out = tmp_path / "export.json"
    out.write_text(json.dumps([to_claimreview(r) for r in recs]))
    again, problems = read_records(out, "claimreview")
    assert not problems
    assert [(r.claim, r.verdict, r.publisher, r.review_date) for r in again] == [(r.claim, r.verdict, r.publisher, r.review_date) for r in recs]
