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


def test_a_countrys_media_are_not_its_state_but_its_state_media_are():
    r = resolver()
    state = r.resolve("the Dravian foreign ministry").key
    media = ["a Dravian newspaper", "Dravian media", "die dravische Zeitung", "дравийские СМИ"]
    for form in media:
        party = r.resolve(form)
        assert party.kind == "media" and party.key != state and party.key.startswith("media:"), (form, party)
    assert len({r.resolve(f).key for f in media}) == 1
    for form in ("Dravian state television", "Dravia's state news agency", "the Dravian army's TV channel"):
        assert r.resolve(form).key == state, form


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


def test_demonyms_place_their_country_and_shared_ones_none():
    r = PartyResolver.from_texts(["Nothing here names a country."])
    same = [("British officials", "the United Kingdom's government", "UK officials"),
            ("American intelligence", "the United States", "разведка США"),
            ("Swiss authorities", "Switzerland's army")]
    for forms in same:
        keys = {r.resolve(f).key for f in forms}
        assert len(keys) == 1 and next(iter(keys)).startswith("country:"), forms
    assert r.resolve("British officials").kind == "officials" and r.resolve("American intelligence").kind == "agency"
    # the demonym of two states of like size, and a stem two countries share, place nothing
    assert not r.resolve("Congolese army").key.startswith("country:")
    assert not r.resolve("Austrian officials").key.startswith("country:")
    # an acronym that is no country's short name, and a lower-case word, are no country
    for form in ("IS fighters", "UN officials", "PR firm", "they told us"):
        assert not r.resolve(form).key.startswith("country:"), form


def test_every_demonym_places_one_of_its_own_countries():
    from countryinfo import CountryInfo

    from narratrace.corpus.countries import country_code

    owners: dict[str, set[str]] = {}
    for info in CountryInfo.all().values():
        for word in (info.get("demonym") or "").replace("/", ",").split(","):
            owners.setdefault(word.strip(), set()).add(info["ISO"]["alpha2"])
    placed = {w: country_code(w) for w in owners if w and " " not in w}
    assert not [(w, c) for w, c in placed.items() if c is not None and c not in owners[w]]
    assert sum(c is not None for c in placed.values()) / len(placed) > 0.7


KOREAS = [
    "South Korea's intelligence service said North Korean troops were sent to Ostland. North Korea denied it.",
    "Südkoreas Geheimdienst meldete nordkoreanische Soldaten in Ostland. Das nordkoreanische Außenministerium bestritt es.",
    "Разведка Республики Корея сообщила о военных КНДР. МИД КНДР это отрицает.",
    "The Korean peninsula was calm. Korea was quiet.",
]


def test_countries_named_in_several_words_are_apart_from_their_neighbours():
    r = PartyResolver.from_texts(KOREAS)
    south = ["South Korean intelligence", "South Korea's intelligence service", "Südkoreas Geheimdienst",
             "der südkoreanische Geheimdienst", "Разведка Республики Корея"]
    north = ["North Korea's foreign ministry", "North Korean troops", "Nordkoreas Außenministerium",
             "das nordkoreanische Außenministerium", "МИД КНДР"]
    south_keys, north_keys = {r.resolve(f).key for f in south}, {r.resolve(f).key for f in north}
    assert len(south_keys) == 1 and len(north_keys) == 1 and south_keys != north_keys, (south_keys, north_keys)
    assert all(k.startswith("country:") for k in south_keys | north_keys)
    # the head two countries share is neither of them, nor a country of its own
    assert not r.resolve("Korea").key.startswith("country:")
    assert not r.resolve("Korean officials").key.startswith("country:")
    assert r.country_of("South Korea said North Korea denied it") == next(iter(south_keys)).split(":")[1]
    assert len(r.countries_in("South Korea said North Korea denied it")) == 2


