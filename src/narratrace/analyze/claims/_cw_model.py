"""The check-worthiness model: TF-IDF word n-grams plus a few genre-robust cues, logistic regression.

Stored as plain JSON (vocabulary, idf, weights), so loading needs no pickle and scoring
needs only numpy/scipy. Trained by :func:`narratrace.train.checkworthiness.train_checkworthiness` on CheckThat! 2024
``train.tsv``; C and the threshold are chosen on ``dev.tsv``.

Examples
--------
>>> normalize("In 2019, 3.5 million jobs were lost.")
'in 0000 , 0 . 0 million jobs were lost .'
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from narratrace.config import models_dir
from narratrace.errors import EvalDataError, ModelError

MODEL_PATH = "checkworthiness/model.json"
_TOKEN = re.compile(r"\d+|\w+|[^\w\s]", re.U)
_DIGIT = re.compile(r"\d")
# Hand features that carry over from debate transcripts to news prose: numbers, years,
# percentages and money are what fact-checkers check; first/second person and questions
# mark opinion and rhetoric.
_CUES = {
    "has_number": re.compile(r"\d"),
    "has_percent": re.compile(r"%|\bpercent\b|\bper cent\b", re.I),
    "has_money": re.compile(r"[$€£]|\b(dollars?|euros?|billion|million|trillion)\b", re.I),
    "has_year": re.compile(r"\b(19|20)\d\d\b"),
    "is_question": re.compile(r"\?\s*[\"”']?\s*$"),
    "first_person": re.compile(r"\b(I|I'm|I've|my|me)\b"),
    "second_person": re.compile(r"\b(you|your)\b", re.I),
    "comparative": re.compile(r"\b(more|less|fewer|higher|lower|most|least|biggest|largest|record)\b", re.I),
    "named": re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+"),
}


def normalize(text: str) -> str:
    """Lower-case, space-separated tokens with digits replaced by ``0``."""
    return " ".join(_DIGIT.sub("0", t.lower()) for t in _TOKEN.findall(text))


def cue_features(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), len(_CUES) + 1), dtype=np.float32)
    for i, t in enumerate(texts):
        for j, pat in enumerate(_CUES.values()):
            out[i, j] = 1.0 if pat.search(t) else 0.0
        out[i, -1] = min(len(t.split()), 60) / 60.0
    return out


def read_tsv(path: Path) -> tuple[list[str], list[str], list[int]]:
    """Read a CheckThat ``Sentence_id<TAB>Text<TAB>class_label`` file."""
    if not path.is_file():
        raise EvalDataError(f"{path} is not a CheckThat .tsv file")
    ids, texts, labels = [], [], []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if not header or "Text" not in header:
            raise EvalDataError(f"{path}: expected a header with Sentence_id, Text, class_label")
        ti, li = header.index("Text"), header.index("class_label") if "class_label" in header else None
        for row in reader:
            if len(row) <= ti:
                continue
            ids.append(row[0])
            texts.append(row[ti])
            labels.append(int(li is not None and len(row) > li and row[li].strip().lower() == "yes"))
    return ids, texts, labels


@dataclass
class CheckworthinessModel:
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    meta: dict[str, Any]

    def _vectorizer(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+", lowercase=False,
                              vocabulary=self.vocabulary)
        vec.idf_ = self.idf
        return vec

    def decision(self, texts: list[str]) -> np.ndarray:
        from scipy.sparse import csr_matrix, hstack

        if not texts:
            return np.zeros(0)
        x = hstack([self._vectorizer_cached().transform([normalize(t) for t in texts]), csr_matrix(cue_features(texts))]).tocsr()
        return np.asarray(x @ self.coef).ravel() + self.intercept

    def _vectorizer_cached(self) -> Any:
        if not hasattr(self, "_vec"):
            object.__setattr__(self, "_vec", self._vectorizer())
        return self._vec  # type: ignore[attr-defined]

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probability that each sentence is worth checking, in [0, 1]."""
        return 1.0 / (1.0 + np.exp(-self.decision(texts)))

    def to_json(self) -> dict[str, Any]:
        return {"vocabulary": self.vocabulary, "idf": [round(float(v), 5) for v in self.idf],
                "coef": [round(float(v), 5) for v in self.coef], "intercept": self.intercept,
                "threshold": self.threshold, "meta": self.meta}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckworthinessModel:
        return cls(data["vocabulary"], np.asarray(data["idf"], dtype=np.float64), np.asarray(data["coef"], dtype=np.float64),
                   float(data["intercept"]), float(data["threshold"]), data.get("meta", {}))


@cache
def load_model(path: str | None = None) -> CheckworthinessModel:
    """The shipped model (or the one at ``path``), loaded once per process."""
    p = Path(path) if path else models_dir() / MODEL_PATH
    if not p.exists():
        raise ModelError(f"check-worthiness model {p} is missing; run `narratrace train checkworthiness`")
    return CheckworthinessModel.from_json(json.loads(p.read_text(encoding="utf-8")))
