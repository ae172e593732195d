"""Persuasion techniques: paragraph labels, character spans with reasons, and a summary.

The ``techniques.v1`` stage (:mod:`narratrace.analyze.techniques.stage`) uses the
SemEval-2023 Task 3 taxonomy of 23 techniques (:mod:`~narratrace.analyze.techniques.taxonomy`)
and a shipped linear model (``resources/persuasion/``) trained by
``narratrace train persuasion``. See ``docs/techniques.md``.
"""

from narratrace.analyze.techniques.stage import TechniquesStage
from narratrace.analyze.techniques.taxonomy import FAMILY, TECHNIQUES, TO_PTC

__all__ = ["FAMILY", "TECHNIQUES", "TO_PTC", "TechniquesStage"]
