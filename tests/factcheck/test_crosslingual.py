"""Team-written German and Russian queries must find the team-written English records."""

from __future__ import annotations

import pytest

from narratrace.factcheck.matcher import match_claims

CASES = [
    ("de", "5G-Mobilfunknetze verbreiten das Coronavirus.", "https://factcheck.example.org/2020/04/5g-coronavirus"),
    ("de", "Bill Gates will den Menschen mit der Corona-Impfung Mikrochips einpflanzen.", "https://factcheck.example.org/2020/05/gates-microchips"),
    ("de", "Ein Video zeigt einen Hai, der nach einem Hurrikan über eine überflutete Autobahn in Houston schwimmt.", "https://checkers.example.net/shark-highway"),
    ("ru", "Украина тайно разрабатывает биологическое оружие в лабораториях, которые финансируют США.", "https://euvsdisinfo.example/report/ukraine-biolabs/"),
    ("ru", "НАТО разместило ядерное оружие в странах Балтии.", "https://euvsdisinfo.example/report/nato-nukes-baltics/"),
    ("ru", "Эйфелеву башню продали на металлолом.", "vclaim-test-eiffel-scrap"),
]


@pytest.mark.parametrize(("lang", "query", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_query_in_other_language_finds_english_record(loaded_db, lang, query, expected):
    url, engine = loaded_db
    matches = match_claims(engine, url, [query], k=3)[0]
    assert matches[0].record.record_id == expected
    assert matches[0].record.language == "en"
    assert matches[0].similarity > matches[1].similarity  # by meaning, not by shared words
