"""The 23 persuasion techniques of SemEval-2023 Task 3, their families and the PTC mapping.

The project uses the SemEval-2023 Task 3 taxonomy as its own. The 14 labels of
SemEval-2020 Task 11 (the Propaganda Techniques Corpus, PTC) are reached through
:data:`TO_PTC`, which is documented in ``docs/techniques.md``.

Examples
--------
>>> FAMILY["Loaded_Language"]
'manipulative_wording'
>>> TO_PTC["False_Dilemma-No_Choice"]
'Black-and-White_Fallacy'
>>> len(TECHNIQUES)
23
"""

from __future__ import annotations

import numpy as np

# (technique, family, one-line meaning shown in reasons)
_TAXONOMY: tuple[tuple[str, str, str], ...] = (
    ("Name_Calling-Labeling", "attack_on_reputation", "a label that makes the target look bad or ridiculous instead of arguing"),
    ("Guilt_by_Association", "attack_on_reputation", "discrediting by linking the target to someone or something already disliked"),
    ("Doubt", "attack_on_reputation", "casting doubt on someone's credibility or on a fact without showing why"),
    ("Appeal_to_Hypocrisy", "attack_on_reputation", "attacking the target as a hypocrite rather than answering the point"),
    ("Questioning_the_Reputation", "attack_on_reputation", "undermining the character or morals of the target rather than the argument"),
    ("Flag_Waving", "justification", "justifying a position by appeal to a group's pride or identity (nation, religion, party)"),
    ("Appeal_to_Authority", "justification", "a claim presented as true because an authority or expert said it"),
    ("Appeal_to_Popularity", "justification", "a claim presented as right because many or everyone agree (bandwagon)"),
    ("Appeal_to_Values", "justification", "a claim tied to values the reader holds (freedom, democracy, tradition)"),
    ("Appeal_to_Fear-Prejudice", "justification", "promoting an idea by stirring fear, anxiety or prejudice"),
    ("Straw_Man", "distraction", "refuting a distorted version of the opponent's position"),
    ("Red_Herring", "distraction", "shifting attention to an irrelevant topic"),
    ("Whataboutism", "distraction", "deflecting criticism by pointing at others' misdeeds"),
    ("Causal_Oversimplification", "simplification", "a single cause offered for a complex outcome"),
    ("False_Dilemma-No_Choice", "simplification", "only two options presented when more exist, or only one"),
    ("Consequential_Oversimplification", "simplification", "a small step claimed to lead inevitably to extreme consequences (slippery slope)"),
    ("Slogans", "call", "a short, striking phrase standing in for an argument"),
    ("Conversation_Killer", "call", "a phrase that discourages critical thought and ends discussion"),
    ("Appeal_to_Time", "call", "urgency: the claim that now is the time to act"),
    ("Loaded_Language", "manipulative_wording", "emotionally charged words meant to sway the reader"),
    ("Obfuscation-Vagueness-Confusion", "manipulative_wording", "deliberately unclear wording that lets the reader read in what they want"),
    ("Exaggeration-Minimisation", "manipulative_wording", "making something look much bigger or smaller than it is"),
    ("Repetition", "manipulative_wording", "repeating the same message so that the reader accepts it"),
)

TECHNIQUES: tuple[str, ...] = tuple(t for t, _, _ in _TAXONOMY)
FAMILY: dict[str, str] = {t: f for t, f, _ in _TAXONOMY}
MEANING: dict[str, str] = {t: m for t, _, m in _TAXONOMY}
FAMILIES: tuple[str, ...] = (
    "attack_on_reputation",
    "justification",
    "distraction",
    "simplification",
    "call",
    "manipulative_wording",
)
# Colour per family for report highlights (colour-blind-safe Okabe-Ito palette, light tints
# so that highlighted text stays readable).
FAMILY_COLOR: dict[str, str] = {
    "attack_on_reputation": "#f4b183",  # orange
    "justification": "#9dc3e6",  # sky blue
    "distraction": "#c5a3d9",  # reddish purple, lightened
    "simplification": "#a9d18e",  # bluish green, lightened
    "call": "#ffe699",  # yellow
    "manipulative_wording": "#f8a5a5",  # vermillion, lightened
}

# The 14 labels of SemEval-2020 Task 11 (PTC).
PTC_LABELS: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)

# SemEval-2023 technique -> PTC label. The 2023 guidelines split or renamed PTC labels;
# techniques new in 2023 map to their nearest PTC ancestor where one exists and to None
# otherwise (they then never count in PTC scoring). See docs/techniques.md.
TO_PTC: dict[str, str | None] = {
    "Name_Calling-Labeling": "Name_Calling,Labeling",
    "Guilt_by_Association": "Bandwagon,Reductio_ad_hitlerum",  # Reductio ad hitlerum
    "Doubt": "Doubt",
    "Appeal_to_Hypocrisy": "Whataboutism,Straw_Men,Red_Herring",  # tu quoque, split from whataboutism
    "Questioning_the_Reputation": None,
    "Flag_Waving": "Flag-Waving",
    "Appeal_to_Authority": "Appeal_to_Authority",
    "Appeal_to_Popularity": "Bandwagon,Reductio_ad_hitlerum",  # Bandwagon
    "Appeal_to_Values": None,
    "Appeal_to_Fear-Prejudice": "Appeal_to_fear-prejudice",
    "Straw_Man": "Whataboutism,Straw_Men,Red_Herring",
    "Red_Herring": "Whataboutism,Straw_Men,Red_Herring",
    "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
    "Causal_Oversimplification": "Causal_Oversimplification",
    "False_Dilemma-No_Choice": "Black-and-White_Fallacy",
    "Consequential_Oversimplification": None,
    "Slogans": "Slogans",
    "Conversation_Killer": "Thought-terminating_Cliches",
    "Appeal_to_Time": None,
    "Loaded_Language": "Loaded_Language",
    "Obfuscation-Vagueness-Confusion": None,
    "Exaggeration-Minimisation": "Exaggeration,Minimisation",
    "Repetition": "Repetition",
}

# Languages the shipped model was trained on.
SUPPORTED_LANGS: tuple[str, ...] = ("en", "de", "ru", "fr", "it", "pl")


def language_rows(table: np.ndarray, langs: list[str]) -> np.ndarray:
    """Each language's row of a ``(languages, techniques)`` table, ``[len(langs), techniques]``;
    a language outside the six reads the first row."""
    return np.asarray([table[SUPPORTED_LANGS.index(lang) if lang in SUPPORTED_LANGS else 0]
                       for lang in langs]).reshape(len(langs), len(TECHNIQUES))


def labels_above(proba: np.ndarray, thresholds: np.ndarray) -> list[list[str]]:
    """Technique names at or above their threshold, per row of ``proba`` and ``thresholds``."""
    return [[TECHNIQUES[j] for j in np.flatnonzero(row >= thr)] for row, thr in zip(proba, thresholds, strict=True)]
