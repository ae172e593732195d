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
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from narratrace.corpus.grouping import dedupe_events
from narratrace.corpus.records import Narrative, publisher_voice

WITHDRAWAL_TYPES = frozenset({"retracted", "corrected"})


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
        new_type = event_type(label, text, current)
        n.events[k] = dataclasses.replace(e, type=new_type, stance=label)
    for n in narratives:
        n.events = dedupe_events(n.events)
