"""Article-to-article similarity: the score behind story clustering.

The score combines the cosine of multilingual e5 embeddings (from
:mod:`narratrace.text.embeddings`) with the overlap of language-independent "name
keys" (capitalised words transliterated to Latin script, and numbers), so that
"Velora" and "Велора" or "2031" count as shared evidence across languages. It is
calibrated as a probability-like value in [0, 1] where **1 means the same story**.

The weights were fitted by logistic regression on ``semeval2022-task8/train.csv``
(``narratrace eval article-similarity`` re-fits them in 5-fold cross-validation and
prints that number as ``cv_pearson``, so the reported figure is held-out).

Examples
--------
>>> sorted(name_keys("Minister Anna Korver visited Velora on 12 May 2031."))[:4]
['12', '2031', 'anna', 'korve']
>>> sorted(name_keys("Министр Анна Корвер посетила Велору"))
['anna', 'korve', 'velor']
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np

# Cyrillic -> Latin (simplified ISO 9 / scholarly transliteration); enough for names to
# meet their Latin spelling in the first letters, which is what the prefix key compares.
_CYR = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
    strict=True,
))
_GERMAN = {"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e", "á": "a", "ó": "o", "í": "i", "ñ": "n", "ç": "c"}
_SENT_END = re.compile(r"[.!?\n]")
_TOKEN = re.compile(r"[^\W\d_][\w'-]*|\d+(?:[.,]\d+)?", re.UNICODE)
# Words capitalised anywhere in a sentence that are not names (articles, pronouns,
# months are kept: dates are evidence). Small, language-generic, not outlet-specific.
_STOP_CAPS = {
    "the", "a", "an", "in", "on", "at", "it", "he", "she", "they", "we", "i", "this", "that", "but", "and", "or",
    "der", "die", "das", "ein", "eine", "und", "im", "am", "es", "er", "sie", "wir", "ich", "nach", "laut",
    "в", "на", "и", "не", "по", "это", "он", "она", "они", "мы", "я", "как",
}
# Name keys are cut to this many Latin letters so that inflected forms ("Velora",
# "Veloru", "Veloras") meet: 5 letters kept case endings of German and Russian apart
# from the stem in the example corpus without merging different names.
NAME_KEY_PREFIX = 5

# Weights of the logistic combination, fitted on semeval2022-task8 train.csv (pairs
# with Overall <= 2 counted as "same story") by `fit_similarity_weights`:
# intercept, e5 cosine, name-key Jaccard, cross-language indicator. The cross-language
# term matters because e5-small gives translations lower cosines than same-language
# pairs. On all 1,221 pairs: plain cosine r = -0.670, this score r = -0.741 in-sample
# and -0.737 in 5-fold CV (`narratrace eval article-similarity` refits per fold).
SIM_WEIGHTS = (-39.89, 44.49, 0.99, 2.57)


def translit(word: str) -> str:
    """Latin transliteration of a word, lower-cased.

    >>> translit("Корвер")
    'korver'
    """
    out = []
    for ch in word.casefold():
        out.append(_CYR.get(ch, _GERMAN.get(ch, ch)))
    return "".join(out)


def name_keys(text: str, *, prefix: int = NAME_KEY_PREFIX) -> set[str]:
    """Language-independent keys of the names and numbers in ``text``.

    Capitalised words (not the sentence's first word unless it recurs capitalised
    elsewhere) and numbers, transliterated and cut to ``prefix`` letters.
    """
    keys: set[str] = set()
    sentence_start = True
    last_end = 0
    for m in _TOKEN.finditer(text):
        if _SENT_END.search(text[last_end : m.start()]):
            sentence_start = True
        tok = m.group(0)
        if tok[0].isdigit():
            if len(tok) >= 2:
                keys.add(tok.replace(",", "."))
        elif tok[0].isupper() and not sentence_start and tok.casefold() not in _STOP_CAPS and len(tok) > 2:
            keys.add(translit(tok)[:prefix])
        sentence_start = False
        last_end = m.end()
    return keys


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Jaccard overlap of two sets (0 when both are empty)."""
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def similarity_logit(cosine: float, names: float, cross_lingual: bool = False, weights: tuple[float, ...] = SIM_WEIGHTS) -> float:
    """Log-odds that two articles report the same story (the score the eval correlates)."""
    return weights[0] + weights[1] * cosine + weights[2] * names + weights[3] * float(cross_lingual)


def combine(cosine: float, names: float, cross_lingual: bool = False, weights: tuple[float, ...] = SIM_WEIGHTS) -> float:
    """Similarity in [0, 1] (1 = same story): the logistic of :func:`similarity_logit`.

    >>> combine(0.95, 0.5) > combine(0.80, 0.0)
    True
    """
    z = similarity_logit(cosine, names, cross_lingual, weights)
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def fit_similarity_weights(cosines: np.ndarray, names: np.ndarray, cross: np.ndarray, same: np.ndarray, *, seed: int = 0) -> tuple[float, float, float, float]:
    """Fit the logistic weights of :func:`combine` (deterministic, lightly L2-regularised)."""
    from sklearn.linear_model import LogisticRegression

    x = np.column_stack([cosines, names, cross])
    model = LogisticRegression(C=100.0, random_state=seed, max_iter=1000).fit(x, same)
    return (float(model.intercept_[0]), *(float(c) for c in model.coef_[0]))
