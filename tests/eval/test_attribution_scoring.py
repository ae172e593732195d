"""PolNeAR loading and span scoring (hand-written brat snippets, no shared data)."""

from __future__ import annotations

from narratrace.eval.attribution import GoldAttribution, load_polnear, parse_ann, prf, score

ANN = (
    "T1\tSource 0 4\tAnna\nT2\tCue 5 9\tsaid\nT3\tContent 10 20\tit rained.\nT4\tAttribution 5 9\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "T5\tCue 22 34;36 40\taccording to\nT6\tContent 41 50\tsomething\nT7\tAttribution 22 34\tx\n"
    "E2\tAttribution-no-source:T7 Content:T6 Cue:T5\n"
)


def test_parse_ann_hull_and_missing_source():
    atts = parse_ann(ANN)
    assert atts[0] == GoldAttribution(cue=(5, 9), content=(10, 20), source=(0, 4))
    assert atts[1].cue == (22, 40) and atts[1].source is None


def test_prf_exact_vs_overlap():
    assert prf([(0, 10)], [(0, 10)], exact=True) == (1.0, 1.0, 1.0)
    assert prf([(0, 10)], [(2, 12)], exact=True) == (0.0, 0.0, 0.0)
    assert prf([(0, 10)], [(2, 12)], exact=False) == (1.0, 1.0, 1.0)


def test_score_and_loader(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "doc.txt").write_text("Anna said it rained." + " " * 40, encoding="utf-8")
    (tmp_path / "attributions" / "doc_ab12.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "attributions" / "doc_cd34.ann").write_text(ANN, encoding="utf-8")
    docs = load_polnear(tmp_path)
    assert len(docs) == 1  # second annotator's copy is skipped
    m = score(docs, [[GoldAttribution(cue=(5, 9), content=(10, 19), source=(0, 4))]])
    assert m["cue_exact_f1"] == 2 / 3  # one of two gold cues, one prediction
    assert m["content_f1"] == 2 / 3 and m["content_exact_f1"] == 0.0
