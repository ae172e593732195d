"""Narrative event types from the claim-stance model.

The claims stage types an event by its cue verb ("said" -> asserted, "confirmed" ->
confirmed), which misreads negation and modality: "North Korea has not sent troops" came
out *asserted*, "neither Moscow nor Pyongyang has acknowledged" and "the Pentagon cannot
corroborate" *confirmed*, "refrained from denying" *denied*, an opinion piece calling the
story a fabrication an assertion. :func:`retype_events` reads each event's quoted text
against the narrative's claim with :class:`~narratrace.stance.ClaimStanceModel` instead:

========== =========================================================================
model      event type
========== =========================================================================
agree      ``confirmed`` / ``retracted`` / ``corrected`` stay (an acknowledgement or a
           withdrawal agrees with the words it quotes); ``questioned`` for an open
           question or a sentence ending in a question mark; otherwise ``asserted``
disagree   ``denied``
discuss    ``questioned`` when the text doubts (a hedge, a negated confirmation such
           as "could not verify", a question mark), ``denied`` when it refutes,
           ``questioned`` when it calls the claim a rumour or speculation, else
           ``asserted`` (a report)
unrelated  the event keeps its type (grouping put it here; the model is not sure)
========== =========================================================================

``fact_checked`` events keep their verdict and type.

Examples
--------
>>> from datetime import datetime, UTC
>>> from narratrace.corpus.narratives import Event
>>> ev = Event(datetime(2031, 5, 2, tzinfo=UTC), "asserted", "a2", "Dravian ministry",
...            text="Dravia has not sent any troops to Kestria.")
>>> retype_events("Dravian troops are fighting for Kestria", [ev])[0].type  # doctest: +SKIP
'denied'
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from narratrace.stance._cues import cue_counts

if TYPE_CHECKING:
    from narratrace.corpus.narratives import Event
    from narratrace.stance._model import ClaimStanceModel

# Open questions ("it is unclear whether", "ob … ist unklar"): no assertion carries them, so
# they turn even an "agree" of the model, which reads the claim's own words, into a question.
_OPEN_QUESTION_WORDS = (r"unclear|whether|unverified|unconfirmed|unklar|ungeklärt|fraglich|ob\b|unbestätigt\w*|"
                        r"неясно|не ясно|неподтвержд\w*")
OPEN_QUESTION = re.compile(rf"\b(?:{_OPEN_QUESTION_WORDS})", re.I)
# Words of doubt, as opposed to plain hearsay ("according to", "reportedly", "claimed"),
# which is how news reports any claim: a "discuss" with doubt is a question, without it a report.
DOUBT = re.compile(
    rf"\b(?:{_OPEN_QUESTION_WORDS}|alleged\w*|purported\w*|if true|doubt\w*|questionable|"
    r"angeblich\w*|mutmaßlich\w*|zweifel\w*|якобы|будто бы|сомн\w*)", re.I)
# Rumour and speculation: a report that calls the claim a rumour ("a rumor cropped up that
# ...", "Gerüchten zufolge", "по слухам") questions it -- unless it refutes it ("rebuffed
# rumours that ..." is a denial), so it is read after the refuting words.
RUMOUR = re.compile(
    r"\b(?:rumou?r\w*|speculat\w*|unsubstantiated|unproven|hearsay|"
    r"gerücht\w*|spekul\w*|unbelegt\w*|слух\w*|спекуляци\w*|домысл\w*)", re.I)
# A question: a sentence that ends with a question mark asserts nothing ("Did Kim Yo-jong take
# over?"), whatever words of the claim it repeats.
_QUESTION_END = re.compile(r"\?[\s\"'”’»)]*$")
# Verbs of acknowledgement: an agreeing sentence built on one is a confirmation, whatever
# verb the claims stage saw ("hat eingeräumt, dass ...").
ACKNOWLEDGE = re.compile(
    r"\b(?:confirm\w*|acknowledg\w*|admit\w*|conced\w*|bestätig\w*|eingeräumt|räumt\w* \w* ?ein|zugegeben|gab \w* ?zu|"
    r"подтверди\w*|подтвержда\w*|призна\w*)", re.I)
# A confirmation still awaited or only supposed ("working to confirm", "if confirmed"):
# the word is there, the confirmation is not.
PENDING = re.compile(
    r"\b(?:(?:working|trying|seeking|attempting|waiting|hoping|sought|tried)\s+to\s+(?:confirm|verify|corroborate)|"
    r"if\s+(?:confirmed|verified|true|corroborated)|yet to be (?:confirmed|verified)|to be confirmed|"
    r"noch nicht bestätigt|falls \w+ ?bestätigt|versuch\w* \w* ?zu (?:bestätigen|überprüfen)|"
    r"пыта\w* подтверди\w*|если подтверд\w*|пока не подтвержд\w*)", re.I)
# Event types a model label never replaces.
KEPT_TYPES = frozenset({"fact_checked"})
# Event types an "agree" keeps rather than turning them into "asserted".
AGREEING_TYPES = frozenset({"confirmed", "retracted", "corrected"})


def event_type(label: str, text: str, current: str) -> str:
    """The event type for a stance ``label`` of ``text``, given the ``current`` type.

    >>> event_type("discuss", "The ministry could not verify the reports.", "confirmed")
    'questioned'
    >>> event_type("discuss", "Ostland said the troops had arrived.", "asserted")
    'asserted'
    >>> event_type("agree", "Kestria acknowledged the deployment.", "confirmed")
    'confirmed'
    >>> event_type("discuss", "Marsk again rejected reports that its troops are in Velm.", "asserted")
    'denied'
    >>> event_type("agree", "Ob Velmer Truppen in Ostland kämpfen, ist weiter unklar.", "asserted")
    'questioned'
    >>> event_type("discuss", "A rumor cropped up that Dravian troops had reached Velm.", "asserted")
    'questioned'
    >>> event_type("discuss", "Marsk rebuffed rumours that its troops are in Velm.", "asserted")
    'denied'
    >>> event_type("agree", "Are Dravian troops fighting in Velm?", "asserted")
    'questioned'
    """
    if current in KEPT_TYPES or label == "unrelated":
        return current
    if label == "disagree":
        return "denied"
    if label == "discuss":
        cues = cue_counts(text)
        if cues["neg_confirm"] or cues["neg_refute"] or "?" in text or DOUBT.search(text):
            return "questioned"  # doubt, or neither confirmed nor denied ("refrained from denying")
        if cues["refute"] > cues["neg_refute"]:  # "rejected reports that ...": a denial worded as hearsay
            return "denied"
        if RUMOUR.search(text):
            return "questioned"
        return "confirmed" if current == "confirmed" and cues["confirm"] else "asserted"
    if current in AGREEING_TYPES:
        return current
    if OPEN_QUESTION.search(text) or cue_counts(text)["neg_confirm"] or _QUESTION_END.search(text):
        return "questioned"
    ack = ACKNOWLEDGE.search(text)
    return "confirmed" if ack and not cue_counts(text)["neg_confirm"] else "asserted"


def retype_events(claim: str, events: Sequence[Event], *, model: ClaimStanceModel | None = None) -> list[Event]:
    """Copies of ``events`` typed by the stance of their sentence (``context``, else ``text``) toward ``claim``.

    Events without text keep their type. One batch call to the model.
    """
    from narratrace.stance._model import load_model

    todo = [i for i, e in enumerate(events) if e.text and e.type not in KEPT_TYPES]
    out = list(events)
    if not todo:
        return out
    labels, _ = (model or load_model()).predict_pairs([claim] * len(todo), [events[i].context or events[i].text for i in todo])
    for i, label in zip(todo, labels, strict=True):
        new_type = event_type(label, events[i].text, events[i].type)
        if new_type != events[i].type:
            out[i] = dataclasses.replace(events[i], type=new_type, stance=label)
    return out
