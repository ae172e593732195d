"""Names of countries, places, peoples, outlets and people, and the neutral view that masks them.

narratrace never lets a name decide a verdict. Before the learned models and rules read an
article, every name is replaced by a stand-in of its kind (a country by a made-up country, a
person or an outlet by a made-up name), the stages run on that *neutral text*, and their
offsets and strings are mapped back to the article's own text. Swapping two names of the same
kind (Russia/Ukraine, New York Times/RT, Putin/Zelensky) therefore cannot change a label, an
attribution or a score: the stages see the same text in both cases.

Names are found by rules that never look at *which* name it is, only at its shape and context:

- places and peoples: every country, capital and large city in a gazetteer built from open
  data (``resources/names/gazetteer.json``, all of them alike), Russian case forms included,
  and German/Russian nationality adjectives ("russische", "украинские") whose stem starts a
  country's name;
- other names: capitalised word runs that do not start a sentence (languages that capitalise
  only names), acronyms ("TASS", "ZDF"), and in German, where every noun is capitalised, a
  capitalised word after a title ("Kanzler Scholz") or next to a reporting verb without an
  article ("Putin sagte").

Examples
--------
>>> mask = NameMask.build("Officials in Moscow said Russia and TASS were wrong.", [(0, 52, "en")])
>>> mask.neutral_text
'Officials in Arvenburg said Aldoria and Varden were wrong.'
>>> mask.restore_string("Arvenburg and Varden")
'Moscow and TASS'
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from narratrace.text.lexicons import load_lexicon

KINDS = ("country", "city", "nationality", "person", "outlet", "name")
# Made-up stand-ins, one per entity of a kind in order of first mention. They are fixed, so an
# article and its name-swapped twin get the same neutral text; they look like names to spaCy
# (the countries were picked among 24 made-up names as those its parser reads most like real
# country names in eight attribution sentences).
_STAND_INS = {
    "country": ["Aldoria", "Belmora", "Halveria", "Norland", "Ostria", "Tavira", "Mendor", "Corvenia"],
    "city": ["Arvenburg", "Belgrast", "Corvelle", "Dunmere", "Esterholm", "Falkden", "Gravenport", "Hollowmere"],
    "nationality": ["Aldorian", "Belmoran", "Corvenian", "Dravistani", "Estavian", "Feldmarker", "Gorvanian", "Halverian"],
    "person": ["Jonas Merrow", "Maria Ellery", "Peter Danforth", "Anna Holloway", "David Renwick", "Elena Farrant", "Thomas Wexley", "Sofia Calder"],
    "outlet": ["Corvid Gazette", "Lantern Herald", "Meridian Courier", "Harbor Tribune", "Summit Post", "Beacon Journal", "Vista Observer", "Ridge Chronicle"],
    "name": ["Varden", "Kestrel", "Tallis", "Brannock", "Quillan", "Ostrand", "Pellam", "Marlowe"],
}
# Stand-ins of later paragraphs take an ending, so that each paragraph numbers its own names.
PER_PARAGRAPH = 1000
_PARAGRAPH_ENDINGS = ("", "or", "an", "el", "is", "um", "et", "ar", "on", "ix", "ur", "en")
_CAP = r"[A-ZÀ-ÞĄĆĘŁŃŚŹŻА-ЯЁІЇЄ]"
_WORD = r"[\w\-]*(?:['’](?!s(?!\w))\w+)*"  # "O'Neil", but "Russia's" is "Russia" + "'s"
_TOKEN = re.compile(rf"[A-ZА-Я](?:\.[A-ZА-Я])+\.?|{_CAP}{_WORD}", re.U)
_CONNECTORS = {"of", "for", "de", "del", "al", "bin", "van", "von", "der", "la", "le", "du"}
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s*[\"“„«'‘(\[]*|\n\s*[\"“„«'‘(\[]*|[\"“„«‘(\[]\s*)$")
_DE_ADJ = re.compile(r"^[a-zäöüß]{3,}(?:isch|ische|ischen|ischer|isches|ischem)$")
_RU_ADJ = re.compile(r"^[а-яё]{3,}[сц]к(?:ий|ая|ое|ие|ого|ой|ому|им|их|ими|ую|ом|ая)$")
_RU_VERB_ENDINGS = ("л", "ла", "ло", "ли", "ет", "ит", "ют", "ят", "ат", "ёт", "ется", "ится", "лся", "лась", "лись")
_DE_DEMONYM_NOUN = re.compile(r"^[A-ZÄÖÜ][a-zäöüß]{3,}(?:er|ier|erin|ern|erinnen|ner|nerin)$")
_EN_WORDS = re.compile(r"^(?:eastern|western|northern|southern)$")  # not "Easter Island"'s people
_EN_DEMONYM = re.compile(r"^[A-Z][a-z]{3,}(?:an|ian|ese|ish|ean|i)s?$")
_RU_ENDINGS = ("", "а", "я", "у", "ю", "е", "и", "ы", "ой", "ей", "ом", "ем", "ию", "ии", "ия", "ье", "ью")


@dataclass(frozen=True, slots=True)
class NameMention:
    """One mention of a name: ``[start, end)`` in the original text, its kind, its entity."""

    start: int
    end: int
    kind: str
    entity: int


@cache
def _gazetteer() -> dict[str, Any]:
    path = resources.files("narratrace.resources") / "names" / "gazetteer.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    exact: dict[tuple[str, ...], str] = {}
    stems: dict[tuple[str, ...], str] = {}
    prefixes: set[str] = set()
    country_words: dict[str, list[str]] = {}
    for kind in ("country", "city", "nationality"):
        for name in data[kind]:
            words = tuple(_TOKEN.findall(name)) or (name,)
            exact.setdefault(words, kind)
            if re.search("[а-яё]", name):
                stems.setdefault(tuple(_ru_stem(w) for w in words), kind)
            if kind == "country":
                for word in re.findall(r"\w{4,}", name):
                    prefixes.add(word[:4].lower())
                    country_words.setdefault(word[:3].lower(), []).append(word.lower())
    return {"exact": exact, "stems": stems, "prefixes": prefixes, "codes": set(data["country_code"]), "words": country_words}


def _country_stem(word: str) -> bool:
    """Does ``word`` (a nationality adjective) start like a country's name? The first three
    letters equal and four of the first five: "армянские"/"Армения", "armenisch"/"Armenien",
    "турецкие"/"Турция"; not "парламентские"/"Парагвай"."""
    lowered = word.lower()
    for country in _gazetteer()["words"].get(lowered[:3], ()):
        if sum(a == b for a, b in zip(lowered[:5], country[:5], strict=False)) >= 4:
            return True
    return False


def _ru_stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "аяйьеиоыуюё" else word


@cache
def _context_words() -> dict[str, set[str]]:
    lex = load_lexicon("names")
    return {key: set(values) for key, values in lex.items() if not key.startswith("_")}


@cache
def _cue_words(lang: str) -> frozenset[str]:
    """Words of the attribution cues of ``lang`` ("nach Angaben", "по словам"): never names."""
    path = resources.files("narratrace.resources") / "claims" / f"cues_{lang}.tsv"
    if not path.is_file():
        return frozenset()
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if line and not line.startswith("#"):
            words.update(line.split("\t")[0].lower().split())
    return frozenset(words)


@cache
def _stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words of ``lang`` (none for a language spaCy does not know)."""
    import importlib

    try:
        return frozenset(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
    except (ImportError, AttributeError):
        return frozenset()


def _gazetteer_kind(words: tuple[str, ...]) -> str | None:
    gaz = _gazetteer()
    if words in gaz["exact"]:
        return gaz["exact"][words]
    if any(re.search("[а-яё]", w) for w in words):
        options = [[w[: len(w) - len(e)] for e in _RU_ENDINGS if w.endswith(e) and len(w) - len(e) >= 3] for w in words]
        for combo in _product(options):
            key = tuple(_ru_stem(w) if i == len(combo) - 1 else w for i, w in enumerate(combo))
            for candidate in (key, tuple(combo)):
                if candidate in gaz["stems"]:
                    return gaz["stems"][candidate]
    return None


def _product(options: list[list[str]]) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for opts in options:
        combos = [c + (o,) for c in combos for o in opts][:64]
    return combos


def _is_sentence_start(text: str, start: int, floor: int) -> bool:
    return start <= floor or bool(_SENTENCE_START.search(text[max(floor, start - 6) : start]))


def _runs(text: str, start: int, end: int, connectors: frozenset[str] | set[str] = frozenset()) -> list[list[tuple[int, int]]]:
    """Runs of capitalised tokens, joined by ``connectors`` ("Bank of England")."""
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text, start, end):
        if current:
            gap = text[current[-1][1] : m.start()]
            words = gap.split()
            joined = gap.strip() in ("", "'s", "’s") and "\n" not in gap and "\t" not in gap or (
                len(words) == 1 and words[0] in connectors and "\n" not in gap
            )
            if not joined and _middle_initial(text, current, gap, m.group(0)):
                current[-1] = (current[-1][0], current[-1][1] + 1)  # "Laurence H. Tribe": the initial keeps its dot
                joined = True
            if not joined:
                runs.append(current)
                current = []
        end_ = m.end()
        if current and m.group(0) in ("Jr", "Sr") and text[end_ : end_ + 1] == ".":
            end_ += 1  # "Joseph R. Biden Jr.": the suffix is part of the name
        current.append((m.start(), end_))
    if current:
        runs.append(current)
    return runs


