"""Model cards come from templates filled with the model's numbers (fake metrics here)."""

from __future__ import annotations

import jinja2
import pytest

from narratrace.analyze.techniques.taxonomy import SUPPORTED_LANGS
from narratrace.train.model_card import render_model_card
from narratrace.train.persuasion import model_card_context, write_model_card


def _meta(**extra) -> dict:
    metrics = {f"{lang}_micro_f1": 0.1 + i / 100 for i, lang in enumerate(SUPPORTED_LANGS)}
    metrics.update({f"{lang}_macro_f1": 0.2 + i / 100 for i, lang in enumerate(SUPPORTED_LANGS)})
    metrics.update(ptc_si_f1=0.41234, ptc_si_p=0.5, ptc_si_r=0.33333, ptc_tc_micro_f1=0.61)
    meta = {
        "trained": "2031-05-06T07:08:09+00:00",
        "seed": 11,
        "train_articles": 123,
        "dev_articles": 45,
        "dev_metrics": metrics,
        "tagger_threshold": {lang: 0.05 * (i + 1) for i, lang in enumerate(SUPPORTED_LANGS)},
    }
    meta.update(extra)
    return meta


def test_persuasion_card_carries_the_numbers(tmp_path):
    weights = tmp_path / "persuasion.npz"
    weights.write_bytes(b"\0" * 2_500_000)
    meta = _meta(fusion_tfidf_weight={"en": 0.3, "de": 0.1}, span_filter_thresholds={"en": 0.4567},
                 span_fusion_sparse_weight=0.2)
    card_path = tmp_path / "MODEL_CARD.md"
    write_model_card(card_path, meta, weights)
    card = card_path.read_text(encoding="utf-8")

    assert "--seed 11`" in card and "2031-05-06T07:08:09+00:00" in card
    assert "- **Splits**: 123 train articles, 45 dev articles" in card
    assert "- **Size**: 2.5 MB" in card
    assert "(the embedding model gets the rest): en 0.3, de 0.1." in card
    rows = [line for line in card.splitlines() if line.startswith("| ") and line.count("|") == 7][1:]  # after the header
    assert [r.split(" | ")[0].strip("| ") for r in rows] == list(SUPPORTED_LANGS)
    assert rows[1].startswith(f"| {SUPPORTED_LANGS[1]} | 0.110 | 0.210 |")
    assert "F1 **0.4123** (P 0.5000, R 0.3333)" in card
    assert "span filter thresholds:\nen 0.457." in card
    assert ", ".join(f"{lang} {0.05 * (i + 1):.2f}" for i, lang in enumerate(SUPPORTED_LANGS)) in card
    assert "{{" not in card and "{%" not in card


def test_persuasion_card_without_embeddings_or_filter(tmp_path):
    meta = _meta(span_filter_thresholds=None)
    meta["dev_metrics"].pop("pl_macro_f1")
    card = render_model_card("persuasion", model_card_context(meta, tmp_path / "missing.npz"))
    assert "(the embedding model gets the rest): 1.0 (no embedding model)." in card
    assert "span filter thresholds:\nno filter." in card
    assert "- **Size**: 0.0 MB" in card
    pl_row = next(line for line in card.splitlines() if line.startswith("| pl | 0.150 |"))
    assert pl_row.split(" | ")[2] == "nan"  # a missing metric shows as nan, as in the f-string card


def test_missing_context_is_an_error(tmp_path):
    context = model_card_context(_meta(), tmp_path / "missing.npz")
    del context["reference"]
    with pytest.raises(jinja2.UndefinedError):
        render_model_card("persuasion", context)


def test_fine_tuned_head_card_shows_every_epoch_and_the_comparison():
    result = {"cut": 8, "seed": 7, "lr": 3e-5, "train_size": 22500, "trained": "2026-12-01",
              "history": [{"epoch": 1, "loss": 0.61, "dev_f1": 0.93, "threshold": 0.6},
                          {"epoch": 2, "loss": 0.52, "dev_f1": 0.925, "threshold": 0.7}],
              "chosen_epoch": 1, "threshold": 0.6, "dev_f1": 0.93, "dev_test_f1": 0.81}
    card = render_model_card("checkworthiness_finetuned",
                             {"result": result, "frozen": {"dev": 0.9342, "dev_test": 0.8229}, "mb": 13.2})
    assert "top 4 layers (8-11)" in card and "layers 0-7" in card
    assert "| 2 | 0.5200 | 0.9250 | 0.70 |" in card
    assert "**0.8100**" in card and "0.9342" in card
    with pytest.raises(jinja2.UndefinedError):
        render_model_card("checkworthiness_finetuned", {"result": result, "mb": 13.2})
