"""Grouping: exact average linkage at any size (no switch), claim families, reactions, event typing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from narratrace.corpus import grouping
from narratrace.corpus.event_stance import type_events
from narratrace.corpus.grouping import NarrativeGrouper, _average_linkage, _Similarity
from narratrace.corpus.records import Event, Mention, Narrative


def _mentions(n: int, rng) -> tuple[list[Mention], np.ndarray]:
    centres = rng.normal(size=(6, 16))
    labels = rng.integers(0, 6, size=n)
    vecs = centres[labels] + 0.9 * rng.normal(size=(n, 16))
    t0 = datetime(2031, 5, 1, tzinfo=UTC)
    ms = [Mention(f"a{i}", f"claim number {i} about things", published=t0 + timedelta(hours=i), lang="en") for i in range(n)]
    return ms, vecs.astype(np.float32)


def _partition(narratives) -> set[frozenset[str]]:
    return {frozenset(m.article for m in n.mentions) for n in narratives}


def test_components_give_the_full_linkage_at_any_block_size(monkeypatch):
    rng = np.random.default_rng(3)
    ms, vecs = _mentions(120, rng)
    whole = _partition(NarrativeGrouper().fit(ms, vecs).narratives_)
    monkeypatch.setattr(grouping, "BLOCK_ROWS", 7)
    assert _partition(NarrativeGrouper().fit(ms, vecs).narratives_) == whole
    # and equal to one average-linkage tree over all mentions (what the 4,000-mention switch used to replace)
    centred = grouping.center_by_language(vecs, ["en"] * len(ms))
    sim = _Similarity(centred, [set()] * len(ms), 0.0)
    labels = _average_linkage(sim.block(list(range(len(ms))), list(range(len(ms)))), grouping.NARRATIVE_THRESHOLD)
    full = {}
    for m, lab in zip(ms, labels, strict=True):
        full.setdefault(lab, set()).add(m.article)
    assert whole == {frozenset(v) for v in full.values()}


def test_variants_form_a_family_and_a_denial_attaches_to_it():
    t0 = datetime(2031, 5, 1, tzinfo=UTC)
    base, other = np.eye(8, dtype=np.float32)[0], np.eye(8, dtype=np.float32)[1]
    variant = (base + 0.6 * np.eye(8, dtype=np.float32)[2])
    ms = [
        Mention("a1", "Dravian troops were sent to Kestria", published=t0, lang="en"),
        Mention("a2", "Dravian troops were sent to Kestria", published=t0 + timedelta(days=1), lang="en"),
        Mention("a3", "Dravian troops are fighting in Velm for Kestria", published=t0 + timedelta(days=2), lang="en"),
        Mention("a4", "Dravia has not sent any troops to Kestria", stance="reports", published=t0 + timedelta(days=3), lang="en"),
        Mention("a5", "The Sarn bridge will cost 400 million crowns", published=t0 + timedelta(days=3), lang="en"),
    ]
    vecs = np.stack([base, base, variant, base, other])
    ns = NarrativeGrouper(threshold=0.9, family_threshold=0.1).fit(ms, vecs).narratives_  # centred: variant vs. base 0.13
    assert _partition(ns) == {frozenset({"a1", "a2", "a3", "a4"}), frozenset({"a5"})}
    troops = next(n for n in ns if len(n.mentions) == 4)
    assert len(troops.sub_claims) == 2 and not troops.claim.startswith("Dravia has not")


class _FakeModel:
    """Says what a claim-stance model would, from words: enough to test the mapping."""

    def predict_pairs(self, claims, texts):
        labels = ["disagree" if "denied" in t else "agree" for t in texts]
        return labels, np.zeros((len(texts), 4))


def test_events_typed_on_their_sentence_and_withdrawals_read_by_voice():
    d = datetime(2031, 5, 2, tzinfo=UTC)
    events = [
        Event(d, "asserted", "a1", "Ministry", "Post", context="The ministry denied that troops blew up the dam."),
        Event(d, "retracted", "a2", "the army", "Wire", context="The troops were pulled back from the front."),
        Event(d, "retracted", "a3", "Ledger", "Ledger", context="The Ledger withdrew its photo of the dam."),
        Event(d, "fact_checked", "a4", "Checker", "Checker", verdict="False", context="False, the checker denied."),
    ]
    n = Narrative("N1", "Troops blew up the dam", [], events)
    type_events([n], model=_FakeModel())
    assert {e.article: e.type for e in n.events} == {"a1": "denied", "a2": "asserted", "a3": "retracted", "a4": "fact_checked"}


def test_a_published_fact_check_does_not_assert_the_claim_it_rates():
    day = datetime(2031, 3, 9, tzinfo=UTC)
    events = [
        Event(day, "asserted", "check-1", None, "CheckDesk"),
        Event(day, "fact_checked", "check-1", "CheckDesk", "CheckDesk", stance="published_review", verdict="False"),
        Event(day, "asserted", "check-1", "the Dravian army", "CheckDesk"),  # a quoted party still asserts
        Event(day, "asserted", "wire-2", None, "Nordwire"),
    ]
    kept = {(e.article, e.type, e.source) for e in grouping.dedupe_events(events)}
    assert ("check-1", "asserted", None) not in kept
    assert ("check-1", "asserted", "the Dravian army") in kept and ("wire-2", "asserted", None) in kept


def _accused_denial(actor: str, kind: str, text: str, lang: str) -> list[Mention]:
    """Two assertions of one sub-claim and a reaction close to one of them only (mean < 0.1)."""
    t0 = datetime(2032, 1, 5, tzinfo=UTC)
    return [
        Mention("w1", "Lusovian hackers caused the blackout in Brenmark", published=t0, lang="en"),
        Mention("w2", "Lusovian hackers attacked the grid of Brenmark", published=t0 + timedelta(hours=3), lang="en"),
        Mention("d1", text, stance="reports", published=t0 + timedelta(days=1), lang=lang, actor=actor, actor_kind=kind),
    ]


def _accused_vectors() -> np.ndarray:
    e = np.eye(4, dtype=np.float32)
    vecs = np.stack([e[0], 0.1 * e[0] + e[1], 0.15 * e[0] + e[2]])
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)  # w1·w2 .10, d1·w1 .15, d1·w2 .01


def test_the_accused_first_denial_answers_the_claim_it_names():
    grouper = NarrativeGrouper(threshold=0.05, name_weight=0.0)
    for text, lang in (("Lusovia had nothing to do with the blackout in Brenmark", "en"),
                       ("Lusovien hatte nichts mit dem Stromausfall in Brenmark zu tun", "de"),
                       ("Лусовия не имеет отношения к отключению электричества в Бренмарке", "ru")):
        accused = grouper.fit(_accused_denial("Lusovia", "government", text, lang), _accused_vectors()).narratives_
        assert _partition(accused) == {frozenset({"w1", "w2", "d1"})}, lang
        # the same words in an outlet's own voice are not the accused answering: they stay apart
        outlet = grouper.fit(_accused_denial("Lusovia Today", "outlet", text, lang), _accused_vectors()).narratives_
        assert _partition(outlet) == {frozenset({"w1", "w2"}), frozenset({"d1"})}, lang


def test_a_named_party_stating_the_claim_negated_denies_it():
    d = datetime(2032, 1, 6, tzinfo=UTC)
    claim = "Lusovian hackers caused the blackout in Brenmark"
    events = [
        Event(d, "asserted", "en", "minister", "Wire", actor="Lusovia", actor_kind="government",
              text="Lusovia had nothing to do with the blackout"),
        Event(d, "asserted", "de", "Minister", "Post", actor="Lusovia", actor_kind="government",
              text="Lusovien hatte nichts mit dem Stromausfall zu tun"),
        Event(d, "asserted", "ru", "МИД", "Vestnik", actor="Lusovia", actor_kind="government",
              text="Лусовия не имеет отношения к отключению электричества"),
        Event(d, "asserted", "witness", "engineer", "Wire", actor="engineer", actor_kind="other",
              text="The engineer had nothing to do with the repairs"),
        Event(d, "asserted", "own", "Lusovia", "Lusovia", actor="Lusovia Today", actor_kind="outlet",
              text="Lusovia had nothing to do with the blackout"),
    ]
    n = Narrative("N1", claim, [], events)
    type_events([n], model=_FakeModel())  # the model "agrees": it reads the claim's own words
    assert {e.article: e.type for e in n.events} == {"en": "denied", "de": "denied", "ru": "denied",
                                                     "witness": "asserted", "own": "asserted"}


class _ConstantModel:
    """A claim-stance model that gives every sentence one label ("unrelated": as the English
    model often does with German and Russian sentences)."""

    def __init__(self, label: str) -> None:
        self.label = label

    def predict_pairs(self, claims, texts):
        return [self.label] * len(texts), np.zeros((len(texts), 4))


def test_an_unrelated_sentence_keeps_a_denial_or_confirmation_only_on_its_own_words():
    d = datetime(2031, 5, 2, tzinfo=UTC)
    events = [
        Event(d, "denied", "no-comment", "HBO", "Wire", text="HBO declined to comment on what the service will offer."),
        Event(d, "denied", "rejected", "МИД", "Vestnik", text="Лусовия отвергла обвинения в кибератаке."),
        Event(d, "confirmed", "pending", "the government", "Post", text="The government is working to confirm reports that she was captured."),
        Event(d, "confirmed", "supposed", "lawyers", "Post", text="The tape, if confirmed, would be damning for the officer."),
        Event(d, "confirmed", "admitted", "Kestria", "Wire", text="Kestria admitted that its troops were there."),
    ]
    n = Narrative("N1", "Troops blew up the dam", [], events)
    type_events([n], model=_ConstantModel("unrelated"))
    assert {e.article: e.type for e in n.events} == {"no-comment": "asserted", "rejected": "denied", "pending": "asserted",
                                                     "supposed": "asserted", "admitted": "confirmed"}


def test_an_admission_with_a_concession_is_no_denial():
    d = datetime(2031, 5, 2, tzinfo=UTC)
    events = [Event(d, "confirmed", "a", "state media", "Wire", actor="Korvia", actor_kind="government",
                    text="that the Korvian leader is unwell although it did not elaborate on his health",
                    context="Korvia admitted that the Korvian leader is unwell although it did not elaborate on his health."),
              Event(d, "asserted", "b", "Minister", "Post", actor="Korvia", actor_kind="government",
                    text="Der Korvische Präsident ist gesund, aber er hat nicht gesprochen")]
    n = Narrative("N1", "The Korvian leader had surgery on his ankles", [], events)
    type_events([n], model=_FakeModel())
    assert {e.article: e.type for e in n.events} == {"a": "confirmed", "b": "asserted"}


def test_a_disagreement_needs_a_word_that_negates_refutes_or_doubts():
    d = datetime(2031, 5, 2, tzinfo=UTC)
    events = [Event(d, "asserted", "plain", None, "Wire", text="The men were taken to the headquarters of the ministry."),
              Event(d, "asserted", "denial", "agent", "Wire", text="Reports of his death are not accurate."),
              Event(d, "asserted", "myth", None, "Post", text="Die Geschichte vom Stromausfall ist ein Mythos."),
              Event(d, "asserted", "fake", "МИД", "Vestnik", text="Это фейк, заявили в министерстве.")]
    n = Narrative("N1", "The actor died in his flat", [], events)
    type_events([n], model=_ConstantModel("disagree"))
    assert {e.article: e.type for e in n.events} == {"plain": "asserted", "denial": "denied", "myth": "denied", "fake": "denied"}


def test_variants_of_different_stories_are_different_propositions():
    t0 = datetime(2031, 5, 1, tzinfo=UTC)
    base, variant = np.eye(8, dtype=np.float32)[0], np.eye(8, dtype=np.float32)[0] + 0.6 * np.eye(8, dtype=np.float32)[2]
    ms = [
        Mention("a1", "Dravian troops were sent to Kestria", published=t0, lang="en", story="s1"),
        Mention("a2", "Dravian troops were sent to Kestria", published=t0 + timedelta(days=1), lang="en", story="s1"),
        Mention("a3", "Dravian troops are fighting in Velm for Kestria", published=t0 + timedelta(days=2), lang="en", story="s1"),
        Mention("a4", "The Sarn bridge will cost 400 million crowns", published=t0 + timedelta(days=3), lang="en", story="s3"),
    ]
    vecs = np.stack([base, base, variant, np.eye(8, dtype=np.float32)[1]])
    grouper = NarrativeGrouper(threshold=0.9, family_threshold=0.1)
    assert _partition(grouper.fit(ms, vecs).narratives_) == {frozenset({"a1", "a2", "a3"}), frozenset({"a4"})}
    ms[2].story = "s2"  # the same words in another story's coverage: another proposition
    assert _partition(grouper.fit(ms, vecs).narratives_) == {frozenset({"a1", "a2"}), frozenset({"a3"}), frozenset({"a4"})}
