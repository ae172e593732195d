"""Cue lexicons for claim stance, in English, German and Russian.

Each category is one compiled pattern over lower-cased text. The categories are the
same in every language, so a feature learned on English FNC-1 bodies ("the body has a
refuting cue in the sentences closest to the claim") fires on German and Russian text
through their own words. The lists were written by hand from the issue's failure cases
("has not", "could not verify", "refrained from denying", "neither ... acknowledged",
"so-called", "fabrication") and common news wording; no word was taken from FNC-1.
"""

from __future__ import annotations

import re

_EN_NEG = r"not|n't|no|never|neither|nor|none|nobody|nothing|without|cannot"
_DE_NEG = r"nicht|kein\w*|nie|niemals|weder|ohne|nichts"
_RU_NEG = r"не|нет|ни|никогда|ничего|никто|без"
NEGATION = re.compile(rf"(?<!\w)(?:{_EN_NEG}|{_DE_NEG}|{_RU_NEG})(?!\w)|n't")

# Words that call the claim false, or its source a liar.
REFUTE = re.compile(
    r"\b(?:fake\w*|hoax\w*|false\w*|untrue|den(?:y|ies|ied|ial|ials|ying)|debunk\w*|fabricat\w*|"
    r"so-called|bogus|myth\w*|lies|lying|liar\w*|refut\w*|dismiss\w*|reject\w*|baseless|unfounded|groundless|"
    r"rebuff\w*|rebut\w*|repudiat\w*|disavow\w*|scoff\w*|"
    r"misinformation|disinformation|propaganda|doctored|nonsense|satir\w*|prank\w*|invented|made up|"
    r"no evidence|not true|never happened|"
    r"dementi\w*|bestreit\w*|bestritt\w*|bestritten|leugne\w*|fälschung\w*|gefälscht\w*|falsch\w*|"
    r"falschmeldung\w*|lüge\w*|erfunden\w*|sogenannt\w*|desinformation|haltlos\w*|zurückgewiesen|"
    r"weis\w* \w* ?zurück|zurückweis\w*|abgestritten|abstreit\w*|stritt\w* (?:\w+ ){0,5}?ab\b|"
    r"widerleg\w*|unwahr\w*|erfindung\w*|"
    r"опроверг\w*|опровер\w*|отрица\w*|отм[её]л\w*|отмета\w*|фейк\w*|ложь|лжи|ложью|ложн\w*|"
    r"выдумк\w*|выдума\w*|фальшив\w*|"
    r"сфабрикова\w*|фабрикаци\w*|так называем\w*|пропаганд\w*|дезинформаци\w*|беспочвенн\w*|"
    r"необоснованн\w*|отверг\w*|вымысел|вымысл\w*)"
)

# Words that report without endorsing: hearsay, modality, open questions.
HEDGE = re.compile(
    r"\b(?:reportedly|allegedly|alleged|claim\w*|according to|reports?|reported|rumou?r\w*|unconfirmed|"
    r"unverified|may|might|could|possibly|apparently|purportedly|suggest\w*|speculat\w*|unclear|if true|"
    r"appears?|seems?|believed|sources? say|whether|"
    r"angeblich\w*|soll|sollen|laut|berichten zufolge|mutmaßlich\w*|unbestätigt\w*|offenbar|"
    r"möglicherweise|könnte\w*|vermutlich|gerücht\w*|unklar|ungeklärt|"
    r"якобы|по данным|сообщается|по сообщениям|предположительно|возможно|вероятно|по словам|"
    r"по информации|неподтвержд\w*|слух\w*|будто бы|неясно|не ясно)"
)

# Words of confirmation, admission or plain factual report.
CONFIRM = re.compile(
    r"\b(?:confirm\w*|acknowledg\w*|admit\w*|announc\w*|reveal\w*|verified|proved|proven|"
    r"corroborat\w*|official\w*|"
    r"bestätig\w*|räumt\w* ein|eingeräumt|gab \w* ?zu|zugegeben|anerkannt|"
    r"подтверди\w*|подтвержда\w*|подтвержд\w*|признал\w*|признае\w*|признан\w*|официально)"
)

# A negated denial is not a denial: "refrained from denying", "did not deny".
NEGATED_REFUTE = re.compile(
    r"\b(?:not|never|n't|refrain\w* from|stopped short of|declined to|without)\s+(?:\w+\s+){0,2}?"
    r"(?:den(?:y|ies|ied|ying)|dismiss\w*|reject\w*|refut\w*|rebuff\w*|rebut\w*|repudiat\w*|disavow\w*)|"
    r"\b(?:nicht|kein\w*)\s+(?:\w+\s+){0,1}?(?:dementi\w*|bestr\w*|zurückgewiesen|abgestritten)|"
    r"(?:dementiert\w*|bestritt\w*|bestreitet|stritt\w*)\s+(?:\w+\s+){0,2}?nicht\b|"
    r"(?<!\w)не\s+(?:стал\w*\s+|\w+\s+)?(?:опроверг\w*|опровер\w*|отрица\w*|отверг\w*|отм[её]л\w*|отмета\w*)"
)

# Confirmation that did not happen: "could not verify", "neither ... acknowledged".
NEGATED_CONFIRM = re.compile(
    r"\b(?:not|n't|cannot|unable to|neither|nor|never|no one|nobody|declined to|refused to)\s+"
    r"(?:\w+\s+){0,4}?(?:confirm\w*|verif\w*|acknowledg\w*|corroborat\w*|admit\w*)|"
    r"\b(?:nicht|weder|kein\w*|niemand)\s+(?:\w+\s+){0,5}?(?:bestätig\w*|überprüf\w*|eingeräumt|anerkannt)|"
    r"(?:bestätigt\w*|räumt\w*)\s+(?:\w+\s+){0,2}?nicht\b|"
    r"(?<!\w)(?:не|ни)\s+(?:\w+\s+){0,3}?(?:подтверди\w*|подтвержда\w*|призна\w*|провери\w*)"
)

CUE_PATTERNS: dict[str, re.Pattern[str]] = {
    "neg": NEGATION,
    "refute": REFUTE,
    "hedge": HEDGE,
    "confirm": CONFIRM,
    "neg_refute": NEGATED_REFUTE,
    "neg_confirm": NEGATED_CONFIRM,
}


def cue_counts(text: str) -> dict[str, int]:
    """Count each cue category in ``text`` (matched lower-cased).

    Examples
    --------
    >>> cue_counts("Moscow refrained from denying the report.")["neg_refute"]
    1
    >>> cue_counts("Минобороны не подтвердило эти сообщения.")["neg_confirm"]
    1
    """
    low = text.lower()
    return {name: len(pattern.findall(low)) for name, pattern in CUE_PATTERNS.items()}
