"""Claim-stance building blocks without the shipped weights: cues, features, tree export."""

from __future__ import annotations

import numpy as np
import pytest

from narratrace.stance._cues import cue_counts
from narratrace.stance._features import (
    LEXICAL_NAMES,
    fit_vocabulary,
    lexical_features,
    pair_inputs,
    ranked_sentences,
    split_sentences,
    words,
)
from narratrace.stance._trees import export_trees, tree_logits

CLAIM = "Dravian troops are fighting for Kestria in Velora"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Dravia has not sent troops.", "neg"),
        ("The ministry could not verify the reports.", "neg_confirm"),
        ("Neither Kestria nor Dravia has officially acknowledged it.", "neg_confirm"),
        ("The spokesman refrained from denying the report.", "neg_refute"),
        ("The so-called deployment is a fabrication.", "refute"),
        ("Das Ministerium konnte die Berichte nicht bestätigen.", "neg_confirm"),
        ("Die Regierung dementierte die Meldung.", "refute"),
        ("Министерство не стало опровергать сообщения.", "neg_refute"),
        ("Солдаты якобы воюют в Велоре.", "hedge"),
        ("Генштаб подтвердил участие войск.", "confirm"),
        ("The actor's agent rebuffed rumours of his arrest.", "refute"),
        ("The ministry repudiated the report about Velora.", "refute"),
        ("The spokesman did not rebut the account.", "neg_refute"),
        ("Die Regierung stritt die Beteiligung am Angriff ab.", "refute"),
        ("Der Sprecher hat die Berichte abgestritten.", "refute"),
        ("Der Sprecher stritt das nicht ab.", "neg_refute"),
        ("Кремль отмёл эти обвинения.", "refute"),
        ("Министр назвал сообщение ложью.", "refute"),
        ("Министр не отмёл эти сообщения.", "neg_refute"),
    ],
)
def test_cues_read_negation_and_modality(text, category):
    assert cue_counts(text)[category] >= 1


def test_plain_assertion_has_no_denial_cue():
    counts = cue_counts("Kestria's chief of staff said Dravian troops fought in Velora.")
    assert counts["refute"] == counts["neg"] == counts["neg_refute"] == 0


def test_words_split_contractions_and_sentences():
    assert words("Moscow didn't deny it") == ["moscow", "did", "not", "deny", "it"]
    assert split_sentences("One claim here. Zweiter Satz. Третье предложение.") == [
        "One claim here.", "Zweiter Satz.", "Третье предложение."]


def test_features_rank_the_sentence_that_carries_the_claim():
    vocab = fit_vocabulary(["The weather was fine.", "Troops are fighting.", "Kestria said nothing."], min_df=1)
    text = "The weather in Marsk was fine. Dravia has not sent troops to fight for Kestria in Velora."
    assert ranked_sentences(CLAIM, text, vocab)[0] == 1
    row = dict(zip(LEXICAL_NAMES, lexical_features(CLAIM, text, vocab), strict=True))
    assert row["neg_near_best"] >= 1 and row["polarity_mismatch"] == 1.0
    assert row["cos_best"] > row["cos_lead"]


def test_pair_inputs_shapes_with_a_fake_embedder():
    vocab = fit_vocabulary(["Troops are fighting.", "Troops went home."], min_df=1)

    def embed(texts):
        rng = np.random.default_rng(len(texts))
        v = rng.normal(size=(len(texts), 8)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    inputs = pair_inputs([CLAIM, CLAIM], ["Troops are fighting in Velora.", "A library opened."], vocab, embed)
    assert inputs.lexical.shape == (2, len(LEXICAL_NAMES))
    assert inputs.e5.shape[0] == 2 and inputs.e5_pairs.shape == (2, 16)
    assert inputs.bag.shape == (2, len(vocab.stems))


def test_exported_trees_match_scikit_learn():
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 5))
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5).astype(int) + (x[:, 2] > 1).astype(int)
    clf = HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=7, random_state=0).fit(x, y)
    np.testing.assert_allclose(tree_logits(export_trees(clf), x), clf._raw_predict(x), atol=1e-9)
