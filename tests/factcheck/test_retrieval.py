from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from narratrace.factcheck import matcher
from narratrace.factcheck._index import FEATURES, FactCheckIndex, Reranker
from narratrace.factcheck._records import as_utc
from narratrace.factcheck.retrieval import average_precision, mean_ap


def test_average_precision_matches_checkthat_definition():
    assert average_precision(["a", "b"], {"a"}) == 1.0
    assert average_precision(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    assert average_precision(["x", "y", "z", "w", "v", "a"], {"a"}) == 0.0  # beyond depth 5
    assert average_precision(["a", "x", "b"], {"a", "b"}) == pytest.approx((1 + 2 / 3) / 2)
    assert mean_ap({"q1": ["a"], "q2": ["b"], "q3": ["c"]}, {"q1": {"a"}, "q2": {"z"}}) == 0.5


def test_levels_and_relations():
    assert matcher.level_of(matcher.SAME_CLAIM_THRESHOLD) == "same_claim"
    assert matcher.level_of(matcher.SUGGESTED_THRESHOLD) == "suggested"
    assert matcher.level_of(matcher.SUGGESTED_THRESHOLD - 1e-6) == "related"
    assert matcher.SUGGESTED_THRESHOLD < matcher.SAME_CLAIM_THRESHOLD
    checked = as_utc(date(2020, 5, 1))
    assert matcher.relation_of(date(2020, 5, 1), checked) == "previously_checked"
    assert matcher.relation_of(date(2020, 4, 30), checked) == "later_checked"
    assert matcher.relation_of(None, checked) == "undated"


def _toy_index(reranker=None) -> tuple[FactCheckIndex, np.ndarray]:
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((4, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    idx = FactCheckIndex(reranker=reranker)
    texts = [{"claim": "the moon landing was staged"}, {"claim": "vaccines contain microchips"},
             {"claim": "the earth is flat", "title": "flat earth photos"}, {"claim": "sharks swim on highways"}]
    days = [date(1969, 7, 20), date(2020, 5, 1), date(2018, 1, 1), date(2017, 8, 28)]
    idx.add(["m", "v", "e", "s"], texts, vecs, dates=days)
    return idx, vecs


def test_lexical_and_dense_each_find_records_and_explain():
    idx, vecs = _toy_index()
    # lexical: query vector points at another record, words point at "v"
    hit = idx.search(["microchips in vaccines"], k=4, query_vectors=vecs[[3]])[0]
    assert {hit[0].record_id, hit[1].record_id} == {"v", "s"}
    v = next(h for h in hit if h.record_id == "v")
    assert v.shared_terms == ["microchips", "vaccines"] and v.features["bm25_all"] == 1.0
    # dense only: no shared words, the vector decides
    hit = idx.search(["zzz qqq"], k=1, query_vectors=vecs[[2]])[0][0]
    assert hit.record_id == "e" and hit.shared_terms == [] and hit.features["cos_max"] == pytest.approx(1.0, abs=1e-5)


def test_year_feature_and_update_in_place():
    idx, vecs = _toy_index()
    rows, X, _ = idx.features("In 1969 the moon landing, on 1 August 1969", vecs[0])
    ym = dict(zip(rows.tolist(), X[:, FEATURES.index("year_match")], strict=True))
    near = dict(zip(rows.tolist(), X[:, FEATURES.index("date_near")], strict=True))
    assert ym[0] == 1.0 and ym[1] == 0.0 and near[0] == 1.0 and near[1] == 0.0
    idx.add(["v"], [{"claim": "tomatoes are illegal"}], vecs[[1]])
    assert len(idx) == 4
    assert idx.search(["tomatoes"], k=1, query_vectors=vecs[[1]])[0][0].record_id == "v"


def test_reranker_round_trip_and_confidence(tmp_path):
    n = len(FEATURES)
    coef = [0.0] * n
    coef[FEATURES.index("cos_max")] = 3.0
    rr = Reranker(coef, -1.0, [0.0] * n, [1.0] * n, cos_coef=10.0, cos_intercept=-8.0)  # no conf model: cosine only
    rr.save(tmp_path / "r.json")
    again = Reranker.load(tmp_path / "r.json")
    X = np.zeros((2, n))
    X[:, FEATURES.index("cos_max")] = [0.95, 0.2]
    conf = again.confidence(X)
    assert conf[0] > 0.8 > conf[1]
    idx, vecs = _toy_index(again)
    assert idx.search(["x"], k=1, query_vectors=vecs[[0]])[0][0].record_id == "m"


def test_save_and_load_keep_results(tmp_path):
    idx, vecs = _toy_index()
    idx.save(tmp_path / "ix", revision="r1")
    again = FactCheckIndex.load(tmp_path / "ix")
    assert FactCheckIndex.saved_revision(tmp_path / "ix") == "r1"
    q = ["flat earth photo"]
    a = idx.search(q, k=4, query_vectors=vecs[[1]])[0]
    b = again.search(q, k=4, query_vectors=vecs[[1]])[0]
    assert [h.record_id for h in a] == [h.record_id for h in b]
    assert again.days_ == idx.days_ and again.days_[0] == date(1969, 7, 20).toordinal()
