"""Tokens for lexical retrieval: lower-cased words, stop words dropped, Snowball stems.

Latin-script words get the English stemmer, Cyrillic words the Russian one (the
two scripts of the databases narratrace ships readers for); everything else is kept
as is. Tweets lose their URLs, ``pic.twitter.com`` links and the ``@`` of handles.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[^\W_][\w'’]*[^\W_]|[^\W_]", re.UNICODE)
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

# Function words of English, German and Russian (the languages of the team's
# queries); kept short on purpose: BM25's idf handles the rest.
STOPWORDS = frozenset(
    """a an and are as at be but by for from has have he her his i if in into is it its
    of on or our she so than that the their them there these they this those to was we
    were what when where which who will with would you your been being do does did not no
    can could should just about after over also more most all any some such only other
    rt via amp
    der die das und ist nicht ein eine einen dem den des zu mit von im auf für sich es
    auch als an wie wird wurde sind hat haben bei aus nach noch nur oder aber
    и в во не что на с со как а то все она так его но да ты к у же вы за бы по ее мне
    было вот от меня о из ему теперь когда даже ну ли если уже или ни быть был него до
    вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо
    ней для мы тебя их чем была сам чтобы без будто чего раз тоже себе под будет это
    этот эта эти том""".split()
)

_EN = snowballstemmer.stemmer("english")
_RU = snowballstemmer.stemmer("russian")


@lru_cache(maxsize=500_000)
def _stem(word: str) -> str:
    if _CYRILLIC.search(word):
        return _RU.stemWord(word)
    if word.isascii():
        return _EN.stemWord(word)
    return word


def clean(text: str) -> str:
    """Drop URLs and the ``@`` of handles.

    >>> " ".join(clean("See https://t.co/x @CNN said so").split())
    'See CNN said so'
    """
    return _URL.sub(" ", text).replace("@", " ").replace("#", " ")


def words(text: str) -> list[str]:
    """Lower-cased content words (no stemming), in order.

    >>> words("The Vaccines weren't tested!")
    ['vaccines', "weren't", 'tested']
    """
    out = []
    for w in _WORD.findall(clean(text).lower()):
        w = w.replace("’", "'")
        if w not in STOPWORDS and not (len(w) == 1 and w.isascii()):
            out.append(w)
    return out


def tokenize(text: str) -> list[str]:
    """Stemmed content tokens of ``text``.

    >>> tokenize("Vaccines were tested on children")
    ['vaccin', 'test', 'children']
    """
    return [_stem(w) for w in words(text)]