def _middle_initial(text: str, current: list[tuple[int, int]], gap: str, following: str) -> bool:
    """An initial between two name words ("Laurence H. Tribe", "Mary J. Blige"), not a sentence
    that ends on a capital letter ("Plan B. Then")."""
    start, end = current[-1]
    return (len(current) >= 2 and end - start == 1 and text[start].isupper() and gap in (". ", ".\u00a0")
            and following.lower() not in _stop_words("en"))


class _Finder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.found: list[tuple[int, int, str]] = []
        self.words = _context_words()
        self.headline: tuple[int, int] | None = None

    def paragraph(self, start: int, end: int, lang: str | None) -> None:
        lang = (lang or "en").split("-")[0]
        capitalises_names_only = lang != "de"
        self.headline = (start, end) if capitalises_names_only and self._title_case(start, end, lang) else None
        # German articles ("der", "von") join nouns, not names: "Angaben der Polizei"
        for run in _runs(self.text, start, end, _CONNECTORS if capitalises_names_only else set()):
            self._run(run, start, lang, capitalises_names_only)
        for m in re.finditer(r"(?<![\w\-])([A-ZА-Я]{2,6})-(?=\w)", self.text[start:end]):  # "ZDF-Informationen", "US-led"
            code = m.group(1)
            kind = "country" if code in _gazetteer()["codes"] else "name"
            self.found.append((start + m.start(1), start + m.end(1), kind))
        if lang in ("de", "ru"):
            pattern = _DE_ADJ if lang == "de" else _RU_ADJ
            for m in re.finditer(r"(?<!\w)\w+(?!\w)", self.text[start:end]):
                word = m.group(0)
                if pattern.match(word) and _country_stem(word):  # lowercase: "russische"
                    self.found.append((start + m.start(), start + m.end(), "nationality"))

    def _run(self, run: list[tuple[int, int]], floor: int, lang: str, names_only: bool) -> None:
        text, words = self.text, self.words
        i, titled = 0, False
        while i < len(run):
            word = text[run[i][0] : run[i][1]].rstrip(".")
            matched = False
            # the longest gazetteer match starting at token i
            for j in range(min(len(run), i + 5), i, -1):
                tokens = tuple(text[s:e] for s, e in run[i:j])
                kind = _gazetteer_kind(tokens) or self._code(run[i], j - i)
                if (not kind and j == i + 1 and lang == "en" and _EN_DEMONYM.match(tokens[0]) and _country_stem(tokens[0])
                        and (not tokens[0].rstrip("s").endswith("i") or tokens[0][:4].lower() in _gazetteer()["prefixes"])):
                    kind = "nationality"  # "Azerbaijani", "Filipinos": demonyms the gazetteer lacks
                if not kind and lang == "de" and j == i + 1:
                    kind = self._german_form(run[i])
                if kind in ("country", "city") and j < len(run) and self._continues_name(run[j]):
                    i = self._generic(run, i, floor, lang, names_only, titled)  # "New York Times", "Kyiv Independent"
                    matched = True
                    break
                if kind:
                    self.found.append((run[i][0], run[j - 1][1], kind))
                    i, matched = j, True
                    break
            if matched:
                titled = False
            elif word in words["titles"] or word in words["not_names"] or self._common_word(word, lang):
                titled = titled or word in words["titles"]  # "President Putin", "Kanzler Scholz"
                i += 1
            else:
                i = max(self._generic(run, i, floor, lang, names_only, titled), i + 1)
                titled = False

    def _continues_name(self, token: tuple[int, int]) -> bool:
        """A place followed by another name word is part of a longer name, not the place."""
        word = self.text[token[0] : token[1]].rstrip(".")
        lists = self.words
        return word not in lists["titles"] and word not in lists["not_names"] and _gazetteer_kind((word,)) is None

    def _german_form(self, token: tuple[int, int]) -> str | None:
        """German genitive and city adjectives of places: "Israels" (country), "Kiewer" (as a
        nationality word)."""
        word = self.text[token[0] : token[1]]
        if word.endswith("s") and _gazetteer_kind((word[:-1],)) in ("country", "city"):
            return _gazetteer_kind((word[:-1],))
        if word.endswith("er") and _gazetteer_kind((word[:-2],)) in ("country", "city"):
            return "nationality"
        return None

    def _code(self, token: tuple[int, int], length: int) -> str | None:
        """ISO codes ("US", "U.S.") count as countries in mixed-case text, not after a digit."""
        if length != 1:
            return None
        word = self.text[token[0] : token[1]]
        if word not in _gazetteer()["codes"] or re.search(r"\d\s*$", self.text[max(0, token[0] - 3) : token[0]]):
            return None
        line = self.text[max(0, token[0] - 80) : token[1] + 80]
        return "country" if re.search(r"[a-zа-я]{3}", line) else None

    def _generic(self, run: list[tuple[int, int]], i: int, floor: int, lang: str, names_only: bool, after_title: bool) -> int:
        """Mask a generic name starting at token ``i`` (``after_title``: a title precedes it, as
        in "Kanzler Scholz"); return the index after it."""
        text, words = self.text, self.words
        span = run[i:]
        # stop at the next gazetteer token so "Moscow Mayor" keeps Moscow apart
        for k in range(1, len(span)):
            if _gazetteer_kind((text[span[k][0] : span[k][1]],)):
                span = span[:k]
                break
        tokens = [text[s:e] for s, e in span]
        lead, titled = (1 if self._initial_word_of_run(span, floor, lang) else 0), after_title
        while lead < len(tokens) and (
            self._title(tokens[lead], lang) or tokens[lead].rstrip(".") in words["not_names"]
            or self._common_word(tokens[lead], lang) or self._german_descriptor(tokens[lead:], lang)
        ):
            titled = titled or self._title(tokens[lead], lang) or self._german_descriptor(tokens[lead:], lang)
            lead += 1
        if lead == len(tokens) or self._after_number(span[lead][0]):
            return i + len(span)
        first_start = span[lead][0]
        acronym = tokens[lead].isupper() and 2 <= len(tokens[lead].replace(".", "")) <= 6
        opening = _is_sentence_start(text, span[lead][0], floor) or (lang == "de" and _DE_DEMONYM_NOUN.match(tokens[lead]) is not None)
        # capitalised adjectives open sentences; mid-sentence "Зеленский" is a surname
        if (lang in ("de", "ru") and opening and self._nationality_adjective(tokens[lead], lang)
                and not self._before_verb(span[lead], lang) and not self._capitalised_elsewhere(span[lead])):
            self.found.append((span[lead][0], span[lead][1], "nationality"))
            return i + lead + 1
        if names_only:
            initial = _is_sentence_start(text, span[0][0], floor) and lead == 0 and not after_title
            if initial and len(tokens) == 1 and not acronym and not self._initial_name(span[0], lang):
                return i + len(span)
        elif not (acronym or titled or self._german_name_context(span[lead], tokens[lead:], span[lead:])):
            return i + len(span)
        if self.headline and not self._written_outside(first_start, span[-1][1], *self.headline):
            return i + len(span)  # "Troops No Longer Seen": a headline in title case, not a name
        self.found.append((first_start, span[-1][1], "name"))
        return i + len(span)

    def _title_case(self, start: int, end: int, lang: str) -> bool:
        """A one-line headline with (nearly) every word capitalised, stop words included."""
        line = self.text[start:end].strip()
        words = re.findall(r"[^\W\d_][\w'’-]*", line)
        if "\n" in line or not 3 <= len(words) <= 20:
            return False
        capitalised = [w for w in words if w[:1].isupper()]
        stop = _stop_words(lang)
        return len(capitalised) >= 0.8 * len(words) and any(w.lower() in stop for w in capitalised[1:])

    def _written_outside(self, start: int, end: int, floor: int, ceiling: int) -> bool:
        """Is ``text[start:end]`` also written, capitalised, outside ``[floor, ceiling)``?"""
        surface = self.text[start:end]
        return any(not floor <= m.start() < ceiling for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", self.text))

    def _never_determined(self, word: str) -> bool:
        """True when the article never puts an article (or article + adjective) before ``word``
        and the word has no abstract-noun suffix: German writes names bare ("hatte Reuters")."""
        if len(word) < 2 or word.lower().endswith(tuple(self.words["de_noun_suffixes"])) or word.isupper():
            return False
        determiners = self.words["de_determiners"]
        for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", self.text):
            words = self.text[max(0, m.start() - 40) : m.start()].split()[-2:]
            if words and self._title(words[-1], "de"):
                continue  # "des Präsidenten Maduro": the article belongs to the title
            before = [w.lower() for w in words]
            if before and (before[-1] in determiners or (len(before) == 2 and before[0] in determiners and before[1][-1:] in "enrsm")):
                return False
        return True

    def _title(self, word: str, lang: str) -> bool:
        """A title before a name ("President", "Kanzler"), German compounds included
        ("Ministeriumssprecher", "Außenministerin")."""
        word = word.rstrip(".")
        if word in self.words["titles"]:
            return True
        lowered = word.lower()
        return lang == "de" and len(word) > 6 and any(
            lowered.endswith(t.lower()) for t in self.words["titles"] if len(t) > 4
        )

    def _german_descriptor(self, tokens: list[str], lang: str) -> bool:
        """A German noun describing the name after it: a media word ("Nachrichtenagentur Eastern
        Wire") or a long compound ("Speditionsunternehmen Nordfrakt")."""
        if lang != "de" or len(tokens) < 2:
            return False
        first = tokens[0]
        adjective = bool(_DE_ADJ.match(first.lower())) or first.endswith("e")  # "Amerikanische", "Russische"
        return first.lower() in self.words["media_words"] or (len(first) > 12 and not first.isupper() and not adjective)

    def _common_word(self, word: str, lang: str) -> bool:
        """A stop word or a word of the context lexicons ("Zugleich", "Газета"), capitalised
        because it opens a sentence: never a name."""
        lowered = re.split(r"['’]", word.lower())[0]  # "I'd", "Let's": the word before the contraction
        return lowered in _stop_words(lang) or lowered in self.words["lower_common"] or lowered in _cue_words(lang)

    def _before_verb(self, token: tuple[int, int], lang: str) -> bool:
        """In Russian, is the next word something an adjective cannot stand before: a finite
        verb, a preposition or particle, punctuation ("Зеленский обещал", "Зеленский не раз",
        "Зеленский, ...": a surname, not an adjective)?"""
        if lang != "ru":
            return False
        following = re.match(r"\s*([а-яё]+)", self.text[token[1] : token[1] + 30])
        if not following:
            return True
        word = following.group(1)
        # an adjective agrees with the noun after it; a verb, a particle or an adverb in the
        # instrumental ("вечером") after it marks a surname
        return word.endswith(_RU_VERB_ENDINGS + ("ом", "ем")) or word in _stop_words("ru")

    def _capitalised_elsewhere(self, token: tuple[int, int]) -> bool:
        """Does the article write this word (a Russian case form of it) capitalised mid-sentence?"""
        word = self.text[token[0] : token[1]]
        stem = _ru_stem(_ru_stem(word)) if re.search("[а-яё]", word) else word
        for m in re.finditer(rf"(?<!\w){re.escape(stem)}\w{{0,3}}(?!\w)", self.text):
            if m.start() != token[0] and m.group(0)[:1].isupper() and not _is_sentence_start(self.text, m.start(), 0):
                return True
        return False

    def _initial_word_of_run(self, span: list[tuple[int, int]], floor: int, lang: str) -> bool:
        """Does a run opening a Russian sentence start with a word that is not part of the name
        ("Вечером Зеленский", "Когда Путин")? Kept only when the article capitalises it mid-sentence."""
        if lang != "ru" or len(span) < 2 or not _is_sentence_start(self.text, span[0][0], floor):
            return False
        if not re.search("[а-яё]", self.text[span[0][0] : span[0][1]]):
            return False
        return not self._capitalised_elsewhere(span[0])

    def _after_number(self, start: int) -> bool:
        """"10 A.M.", "3 PM": a clock time, not a name."""
        return bool(re.search(r"\d\s*$", self.text[max(0, start - 3) : start]))

    def _nationality_adjective(self, word: str, lang: str) -> bool:
        """A (possibly sentence-initial) nationality adjective ("Russische", "Украинские"), or a
        German nationality noun ("Armenier", "Amerikanerin")."""
        pattern = _DE_ADJ if lang == "de" else _RU_ADJ
        lowered = word.lower()
        if lang == "de" and _DE_DEMONYM_NOUN.match(word) and _country_stem(lowered) and not _EN_WORDS.match(lowered):
            return True
        return bool(pattern.match(lowered)) and _country_stem(lowered)

    def _initial_name(self, token: tuple[int, int], lang: str) -> bool:
        """A single capitalised word opening a sentence is a name when the article also writes
        it (or, in Russian, its stem) capitalised mid-sentence, or when it is followed by a
        lowercase word and does not look like a plural ("Officials", "Военные")."""
        word = self.text[token[0] : token[1]]
        if self._common_word(word, lang) or (lang == "en" and word.endswith(("ed", "ing", "ly"))):
            return False  # "Despite", "Confronted", "Asked", "Reportedly" open sentences
        if self._capitalised_elsewhere(token):
            return True
        before = re.findall(r"[\w\-]+", self.text[max(0, token[0] - 30) : token[0]])
        if before and before[-1].lower() in self.words["media_words"]:
            return True  # 'Издание «Медуза»', 'the newspaper "Kurier"'
        following = self.text[token[1] : token[1] + 12].lstrip()
        if following.split(" ")[0].lower().strip(",") in self.words["verb_followers"]:
            return False  # "Remember that", "Imagine the": an imperative, not a name
        if word in self.words["common_openers"] or (lang == "ru" and word[-1:] in "ые"):
            return False
        if re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", self.text):
            return False  # the article writes it in lower case too: a common word
        return bool(following[:1].islower()) or following[:1] in ",;"

    def _german_name_context(self, token: tuple[int, int], tokens: list[str], span: list[tuple[int, int]]) -> bool:
        """German capitalises every noun, so a German name is told by its context: several
        capitalised words in a row ("Olaf Scholz", "Global Times", "Europäische Union"; not an
        adjective opening a sentence), a word right after a reporting verb or a media word
        ("sagte Putin", "der Sender DW"), or a word the article never puts after an article
        ("hatte Reuters", "Biden nannte")."""
        if tokens[0].lower() in self.words["media_words"]:
            return False  # "(Foto: …)", "Zeitung"
        adjacent = len(tokens) >= 2 and all(
            re.fullmatch(r"\s+", self.text[a[1] : b[0]]) for a, b in zip(span, span[1:], strict=False)
        )
        if adjacent:
            opening_adjective = _is_sentence_start(self.text, token[0], 0) and tokens[0].lower().endswith(("e", "en", "er", "es", "em"))
            if not opening_adjective:
                return True
        before = self.text[max(0, token[0] - 30) : token[0]].split()
        previous = before[-1].lower() if before else ""
        if previous[-1:] in (".", "!", "?", ":", ";", "“", "»") or _is_sentence_start(self.text, token[0], 0):
            previous = ""  # the word before belongs to another sentence
        previous = previous.strip(",„“\"")
        if previous in self.words["de_reporting_verbs"] or previous in self.words["media_words"] or previous in _cue_words("de"):
            return True
        return self._never_determined(tokens[0])


def find_names(text: str, paragraphs: list[tuple[int, int, str | None]]) -> list[NameMention]:
    """Every name in ``text``, paragraph by paragraph (``(start, end, lang)``), with entity ids.

    Mentions of one entity share an id: the same words, a Russian case form of them, or the
    last word of an earlier longer name ("Vladimir Putin" … "Putin").

    >>> [(text[m.start:m.end], m.kind, m.entity) for text in ["Vladimir Putin met Scholz. Putin left."]
    ...  for m in find_names(text, [(0, len(text), "en")])]
    [('Vladimir Putin', 'name', 0), ('Scholz', 'name', 1), ('Putin', 'name', 0)]
    """
    finder = _Finder(text)
    for start, end, lang in paragraphs:
        finder.paragraph(start, end, lang)
    spans = sorted(set(finder.found) | _other_occurrences(text, finder.found), key=lambda s: (s[0], -s[1], s[2]))
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return _context_kinds(text, _link(text, kept), sorted(start for start, _, _ in paragraphs))


def _other_occurrences(text: str, found: list[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    """Every other occurrence of a name found somewhere in the article: a word known as a name
    once ("die Nachrichtenagentur Xinhua") is a name everywhere ("der Xinhua")."""
    surfaces = {text[s:e]: kind for s, e, kind in found if kind == "name" and len(text[s:e]) > 1}
    for surface, kind in list(surfaces.items()):  # "Nicolás Maduro" … "Maduro"
        last = surface.split()[-1]
        if " " in surface and len(last) > 2 and last[:1].isupper() and not last.isupper():
            surfaces.setdefault(last, kind)
    if not surfaces:
        return set()
    # case forms: German genitive "Melonis", Russian "Путина", "Путиным"
    endings = r"(?:s|а|я|у|ю|е|ом|ем|ым|им|ой|ого|его|ому|ему)?"
    pattern = re.compile(r"(?<![\w\-])(" + "|".join(re.escape(n) for n in sorted(surfaces, key=len, reverse=True)) + r")" + endings + r"(?![\w\-])")
    return {(m.start(), m.end(), surfaces[m.group(1)]) for m in pattern.finditer(text)}


def _media_apposition(after: str, words: dict[str, set[str]]) -> bool:
    """Is a name followed by a media word ("X newspaper", "X, a broadcaster"), not by any
    later one ("X told reporters")?"""
    m = re.match(r"(?:\s+|,\s+(?:a|an|the|ein|eine|der|die|das)\s+(?:\w+\s+)?)([\w\-]+)", after)
    return bool(m) and m.group(1).lower() in words["media_words"]


def _context_kinds(text: str, mentions: list[NameMention], paragraph_starts: list[int] | None = None) -> list[NameMention]:
    """A name is a person when some mention of it follows a title ("Foreign Minister X"), an
    outlet when some mention sits next to a media word ("the newspaper X", "X, a broadcaster");
    the words around it decide, never the name itself."""
    words = _context_words()
    kinds: dict[int, str] = {}
    for index, m in enumerate(mentions):
        if m.kind != "name" or kinds.get(m.entity) == "person":
            continue
        # only the words between this name and its neighbours: another name is not context
        left = mentions[index - 1].end if index else 0
        right = mentions[index + 1].start if index + 1 < len(mentions) else len(text)
        before = re.findall(r"[\w\-]+", text[max(left, m.start - 40) : m.start])[-3:]
        if before and (before[-1] in words["titles"] or before[-1].capitalize() in words["titles"]):
            kinds[m.entity] = "person"
        elif len(before) >= 2 and before[-1].lower() in words["author_prepositions"] and before[-2].lower() in words["media_words"]:
            kinds[m.entity] = "person"  # "an article by X": X wrote it
        elif any(w.lower() in words["media_words"] for w in before) or _media_apposition(text[m.end : min(right, m.end + 30)], words):
            kinds[m.entity] = "outlet"
    typed = [NameMention(m.start, m.end, kinds.get(m.entity, m.kind), m.entity) if m.kind == "name" else m for m in mentions]
    # Number entities within their final kind by the paragraph of their first mention and their
    # order there (``paragraph * PER_PARAGRAPH + order``): a name missed in one paragraph shifts
    # the stand-ins of that paragraph only, not those of the rest of the article.
    numbers: dict[tuple[str, int], int] = {}
    counters: dict[tuple[str, int], int] = {}
    renumbered = []
    for m in typed:
        key = (m.kind, m.entity) if m.kind in ("country", "city", "nationality") else ("name", m.entity)
        if key not in numbers:
            paragraph = bisect.bisect_right(paragraph_starts, m.start) - 1 if paragraph_starts else 0
            order = counters.get((m.kind, paragraph), 0)
            counters[(m.kind, paragraph)] = order + 1
            numbers[key] = max(paragraph, 0) * PER_PARAGRAPH + order
        renumbered.append(NameMention(m.start, m.end, m.kind, numbers[key]))
    return renumbered


def _link(text: str, spans: list[tuple[int, int, str]]) -> list[NameMention]:
    keys: dict[tuple[str, str], int] = {}
    counters: dict[str, int] = {}
    mentions = []
    for start, end, kind in spans:
        surface = text[start:end]
        words = surface.split()
        key = (kind, _entity_key(surface))
        entity = keys.get(key)
        if entity is None and kind == "name" and len(words) == 1:
            entity = next((e for (k, s), e in keys.items() if k == kind and s.split()[-1:] == [_entity_key(surface)]), None)
        if entity is None:
            entity = counters.get(kind, 0)
            counters[kind] = entity + 1
        keys.setdefault(key, entity)
        mentions.append(NameMention(start, end, kind, entity))
    return mentions


def _entity_key(surface: str) -> str:
    words = [w.lower().rstrip(".'’s") for w in surface.split()]
    return " ".join(_ru_stem(_ru_stem(w)) if re.search("[а-яё]", w) else w for w in words)


def stand_in(kind: str, entity: int, *, lowercase: bool = False) -> str:
    """The made-up name standing in for entity number ``entity`` of ``kind``
    (``paragraph * PER_PARAGRAPH + order``): the pool's name for the order, with the paragraph's
    ending ("Varden", "Kestrel", …; "Vardenor" in the next paragraph).

    >>> stand_in("country", 0), stand_in("country", 1), stand_in("country", PER_PARAGRAPH)
    ('Aldoria', 'Belmora', 'Aldoriaor')
    """
    pool = _STAND_INS[kind]
    paragraph, order = divmod(entity, PER_PARAGRAPH)
    words = pool[order % len(pool)].split()
    words[-1 if kind == "person" else 0] += _PARAGRAPH_ENDINGS[paragraph % len(_PARAGRAPH_ENDINGS)] * (1 + paragraph // len(_PARAGRAPH_ENDINGS))
    name = " ".join(words) + ("" if order < len(pool) else str(order // len(pool)))
    return name.lower() if lowercase else name


@dataclass
class NameMask:
    """An article's text with every name replaced by a stand-in, and the way back.

    ``to_neutral``/``to_original`` map offsets (a start inside a name maps to the name's start,
    an end to its end); ``restore_string`` puts the original names back into strings built from
    the neutral text (a source's name, a reason).
    """

    text: str
    mentions: list[NameMention]
    neutral_text: str = ""
    _orig: list[tuple[int, int]] = field(default_factory=list, repr=False)
    _neutral: list[tuple[int, int]] = field(default_factory=list, repr=False)
    _surfaces: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, text: str, paragraphs: list[tuple[int, int, str | None]]) -> NameMask:
        mask = cls(text, find_names(text, paragraphs))
        pieces, cursor, shift = [], 0, 0
        for m in mask.mentions:
            surface = text[m.start : m.end]
            name = stand_in(m.kind, m.entity, lowercase=surface[:1].islower())
            pieces += [text[cursor : m.start], name]
            mask._orig.append((m.start, m.end))
            mask._neutral.append((m.start + shift, m.start + shift + len(name)))
            mask._surfaces.setdefault(name, surface)
            if m.kind in ("person", "outlet"):  # "Merrow" alone still means "Jonas Merrow"
                part = name.split()[-1 if m.kind == "person" else 0]
                mask._surfaces.setdefault(part, surface.split()[-1] if m.kind == "person" else surface)
            shift += len(name) - (m.end - m.start)
            cursor = m.end
        pieces.append(text[cursor:])
        mask.neutral_text = "".join(pieces)
        return mask

    def _map(self, pos: int, source: list[tuple[int, int]], target: list[tuple[int, int]], *, end: bool) -> int:
        i = bisect.bisect_right([s for s, _ in source], pos) - 1
        if i < 0:
            return pos
        (s0, e0), (t0, t1) = source[i], target[i]
        if pos < e0 or (end and pos == e0):
            return t1 if (end and pos > s0) else t0
        return pos - e0 + t1

    def to_neutral(self, pos: int, *, end: bool = False) -> int:
        return self._map(pos, self._orig, self._neutral, end=end)

    def to_original(self, pos: int, *, end: bool = False) -> int:
        return self._map(pos, self._neutral, self._orig, end=end)

    def restore_string(self, value: str) -> str:
        if not self._surfaces or not value:
            return value
        pattern = _alternation(tuple(sorted(self._surfaces, key=len, reverse=True)))
        return pattern.sub(lambda m: self._surfaces[m.group(0)], value)

    def neutral_spans(self) -> list[tuple[int, int, str]]:
        """``(start, end, kind)`` of every stand-in in the neutral text."""
        return [(s, e, m.kind) for (s, e), m in zip(self._neutral, self.mentions, strict=True)]

    def kind_at(self, start: int, end: int) -> str | None:
        """Kind of the name exactly covering original ``[start, end)`` (after "the"), if any."""
        for m in self.mentions:
            if m.start >= start and m.end <= end and self.text[start : m.start].strip().lower() in ("", "the"):
                return m.kind if self.text[m.end : end].strip() == "" else None
        return None


@cache
def _alternation(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


def neutral_units(text: str, units: list[tuple[int, int, str | None]]) -> tuple[NameMask, list[tuple[int, int, str | None]]]:
    """Mask ``text`` paragraph by paragraph (``units``: ``(start, end, lang)``) and give the
    units' offsets in the neutral text: how evaluations read a benchmark text exactly as the
    pipeline reads an article.

    >>> mask, units = neutral_units("Kiev said no.", [(0, 13, "en")])
    >>> mask.neutral_text[units[0][0] : units[0][1]]
    'Arvenburg said no.'
    """
    mask = NameMask.build(text, units)
    return mask, [(mask.to_neutral(s), mask.to_neutral(e, end=True), lang) for s, e, lang in units]

