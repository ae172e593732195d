"""Parties: who took a stance, normalised across wordings, scripts and languages.

A source as the attribution found it ("Dravian foreign ministry spokeswoman Lina Varo",
"В Марске", "Kestria's chief of the general staff", "the Corvanian defence department")
becomes a :class:`Party`: a *state* (its country's name, with the kind of organ --
``government``, ``military``, ``agency``, ``officials``), an ``outlet`` (the publisher's own
voice, or a source that names an outlet of the corpus), or the source itself (a person or
group the corpus cannot place).

Nothing here lists particular countries. What counts as a country is read from the corpus,
the gazetteer (``resources/names/gazetteer.json``) and CLDR (:mod:`narratrace.corpus.countries`),
every country alike:

- a name or adjective of a country in CLDR's tables places it, also where the adjective's
  stem differs from the name ("French", "niederländische", "польские");
- a name is a country when the gazetteer lists it, when the corpus also uses an adjective
  made from it ("Dravia"/"Dravian"/"dravische"/"дравийские": the same stem of
  :data:`STEM_LETTERS` transliterated letters), or when the corpus names an organ of state
  it owns ("Teskia's cyber security agency", "Teskias Regierung", "правительство Тескии");
- a capital stands for its country's government (metonymy: "Marsk said") when the corpus
  says which country's capital it is ("Marsk, the Dravian capital", "die kestrische
  Hauptstadt Tolva", "столица Дравии Марск");
- a person is placed by a fuller source span elsewhere in the corpus ("Dravian foreign
  ministry spokeswoman Lina Varo" places "Lina Varo");
- a CLDR name of several words is read whole before its words ("North Korean troops" and
  "South Korea's intelligence service" are two countries), and a word that several
  countries' names share ("Korea", "Congo") is no country on its own.

Examples
--------
>>> r = PartyResolver.from_texts(["Dravia denied it. Dravian troops. Marsk, the Dravian capital, said no."])
>>> r.resolve("the Dravian Defence Ministry")
Party(key='country:dravi', name='Dravia', kind='military')
>>> r.resolve("Marsk").name, r.resolve(None, outlet="Nordwire").kind
('Dravia', 'outlet')
>>> r.resolve("Sources", outlet="Nordwire").name, r.resolve("photo", outlet="Nordwire").name
('unnamed sources (Nordwire)', 'Nordwire')
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from narratrace.corpus.countries import (
    STEM_LETTERS as STEM_LETTERS,  # letters of a country's stem across its forms
)
from narratrace.corpus.countries import (
    _stem,
    country_code,
    country_name,
    country_phrases,
    shared_stem,
)

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.U)
_CAPITALISED = re.compile(r"\b([A-ZÄÖÜА-ЯЁ][a-zäöüßа-яё]{3,})(?:['’]s)?\b")
# Adjectives of country names in the three languages the corpus tools read.
_ADJECTIVE = re.compile(r"^(?:[A-Z][a-z]{3,}(?:ian|an|ish|ese|i)|[a-zäöü]{3,}(?:isch|isches|ische|ischen|ischer|ischem)|"
                        r"[а-яё]{3,}(?:ск|цк)(?:ий|ая|ое|ие|ого|ой|ому|им|их|ими|ую|ом))$")
# "<City>, the <Adj> capital", "the <Adj> capital <City>", "<Country>'s capital <City>",
# "<City>, capital of <Country>", German and Russian forms: (country word, city) pairs.
_CAPITAL_PATTERNS = (
    (re.compile(r"\b([A-Z]\w+), (?:the )?(\w+) capital\b"), 2, 1),
    (re.compile(r"\bthe (\w+) capital,? ([A-Z]\w+)"), 1, 2),
    (re.compile(r"\b(\w+)['’]s capital,? ([A-Z]\w+)"), 1, 2),
    (re.compile(r"\b([A-Z]\w+), (?:the )?capital of (\w+)"), 2, 1),
    (re.compile(r"\b(?:die|der) (\w+) Hauptstadt ([A-ZÄÖÜ]\w+)"), 1, 2),
    (re.compile(r"\b([A-ZÄÖÜ]\w+), (?:die )?Hauptstadt (\w+)"), 2, 1),
    (re.compile(r"столиц\w* (\w+),? ([А-ЯЁ]\w+)"), 1, 2),
    (re.compile(r"([А-ЯЁ]\w+),? столиц\w* (\w+)"), 2, 1),
)
# Organs only a state has, owned by a name: "Teskia's cyber security agency", "the government
# of Teskia", "Teskias Regierung", "правительство Тескии" make "Teskia" a country.
_ORGANS_EN = (r"government|(?:[a-z]+ )?ministry|army|armed forces|military|intelligence (?:service|agency)|general staff|"
              r"parliament|embassy|(?:[a-z]+ )?security (?:agency|service)")
_STATE_OWNER = (
    re.compile(rf"\b([A-Z][a-z]{{3,}})['’]s (?:[a-z-]+ )?(?:{_ORGANS_EN})\b"),
    re.compile(r"\b(?:government|army|armed forces|parliament|embassy) of ([A-Z][a-z]{3,})\b"),
    re.compile(r"\b([A-ZÄÖÜ][a-zäöüß]{3,})s (?:Regierung|Armee|Streitkräfte|Geheimdienst|Nachrichtendienst|Generalstab|"
               r"Parlament|Botschaft|[A-ZÄÖÜ]\w*ministerium|[A-ZÄÖÜ]\w*behörde)\b"),
    re.compile(r"\b(?:Regierung|Armee|Streitkräfte|Parlament|Botschaft) (?:von )?([A-ZÄÖÜ][a-zäöüß]{3,})\b"),
    re.compile(r"(?<!\w)(?:[Пп]равительств\w*|[Мм]инистерств\w* \w+|[Аа]рми[яиюей]|[Рр]азведк\w*|[Гг]енштаб\w*|"
               r"[Пп]арламент\w*|[Пп]осольств\w*|[Сс]пецслужб\w*|МИД) ([А-ЯЁ][а-яё]{3,})"),
)
_KIND_WORDS = (
    ("military", re.compile(r"\b(?:army|military|armed forces|defen[cs]e|general staff|generals?|troops|forces|armee|militär\w*|"
                            r"streitkräfte|generalstab\w*|verteidigung\w*|арми\w*|военн\w*|генштаб\w*|оборон\w*|минобороны)", re.I)),
    ("agency", re.compile(r"(?:intelligence|agency|security service|secret service|geheimdienst\w*|nachrichtendienst\w*|"
                          r"разведк\w*|спецслужб\w*|разведывательн\w*)", re.I)),
    ("government", re.compile(r"\b(?:government|ministry|minister|presidential|president|office|spokes\w+|foreign|embassy|"
                              r"regierung|ministerium|minister\w*|präsident\w*|sprecher\w*|außenamt|правительств\w*|"
                              r"министерств\w*|мид|президент\w*|пресс-секретар\w*|представител\w*|посольств\w*)", re.I)),
    ("officials", re.compile(r"\b(?:officials?|authorities|behörden?|beamte\w*|власт\w*|чиновник\w*|официальн\w*)", re.I)),
)
# A medium of a country ("a South Korean newspaper", "British media", "die russische Zeitung",
# "южнокорейские СМИ") is not its state, unless it is the state's own ("state news agency").
_MEDIA = re.compile(r"\b(?:newspapers?|tabloids?|broadcasters?|television|tv|radio|media|magazines?|websites?|"
                    r"news (?:sites?|outlets?|agency|agencies|portals?)|outlets?|journalists?|reporters?|"
                    r"zeitung\w*|boulevardblatt\w*|medien|sender|fernseh\w*|rundfunk\w*|nachrichtenagentur\w*|"
                    r"nachrichtenportal\w*|journalist\w*|reporter\w*|газет\w*|сми|телеканал\w*|телевидени\w*|"
                    r"радио\w*|издани\w*|журналист\w*|информагентств\w*|новостн\w*)\b", re.I)
_STATE_MEDIUM = re.compile(r"\b(?:state|state-run|state-owned|official|government|staatlich\w*|staats\w*|"
                           r"amtlich\w*|regierungs\w*|государственн\w*|гос\w*|официальн\w*|правительствен\w*)", re.I)
_OUTLET_KINDS = frozenset({"outlet"})
# A "source" that is only hearsay ("reports", "Berichten") is the publisher speaking.
_HEARSAY = re.compile(r"^(?:reports?|media reports|berichte\w*|medienberichte\w*|angaben|сообщени\w*|данны\w*)$", re.I)
# "Sources told …": unnamed people, a party of their own per publisher, not a party named "Sources".
_UNNAMED = re.compile(r"^(?:(?:anonymous|unnamed|informed|several|some)\s+)?(?:sources?|insiders?|quellen|insidern?|источник\w*|инсайдер\w*)$", re.I)
# "A photo … shows": a thing the publisher shows, so the publisher's voice.
_THINGS = re.compile(r"^(?:(?:a|an|the|ein|eine|das|die)\s+)?(?:photo\w*|picture|image|video|footage|document|foto|bild|aufnahme\w*|фото\w*|видео\w*|снимок|документ\w*)$", re.I)


@dataclass(frozen=True, slots=True)
class Party:
    """A normalised party: ``key`` identifies it, ``name`` is shown, ``kind`` says what it is."""

    key: str
    name: str
    kind: str


@cache
def _gazetteer_countries() -> frozenset[str]:
    path = resources.files("narratrace.resources") / "names" / "gazetteer.json"
    return frozenset(n.casefold() for n in json.loads(path.read_text(encoding="utf-8"))["country"])


_CANONICAL_NAMES: dict[str, str] = {}


def _masked(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """``text`` with the ``(start, end, code)`` spans blanked, so that their words are read no more."""
    for start, end, _ in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _display(canonical: str) -> str:
    return country_name(canonical.upper()) if len(canonical) == 2 else _CANONICAL_NAMES[canonical]


def _canonical(code: str) -> str:
    """The key stem of a CLDR country: its English name's stem, or the code for a name of
    several words ("United ..." would be shared)."""
    name = country_name(code)
    if " " in name:
        return code.lower()
    stem = _stem(name)
    _CANONICAL_NAMES[stem] = name
    return stem


def _capitals(texts: Sequence[str], countries: dict[str, str], aliases: dict[str, str]) -> dict[str, str]:
    """Stem of a capital -> stem of its country, from what the texts say ("Marsk, the Dravian capital")."""
    capitals: dict[str, str] = {}
    for text in texts:
        for pattern, country_group, city_group in _CAPITAL_PATTERNS:
            for m in pattern.finditer(text):
                country, city = _stem(m.group(country_group)), _stem(m.group(city_group))
                country = aliases.get(country, country)
                if country in countries and city not in countries and city not in aliases:
                    capitals.setdefault(city, country)
    return capitals


@dataclass
class PartyResolver:
    """Resolve source strings to parties with what the corpus says about countries.

    Attributes
    ----------
    countries : dict
        Stem -> display name of every country the corpus names.
    capitals : dict
        Stem of a capital -> stem of its country.
    aliases : dict
        Stem of a CLDR name or adjective seen in the corpus -> the country's stem
        ("frenc" -> "franc").
    outlets : set of str
        The corpus's outlet names.
    people : dict
        Person name -> party, learned from fuller source spans (:meth:`learn_people`).
    """

    countries: dict[str, str] = field(default_factory=dict)
    capitals: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    outlets: set[str] = field(default_factory=set)
    people: dict[str, Party] = field(default_factory=dict)

    @classmethod
    def from_texts(cls, texts: Iterable[str], outlets: Iterable[str] = ()) -> PartyResolver:
        """Learn countries and capitals from the corpus's texts (see the module doc)."""
        texts = list(texts)
        nouns: dict[str, Counter] = {}
        adjectives: set[str] = set()
        aliases: dict[str, str] = {}
        named: set[str] = set()  # countries of multi-word names
        for text in texts:
            phrases = country_phrases(text)
            named.update(_canonical(code) for _, _, code in phrases)
            rest = _masked(text, phrases)
            adjectives.update(_stem(m.group(1)) for pattern in _STATE_OWNER for m in pattern.finditer(rest))
            for w in _WORD.findall(rest):
                w = w.rstrip("'’").removesuffix("'s").removesuffix("’s")
                if len(w) < 4 and not (w.isupper() and country_code(w)):  # "UK", "США"
                    continue
                code = country_code(w)
                if code:
                    aliases[_stem(w)] = _canonical(code)
                elif shared_stem(w):  # "Korea", "Congolese": several countries' word
                    continue
                elif _ADJECTIVE.match(w):
                    adjectives.add(_stem(w))
                elif w[:1].isupper():
                    nouns.setdefault(_stem(w), Counter())[w] += 1
        gaz = _gazetteer_countries()
        countries = {}
        for stem, forms in nouns.items():
            if stem in adjectives or any(f.casefold() in gaz for f in forms):
                latin = [f for f, _ in forms.most_common() if f.isascii()]
                countries[stem] = (latin or [forms.most_common(1)[0][0]])[0]
        for stem, canonical in aliases.items():
            countries.pop(stem, None)
            countries[canonical] = _display(canonical)
        countries.update((canonical, _display(canonical)) for canonical in named)
        return cls(countries, _capitals(texts, countries, aliases), aliases, set(outlets))

    def _known(self, word: str) -> str:
        """The stem of ``word``, or of the country it names when the corpus or CLDR knows it
        (a CLDR country a source names is added to :attr:`countries`)."""
        s = _stem(word)
        if s in self.aliases or s in self.countries or s in self.capitals:
            return self.aliases.get(s, s)
        code = country_code(word)
        if code is None:
            return s
        canonical = self.aliases[s] = _canonical(code)
        self.countries.setdefault(canonical, _display(canonical))
        return canonical

    def _mentions(self, text: str) -> list[str]:
        """Stems of the countries ``text`` names, in order: CLDR names of several words
        first ("North Korean"), then single words (capitals count for their country)."""
        phrases = country_phrases(text)
        found = []
        for start, _, code in phrases:
            canonical = _canonical(code)
            self.countries.setdefault(canonical, _display(canonical))
            found.append((start, canonical))
        for m in _WORD.finditer(_masked(text, phrases)):
            if len(m.group()) < 4 and not (m.group().isupper() and country_code(m.group())):
                continue
            s = self._known(m.group())
            s = self.capitals.get(s, s)
            if s in self.countries:
                found.append((m.start(), s))
        return [s for _, s in sorted(found)]

    def country_of(self, text: str) -> str | None:
        """Stem of the first country (or capital standing for it) named in ``text``."""
        return next(iter(self._mentions(text)), None)

    def countries_in(self, text: str) -> set[str]:
        """Display names of every country ``text`` names (capitals count for their country)."""
        return {self.countries[s] for s in self._mentions(text or "")}

    def resolve(self, source: str | None, source_text: str | None = None, outlet: str | None = None) -> Party:
        """The party of a source (its name and fuller span), or of the publisher when it has none."""
        text = " ".join(x for x in (source_text, source) if x).strip()
        said = (source_text or source or "").strip()
        # "die", "Berichten zufolge": the outlet's own voice; a lower-case source naming a
        # country is a party ("российские власти", "северокорейские военные")
        if not text or _HEARSAY.match(said) or _THINGS.match(said) or (said.islower() and self.country_of(text) is None):
            return Party(f"outlet:{outlet or '?'}", outlet or "?", "outlet")
        if _UNNAMED.match(said):
            return Party(f"anonymous:{outlet or '?'}", f"unnamed sources ({outlet or '?'})", "anonymous")
        for o in self.outlets:
            if o and (o.casefold() == text.casefold() or o.casefold() in text.casefold()):
                return Party(f"outlet:{o}", o, "outlet")
        stem = self.country_of(text)
        if stem is None:
            if source and source in self.people:
                return self.people[source]
            return Party(f"source:{(source or text).casefold()}", source or text, "other")
        kind = next((k for k, pattern in _KIND_WORDS if pattern.search(text)), None)
        if kind is None and _MEDIA.search(text) and not _STATE_MEDIUM.search(text):
            return Party(f"media:{stem}", f"{self.countries[stem]} media", "media")
        return Party(f"country:{stem}", self.countries[stem], kind or "government")

    def learn_people(self, pairs: Sequence[tuple[str | None, str | None]]) -> None:
        """Place a person named in a fuller source span: ``(source name, source span)`` pairs."""
        for name, span in pairs:
            if name and span and name != span and name in span:
                party = self.resolve(None, span)
                if party.kind not in _OUTLET_KINDS and party.key.startswith("country:"):
                    self.people.setdefault(name, party)


