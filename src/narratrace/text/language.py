"""Language identification (lingua, shipped models) for articles and paragraphs.

Examples
--------
>>> detect_language("Die Nato hat die Entsendung von Soldaten verurteilt.")[0]
'de'
"""

from __future__ import annotations

import re
from functools import cache

# Languages the detector chooses between: the six the project analyses in depth, plus
# frequent languages of the same news ecosystems so they are not mistaken for one of the six.
LANGUAGES = (
    "ENGLISH", "GERMAN", "RUSSIAN", "FRENCH", "ITALIAN", "POLISH", "UKRAINIAN", "SPANISH",
    "PORTUGUESE", "DUTCH", "CZECH", "SWEDISH", "TURKISH", "ARABIC", "CHINESE", "JAPANESE", "KOREAN",
    "BELARUSIAN", "BULGARIAN", "SERBIAN", "ROMANIAN", "HUNGARIAN", "GREEK", "FINNISH", "PERSIAN", "HEBREW",
)
# Paragraphs with fewer letters than this are too short to identify reliably (lingua's
# accuracy drops sharply under ~20 characters); they inherit the article's language.
MIN_LETTERS = 20
# ... and fewer words than this (a credit such as "(Photo:ScreenshotRUTube)" is one long word).
MIN_WORDS = 3
# Below this confidence a paragraph also inherits the article's language.
MIN_CONFIDENCE = 0.5
_LETTER = re.compile(r"[^\W\d_]", re.U)


@cache
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    # Low-accuracy mode uses trigram models only: it loads in well under a second (the full
    # models take ~10 s) and is as accurate on paragraph-length text, which is what we classify.
    return LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in LANGUAGES)).with_low_accuracy_mode().build()


def letter_count(text: str) -> int:
    return len(_LETTER.findall(text))


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and confidence of ``text``'s language; ``(None, 0.0)`` when too short."""
    if letter_count(text) < MIN_LETTERS or len(text.split()) < MIN_WORDS:
        return None, 0.0
    values = _detector().compute_language_confidence_values(text[:5000])
    if not values:
        return None, 0.0
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)
