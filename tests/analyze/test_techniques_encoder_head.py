"""The persuasion encoder head: the setting, the stage's paragraph labels, the eval path.

A tiny head over layer 1 keeps these tests fast (the numpy forward stops at the deepest
layer a head reads); its intercepts force one technique so the tests can tell which model
labelled a paragraph. The shipped head, when present, is checked on team-written text.
"""

from __future__ import annotations

import numpy as np
import pytest

from narratrace.analyze.techniques import encoder_head
from narratrace.analyze.techniques.encoder_head import MODEL_PATH, head_labels, load_paragraph_head
from narratrace.analyze.techniques.predict import persuasion_model_name, score_paragraphs, set_model
from narratrace.analyze.techniques.stage import TechniquesStage
from narratrace.analyze.techniques.taxonomy import SUPPORTED_LANGS, TECHNIQUES
from narratrace.config import models_dir
from narratrace.encoder.head import EncoderHead
from narratrace.errors import ConfigError, ModelError
from narratrace.model import Analysis, Article

SETTING = "NARRATRACE_PERSUASION_MODEL"
TEXT = (
    "The council approved the budget for the new bridge on Tuesday.\n"
    "Traffic on the old crossing fell by a fifth last year, the transport office said.\n"
)
FORCED = "Appeal_to_Time"


def _head(forced: str = FORCED) -> EncoderHead:
    k = len(TECHNIQUES)
    intercept = np.full(k, -8.0)
    intercept[TECHNIQUES.index(forced)] = 8.0
    return EncoderHead((1,), "concat", np.zeros((384, k)), intercept,
                       np.full((len(SUPPORTED_LANGS), k), 0.5), {"train_hashes": []})


@pytest.fixture
def tiny_head(monkeypatch):
    head = _head()
    monkeypatch.setattr(encoder_head, "load_paragraph_head", lambda path=None: head)
    set_model(None)
    yield head
    set_model(None)


def _paragraph_labels(text: str) -> list[list[str]]:
    return TechniquesStage()(Analysis(article=Article(text=text, lang="en"), language="en")).paragraph_techniques


def test_setting_picks_the_paragraph_model(tiny_head, monkeypatch) -> None:
    monkeypatch.setenv(SETTING, "linear")
    linear = _paragraph_labels(TEXT)
    monkeypatch.setenv(SETTING, "encoder")
    encoded = _paragraph_labels(TEXT)
    assert encoded == [[FORCED], [FORCED]]
    assert linear != encoded


def test_encoder_scores_carry_the_heads_thresholds(tiny_head) -> None:
    from narratrace.analyze.techniques.predict import get_model

    paras = [(0, TEXT.index("\n"), "de"), (TEXT.index("\n") + 1, len(TEXT) - 1, "pl")]
    scores = score_paragraphs(get_model(), TEXT, paras, name="encoder")
    assert scores.proba.shape == scores.thresholds.shape == scores.linear.shape == (2, len(TECHNIQUES))
    assert (scores.thresholds == 0.5).all()
    assert scores.labels == [[FORCED], [FORCED]]
    assert not np.allclose(scores.proba, scores.linear)


def test_unknown_setting_is_a_config_error(monkeypatch) -> None:
    monkeypatch.setenv(SETTING, "transformer-xl")
    with pytest.raises(ConfigError, match="persuasion_model"):
        persuasion_model_name()


def test_head_labels_read_each_languages_row() -> None:
    head = _head()
    head.threshold[SUPPORTED_LANGS.index("ru"), TECHNIQUES.index("Doubt")] = 0.3
    proba = np.zeros((2, len(TECHNIQUES)))
    proba[:, TECHNIQUES.index("Doubt")] = 0.4
    assert head_labels(head, proba, ["ru", "en"]) == [["Doubt"], []]


def test_a_head_of_the_wrong_shape_is_refused(tmp_path) -> None:
    path = tmp_path / "head.npz"
    EncoderHead((1,), "concat", np.zeros(384), 0.0, 0.5, {}).save(path)
    with pytest.raises(ModelError, match="not a persuasion paragraph head"):
        load_paragraph_head.__wrapped__(str(path))
    with pytest.raises(ModelError, match="missing"):
        load_paragraph_head.__wrapped__(str(tmp_path / "absent.npz"))


def test_multi_output_head_round_trips(tmp_path) -> None:
    head = _head("Doubt")
    head.save(tmp_path / "h.npz")
    back = EncoderHead.load(tmp_path / "h.npz")
    assert back.outputs == len(TECHNIQUES) and back.threshold.shape == (len(SUPPORTED_LANGS), len(TECHNIQUES))
    np.testing.assert_allclose(back.intercept, head.intercept)


shipped = pytest.mark.skipif(not (models_dir() / MODEL_PATH).is_file(), reason="no shipped persuasion encoder head")


@shipped
def test_shipped_head_reads_masked_names_so_swaps_change_no_score() -> None:
    """The stage masks names before the head reads them: swapping names changes no score."""
    head = load_paragraph_head()
    left = ("Minister Tomas Varkel warned that Ostravia would never bow to the cowards of Lunmark, "
            "and every true patriot knows it.")
    right = left.replace("Tomas Varkel", "Dario Pellin").replace("Ostravia", "Kelmora").replace("Lunmark", "Vashen")
    (l_labels, l_proba), (r_labels, r_proba) = (_paragraph_labels_masked(t, head) for t in (left, right))
    assert l_labels == r_labels
    np.testing.assert_allclose(l_proba, r_proba, atol=1e-6)


@shipped
def test_shipped_head_scores_loaded_prose_above_plain_reporting() -> None:
    head = load_paragraph_head()
    loaded = "These traitors and their lying puppets will destroy everything our grandfathers fought for!"
    plain = "The committee will publish its annual report on water quality in March."
    (loaded_labels, loaded_p), (plain_labels, plain_p) = (_paragraph_labels_masked(t, head) for t in (loaded, plain))
    assert loaded_p.max() > plain_p.max()
    assert len(loaded_labels) > len(plain_labels)


def _paragraph_labels_masked(text: str, head: EncoderHead) -> tuple[list[str], np.ndarray]:
    from narratrace.text.names import neutral_units

    mask, units = neutral_units(text, [(0, len(text), "en")])
    s, e, _ = units[0]
    proba = head.predict_proba([mask.neutral_text[s:e].strip()])
    return head_labels(head, proba, ["en"])[0], proba[0]


def test_eval_reads_the_encoder_head(tiny_head, tmp_path) -> None:
    from narratrace.eval.persuasion import eval_paragraph
    from narratrace.eval.registry import EvalOptions

    split = tmp_path / "en" / "train"
    (split / "articles").mkdir(parents=True)
    (split / "articles" / "article5.txt").write_text("Headline\n\nIt is high time to act.\n\nThe mayor spoke.\n", encoding="utf-8")
    (split / "labels-subtask-3.txt").write_text(f"5\t1\t\n5\t3\t{FORCED}\n5\t5\t\n", encoding="utf-8")
    result = eval_paragraph(split, EvalOptions(extra={"model": "encoder"}))
    assert any(line.startswith("model=encoder ") for line in result.lines)
    # the head labels all three paragraphs FORCED: 1 right, 2 wrong -> micro-F1 2*1/(3+1)
    assert result.metrics["micro_f1"] == pytest.approx(0.5)
    with pytest.raises(ConfigError, match="--model"):
        eval_paragraph(split, EvalOptions(extra={"model": "tfidf"}))
