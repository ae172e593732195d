"""Is a match the *same claim*? Both sides must be full claims that agree.

Retrieval scores say how close two texts are, not whether they assert the same thing:
the fragment "his decision" is close to any record about a decision, and "Putin
refused talks" is close to "Zelensky refused talks". So a match can only be reported
as the same claim when

* both sides are **full claims**: at least :data:`MIN_CONTENT_WORDS` content words and,
  where a parser exists for the language (English), a finite verb with a subject —
  never a fragment such as "his decision" or "guided by US forces";
* their **names agree**: every name in the record's claim is found in the claim being
  matched, and at least half of the latter's names are found in the record (its claim,
  or for EUvsDisinfo its countries and keywords). Names are compared word by word by
  stem, so "North Korean" agrees with "North Korea" and "U.S." with "United States",
  and "North Korea" not with "South Korea"; every name is treated alike, whatever the
  country, outlet or person;
* their **predicates agree**: a verb of one (by lemma) is a word of the other, where a
  parser found verbs on both sides; otherwise they share a content word that is not a name.

:func:`agreement` turns this into a ceiling on the match level. A fragment on the
claim's side, names that differ outright (none shared), a claim that names no one
against a record that does, or a claim mostly about other names rule the match out
(``related``: never attached to an article's claims). Each remaining doubt — a record
name missing from the claim, verbs that differ, a record without a verb, a language
without a parser (German, or names in two scripts: the predicate cannot be compared) —
lowers the ceiling one level: one doubt leaves ``suggested`` for a person to confirm,
two mean a different claim (``related``). ``same_claim`` needs no doubt at all.

Examples
--------
>>> q = ClaimShape(("north", "korean", "troop", "fight", "kursk"), ("North Korean", "Kursk"), True, ("fight",))
>>> r = ClaimShape(("north", "korea", "soldier", "fight", "kursk"), ("North Korea", "Kursk"), True, ("fight",))
>>> agreement(q, r).ceiling
'same_claim'
>>> agreement(ClaimShape(content=("decis",), names=(), predicate=False), r).ceiling
'related'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from narratrace.factcheck._text import stem, stopwords, words

logger = logging.getLogger(__name__)

#: Content words (stop words dropped) a full claim has at least: the seed article's
#: fragments that matched EUvsDisinfo ("his decision", "the time") have one, and on the
#: team-written neutrality texts "It is Kiev that refuses." (two) matched "Kiev refuses
#: to pay its official national debt" at confidence 0.95.
MIN_CONTENT_WORDS = 3
#: Where no parser can confirm a verb and a subject (German, Russian), one more content
#: word is asked for: on the team-written German texts "Biden nannte das Führung." and
#: "Trump nennt es Gewinnen." (three each) matched EUvsDisinfo records about Biden and
#: Trump at confidence 0.43-0.56.
MIN_CONTENT_WORDS_UNPARSED = 4
#: The same for the fact-checked claim, which a database curated as a claim: 16 of
#: 10,892 EUvsDisinfo titles have two ("Crimea is Russian", "Ukraine will disintegrate"),
#: none has fewer.
MIN_RECORD_CONTENT_WORDS = 2
#: Share of the matched claim's names that must be found in the record (the claim may
#: name more context than the record: "Biden's administration" vs "the US").
MIN_NAME_SHARE = 0.5
#: Words in a name that do not identify it ("the" New York Times, "President" Biden).
NAME_FILLERS = frozenset("the of and president minister prime chancellor secretary general mr mrs ms dr".split())
#: Dependency labels of a subject: a full English claim has one with a finite verb
#: ("to defect", "guided by US forces" and "to allow Kiev to attack" have none).
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
#: Content words besides names two texts must share when no verbs can be compared
#: ("This week it is American hegemony" and "This Week's Trend: … guided by American…"
#: share only "week").
MIN_SHARED_WORDS = 2
#: Largest share of lower-case words (of four letters or more) in a text in headline case,
#: whose capitals say nothing about names: a sentence full of names ("North Korean
#: soldiers are fighting in Kursk, Russia") still has its verbs and nouns in lower case.
HEADLINE_MAX_LOWER = 0.2
#: Language confidence from which a detected language is believed: short English
#: sentences get 0.6-0.75 for Dutch or Portuguese.
LANGUAGE_MIN = 0.9
#: spaCy entity labels that are names of people, places, groups, organisations or works.
NAME_LABELS = frozenset({"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
#: Shortest stem compared by prefix ("korea" ~ "korean", "russia" ~ "russian"); shorter
#: stems ("us", "eu") must be equal.
MIN_PREFIX = 4
LEVEL_ORDER = ("same_claim", "suggested", "related")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Stop words of the test: English, German and Russian at once (bm25s's lists), because
#: it compares a claim with a record that may be written in another language.
CLAIM_STOPWORDS = stopwords("en") | stopwords("de") | stopwords("ru")
_LATIN = re.compile(r"[A-Za-z]")
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
# "— Name (@handle) April 3, 2016": the signature line of an embedded post
_SIGNATURE = re.compile(r"\s[—–-]+\s[^—–\n]{0,80}\(@\w+\)\s+\w+\.?\s+\d{1,2},\s+\d{4}\s*$")
_URL_OR_PIC = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+")
_TAG = re.compile(r"(?<!\w)[@#](\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SENTENCE_START = re.compile(r"(?:^|[.!?…]\s+|[\n:«\"“„(]\s*)$")


@dataclass(frozen=True)
class ClaimShape:
    """What a claim text consists of, for the same-claim test.

    Attributes
    ----------
    content : tuple of str
        Stemmed content words.
    names : tuple of str or None
        Names as written; ``None`` when the language has no name finder here.
    predicate : bool or None
        Whether a verb with a subject was found ("guided by US forces" and "to allow Kiev
        to attack" have none); ``None`` when no parser exists for the language.
    verbs : tuple of str
        Stemmed lemmas of the main verbs (not auxiliaries); empty when unknown.
    headline : bool
        English in headline case: names and predicate unknown, but its words compare with
        English words.
    """

    content: tuple[str, ...]
    names: tuple[str, ...] | None
    predicate: bool | None
    verbs: tuple[str, ...] = ()
    headline: bool = False

    @property
    def full(self) -> bool:
        """A full claim: enough content words and no evidence that the predicate is missing."""
        if self.predicate is None:  # no parse: ask for one more content word
            return len(self.content) >= MIN_CONTENT_WORDS_UNPARSED
        return len(self.content) >= MIN_CONTENT_WORDS and self.predicate

    @property
    def full_record(self) -> bool:
        """As :attr:`full`, with the fact-checked claim's lower minimum of content words."""
        return len(self.content) >= MIN_RECORD_CONTENT_WORDS and self.predicate is not False


@dataclass(frozen=True)
class Agreement:
    """The same-claim test of one match: its ceiling level and the reasons."""

    ceiling: str
    reasons: tuple[str, ...] = ()
    shared_names: tuple[str, ...] = ()
    shared_content: tuple[str, ...] = field(default=())

    def cap(self, level: str) -> str:
        """``level`` lowered to the ceiling (levels ordered same_claim > suggested > related)."""
        return LEVEL_ORDER[max(LEVEL_ORDER.index(level), LEVEL_ORDER.index(self.ceiling))]


def name_keys(name: str) -> frozenset[str]:
    """Stems of the words that identify a name (titles and articles dropped).

    >>> sorted(name_keys("North Korean"))
    ['korean', 'north']
    >>> sorted(name_keys("President Biden"))
    ['biden']
    """
    return frozenset(_stem(t) for t in _name_words(name) if t not in NAME_FILLERS)


def _stem(word: str) -> str:
    """One comparison key across languages: Russian stems for Cyrillic, English for ASCII.

    Retrieval stems each text in its own language (:mod:`narratrace.factcheck._text`);
    this test compares a claim with a record in possibly another language, by name and
    word, so both sides get the same key whatever their language.
    """
    return stem(word, "ru" if _CYRILLIC.search(word) else "en" if word.isascii() else None)


def _content(text: str) -> tuple[str, ...]:
    """Comparison keys of the content words of ``text``."""
    return tuple(_stem(w) for w in words(text, None) if w not in CLAIM_STOPWORDS)


def _name_words(name: str) -> list[str]:
    toks = [t.replace("’", "'").strip(".'-").lower() for t in _NAME_TOKEN.findall(name)]
    return [t.replace(".", "") for t in toks if t.replace(".", "")]


def acronym(name: str) -> str:
    """The name as an acronym: its own letters if it is one word, else its initials.

    >>> acronym("United States"), acronym("U.S."), acronym("the New York Times"), acronym("NATO")
    ('us', 'us', 'nyt', 'nato')
    """
    toks = [t for t in _name_words(name) if t not in {"the", "of", "and"}]
    return toks[0] if len(toks) == 1 else "".join(t[0] for t in toks)


def _keys_match(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= MIN_PREFIX and long_.startswith(short)


def names_match(a: str, b: str) -> bool:
    """Whether two names denote the same thing.

    Every identifying word of the shorter name must fit one of the longer (by stem, or
    as a prefix of at least :data:`MIN_PREFIX` letters), or one name is the other's
    acronym.

    >>> names_match("North Korean", "North Korea"), names_match("North Korea", "South Korea")
    (True, False)
    >>> names_match("U.S.", "United States"), names_match("Putin", "Vladimir Putin")
    (True, True)
    """
    ka, kb = name_keys(a), name_keys(b)
    if ka and kb:
        small, large = sorted((ka, kb), key=len)
        if all(any(_keys_match(x, y) for y in large) for x in small):
            return True
    one_word = [len(_name_words(n)) == 1 for n in (a, b)]
    return one_word[0] != one_word[1] and bool(acronym(a)) and acronym(a) == acronym(b)


def _script(names: Iterable[str]) -> set[str]:
    out = set()
    for n in names:
        if _CYRILLIC.search(n):
            out.add("cyrillic")
        elif _LATIN.search(n):
            out.add("latin")
    return out


def agreement(query: ClaimShape, record: ClaimShape, *, aliases: Sequence[str] = ()) -> Agreement:
    """The highest level a match between ``query`` and ``record`` may have, and why.

    Parameters
    ----------
    query, record : ClaimShape
        The claim being matched and the fact-checked claim.
    aliases : sequence of str
        More names the record is about (EUvsDisinfo countries and keywords): they can
        confirm a name of the query, but are not required to appear in it.
    """
    if not query.full:
        return Agreement("related", ("the text matched is a fragment, not a full claim",))
    if len(record.content) < MIN_RECORD_CONTENT_WORDS:
        return Agreement("related", ("the fact-checked claim is a fragment",))
    soft: list[str] = []  # each is doubt a person could resolve; two are a different claim
    if not record.full_record:
        soft.append("the fact-checked claim has no verb or subject")
    shared_names, hard, name_doubts = _name_checks(query, record, aliases)
    if hard:
        return Agreement("related", (hard,), tuple(shared_names))
    soft += name_doubts
    name_stems = {k for n in (query.names or ()) + (record.names or ()) for k in name_keys(n)}
    shared = tuple(sorted(c for c in set(query.content) & set(record.content) if not any(_keys_match(c, k) for k in name_stems)))
    if any(x.predicate is None and not x.headline for x in (query, record)):
        soft.append("the predicate could not be compared in this language")
    elif query.verbs and record.verbs:
        q_words, r_words = set(query.verbs) | set(query.content), set(record.verbs) | set(record.content)
        if not (set(query.verbs) & r_words or set(record.verbs) & q_words):
            soft.append("the verbs differ: " + ", ".join(query.verbs) + " / " + ", ".join(record.verbs))
    elif len(shared) < MIN_SHARED_WORDS:
        soft.append("predicate not confirmed: shared besides names: " + (", ".join(shared) or "nothing"))
    return Agreement(LEVEL_ORDER[min(len(soft), 2)], tuple(soft), tuple(shared_names), shared)


def _name_checks(query: ClaimShape, record: ClaimShape, aliases: Sequence[str]) -> tuple[list[str], str, list[str]]:
    """Names of the query found in the record, a reason the names rule the match out, and doubts."""
    if query.names is None and record.names is None:
        return [], "", []
    if query.names is None or record.names is None:
        # one side has no name finder: look for the other side's names among its words
        unknown, named, words_ = (query, record.names, query.content) if query.names is None else (record, query.names, record.content)
        missing = [n for n in named or () if not any(_keys_match(k, c) for k in name_keys(n) for c in words_)]
        if named and len(missing) == len(named):
            return [], "the names differ: none of " + ", ".join(named) + " is in the other text", []
        if missing and unknown.headline:  # English in headline case: words are words
            return [], "", ["not in the other text: " + ", ".join(missing)]
        return [], "", []  # across languages a partial miss proves little (inflections, "Nordkorea")
    known = list(record.names) + [a for a in aliases if a]
    q_found = [q for q in query.names if any(names_match(q, r) for r in known)]
    r_missing = [r for r in record.names if not any(names_match(r, q) for q in query.names)]
    if record.names and not query.names:
        return [], "the claim names none of: " + ", ".join(record.names), []
    if query.names and record.names and not q_found and len(r_missing) == len(record.names):
        if _script(query.names) != _script(record.names):
            return [], "", []  # names in two scripts cannot be compared; the predicate check still caps
        return [], "the names differ: " + ", ".join(query.names) + " / " + ", ".join(record.names), []
    doubts: list[str] = []
    if query.names and len(q_found) < MIN_NAME_SHARE * len(query.names):
        other = "mostly about other names: " + ", ".join(q for q in query.names if q not in q_found)
        if record.names:
            return q_found, other, []
        doubts.append(other)
    if r_missing:
        doubts.append("not in the claim: " + ", ".join(r_missing))
    return q_found, "", doubts


# -- shapes of texts -------------------------------------------------------------------


def _english_shape(text: str) -> ClaimShape | None:
    from narratrace.errors import ModelError
    from narratrace.text.nlp import english

    content = _content(text)
    if headline_case(text):
        # "Woman Gives Vodka Butt Shots At Bar": every word looks like a name and the parse
        # is unreliable, so names and predicate are unknown; words still compare
        return ClaimShape(content, None, None, headline=True)
    try:
        doc = english()(text)
    except ModelError as exc:  # the model is a dependency, but keep working without it
        logger.warning("no English parser for the same-claim test: %s", exc)
        return None
    # a subject of a finite verb: "Kiev" in "to allow Kiev to attack" is the subject of an infinitive
    predicate = any(t.dep_ in SUBJECT_DEPS and not any(c.tag_ == "TO" for c in t.head.children) for t in doc)
    verbs = tuple(dict.fromkeys(_stem(t.lemma_.lower()) for t in doc if t.pos_ == "VERB" and t.lemma_.lower() not in CLAIM_STOPWORDS))
    names = [e.text for e in doc.ents if e.label_ in NAME_LABELS]
    covered = {t.i for e in doc.ents for t in e}  # dates and numbers are not names either
    # proper nouns the entity recogniser missed; not at a sentence start ("Singer Avril Lavigne")
    names += [t.text for t in doc if t.pos_ == "PROPN" and t.i not in covered and t.text[:1].isupper() and not t.is_sent_start]
    names = [n for n in names if name_keys(n)]  # a bare title ("President") names no one
    return ClaimShape(content, tuple(dict.fromkeys(names)), predicate, verbs)


def headline_case(text: str) -> bool:
    """Whether most words are capitalised (Title Case or ALL CAPS), as in headlines and many tweets.

    >>> headline_case("Woman Gives Vodka Butt Shots At Bar"), headline_case("Russia denied the claim.")
    (True, False)
    """
    toks = [t for t in _NAME_TOKEN.findall(text) if t[:1].isalpha() and len(t) > 3]
    return len(toks) >= 3 and sum(t[:1].islower() for t in toks) <= HEADLINE_MAX_LOWER * len(toks)


def strip_post(text: str) -> str:
    """The claim of a social-media post: no signature line or links; handles and hashtags as words.

    >>> strip_post(".@BernieSanders wins #LasVegas! https://t.co/x — Jo (@jo) April 3, 2016")
    '. Bernie Sanders wins Las Vegas!'
    """
    text = _URL_OR_PIC.sub(" ", _SIGNATURE.sub("", text))
    text = _TAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)), text)
    return " ".join(text.split())


