"""Every article's stance toward its narrative's claim, read by the claim-stance model.

The claims stage types an event by its cue verb, which misreads negation and modality
("has not sent" came out asserted, "could not verify" confirmed, "refrained from denying"
denied). Here each event's *sentence* (the claim with its attribution: "The ministry
denied that troops blew up the dam", not only "troops blew up the dam", whose words
agree with the claim whatever the cue said) is read against the narrative's claim by
:class:`~narratrace.stance.ClaimStanceModel`, and the label is mapped to an event type by
:func:`narratrace.stance.events.event_type`.

A narrative made only of denials or negated mentions (none attached to a claim) keeps
the claims stage's types: its label is itself a denial, and reading its events against it
would turn every denial into agreement. Two kinds of event keep their type: ``fact_checked`` (a verdict, not a stance), and a
``retracted``/``corrected`` event in the publisher's own voice (an outlet withdrawing its
own report). A "withdrawal" said by anyone else -- troops pulled back from a front -- is
read like any other sentence: news about the claim, not a retraction of it.

A party the claim names that states the claim's content negated ("Lusovia had nothing to
do with the blackout", said by Lusovia's minister, in a narrative claiming that Lusovian
hackers caused it) denies it, whatever the model says: the FNC-1 model reads the claim's
own words in such a sentence as agreement. This needs the party, not only the negation:
"the flooding was not intended", said by a witness, is news about the claim; a negation in
a concession ("admitted that he is unwell, although it did not elaborate") is not one.

Where the model finds the sentence unrelated to the claim (it reads English best), the
claims stage's denial or confirmation stands only when the sentence's own words carry it
(:func:`cue_backed`): "declined to comment on what the service will offer" is no denial,
"working to confirm reports" no confirmation; neither is an awaited confirmation
(:data:`narratrace.stance.events.PENDING`) whatever the model says.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from narratrace.corpus.grouping import OWN_VOICE_KINDS, dedupe_events
from narratrace.corpus.records import Event, Narrative, publisher_voice
from narratrace.corpus.similarity import name_keys
from narratrace.stance.events import PENDING

WITHDRAWAL_TYPES = frozenset({"retracted", "corrected"})
# A clause that concedes after the claim ("… is unwell, although it did not elaborate"): a
# negation after it is not the claim's.
_CONCESSIVE = re.compile(r"\b(?:although|though|but|while|however|whereas|aber|jedoch|obwohl|doch|но|хотя|однако|а)\b", re.I)



def named_party_negates(claim: str, e: Event) -> bool:
    """True when ``e`` is a party that ``claim`` names stating the claim's content negated.

    >>> from narratrace.corpus.records import Event
    >>> e = Event(None, "asserted", "a", "minister", actor="Lusovia", actor_kind="government",
    ...           text="Lusovia had nothing to do with the blackout in Brenmark")
    >>> named_party_negates("Lusovian hackers caused the blackout in Brenmark", e)
    True
    >>> named_party_negates("Brenmark's grid failed in January", e)
    False
    """
    from narratrace.stance import cue_counts

    if not e.actor or e.actor_kind in OWN_VOICE_KINDS:
        return False
    if not name_keys(" x " + e.actor) & name_keys(" x " + claim):
        return False
    text = e.text or ""
    cut = _CONCESSIVE.search(text)
    cues = cue_counts(text[: cut.start()] if cut else text)
    if cue_counts(e.context or text)["confirm"]:  # "admitted that Kim is unwell, although …": an admission
        return False
    return bool(cues["neg"]) and not (cues["neg_confirm"] or cues["neg_refute"] or cue_counts(claim)["neg"])


def cue_backed(current: str, text: str) -> str:
    """The claims stage's type of an event the model could not relate to the claim, kept only
    when the sentence's own words carry it: a denial needs an un-negated refuting word, a
    confirmation a verb of acknowledgement that is not negated, doubted or still awaited.

    >>> cue_backed("denied", "HBO declined to comment on what the service will offer.")
    'asserted'
    >>> cue_backed("denied", "Лусовия отвергла обвинения.")
    'denied'
    >>> cue_backed("confirmed", "The government is working to confirm reports that she was captured.")
    'asserted'
    """
    from narratrace.stance import cue_counts
    from narratrace.stance.events import ACKNOWLEDGE, DOUBT

    cues = cue_counts(text)
    if current == "denied":
        return current if cues["refute"] > cues["neg_refute"] else "asserted"
    if current == "confirmed":
        unsure = cues["neg_confirm"] or DOUBT.search(text) or PENDING.search(text)
        return current if ACKNOWLEDGE.search(text) and not unsure else "asserted"
    return current


def model_backed(label: str, text: str, new_type: str) -> str:
    """The model's type, where the sentence's words allow it: a ``disagree`` needs a
    negation, refuting or doubting word (the model, trained on whole articles, calls a
    sentence about something else -- "the headquarters of the defence ministry" -- a
    disagreement), and a confirmation must not be awaited (:data:`narratrace.stance.events.PENDING`).

    >>> model_backed("disagree", "The men were taken to the headquarters of the ministry.", "denied")
    'asserted'
    >>> model_backed("disagree", "Reports of his death are not accurate.", "denied")
    'denied'
    """
    from narratrace.stance import cue_counts
    from narratrace.stance.events import DOUBT

    if new_type == "denied" and label == "disagree":
        cues = cue_counts(text)
        if not (cues["neg"] or cues["refute"] or cues["neg_confirm"] or DOUBT.search(text)):
            return "asserted"
    if new_type == "confirmed" and PENDING.search(text):
        return "asserted"
    return new_type


def type_events(narratives: Sequence[Narrative], *, model=None) -> None:
    """Re-type the events of ``narratives`` in place (one batch call to the model)."""
    from narratrace.stance.events import event_type

    todo: list[tuple[Narrative, int]] = []
    for n in narratives:
        if n.sub_claims and not any(sub.get("affirmative") for sub in n.sub_claims):
            continue  # a narrative of denials only has no claim to read them against: its label is a denial
        for k, e in enumerate(n.events):
            if e.type == "fact_checked" or (e.type in WITHDRAWAL_TYPES and publisher_voice(e)):
                continue
            if e.context or e.text:
                todo.append((n, k))
    if not todo:
        return
    if model is None:
        from narratrace.stance import load_model

        model = load_model()
    texts = [n.events[k].context or n.events[k].text for n, k in todo]
    labels, _ = model.predict_pairs([n.claim for n, _ in todo], texts)
    for (n, k), label, text in zip(todo, labels, texts, strict=True):
        e = n.events[k]
        current = "asserted" if e.type in WITHDRAWAL_TYPES else e.type
        if label != "disagree" and named_party_negates(n.claim, e):
            new_type = "denied"
        elif label == "unrelated":
            new_type = cue_backed(current, text)
        else:
            new_type = model_backed(label, text, event_type(label, text, current))
        n.events[k] = dataclasses.replace(e, type=new_type, stance=label)
    for n in narratives:
        n.events = dedupe_events(n.events)
