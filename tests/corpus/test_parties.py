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


def test_an_organ_of_state_makes_its_owner_a_country():
    r = PartyResolver.from_texts([
        "Teskia's cyber security agency said it had found the malware.",
        "Teskias Geheimdienst bestätigte den Fund. Разведка Тескии подтвердила это.",
        "Acme's sales office said nothing. The Ministry of Defence of Dravia spoke.",
    ])
    forms = ["Teskia's cyber security agency", "Teskias Geheimdienst", "Разведка Тескии"]
    assert {(r.resolve(f).name, r.resolve(f).kind) for f in forms} == {("Teskia", "agency")}
    assert r.resolve("Acme's sales office").kind == "other"  # a firm's office is no organ of state
    assert r.resolve("the Ministry of Defence").kind == "other"  # "Defence" owns nothing


def test_adjectives_whose_stem_differs_from_the_name_place_their_country():
    r = PartyResolver.from_texts(["Nothing here names a country."])
    same = [("the French foreign ministry", "France's government", "МИД Франции", "das französische Außenministerium"),
            ("Dutch intelligence", "die niederländische Regierung", "the Netherlands' embassy"),
            ("das polnische Außenministerium", "Польские военные", "Poland's army")]
    for forms in same:
        assert len({r.resolve(f).key for f in forms}) == 1, forms
        assert r.resolve(forms[0]).key.startswith("country:")
    assert r.resolve("Polish army").kind == "military" and r.resolve("Dutch intelligence").kind == "agency"


def test_cldr_places_no_country_wrongly_and_nothing_shared():
    from babel import Locale

    from narratrace.corpus.countries import country_code

    english = {t: n for t, n in Locale("en").territories.items() if len(t) == 2 and t.isalpha()}
    wrong = [(code, name) for code, name in english.items() if country_code(name) not in (None, code)]
    assert not wrong  # a country's own name never places another one
    placed = sum(country_code(name) == code for code, name in english.items() if " " not in name)
    assert placed / sum(" " not in n for n in english.values()) > 0.8
    # a stem two countries share places neither; a name is not a person's
    assert country_code("Korean") is None and country_code("George") is None
