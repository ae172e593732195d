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

A 5-letter stem (:data:`STEM_LETTERS`) that two countries share -- "Austria"/"Australia",
"Portuguese" (Portugal, and Brazil where CLDR places the language; "Portugal" still
places), "Korean" (South Korea,
and "North Korea", a name of a modifier and "Korea") -- places nothing: a wrong country is
worse than none. A modifier is a word of at least :data:`MODIFIER_NAMES` multi-word names
of a locale ("North", "Islands", "French" of "French Guiana"); other multi-word names
("Caribbean Netherlands") share nothing. A language that is only *de facto* official where CLDR places it (English in
the United States) is no adjective of that country.

>>> country_code("französischen"), country_code("Dutch"), country_code("Франции")
('FR', 'NL', 'FR')
>>> country_code("Korean") is None, country_code("George") is None
(True, True)
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from narratrace.corpus.similarity import translit

# The locales whose country names and adjectives are read (the corpus tools' languages and
# those of the name gazetteer).
LOCALES = ("en", "de", "ru", "fr", "it", "pl", "uk")
STEM_LETTERS = 5
# A word found in at least this many multi-word country names of a locale is a modifier.
MODIFIER_NAMES = 3
# Region codes of CLDR that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
_PARTS = re.compile(r"[\s-]+")
_CYRILLIC = re.compile(r"[а-яёіїє]", re.I)
_CYRILLIC_VOWEL_END = re.compile(r"[аяыиьйоеую]$", re.I)
# German adjective endings after "-isch" ("französische", "polnischen").
_DE_ADJ_ENDINGS = ("", "e", "en", "er", "es", "em")
# Letters a Russian/Ukrainian inflection adds after the stem ("Франци|и", "российск|ие").
_CYRILLIC_MAX_ENDING = 6


def _stem(word: str) -> str:
    return translit(word.strip("'’"))[:STEM_LETTERS]


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


@cache
def _table() -> tuple[dict[str, str], dict[str, list[tuple[str, str]]], dict[str, str]]:
    """(exact Latin forms -> code, stem -> [(Cyrillic prefix, code)], code -> English name)."""
    from babel import Locale

    locales = [Locale(code) for code in LOCALES]
    territories = [t for t in locales[0].territories if len(t) == 2 and t.isalpha() and t not in _NOT_COUNTRIES]
    owners: dict[str, set[str]] = {}  # stem -> codes whose names have it
    adjectives: dict[str, set[str]] = {}  # stem -> codes whose adjectives have it
    forms = _name_forms(locales, territories, owners) + _adjective_forms(locales, set(territories), adjectives)
    exact: dict[str, str] = {}
    prefixes: dict[str, list[tuple[str, str]]] = {}
    for form, kind, code in forms:
        stem = _stem(form)
        # a stem two countries share places nothing; a name keeps its country when only an
        # adjective shares its stem ("Portugal" stays, "Portuguese" goes)
        if len(owners.get(stem, set()) | (adjectives.get(stem, set()) if kind == "adjective" else set())) != 1:
            continue
        low = form.casefold()
        if _CYRILLIC.search(low):
            cut = low[:-2] if kind == "adjective" else (low[:-1] if _CYRILLIC_VOWEL_END.search(low) else low)
            prefixes.setdefault(stem, []).append((cut, code))
        elif kind == "adjective" and low.endswith("sch"):  # German: "Deutsch", "Polnisch"
            exact.update({low + end: code for end in _DE_ADJ_ENDINGS})
        else:
            exact.update({low: code, low + "s": code})
    return exact, prefixes, {t: locales[0].territories[t] for t in territories}


def country_code(word: str) -> str | None:
    """The ISO code of the country that ``word`` names or is an adjective of, if one only.

    Latin-script words must be a name, its genitive, or an adjective exactly (so "George"
    is not "Georgia"); Cyrillic ones may carry an inflection after the name's stem.
    """
    exact, prefixes, _ = _table()
    low = word.strip("'’").casefold().removesuffix("'s").removesuffix("’s")
    if low in exact:
        return exact[low]
    for prefix, code in prefixes.get(_stem(word), ()):
        if low.startswith(prefix) and len(low) - len(prefix) <= _CYRILLIC_MAX_ENDING:
            return code
    return None


def country_name(code: str) -> str:
    """The English CLDR name of a country code ("FR" -> "France")."""
    return _table()[2].get(code, code)
