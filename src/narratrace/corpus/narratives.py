"""Narratives: one checkable claim across articles, outlets and languages, with dated events.

The work is split by responsibility:

- :mod:`~narratrace.corpus.records` -- :class:`Mention`, :class:`Event`, :class:`Narrative`;
- :mod:`~narratrace.corpus.mentions` -- mentions from stored analyses, the events of a mention;
- :mod:`~narratrace.corpus.grouping` -- mentions grouped into claim families;
- :mod:`~narratrace.corpus.event_stance` -- every article's stance toward its narrative's claim;
- :mod:`~narratrace.corpus.parties` -- who took each stance (normalised parties);
- :mod:`~narratrace.corpus.verdicts` -- fact-check verdict labels.

This module re-exports their public names. Before the claim-stance model reads them, an
event's type comes from its attribution's stance:

=========================  ===================
stance of the attribution  event type
=========================  ===================
asserts, reports           ``asserted``
denies                     ``denied``
questions                  ``questioned``
confirms                   ``confirmed``
retracts                   ``retracted``
corrects                   ``corrected``
fact-check match           ``fact_checked`` (with ``verdict``)
=========================  ===================

Examples
--------
>>> import numpy as np
>>> from datetime import datetime
>>> m = [Mention("a1", "Troops shelled the dam", stance="asserts", published=datetime(2031, 5, 1)),
...      Mention("a2", "Troops shelled the dam", stance="denies", published=datetime(2031, 5, 2), source="Ministry")]
>>> vecs = np.ones((2, 4), dtype=np.float32) / 2
>>> [n.id for n in group_mentions(m, vectors=vecs)] == [group_mentions(m, vectors=vecs)[0].id]
True
>>> [e.type for e in group_mentions(m, vectors=vecs)[0].events]
['asserted', 'denied']
"""

from narratrace.corpus.grouping import (
    NarrativeGrouper,
    center_by_language,
    claim_label,
    group_mentions,
)
from narratrace.corpus.mentions import (
    events_of,
    mark_copies,
    mentions_from_analysis,
    sentence_context,
)
from narratrace.corpus.records import (
    EVENT_TYPES,
    STANCE_TO_EVENT,
    Event,
    Mention,
    Narrative,
    article_name,
    article_stance,
)
from narratrace.corpus.verdicts import verdict_class

__all__ = [
    "EVENT_TYPES", "STANCE_TO_EVENT", "Event", "Mention", "Narrative", "NarrativeGrouper", "article_name", "article_stance",
    "center_by_language", "claim_label", "events_of", "group_mentions", "mark_copies", "mentions_from_analysis",
    "sentence_context", "verdict_class",
]
