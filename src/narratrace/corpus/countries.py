"""Country names and nationality adjectives of every ISO 3166 country, from CLDR (Babel).

:mod:`narratrace.corpus.parties` places a source with its country from what the corpus
says ("Dravia"/"Dravian"); that misses adjectives whose stem differs from the country's
name ("French"/"France", "Dutch"/"Netherlands", "polnische"/"Polen",
"французские"/"Франция"). This table covers every country alike, from two CLDR tables:

- the country's own name in each of :data:`LOCALES` ("France", "Frankreich", "Франция"),
  with its inflected forms (Latin script: the name or its genitive "Frankreichs";
  Cyrillic: the stem before a final vowel, so "Франции", "российские" meet "Франция",
  "Россия");
- the name of the language whose *likely territory* (CLDR ``likely_subtags``) is the
  country and which is official there, which is that country's adjective in these
  languages ("French", "französische", "французские"; "Dutch", "niederländische").

Demonyms CLDR lacks ("British", "American", "Swiss") come from countryinfo's English
demonym of every country and territory (:func:`_demonyms`); one that several share names the
one at least :data:`DEMONYM_POPULATION_RATIO` times as populous as each other (a state and
its small territories), else none ("Congolese").

A 5-letter stem (:data:`STEM_LETTERS`) that two countries share -- "Austria"/"Australia",
"Portuguese" (Portugal, and Brazil where CLDR places the language; "Portugal" still
places), "Korean" (South Korea,
and "North Korea", a name of a modifier and "Korea") -- places nothing: a wrong country is
worse than none. A modifier is a word of at least :data:`MODIFIER_NAMES` multi-word names
of a locale ("North", "Islands", "French" of "French Guiana"); other multi-word names
("Caribbean Netherlands") share nothing. A language that is only *de facto* official where CLDR places it (English in
the United States) is no adjective of that country.

>>> country_code("französischen"), country_code("Dutch"), country_code("Франции"), country_code("nordkoreanische")
('FR', 'NL', 'FR', 'KP')
>>> country_code("British"), country_code("American"), country_code("Congolese")
('GB', 'US', None)
>>> country_code("Korean") is None, country_code("George") is None
(True, True)

A name of several words ("North Korea", "Dominican Republic", "Corée du Sud",
"Республика Корея", and the ISO 3166 names and common names of pycountry's translations,
"Северная Корея", which CLDR's Russian lacks) is matched as a whole by
:func:`country_phrases`, word by word on stems, before any single word: "North Korean
troops" -> KP, "South Korea's service" -> KR. A Cyrillic word's stem is its Russian Snowball
stem without final vowels, so every case form meets: "Северной Кореи", "Южной Корее",
"Соединённых Штатов". The one-word Russian/Ukrainian compound of such a name whose first
word is an adjective places it too ("северокорейские", "південнокорейська", "новозеландский";
:func:`_compounds`), and a Cyrillic adjective of a word several names share ("корейские")
places nothing.

>>> country_code("Северокорейские"), country_code("южнокорейская"), country_code("корейские")
('KP', 'KR', None)

A word that names of several countries share (:func:`shared_stem`: "Korea", "Congo",
"Republic") is no country on its own (a country's own one-word name, "Guinea", still is).

>>> [code for _, _, code in country_phrases("North Korean troops; South Korea's service")]
['KP', 'KR']
>>> [code for _, _, code in country_phrases("МИД Северной Кореи; разведка Южной Кореи")]
['KP', 'KR']
>>> shared_stem("Korea"), shared_stem("Kestria")
(True, False)
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache

import snowballstemmer

from narratrace.corpus.similarity import translit

# The locales whose one-word all-capital names are short names of their country (the
# corpus tools' languages: "США", "КНДР").
INITIALS_LOCALES = ("en", "de", "ru", "uk")
# The locales whose country names and adjectives are read (the corpus tools' languages and
# those of the name gazetteer).
LOCALES = ("en", "de", "ru", "fr", "it", "pl", "uk")
STEM_LETTERS = 5
# A word found in at least this many multi-word country names of a locale is a modifier.
MODIFIER_NAMES = 3
# A demonym shared by several territories names the one this many times as populous as each other.
DEMONYM_POPULATION_RATIO = 1000
_DEMONYM_SPLIT = re.compile(r"[,/]")
# Region codes of CLDR that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
_PARTS = re.compile(r"[\s-]+")
_CYRILLIC = re.compile(r"[а-яёіїє]", re.I)
_CYRILLIC_VOWEL_END = re.compile(r"[аяыиьйоеую]$", re.I)
# German adjective endings after "-isch" ("französische", "polnischen").
_DE_ADJ_ENDINGS = ("", "e", "en", "er", "es", "em")
# Letters a Russian/Ukrainian inflection adds after the stem ("Франци|и", "российск|ие").
_CYRILLIC_MAX_ENDING = 6
# Vowels (Russian and Ukrainian) cut from the end of a Cyrillic word's Snowball stem, and the
# shortest key so cut ("Кореи" -> "кор"; a shorter one keeps the whole word: "и", "Сан").
_CYRILLIC_VOWELS = "аеиоуыэюяіїєйь"
_CYRILLIC_MIN_KEY = 3
# An adjective's ending in a Russian/Ukrainian country name ("Северная", "Південна").
_CYRILLIC_ADJECTIVE = re.compile(r"(?:ая|яя|ый|ий|ое|ие|на|ня|ний|ный)$", re.I)
# Letters that index the beginnings of compound adjectives.
_COMPOUND_INDEX = 3
_NAME_WORD = re.compile(r"[^\W\d_]+", re.U)


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    return translit(word.strip("'’"))[:STEM_LETTERS]


@lru_cache(maxsize=1 << 16)
def _key(word: str) -> str:
    """A word's key in a name of several words: its 5-letter stem; a Cyrillic word's Snowball
    stem without its final vowels, so every case form meets ("Корея"/"Кореи"/"Корее": "kor",
    "Северная"/"Северной": "severn", "Сполучені"/"Сполучених": "spoluchen")."""
    if not _CYRILLIC.search(word):
        return translit(word)[:STEM_LETTERS]
    low = word.casefold().replace("ё", "е")
    stem = _russian_stem(low).rstrip(_CYRILLIC_VOWELS)
    return translit(stem if len(stem) >= _CYRILLIC_MIN_KEY else low)


@cache
def _russian() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("russian")


def _russian_stem(word: str) -> str:
    return _russian().stemWord(word)


@cache
def _territories() -> tuple[str, ...]:
    """CLDR's country codes (no continents, unions or placeholders)."""
    from babel import Locale

    return tuple(t for t in Locale(LOCALES[0]).territories if len(t) == 2 and t.isalpha() and t not in _NOT_COUNTRIES)