def _capitalised_names(text: str) -> tuple[str, ...]:
    """Capitalised words that do not start a sentence, runs joined (for Cyrillic text)."""
    names: list[str] = []
    run: list[str] = []
    last_end = -1
    for m in _NAME_TOKEN.finditer(text):
        tok = m.group(0)
        starts_sentence = bool(_SENTENCE_START.search(text[: m.start()]))
        if tok[:1].isupper() and not starts_sentence:
            if run and text[last_end : m.start()].strip() == "":
                run.append(tok)
            else:
                if run:
                    names.append(" ".join(run))
                run = [tok]
            last_end = m.end()
        elif run:
            names.append(" ".join(run))
            run = []
    if run:
        names.append(" ".join(run))
    return tuple(dict.fromkeys(names))


@lru_cache(maxsize=20_000)
def claim_shape(text: str, lang: str | None = None) -> ClaimShape:
    """The :class:`ClaimShape` of ``text`` (``lang`` is detected when not given).

    English is parsed with spaCy (names, verbs); Russian and other Cyrillic text gets
    capitalised words as names (Russian capitalises names only) and no verb test; other
    languages get content words only, so their matches top out at ``suggested``.
    """
    text = strip_post(text)
    content = _content(text)
    if lang is None:
        from narratrace.text.language import detect_language

        found, confidence = detect_language(text)
        lang = found if found and confidence >= LANGUAGE_MIN else "ru" if _CYRILLIC.search(text) else "en" if text.isascii() else None
    if lang == "en":
        shape = _english_shape(text)
        if shape is not None:
            return shape
    if lang in ("ru", "uk", "be", "bg", "sr") or (lang is None and _CYRILLIC.search(text)):
        return ClaimShape(content, _capitalised_names(text), None)
    return ClaimShape(content, None, None)
