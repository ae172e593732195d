"""Claims and attribution: who claims what, how firmly, on what evidence, and is it worth checking.

Stages (registered on import, run in this order):

- ``attribution.v1`` (110): source, cue and content spans of reported statements;
- ``stance.v1`` (120): the cue's stance and the author's stance toward the content;
- ``evidence.v1`` (130): what evidence each attribution offers;
- ``claims.v1`` (150): :class:`~narratrace.model.Claim` records with a normalised form;
- ``checkworthiness.v1`` (200): a score in [0, 1] per sentence and per claim.

English uses the shared spaCy parse and a cue model learned from PolNeAR train; German
and Russian use cue-verb lexicons and surface patterns.
"""

from narratrace.analyze.claims.attribution import attribute_doc, attribute_text

__all__ = ["attribute_doc", "attribute_text"]
