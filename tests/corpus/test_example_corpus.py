"""The worked example (examples/corpus/velora): duplicates folded, one story, and the
reconstructed narratives with their events in order and final states.

Claims come from hand-written gold (conftest.py), so this tests the corpus logic with
the real e5 embeddings, independently of the claim extractor's quality."""

from __future__ import annotations

from narratrace.corpus.build import get_narrative, list_duplicates, list_narratives

DAM = "nordwire-0303"


def _by_first(rows):
    return {r["first_article"]: r for r in rows}


def test_duplicates_folded(velora):
    _, engine, result = velora
    groups = list_duplicates(engine)
    assert len(groups) == 1
    g = groups[0]
    assert g["canonical"] == DAM and set(g["members"]) == {DAM, "baltic-herald-0303", "kestria-today-0321"}
    assert set(g["kinds"]) >= {"exact_text", "near"}


def test_one_story_for_the_event(velora):
    _, _, result = velora
    dam = _by_first(result.narratives)[DAM]
    assert len({result.stories[a] for a in dam["articles"]}) == 1


def test_main_narrative_first_source_denial_retraction_confirmation(velora):
    _, engine, result = velora
    n = _by_first(list_narratives(engine))[DAM]
    assert n["state"] == "confirmed" and n["denier_confirmed"]
    assert (n["first_article"], n["first_outlet"], n["first_source"]) == (DAM, "Nordwire", "Kestrian officials")
    types = [e["type"] for e in n["events"]]
    first = {t: types.index(t) for t in ("asserted", "denied", "retracted", "confirmed")}
    assert first["asserted"] < first["denied"] < first["retracted"] < first["confirmed"]
    denial = n["events"][first["denied"]]
    assert (denial["article"], denial["source"]) == ("dravia-post-0304", "Dravian Defence Ministry")
    assert n["events"][first["retracted"]]["article"] == "morning-ledger-0307"
    confirmation = n["events"][first["confirmed"]]
    assert confirmation["article"] == "nordwire-0320" and confirmation["date"].startswith("2031-03-20")
    assert set(n["languages"]) == {"en", "de", "ru"}
    # wire copies are events but do not count as independent outlets
    copies = [e for e in n["events"] if e["copy_of"]]
    assert {e["article"] for e in copies} == {"baltic-herald-0303", "kestria-today-0321"}
    assert "Baltic Herald" in n["outlets"]
    # every event points at a real span of its article
    ev = n["events"][0]
    assert ev["span"][1] > ev["span"][0]
    assert get_narrative(engine, n["id"][:6])["id"] == n["id"]
    # the ministry's denials in three languages and its confirmation are one party's positions
    parties = {p["party"]: p["summary"] for p in n["parties"]}
    assert parties["Dravia"] == "Dravia: denied 2031-03-04 → acknowledged 2031-03-20"
    assert {e["actor"] for e in n["state_events"] if e["type"] == "confirmed"} == {"Dravia"}


def test_fact_checked_claim_is_refuted_and_quiet_one_flagged(velora):
    _, engine, _ = velora
    rows = _by_first(list_narratives(engine))
    poison = rows["truth-lantern-0305"]
    assert poison["state"] == "refuted"
    fc = [e for e in poison["events"] if e["type"] == "fact_checked"]
    assert fc and fc[0]["verdict"] == "False" and fc[0]["article"] == "checkpoint-0309"
    assert len(poison["languages"]) == 2
    quiet = rows["baltic-herald-0308"]
    assert quiet["state"] == "went_quiet_unresolved" and quiet["went_quiet_unresolved"]
    assert len(quiet["articles"]) == 3
    assert [r["state"] for r in list_narratives(engine, state="refuted")] == ["refuted"]


def test_timeline_volume_is_normalised_by_corpus_volume(velora):
    _, engine, _ = velora
    n = _by_first(list_narratives(engine))[DAM]
    day1 = n["timeline"]["volume"][0]
    assert day1["date"] == "2031-03-03" and day1["articles"] == 3 and day1["independent"] == 2
    assert day1["corpus"] == 3 and day1["normalized"] == 1.0


def test_same_result_on_every_backend(velora, db_url, example_corpus, gold_analyzer):
    """Ingest + build on SQLite and (when configured) PostgreSQL give the same narratives."""
    from narratrace.corpus.build import build
    from narratrace.corpus.ingest_corpus import ingest
    from narratrace.store import open_store

    _, reference, _ = velora
    engine = open_store(db_url)
    ingest([example_corpus], engine, analyzer=gold_analyzer)
    build(engine)
    build(engine)  # a rebuild is idempotent (stories are online and keep their ids)
    got = [(r["id"], r["state"], r["articles"]) for r in list_narratives(engine)]
    assert got == [(r["id"], r["state"], r["articles"]) for r in list_narratives(reference)]
    assert list_duplicates(engine) == list_duplicates(reference)
    assert get_narrative(engine, got[0][0])["events"] == get_narrative(reference, got[0][0])["events"]
