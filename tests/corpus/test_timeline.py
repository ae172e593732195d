from datetime import UTC, datetime

from narratrace.corpus.narratives import Event
from narratrace.corpus.timeline import build_timeline


def test_timeline_volume_reach_and_stance():
    d1, d2 = datetime(2031, 5, 1, 9, tzinfo=UTC), datetime(2031, 5, 3, 9, tzinfo=UTC)
    events = [
        Event(d2, "denied", "a3", "Ministry", "Post", "de"),
        Event(d1, "asserted", "a1", "Officials", "Wire", "en", 5, 20),
        Event(d1, "asserted", "a2", "Officials", "Herald", "en", copy_of="a1"),
    ]
    t = build_timeline(events, corpus_volume={"2031-05-01": 10, "2031-05-03": 4})
    assert t["first_appearance"]["article"] == "a1" and t["first_appearance"]["span"] == [5, 20]
    assert t["last_appearance"]["article"] == "a3"
    assert t["volume"] == [
        {"date": "2031-05-01", "articles": 2, "independent": 1, "corpus": 10, "normalized": 0.2},
        {"date": "2031-05-03", "articles": 1, "independent": 1, "corpus": 4, "normalized": 0.25},
    ]
    assert [o["outlet"] for o in t["outlets"]] == ["Wire", "Herald", "Post"]
    assert [g["lang"] for g in t["languages"]] == ["en", "de"]
    assert t["stance_over_time"][1]["denied"] == 1 and t["stance_over_time"][0]["asserted"] == 2
