"""Tokens for lexical retrieval, per language: lower-cased words, stop words, Snowball stems.

A text's language (an ISO 639-1 code: a record's own ``language``, else lingua's guess
by :func:`language_of`; the index tokenises a query in each of its records' languages)
chooses its stop words (``bm25s``'s lists, from NLTK) and its stemmer
(``snowballstemmer``, one Snowball algorithm per language). A language with a stemmer but no stop-word list (Polish, Czech...) is stemmed and keeps
all its words; one with neither (Ukrainian, Japanese...) and an unknown language
(``None``) get lower-cased words only: no stemming, no stop words. Tweets lose their
URLs, ``pic.twitter.com`` links, HTML entities, retweet markers and the ``@``/``#`` of
handles and tags.

Examples
--------
>>> tokenize("Vaccines were tested on children", "en")
['vaccin', 'test', 'children']
>>> tokenize("Die Impfstoffe wurden an Kindern getestet", "de")
['impfstoff', 'wurd', 'kind', 'getest']
>>> tokenize("Die Impfstoffe wurden an Kindern getestet", None)
['die', 'impfstoffe', 'wurden', 'an', 'kindern', 'getestet']
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache, lru_cache

import snowballstemmer
from bm25s import stopwords as _bm25s_stopwords

#: Version of the tokens this module produces; an index of older tokens is rebuilt
#: (:data:`narratrace.factcheck._index.INDEX_VERSION` follows it).
#: 1: one English/German/Russian stop list, English stems for Latin script.
#: 2: stop words and stems of the text's own language.
TOKENIZER_VERSION = 2

#: bm25s's stop-word list per language. English takes the full NLTK list
#: (``STOPWORDS_EN_PLUS``, pronouns and auxiliaries included) rather than the 33-word
#: Lucene list, as the earlier hand-written list did (see docs/factcheck.md).
STOPWORD_LISTS: dict[str, tuple[str, ...]] = {
    "en": _bm25s_stopwords.STOPWORDS_EN_PLUS,
    "de": _bm25s_stopwords.STOPWORDS_GERMAN,
    "ru": _bm25s_stopwords.STOPWORDS_RUSSIAN,
    "fr": _bm25s_stopwords.STOPWORDS_FRENCH,
    "es": _bm25s_stopwords.STOPWORDS_SPANISH,
    "it": _bm25s_stopwords.STOPWORDS_ITALIAN,
    "pt": _bm25s_stopwords.STOPWORDS_PORTUGUESE,
    "nl": _bm25s_stopwords.STOPWORDS_DUTCH,
    "sv": _bm25s_stopwords.STOPWORDS_SWEDISH,
    "da": _bm25s_stopwords.STOPWORDS_DANISH,
    "no": _bm25s_stopwords.STOPWORDS_NORWEGIAN,
    "tr": _bm25s_stopwords.STOPWORDS_TURKISH,
    "zh": _bm25s_stopwords.STOPWORDS_CHINESE,
    "ko": _bm25s_stopwords.STOPWORDS_KOREAN,
}
#: Codes written for one language the lists and stemmers know under another.
_ALIASES = {"nb": "no", "nn": "no"}

_WORD = re.compile(r"[^\W_][\w'’]*[^\W_]|[^\W_]", re.UNICODE)
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
_RETWEET = re.compile(r"(?<!\w)RT(?=\s*@)")


def normalize_language(code: str | None) -> str | None:
    """The ISO 639-1 part of a language tag (``"de-AT"`` → ``"de"``), ``None`` if empty.

    >>> normalize_language("EN_us"), normalize_language("nb"), normalize_language("")
    ('en', 'no', None)
    """
    if not code:
        return None
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return _ALIASES.get(base, base) or None


def language_of(text: str) -> str | None:
    """The language of a text as lingua detects it, ``None`` when unsure.

    Uses :func:`narratrace.text.language.detect_language` on the text without URLs and
    handles, believed from its paragraph threshold (``MIN_CONFIDENCE``) up.
    """
    from narratrace.text.language import MIN_CONFIDENCE, detect_language

    lang, confidence = detect_language(clean(text))
    return normalize_language(lang) if lang and confidence >= MIN_CONFIDENCE else None


@cache
def _snowball_names() -> dict[str, str]:
    """ISO 639-1 code → Snowball algorithm, for every algorithm lingua can name."""
    from lingua import Language

    out = {"no": "norwegian"}  # lingua knows Bokmål and Nynorsk, not "Norwegian"
    for name in snowballstemmer.algorithms():
        language = getattr(Language, name.upper(), None)
        if language is not None:
            out[language.iso_code_639_1.name.lower()] = name
    return out


@cache
def _stemmer(lang: str | None) -> Callable[[str], str] | None:
    name = _snowball_names().get(lang or "")
    return snowballstemmer.stemmer(name).stemWord if name else None


@cache
def stopwords(lang: str | None) -> frozenset[str]:
    """The stop words of ``lang`` (empty for a language bm25s has no list for, or ``None``).

    >>> "und" in stopwords("de"), "und" in stopwords("en"), len(stopwords(None))
    (True, False, 0)
    """
    return frozenset(STOPWORD_LISTS.get(lang or "", ()))


def has_stemmer(lang: str | None) -> bool:
    """Whether words of ``lang`` are stemmed."""
    return _stemmer(lang) is not None


@lru_cache(maxsize=500_000)
def stem(word: str, lang: str | None) -> str:
    """``word`` stemmed with the Snowball stemmer of ``lang`` (unchanged if there is none).

    >>> stem("kindern", "de"), stem("kindern", "en"), stem("kindern", None)
    ('kind', 'kindern', 'kindern')
    """
    stemmer = _stemmer(lang)
    return stemmer(word) if stemmer else word


def clean(text: str) -> str:
    """Drop URLs, HTML entities, retweet markers and the ``@``/``#`` of handles and tags.

    >>> " ".join(clean("RT @CNN: Salt &amp; pepper https://t.co/x #tag").split())
    'CNN: Salt & pepper tag'
    """
    text = _RETWEET.sub(" ", html.unescape(_URL.sub(" ", text)))
    return text.replace("@", " ").replace("#", " ")


def words(text: str, lang: str | None) -> list[str]:
    """Lower-cased words of ``text`` in order, less the stop words of ``lang`` (no stemming).

    Single Latin letters are dropped in every language.

    >>> words("The Vaccines weren't tested!", "en")
    ['vaccines', 'tested']
    >>> words("The Vaccines weren't tested!", None)
    ['the', 'vaccines', "weren't", 'tested']
    """
    stop = stopwords(lang)
    out = []
    for w in _WORD.findall(clean(text).lower()):
        w = w.replace("’", "'")
        if w not in stop and not (len(w) == 1 and w.isascii()):
            out.append(w)
    return out


def tokenize(text: str, lang: str | None) -> list[str]:
    """Stemmed content tokens of ``text`` written in ``lang`` (see the module docstring)."""
    return [stem(w, lang) for w in words(text, lang)]
