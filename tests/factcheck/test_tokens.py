"""Language-aware retrieval tokens: each record in its language, queries scored alike.

Every text here is invented for these tests.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from narratrace.errors import StoreError
from narratrace.factcheck._index import (
    FEATURES,
    INDEX_VERSION,
    REBUILD_HINT,
    FactCheckIndex,
    Reranker,
)
from narratrace.factcheck._text import normalize_language, stopwords, tokenize, words

# German fact-checks; the query below says what the first says, in other inflections.
GERMAN = {
    "de-target": "Die Bundesregierung verschweigt Nebenwirkungen der Impfstoffe bei Kindern",
    "de-school": "Ein Kind ist nach der Impfung in der Schule gestorben",
    "de-chips": "Der Impfstoff enthält Mikrochips zur Überwachung",
    "de-wind": "Windräder töten jedes Jahr Millionen Vögel",
}
GERMAN_QUERY = "Nebenwirkung des Impfstoffs bei einem Kind verschwiegen"
ENGLISH = {
    "en-shark": "Photo shows a shark swimming on a flooded highway after the hurricane",
    "en-chips": "Bill Gates wants to put microchips in every vaccine",
    "en-wind": "Wind turbines kill millions of birds every year",
    "en-war": "The war will end when the soldiers die, the general said",
}


def _lexical_ranker() -> Reranker:
    """A re-ranker that ranks by BM25 over all fields alone (the vectors here are noise)."""
    n = len(FEATURES)
    coef = [0.0] * n
    coef[FEATURES.index("bm25_all")] = 1.0
    return Reranker(coef, 0.0, [0.0] * n, [1.0] * n)


def _index(records: dict[str, str], langs: list[str | None] | None) -> tuple[FactCheckIndex, np.ndarray]:
    rng = np.random.default_rng(7)
    vecs = rng.standard_normal((len(records) + 1, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    idx = FactCheckIndex(reranker=_lexical_ranker())
    idx.add(list(records), [{"claim": c} for c in records.values()], vecs[:-1], langs=langs)
    return idx, vecs[-1:]  # the query's vector is like no record's


def test_german_query_with_other_inflections_finds_the_german_fact_check():
    records = {**GERMAN, **ENGLISH}
    idx, qvec = _index(records, ["de"] * len(GERMAN) + ["en"] * len(ENGLISH))
    hit = idx.search([GERMAN_QUERY], k=3, query_vectors=qvec)[0][0]
    assert hit.record_id == "de-target"
    # "Nebenwirkung"/"Nebenwirkungen", "Impfstoffs"/"Impfstoffe", "Kind"/"Kindern"
    assert {"nebenwirkung", "impfstoffs", "kind"} <= set(hit.shared_terms)


def test_record_language_is_detected_when_missing():
    records = {"de-target": GERMAN["de-target"] + ", meldet die Zeitung am Montag", **ENGLISH}
    idx, qvec = _index(records, None)
    assert idx.langs_[0] == "de" and set(idx.langs_[1:]) == {"en"}
    assert idx.search([GERMAN_QUERY], k=1, query_vectors=qvec)[0][0].record_id == "de-target"


def test_english_tokens_and_ranking_unchanged():
    # tokens as the English-only tokenizer produced them (Snowball English, English stop words)
    assert tokenize("Vaccines were tested on children without their parents' consent", "en") == [
        "vaccin", "test", "children", "without", "parent", "consent"]
    assert tokenize("RT @someone: Wind turbines kill millions of birds &amp; nobody talks", "en") == [
        "someon", "wind", "turbin", "kill", "million", "bird", "nobodi", "talk"]
    idx, qvec = _index(ENGLISH, ["en"] * len(ENGLISH))
    queries = ["A shark swam down the flooded highway!", "Microchips in vaccines, says Gates", "Birds killed by wind turbines"]
    got = [hits[0].record_id for hits in idx.search(queries, k=1, query_vectors=np.repeat(qvec, 3, axis=0))]
    assert got == ["en-shark", "en-chips", "en-wind"]


def test_stop_words_are_dropped_only_in_their_language():
    # "die" and "war" are German stop words and English content words
    assert words("The war will end when the soldiers die", "en") == ["war", "end", "soldiers", "die"]
    assert words("Die Soldaten sagten, der Krieg war vorbei", "de") == ["soldaten", "sagten", "krieg", "vorbei"]
    assert "die" in stopwords("de") and "die" not in stopwords("en") and not stopwords(None)
    # an English query about soldiers who die finds the English record by "die" and "war"
    idx, qvec = _index(ENGLISH, ["en"] * len(ENGLISH))
    hit = idx.search(["Soldiers die in a war"], k=1, query_vectors=qvec)[0][0]
    assert hit.record_id == "en-war" and {"die", "war"} <= set(hit.shared_terms)


def test_unknown_or_unsupported_language_gets_plain_words():
    text = "Die Impfstoffe wurden an Kindern getestet"
    assert tokenize(text, None) == ["die", "impfstoffe", "wurden", "an", "kindern", "getestet"]
    assert tokenize(text, "uk") == tokenize(text, None)  # no Ukrainian stemmer or list
    assert tokenize("Szczepionki testowano na dzieciach", "pl") != tokenize("Szczepionki testowano na dzieciach", None)
    assert normalize_language("de-AT") == "de" and normalize_language(None) is None


def test_index_of_an_older_version_is_refused_with_the_rebuild_command(tmp_path):
    idx, _ = _index(ENGLISH, ["en"] * len(ENGLISH))
    idx.save(tmp_path, revision="r1")
    assert FactCheckIndex.saved_revision(tmp_path) == "r1"
    again = FactCheckIndex.load(tmp_path)
    assert again.langs_ == idx.langs_ and again.tokens_ == idx.tokens_
    # what version 1 wrote: no version in state.json
    (tmp_path / "state.json").write_text(json.dumps({"revision": "r1", "count": len(idx)}))
    assert FactCheckIndex.saved_revision(tmp_path) is None  # stale to every reader
    with pytest.raises(StoreError, match="narratrace factchecks match") as err:
        FactCheckIndex.load(tmp_path)
    assert f"reads {INDEX_VERSION}" in str(err.value) and REBUILD_HINT in str(err.value)


def test_store_rebuilds_an_older_index_with_new_tokens(loaded_db):
    from narratrace.factcheck import store

    url, engine = loaded_db
    store.open_index(engine, url)
    folder = store.index_folder(url)
    state = json.loads((folder / "state.json").read_text())
    # make it a version-1 index: old-style tokens, no version
    lines = [json.loads(line) for line in (folder / "records.jsonl").read_text().splitlines()]
    for rec in lines:
        rec["tok"] = {f: ["\x00old"] for f in rec["tok"]}
        rec.pop("lang", None)
    (folder / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    (folder / "state.json").write_text(json.dumps({"revision": state["revision"], "count": state["count"]}))
    store._INDEXES.clear()
    index = store.open_index(engine, url)
    assert FactCheckIndex.saved_version(folder) == INDEX_VERSION
    assert all(t != ["\x00old"] for t in index.tokens_["claim"])
    assert FactCheckIndex.load(folder).tokens_ == index.tokens_


def test_shipped_reranker_was_trained_on_these_tokens():
    from narratrace.factcheck._text import TOKENIZER_VERSION
    from narratrace.factcheck.retrieval import default_reranker

    model = default_reranker()
    assert model is not None and model.meta["tokenizer"] == TOKENIZER_VERSION


def test_model_card_is_rendered_from_the_reranker_metadata(tmp_path):
    from narratrace.train.claim_reranker import SYSTEMS, save_reranker

    model = _lexical_ranker()
    model.meta = {
        "C": 0.1, "c_grid": [0.01, 0.1], "train_queries": 9, "train_pairs": 90, "seed": 13, "tokenizer": 7,
        "trained": "2026-01-02", "queries": {"train": 9, "dev": 4, "dev-test": 5},
        "map_at_5": {split: dict.fromkeys(SYSTEMS, 0.5) for split in ("train", "dev", "dev-test")},
        "thresholds": {"threshold_same_claim": 0.41, "threshold_suggested": 0.27},
    }
    save_reranker(model, tmp_path / "reranker.json")
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert "same claim ≥ 0.410" in card and "tokenizer version 7" in card and "(chosen: 0.1)" in card
    assert "| dev-test | 0.500 | 0.500 | 0.500 | 0.500 |" in card
    assert Reranker.load(tmp_path / "reranker.json").meta == model.meta
