"""The shipped claim-stance model on hand-written English, German and Russian pairs (invented names).

``fixtures/claim_stance_pairs.jsonl`` holds claim/sentence pairs written for this test
around the negation and modality cases of issue 15: "has not sent", "could not verify",
"refrained from denying", "neither ... acknowledged", "so-called", "fabrication", and
their German and Russian counterparts. Nothing in it comes from FNC-1.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from narratrace.stance import LABELS, ClaimStanceModel, claim_stance, load_model

FIXTURE = Path(__file__).parent / "fixtures" / "claim_stance_pairs.jsonl"
# Floors per language, a little under what the shipped model scores (en 14/14, de 12/14,
# ru 13/13 on 2026-12-01), so a regression fails and noise does not.
FLOORS = {"en": 0.85, "de": 0.75, "ru": 0.8}


@pytest.fixture(scope="module")
def rows():
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def predicted(rows):
    labels, proba = load_model().predict_pairs([r["claim"] for r in rows], [r["text"] for r in rows])
    return labels, proba


def test_fixture_is_balanced_and_multilingual(rows):
    assert len(rows) >= 40
    assert Counter(r["lang"] for r in rows).keys() == {"en", "de", "ru"}
    assert {r["stance"] for r in rows} == set(LABELS)


def test_quality_gate_per_language(rows, predicted):
    labels, _ = predicted
    right, total = Counter(), Counter()
    for row, label in zip(rows, labels, strict=True):
        total[row["lang"]] += 1
        right[row["lang"]] += label == row["stance"]
    for lang, floor in FLOORS.items():
        assert right[lang] / total[lang] >= floor, (lang, right[lang], total[lang])


def test_unrelated_texts_are_never_related(rows, predicted):
    labels, _ = predicted
    assert all(label == "unrelated" for row, label in zip(rows, labels, strict=True) if row["stance"] == "unrelated")


def test_negation_and_modality_cases_of_the_issue(rows, predicted):
    labels, _ = predicted
    by_text = {row["text"]: label for row, label in zip(rows, labels, strict=True)}
    assert by_text["Dravia has not sent any troops to Kestria, its foreign ministry said on Monday."] == "disagree"
    assert by_text["Asked about the reports, the Kestrian spokesman refrained from denying that Dravian troops "
                   "were in Velora."] == "discuss"
    assert by_text["The Ostland defence department said it could not verify reports that Dravian soldiers were "
                   "fighting in Velora."] == "discuss"
    assert by_text["Neither Kestria nor Dravia has officially acknowledged that Dravian soldiers are in Velora."] == "discuss"
    assert by_text["The so-called Dravian deployment to Velora is a fabrication spread by hostile media, "
                   "the commentator wrote."] == "disagree"


def test_predict_returns_a_label_and_probabilities():
    label, proba = claim_stance("Dravian troops are fighting for Kestria in Velora",
                                "Kestria's chief of staff confirmed that Dravian troops fought in Velora.")
    assert label == "agree"
    assert set(proba) == set(LABELS) and abs(sum(proba.values()) - 1) < 1e-6


def test_missing_weights_name_the_training_command(tmp_path):
    from narratrace.errors import ModelError

    with pytest.raises(ModelError, match="narratrace train claim-stance"):
        ClaimStanceModel.from_file(tmp_path / "none.npz")


def test_english_claim_against_german_and_russian_sentences(rows):
    english = {r["claim"]: r["claim"] for r in rows if r["lang"] == "en"}
    translated = {
        "Dravische Truppen kämpfen für Kestrien in der Region Velora": "Dravian troops are fighting for Kestria in the Velora region",
        "Дравийские войска воюют на стороне Кестрии в регионе Велора": "Dravian troops are fighting for Kestria in the Velora region",
        "Der Staudamm von Velora wurde von kestrischen Soldaten gesprengt": "The Velora dam was blown up by Kestrian soldiers",
        "Плотина в Велоре была взорвана кестрийскими солдатами": "The Velora dam was blown up by Kestrian soldiers",
    }
    assert set(translated.values()) <= set(english)
    cross = [r for r in rows if r["claim"] in translated]
    labels, _ = load_model().predict_pairs([translated[r["claim"]] for r in cross], [r["text"] for r in cross])
    right = sum(label == r["stance"] for label, r in zip(labels, cross, strict=True))
    # 22/27 with the weights of commit a147421, 21/27 after the retrain with the new refuting
    # cues (FNC-1 dev macro-F1 .7268 -> .7363); these pairs meet only through the e5 cosine
    assert right / len(cross) >= 0.75