def party_positions(events: Sequence) -> list[dict]:
    """Per party, its stances in date order, with the changes written out.

    Consecutive events of one type collapse into the first; a confirmation after the
    party's own denial reads "acknowledged".

    >>> from datetime import datetime, UTC
    >>> from narratrace.corpus.records import Event
    >>> d = lambda m, day: datetime(2031, m, day, tzinfo=UTC)
    >>> ev = [Event(d(1, 2), "denied", "a", "x", actor="Dravia", actor_kind="government"),
    ...       Event(d(1, 9), "denied", "b", "y", actor="Dravia", actor_kind="military"),
    ...       Event(d(4, 26), "confirmed", "c", "z", actor="Dravia", actor_kind="government")]
    >>> party_positions(ev)[0]["summary"]
    'Dravia: denied 2031-01-02 → acknowledged 2031-04-26'
    """
    by_party: dict[str, list] = {}
    for e in sorted(events, key=lambda e: (e.date is None, e.date)):
        if e.type == "fact_checked" and not e.actor:
            continue
        by_party.setdefault(e.actor or e.source or e.outlet or "?", []).append(e)
    out = []
    for name, evs in by_party.items():
        steps: list[dict] = []
        denied = False
        for e in evs:
            label = "acknowledged" if e.type == "confirmed" and denied else e.type
            denied = denied or e.type == "denied"
            if steps and steps[-1]["position"] == label:
                steps[-1]["articles"].append(e.article)
                continue
            steps.append({"position": label, "date": e.date.date().isoformat() if e.date else None, "articles": [e.article]})
        kinds = sorted({e.actor_kind for e in evs if e.actor_kind})
        out.append({
            "party": name, "kinds": kinds, "events": len(evs), "positions": steps,
            "summary": f"{name}: " + " → ".join(f"{s['position']} {s['date'] or 'undated'}" for s in steps),
        })
    out.sort(key=lambda p: (p["positions"][0]["date"] or "9999", p["party"]))
    return out
