"""Parties: sources normalised to countries (by corpus evidence, never a list), outlets, people."""

from __future__ import annotations

from datetime import UTC, datetime

from narratrace.corpus.parties import PartyResolver, party_positions
from narratrace.corpus.records import Event

TEXTS = [
    "Dravia denied the report. Dravian troops were not there, the ministry said.",
    "Kestrian officials said the claim was true. Tolva, the Kestrian capital, was quiet. Kestria waits.",
    "Die dravische Regierung schwieg. В Марске отказались от комментариев. Марск, столица Дравии, молчит.",
    "Marsk is far away. Nordwire reported it first.",
]


def resolver() -> PartyResolver:
    return PartyResolver.from_texts(TEXTS, {"Nordwire", "Dravia Post"})


def test_countries_come_from_corpus_evidence():
    r = resolver()
    assert set(r.countries.values()) == {"Dravia", "Kestria"}  # "Marsk", "Tolva", "Nordwire": no adjective of theirs
    assert r.capitals["tolva"] == "kestr"


def test_state_organs_metonyms_and_scripts_meet():
    r = resolver()
    forms = ["the Dravian Defence Ministry", "Министерство обороны Дравии", "Dravias Regierung", "dravische Armee", "В Марске", "Marsk"]
    assert {r.resolve(f).name for f in forms} == {"Dravia"}
    assert r.resolve("the Dravian Defence Ministry").kind == "military"
    assert r.resolve("Kestria's foreign ministry spokeswoman").kind == "government"
    assert r.resolve("Kestrian intelligence").kind == "agency"
    assert r.resolve("Tolva").key == "country:kestr"


def test_outlets_people_and_the_publishers_voice():
    r = resolver()
    assert r.resolve(None, outlet="Nordwire").kind == "outlet"
    assert r.resolve("Dravia Post").kind == "outlet"  # an outlet named like a country is an outlet
    assert r.resolve("Berichten", outlet="Rundblick").name == "Rundblick"
    assert r.resolve("Lina Varo").kind == "other"
    r.learn_people([("Lina Varo", "Dravian foreign ministry spokeswoman Lina Varo")])
    assert r.resolve("Lina Varo").name == "Dravia"


def test_positions_change_over_time():
    d = lambda m, day: datetime(2031, m, day, tzinfo=UTC)  # noqa: E731
    ev = [Event(d(1, 2), "asserted", "a", "x", actor="Ostland"), Event(d(1, 3), "denied", "b", "y", actor="Dravia"),
          Event(d(2, 1), "denied", "c", "y", actor="Dravia"), Event(d(4, 1), "confirmed", "d", "y", actor="Dravia"),
          Event(d(4, 2), "confirmed", "e", "x", actor="Ostland")]
    parties = {p["party"]: p for p in party_positions(ev)}
    assert parties["Dravia"]["summary"] == "Dravia: denied 2031-01-03 → acknowledged 2031-04-01"
    assert parties["Dravia"]["positions"][0]["articles"] == ["b", "c"]
    assert parties["Ostland"]["summary"] == "Ostland: asserted 2031-01-02 → confirmed 2031-04-02"
