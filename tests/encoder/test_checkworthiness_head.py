"""The check-worthiness encoder head: storage, the stage's opt-in, the eval path, names.

A tiny head over layer 1 keeps the stage tests fast (the forward stops at the deepest
layer a head reads); the shipped head is checked on a few team-written sentences.
"""

from __future__ import annotations

import numpy as np
import pytest

from narratrace.analyze.claims import _cw_encoder
from narratrace.analyze.claims._cw_encoder import MODEL_PATH
from narratrace.analyze.claims.checkworthiness import CheckworthinessStage, active_model, clean
from narratrace.config import models_dir
from narratrace.encoder.head import EncoderHead
from narratrace.errors import ConfigError
from narratrace.model import Analysis, Article, Sentence
from narratrace.text.names import NameMask

SETTING = "NARRATRACE_CHECKWORTHINESS_MODEL"
FACTUAL = "The council spent 4 million euros on the new bridge in 2023."
CHATTER = "Thank you all so much for coming out tonight, friends."


@pytest.fixture(scope="module")
def tiny_head() -> EncoderHead:
    rng = np.random.default_rng(3)
    return EncoderHead((1,), "concat", rng.normal(0, 0.5, 384), 0.1, 0.5,
                                       {"note": "test head"})


def test_save_and_load_round_trip_without_pickle(tiny_head, tmp_path) -> None:
    path = tmp_path / "head.npz"
    tiny_head.save(path)
    back = EncoderHead.load(path)
    assert (back.layers, back.pooling, back.threshold, back.meta) == ((1,), "concat", 0.5, {"note": "test head"})
    np.testing.assert_allclose(back.coef, tiny_head.coef, rtol=1e-6)
    with np.load(path, allow_pickle=False) as z:  # every array loads without pickle
        assert {k: z[k].dtype.kind for k in z.files}["meta"] == "U"


def test_a_fine_tuned_head_round_trips_and_reads_through_its_own_tensors(tmp_path) -> None:
    from narratrace.encoder import E5File
    from narratrace.encoder.numpy_forward import NumpyEncoder

    bias = E5File().tensor("l0.fo.b") + np.linspace(-1, 1, 384)  # a shift a LayerNorm keeps
    head = EncoderHead((1,), "concat", np.ones(384) / 384, 0.0, 0.5, {"cut": 0},
                                       {"l0.fo.b": bias})
    head.save(tmp_path / "ft.npz")
    loaded = EncoderHead.load(tmp_path / "ft.npz")
    assert set(loaded.tensors) == {"l0.fo.b"} and loaded.tensors["l0.fo.b"].dtype == np.float16
    texts = [FACTUAL, CHATTER]
    by_hand = NumpyEncoder(tensors=loaded.tensors).layer_means(texts, (1,))[:, 0].mean(axis=1)
    np.testing.assert_allclose(loaded.predict_proba(texts), 1 / (1 + np.exp(-by_hand)), atol=1e-6)
    frozen = EncoderHead((1,), "concat", np.ones(384) / 384, 0.0, 0.5, {})
    assert not np.allclose(frozen.predict_proba(texts), loaded.predict_proba(texts), atol=1e-4)


def test_mean_pooling_averages_the_layers() -> None:
    head = EncoderHead((0, 1), "mean", np.ones(2), 0.0, 0.5, {})
    states = np.array([[[1.0, 3.0], [3.0, 5.0]]])
    assert head.features(states).tolist() == [[2.0, 4.0]]


def _analysis(text: str) -> Analysis:
    a = Analysis(article=Article(text=text), language="en")
    cut = text.find(". ") + 1
    a.sentences = [Sentence(0, cut), Sentence(cut + 1, len(text))]
    return a


def test_stage_uses_the_encoder_head_when_the_setting_asks(tiny_head, monkeypatch) -> None:
    monkeypatch.setattr(_cw_encoder, "load_encoder_model", lambda path=None: tiny_head)
    text = f"{FACTUAL} {CHATTER}"
    monkeypatch.setenv(SETTING, "tfidf")
    plain = CheckworthinessStage()(_analysis(text))
    assert plain.summaries["checkworthiness"]["model"] == "tfidf"
    monkeypatch.setenv(SETTING, "encoder")
    enc = CheckworthinessStage()(_analysis(text))
    assert enc.summaries["checkworthiness"]["model"] == "encoder"
    assert enc.summaries["checkworthiness"]["threshold"] == tiny_head.threshold
    want = tiny_head.predict_proba([clean(FACTUAL), clean(CHATTER)])
    got = [s.checkworthiness for s in enc.sentences]
    np.testing.assert_allclose(got, want, atol=1e-4)
    assert got != [s.checkworthiness for s in plain.sentences]