def _name_forms(locales: list, territories: list[str], owners: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    """Single-word country names as (form, "name", code); fills ``owners`` (stem -> codes)."""
    forms = []
    for loc in locales:
        names = {t: _PARTS.split(loc.territories.get(t, "")) for t in territories}
        # a word of many names ("North", "South", "Islands", "French" of "French Guiana")
        # is a modifier; the other words of such a name are what it shares with a
        # country: "North Korea" shares "Korea" with "South Korea" and "Korean"
        counts = Counter(_stem(w) for words in names.values() if len(words) > 1 for w in set(words))
        for t, words in names.items():
            if len(words) == 1 and len(words[0]) >= 4:
                forms.append((words[0], "name", t))
                owners.setdefault(_stem(words[0]), set()).add(t)
            elif any(counts[_stem(w)] >= MODIFIER_NAMES for w in words):
                for w in words:
                    if counts[_stem(w)] < MODIFIER_NAMES:
                        owners.setdefault(_stem(w), set()).add(t)
    return forms


def _adjective_forms(locales: list, territories: set[str], adjectives: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    """Language names that are their likely country's adjective, as (form, "adjective", code)."""
    from babel.core import get_global

    likely, official = get_global("likely_subtags"), get_global("territory_languages")
    forms = []
    for lang in locales[0].languages:
        territory = likely.get(lang, "").split("_")[-1]
        if "_" in lang or territory not in territories:
            continue
        if (official.get(territory, {}).get(lang) or {}).get("official_status") != "official":
            continue
        for loc in locales:
            adj = loc.languages.get(lang, "")
            if adj and " " not in adj and len(adj) >= 4:
                adjectives.setdefault(_stem(adj), set()).add(territory)
                forms.append((adj, "adjective", territory))
    return forms


def _ambiguous_keys(forms: list[tuple[str, str, str]]) -> tuple[str, ...]:
    """Keys of Cyrillic words that several countries' names share and no country's one-word
    name has ("Корея": "kor"), which a Cyrillic adjective must not be derived from to place
    a country."""
    from babel import Locale

    owners: dict[str, set[str]] = {}
    for code in ("ru", "uk"):
        loc, iso = Locale(code), _iso_names(code)
        for t in _territories():
            for name in (loc.territories.get(t, ""), *iso.get(t, ())):
                for w in _NAME_WORD.findall(name):
                    owners.setdefault(_key(w), set()).add(t)
    named = {_key(form) for form, kind, _ in forms if kind == "name"}
    return tuple(k for k, codes in owners.items() if len(codes) > 1 and len(k) >= _CYRILLIC_MIN_KEY and k not in named)


def _derived_from(key: str, words: tuple[str, ...]) -> bool:
    """Whether ``key`` begins with one of ``words`` and is not that word itself (an adjective
    that names of several countries use as their first word, "Французская Гвиана", is still
    its own country's)."""
    return any(key.startswith(w) and key != w for w in words)


def _demonyms(territories: set[str]) -> dict[str, str]:
    """English one-word demonyms (countryinfo) -> code ("British" -> GB, "Dutch" -> NL).

    A demonym several countries or territories share belongs to the one with at least
    :data:`DEMONYM_POPULATION_RATIO` times the population of every other ("American": the
    United States, not the Northern Mariana Islands), else to none ("Congolese").
    """
    from countryinfo import CountryInfo

    people: dict[str, dict[str, int]] = {}  # demonym -> code -> population
    for info in CountryInfo.all().values():
        code = (info.get("ISO") or {}).get("alpha2")
        if code not in territories:
            continue
        for word in _DEMONYM_SPLIT.split(info.get("demonym") or ""):
            if len(word := word.strip()) >= 4 and " " not in word:
                codes = people.setdefault(word, {})
                codes[code] = max(codes.get(code, 0), int(info.get("population") or 0))
    out = {}
    for word, codes in people.items():
        ranked = sorted(codes.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or ranked[0][1] >= DEMONYM_POPULATION_RATIO * max(ranked[1][1], 1):
            out[word] = ranked[0][0]
    return out


def _add_demonyms(exact: dict[str, str], forms: list[tuple[str, str, str]], adjectives: dict[str, set[str]],
                  territories: set[str]) -> None:
    """Add the demonyms whose stem no other country's one-word name or adjective has."""
    names: dict[str, set[str]] = {}
    for form, kind, code in forms:
        if kind == "name":
            names.setdefault(_stem(form), set()).add(code)
    for word, code in _demonyms(territories).items():
        stem, low = _stem(word), word.casefold()
        if (names.get(stem, set()) | adjectives.get(stem, set())) - {code} or exact.get(low, code) != code:
            continue
        exact[low] = code
        exact.setdefault(low + "s", code)


@cache
def _table() -> tuple[dict[str, str], dict[str, list[tuple[str, str]]], dict[str, str]]:
    """(exact Latin forms -> code, stem -> [(Cyrillic prefix, code)], code -> English name)."""
    from babel import Locale

    locales = [Locale(code) for code in LOCALES]
    territories = list(_territories())
    owners: dict[str, set[str]] = {}  # stem -> codes whose names have it
    adjectives: dict[str, set[str]] = {}  # stem -> codes whose adjectives have it
    forms = _name_forms(locales, territories, owners) + _adjective_forms(locales, set(territories), adjectives)
    exact: dict[str, str] = {}
    prefixes: dict[str, list[tuple[str, str]]] = {}
    ambiguous = _ambiguous_keys(forms)
    for form, kind, code in forms:
        stem = _stem(form)
        # a stem two countries share places nothing; a name keeps its country when only an
        # adjective shares its stem ("Portugal" stays, "Portuguese" goes)
        if len(owners.get(stem, set()) | (adjectives.get(stem, set()) if kind == "adjective" else set())) != 1:
            continue
        if kind == "adjective" and _CYRILLIC.search(form) and _derived_from(_key(form), ambiguous):
            continue  # "корейские": the word of "Северная Корея" and "Республика Корея"
        low = form.casefold()
        if _CYRILLIC.search(low):
            cut = low[:-2] if kind == "adjective" else (low[:-1] if _CYRILLIC_VOWEL_END.search(low) else low)
            prefixes.setdefault(stem, []).append((cut, code))
        elif kind == "adjective" and low.endswith("sch"):  # German: "Deutsch", "Polnisch"
            exact.update({low + end: code for end in _DE_ADJ_ENDINGS})
        else:
            exact.update({low: code, low + "s": code})
            if kind == "name":  # German adjectives of a name: "nordkorea|nisch|e", "italien|isch|e", "kanad|isch"
                for base in (low + "n", low, low[:-1]):
                    for end in _DE_ADJ_ENDINGS:
                        exact.setdefault(base + "isch" + end, code)
    _add_demonyms(exact, forms, adjectives, set(territories))
    return exact, prefixes, {t: locales[0].territories[t] for t in territories}


def country_code(word: str) -> str | None:
    """The ISO code of the country that ``word`` names or is an adjective of, if one only.

    Latin-script words must be a name, its genitive, or an adjective exactly (so "George"
    is not "Georgia"); Cyrillic ones may carry an inflection after the name's stem.
    """
    exact, prefixes, _ = _table()
    bare = word.strip("'’").removesuffix("'s").removesuffix("’s")
    if len(bare) >= 2 and bare.isupper():
        return _initials().get(bare)
    low = bare.casefold()
    if low in exact:
        return exact[low]
    for prefix, code in prefixes.get(_stem(word), ()):
        if low.startswith(prefix) and len(low) - len(prefix) <= _CYRILLIC_MAX_ENDING:
            return code
    if _CYRILLIC.search(low):
        low = low.replace("ё", "е")
        return next((code for head, code in _compounds().get(low[:_COMPOUND_INDEX], ()) if low.startswith(head)), None)
    return None


def _cyrillic_key(word: str) -> str:
    """A Cyrillic word's Russian Snowball stem without final vowels (untransliterated)."""
    low = word.casefold().replace("ё", "е")
    stem = _russian_stem(low).rstrip(_CYRILLIC_VOWELS)
    return stem if len(stem) >= _CYRILLIC_MIN_KEY else low


@cache
def _compounds() -> dict[str, tuple[tuple[str, str], ...]]:
    """Beginnings of the one-word Russian/Ukrainian compounds of two-word names whose first
    word is an adjective ("Северная Корея" -> "северокорейские", "северокорейцы";
    "Південна Корея" -> "південнокорейський"), by their first letters.

    The compound is the adjective's stem, with or without a final "н", joined by "о" to the
    second word's key ("северо|кор", "южно|кор", "ново|зеланд", "південно|кор"); a beginning
    that two countries' names make names neither.
    """
    from babel import Locale

    heads: dict[str, set[str]] = {}
    for code in ("ru", "uk"):
        loc, iso = Locale(code), _iso_names(code)
        for t in _territories():
            for name in (loc.territories.get(t, ""), *iso.get(t, ())):
                words = _NAME_WORD.findall(name)
                if len(words) != 2 or not _CYRILLIC_ADJECTIVE.search(words[0]):
                    continue
                root, noun = _cyrillic_key(words[0]), _cyrillic_key(words[1])
                for r in {root, root.removesuffix("н"), root + "н"}:
                    heads.setdefault(r + "о" + noun, set()).add(t)
    out: dict[str, list[tuple[str, str]]] = {}
    for head, codes in heads.items():
        if len(codes) == 1:
            out.setdefault(head[:_COMPOUND_INDEX], []).append((head, next(iter(codes))))
    return {k: tuple(v) for k, v in out.items()}


def country_name(code: str) -> str:
    """The English CLDR name of a country code ("FR" -> "France")."""
    return _table()[2].get(code, code)


@cache
def _iso_names(locale: str, fields: tuple[str, ...] = ("name", "common_name")) -> dict[str, tuple[str, ...]]:
    """Each country's ISO 3166 name and common name (or other ``fields``) in ``locale``
    (pycountry's iso-codes translations: "Северная Корея", "Южная Корея", which CLDR's
    Russian lacks); inverted names ("Korea, Republic of") are left out."""
    import gettext

    import pycountry

    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)
    out: dict[str, tuple[str, ...]] = {}
    for c in pycountry.countries:
        names = (tr.gettext(n) for n in (getattr(c, f, None) for f in fields) if n)
        out[c.alpha_2] = tuple(dict.fromkeys(n for n in names if "," not in n))
    return out


@cache
def _initials() -> dict[str, str]:
    """All-capital short names -> code: countryinfo's all-capital alternative spellings that
    are no ISO code ("UK", "UAE", "DRC", "RSA") and one-word all-capital CLDR or ISO names in
    :data:`INITIALS_LOCALES` ("США", "КНДР").

    Initials made from names are left out: those of official names and territories are other
    things' acronyms too ("FSA", "IRA", "МОК", "НДС"), two-letter ones too ("PR", "NC", "HM");
    so "US" places nothing. A short name two countries share, or that is another country's
    ISO code, names none.
    """
    from babel import Locale
    from countryinfo import CountryInfo

    territories = set(_territories())
    iso_codes: dict[str, str] = {}
    found: dict[str, set[str]] = {}
    for info in CountryInfo.all().values():
        iso = info.get("ISO") or {}
        if (code := iso.get("alpha2")) in territories:
            codes = {iso.get("alpha2"), iso.get("alpha3")}
            iso_codes.update(dict.fromkeys(codes, code))
            for w in info.get("altSpellings") or ():
                if w.isupper() and " " not in w and w not in codes:
                    found.setdefault(w, set()).add(code)
    for locale in INITIALS_LOCALES:
        loc, iso_names = Locale(locale), _iso_names(locale)
        for t in territories:
            for name in (loc.territories.get(t, ""), *iso_names.get(t, ())):
                if name.isupper() and len(name) >= 3 and len(_NAME_WORD.findall(name)) == 1:
                    found.setdefault(name, set()).add(t)
    return {w: next(iter(codes)) for w, codes in found.items()
            if len(codes) == 1 and iso_codes.get(w, next(iter(codes))) == next(iter(codes))}


@cache
def _phrases() -> tuple[dict[str, list[tuple[tuple[str, ...], str]]], frozenset[str]]:
    """(first word's key -> [(keys of a multi-word name, code)], longest first;
    stems and Cyrillic keys that the names of several countries share)."""
    from babel import Locale

    names: dict[tuple[str, ...], set[str]] = {}
    owners: dict[str, set[str]] = {}
    for code in LOCALES:
        loc, iso = Locale(code), _iso_names(code)
        for t in _territories():
            for name in dict.fromkeys((loc.territories.get(t, ""), *iso.get(t, ()))):
                _add_name(_NAME_WORD.findall(name), t, names, owners)
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    # a sequence two countries' names share ("Saint Martin" in one locale) names neither
    for keys, codes in sorted(names.items(), key=lambda kv: -len(kv[0])):
        if len(codes) == 1:
            by_first.setdefault(keys[0], []).append((keys, next(iter(codes))))
    return by_first, frozenset(k for k, codes in owners.items() if len(codes) > 1)


def _add_name(words: list[str], code: str, names: dict[tuple[str, ...], set[str]],
              owners: dict[str, set[str]]) -> None:
    """Record a country name's words (``owners``: stem or key -> codes) and, when it has
    several words, their keys (``names``: keys -> codes)."""
    for w in words:
        owners.setdefault(_stem(w), set()).add(code)
        owners.setdefault(_key(w), set()).add(code)
    if len(words) > 1:
        names.setdefault(tuple(_key(w) for w in words), set()).add(code)


def country_phrases(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, code)`` of every CLDR country name of several words in ``text``.

    Each word of the text must begin with the key of the name's word in its place (the
    5-letter stem; a shorter word whole, so "Costa Rican" meets "Costa Rica"; a Cyrillic
    word's Snowball stem without final vowels, so "Республики Корея" meets "Республика
    Корея" and "Северной Кореи" "Северная Корея"); the longest name wins and matches do
    not overlap.
    """
    by_first, _ = _phrases()
    words = list(_NAME_WORD.finditer(text))
    keys = [_key(m.group()) for m in words]
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        k = keys[i]
        found = None
        for n in range(len(k), 0, -1):
            for names, code in by_first.get(k[:n], ()):
                if (found is None or len(names) > len(found[0])) and len(names) <= len(words) - i and all(
                        keys[i + j].startswith(names[j]) for j in range(1, len(names))):
                    found = (names, code)
        if found:
            end = i + len(found[0]) - 1
            out.append((words[i].start(), words[end].end(), found[1]))
            i = end
        i += 1
    return out


def shared_stem(word: str) -> bool:
    """Whether ``word``'s stem (or Cyrillic key) is a word of several countries' CLDR names
    ("Korea", "Congo", "North"): such a word is learned as no country from a corpus (a
    country's own one-word name, "Guinea", still places it through :func:`country_code`)."""
    shared = _phrases()[1]
    return _stem(word) in shared or bool(_CYRILLIC.search(word)) and _key(word) in shared
