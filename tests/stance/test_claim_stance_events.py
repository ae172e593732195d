"""Narrative events re-typed by the claim-stance model: the negation and modality cases of issue 15."""

from __future__ import annotations

from datetime import UTC, datetime

from narratrace.corpus.lifecycle import assess
from narratrace.corpus.narratives import Event
from narratrace.stance.events import event_type, retype_events

CLAIM = "Dravian troops are fighting for Kestria in the Velora region"


def ev(day, kind, source, text, verdict=None):
    return Event(datetime(2031, 5, day, tzinfo=UTC), kind, f"a{day}", source, source, "en", text=text, verdict=verdict)


def test_event_type_table():
    assert event_type("disagree", "Kestria denied it.", "asserted") == "denied"
    assert event_type("discuss", "Dravian troops are allegedly in Velora.", "asserted") == "questioned"
    assert event_type("agree", "Troops fight in Velora.", "denied") == "asserted"
    assert event_type("unrelated", "Rain in Marsk.", "denied") == "denied"
    assert event_type("disagree", "False.", "fact_checked") == "fact_checked"


def test_rumours_and_questions_are_questioned_but_a_refuted_rumour_is_denied():
    questioned = [("discuss", "Rumours spread on Tuesday that Dravian troops had crossed into Velora."),
                  ("discuss", "Gerüchten zufolge kämpfen dravische Soldaten in Velora."),
                  ("discuss", "По слухам, дравийские военные воюют в Велоре."),
                  ("agree", "Are Dravian troops really fighting for Kestria in Velora?"),
                  ("agree", "Kämpfen dravische Truppen in Velora?")]
    for label, text in questioned:
        assert event_type(label, text, "asserted") == "questioned", text
    assert event_type("discuss", "Marsk rebuffed rumours that its troops are in Velora.", "asserted") == "denied"
    assert event_type("discuss", "Kestria dismissed the speculation as propaganda.", "asserted") == "denied"
    # a report without rumour or doubt stays a report, an agreeing statement an assertion
    assert event_type("discuss", "Ostland's agency said Dravian troops were in Velora.", "asserted") == "asserted"
    assert event_type("agree", "Dravian troops are fighting in Velora, Ostland said.", "asserted") == "asserted"


def test_misread_events_are_retyped_and_the_lifecycle_follows():
    events = [
        ev(1, "asserted", "Ostland intelligence", "Thousands of Dravian soldiers are fighting for Kestria in Velora, "
           "Ostland's intelligence service said, citing satellite images."),
        ev(2, "asserted", "Dravian foreign ministry", "Dravia has not sent any troops to Kestria."),
        ev(3, "confirmed", "Ostland defence department", "The Ostland defence department said it cannot corroborate "
           "reports that Dravian soldiers were fighting in Velora."),
        ev(4, "denied", "Kestrian spokesman", "Asked about the reports, the Kestrian spokesman refrained from denying "
           "that Dravian troops were in Velora."),
        ev(5, "asserted", "Opinion column", "The so-called Dravian deployment to Velora is a fabrication spread by "
           "hostile media."),
    ]
    types = [e.type for e in retype_events(CLAIM, events)]
    assert types == ["asserted", "denied", "questioned", "questioned", "denied"]
    lc = assess(retype_events(CLAIM, events), claim=CLAIM)
    assert lc.state == "contested"
    assert {e.source for e in lc.justification if e.type == "denied"} == {"Dravian foreign ministry", "Opinion column"}
    # typed by cue verbs, the Ostland department "confirmed" and the Kestrian spokesman "denied"
    assert {e.source for e in assess(events, claim=CLAIM).justification if e.type == "denied"} == {"Kestrian spokesman"}