def test_unknown_model_setting_is_a_config_error(monkeypatch) -> None:
    monkeypatch.setenv(SETTING, "bert-large")
    with pytest.raises(ConfigError, match="checkworthiness_model"):
        active_model()


def test_eval_scores_the_encoder_head(tiny_head, monkeypatch, tmp_path) -> None:
    from narratrace.eval.checkworthiness import evaluate_checkworthiness
    from narratrace.eval.registry import EvalOptions

    monkeypatch.setattr(_cw_encoder, "load_encoder_model", lambda path=None: tiny_head)
    path = tmp_path / "mini.tsv"
    path.write_text(f"Sentence_id\tText\tclass_label\n1\t{FACTUAL}\tYes\n2\t{CHATTER}\tNo\n", encoding="utf-8")
    result = evaluate_checkworthiness(path, EvalOptions(extra={"model": "encoder"}))
    assert result.lines[0].startswith("model=encoder ")
    tp, fp = (tiny_head.predict_proba([FACTUAL, CHATTER]).round(4) >= tiny_head.threshold).astype(int)
    assert result.metrics["f1_yes"] == pytest.approx(2 * tp / (2 * tp + fp + (1 - tp)))
    assert f"predicted_yes={tp + fp}" in result.lines[0]


shipped = pytest.mark.skipif(not (models_dir() / MODEL_PATH).is_file(), reason="no shipped encoder head")


@shipped
def test_shipped_head_ranks_a_checkable_sentence_above_chatter() -> None:
    head = _cw_encoder.load_encoder_model()
    assert set(head.layers) <= set(range(13)) and 0 < head.threshold < 1
    factual, chatter = head.predict_proba([FACTUAL, CHATTER])
    assert factual > head.threshold > chatter


@shipped
def test_swapping_names_does_not_change_the_shipped_heads_scores() -> None:
    """The head reads the masked text, so names of one kind swapped change no score."""
    head = _cw_encoder.load_encoder_model()
    left = ["Minister Tomas Varkel said unemployment in Ostravia rose by 4 percent in 2023.",
            "Senator Dario Pellin thanked the people of Lunmark for their warm welcome."]
    right = ["Minister Anika Brolle said unemployment in Veltria rose by 4 percent in 2023.",
             "Senator Mira Hastova thanked the people of Quessel for their warm welcome."]
    masked = [[NameMask.build(t, [(0, len(t), "en")]).neutral_text for t in side] for side in (left, right)]
    assert masked[0] == masked[1]
    np.testing.assert_array_equal(head.predict_proba(masked[0]), head.predict_proba(masked[1]))
    assert head.predict_proba(left).tolist() != head.predict_proba(right).tolist()  # names as written would move it


def test_train_command_passes_its_options(monkeypatch, tmp_path) -> None:
    import importlib

    from typer.testing import CliRunner

    from narratrace.cli import app

    calls = {}

    def fake(data, out, cache, *, train_size=None, seed=7, log=None):
        calls.update(data=data, out=out, cache=cache, train_size=train_size, seed=seed)
        return {"dev_test_f1_yes": 0.5, "grid": {"last C=0.1": 0.4}}

    monkeypatch.setattr(importlib.import_module("narratrace.train.checkworthiness_encoder"),
                        "train_checkworthiness_encoder", fake)
    result = CliRunner().invoke(app, ["train", "checkworthiness-encoder", "--data", str(tmp_path),
                                      "--out", str(tmp_path / "h.npz"), "--cache", str(tmp_path / "c"),
                                      "--train-size", "300", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert calls == {"data": tmp_path, "out": tmp_path / "h.npz", "cache": tmp_path / "c",
                     "train_size": 300, "seed": 3}
    assert "dev_test_f1_yes: 0.5" in result.output and "grid" not in result.output