RUSSIAN_KOREAS = [
    "Разведка Южной Кореи сообщила, что военные Северной Кореи воюют в Остланде.",
    "МИД Северной Кореи назвал эти сообщения ложью. В Южной Корее ждут подтверждения.",
    "Переговоры Северной Кореей и Южной Кореей не начинались. Посольство Республики Корея молчит.",
    "Северокорейские военные воюют в Остланде, сообщила Южнокорейская разведка. Корейские эксперты молчат.",
]


def test_every_case_form_of_a_russian_name_of_several_words_places_its_country():
    r = PartyResolver.from_texts(RUSSIAN_KOREAS + KOREAS[:1])
    north = ["МИД Северной Кореи", "Министерство обороны Северной Кореи", "власти Северной Кореей",
             "Северная Корея", "North Korea's foreign ministry", "МИД КНДР", "Северокорейские военные",
             "Північнокорейські військові"]
    south = ["разведка Южной Кореи", "Минобороны Южной Корее", "Южная Корея", "посольство Республики Корея",
             "South Korea's intelligence service", "Южнокорейская разведка", "Південнокорейська розвідка"]
    north_keys, south_keys = {r.resolve(f).key for f in north}, {r.resolve(f).key for f in south}
    assert len(north_keys) == 1 and len(south_keys) == 1 and north_keys != south_keys, (north_keys, south_keys)
    assert all(k.startswith("country:") for k in north_keys | south_keys)
    assert r.resolve("разведка Южной Кореи").kind == "agency"
    # the word both names share places neither
    assert not r.resolve("Кореи").key.startswith("country:")
    assert not r.resolve("власти Кореи").key.startswith("country:")
    assert not r.resolve("Корейские эксперты").key.startswith("country:")  # the adjective of the shared word
    assert r.resolve("Северокорейские военные").kind == "military"
    # a source written in lower case is a party when it names a country, else the outlet's voice
    assert r.resolve("северокорейские военные").key in north_keys
    assert r.resolve("южнокорейская разведка").key in south_keys
    assert r.resolve("berichten zufolge", outlet="Nordwire").key == "outlet:Nordwire"


def _sharing_a_word(locale: str) -> list[tuple[str, str]]:
    """CLDR country names of ``locale`` that share a word with another's, one name of several words at least."""
    from babel import Locale

    from narratrace.corpus.countries import _stem

    names = {t: n for t, n in Locale(locale).territories.items() if len(t) == 2 and t.isalpha() and t not in {"EU", "EZ", "UN"}}
    words = {t: {_stem(w) for w in n.replace("-", " ").split() if len(w) >= 4} for t, n in names.items()}
    return sorted({(names[a], names[b]) for a in names for b in names
                   if a < b and words[a] & words[b] and (" " in names[a] or " " in names[b])})


def test_cldr_names_that_share_a_word_never_resolve_to_one_party():
    for locale in ("en", "de", "ru", "uk"):
        pairs = _sharing_a_word(locale)
        assert len(pairs) > 10  # North/South Korea, Sudan/South Sudan, the Guineas, the Congos, ...
        r = PartyResolver.from_texts([f"{a} denied it. {b} said so." for a, b in pairs])
        merged = [(a, b) for a, b in pairs
                  if r.resolve(a).key == r.resolve(b).key or r.resolve(f"{a}'s government").key == r.resolve(f"{b}'s army").key]
        assert not merged, merged
        several = {n for pair in pairs for n in pair if " " in n}
        placed = sum(r.resolve(n).key.startswith("country:") for n in several)
        assert placed / len(several) > 0.9


def test_swapping_the_two_names_swaps_only_the_names():
    def swap(text: str) -> str:
        return text.replace("North", "\0").replace("South", "North").replace("\0", "South")

    forms = ["South Korean intelligence", "North Korea's foreign ministry", "the North Korean army", "Korea", "Ostland"]
    texts = KOREAS[:1] + ["North Korea's army was on the move. South Korean officials watched."]
    r, swapped = PartyResolver.from_texts(texts), PartyResolver.from_texts([swap(t) for t in texts])
    for form in forms:
        a, b = r.resolve(form), swapped.resolve(swap(form))
        assert (swap(a.name), a.kind) == (b.name, b.kind), form
