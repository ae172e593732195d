"""The check-worthiness model: TF-IDF word n-grams plus a few genre-robust cues, logistic regression.

Stored as plain JSON (vocabulary, idf, weights), so loading needs no pickle and scoring
needs only numpy/scipy. Trained by :func:`train_checkworthiness` on CheckThat! 2024
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
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from narratrace.config import models_dir
from narratrace.errors import EvalDataError, ModelError

MODEL_PATH = "checkworthiness/model.json"
SEED = 7
# Grid for the inverse regularisation strength, chosen on dev F1 of the Yes class.
C_GRID = (0.25, 0.5, 1.0, 2.0)
MAX_FEATURES = 20000
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


def _f1(y: list[int], pred: np.ndarray) -> float:
    y_arr = np.asarray(y)
    tp = int(((pred == 1) & (y_arr == 1)).sum())
    fp = int(((pred == 1) & (y_arr == 0)).sum())
    fn = int(((pred == 0) & (y_arr == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _neutral(texts: list[str]) -> list[str]:
    """Sentences with their names masked, as the pipeline reads them (``names.v1``)."""
    from narratrace.text.names import NameMask

    return [NameMask.build(t, [(0, len(t), "en")]).neutral_text for t in texts]


def train_checkworthiness(train: Path, dev: Path, out: Path, *, test: Path | None = None) -> dict[str, Any]:
    """Fit on ``train``, choose C and threshold on ``dev``, write JSON to ``out``; returns a report.

    Every sentence is read with its names masked (:mod:`narratrace.text.names`), so the model
    never learns a name's weight and scores what the pipeline shows it.
    """
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    t0 = time.perf_counter()
    _, tr_x, tr_y = read_tsv(train)
    _, dv_x, dv_y = read_tsv(dev)
    tr_x, dv_x = _neutral(tr_x), _neutral(dv_x)
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+", lowercase=False,
                          min_df=2, max_features=MAX_FEATURES)
    xtr = hstack([vec.fit_transform([normalize(t) for t in tr_x]), csr_matrix(cue_features(tr_x))]).tocsr()
    xdv = hstack([vec.transform([normalize(t) for t in dv_x]), csr_matrix(cue_features(dv_x))]).tocsr()
    best: tuple[float, float, float, Any] = (-1.0, 0.0, 0.5, None)
    report: dict[str, Any] = {"train": len(tr_x), "dev": len(dv_x)}
    for c in C_GRID:
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=SEED)
        clf.fit(xtr, tr_y)
        prob = clf.predict_proba(xdv)[:, 1]
        for t in np.arange(0.3, 0.8, 0.05):
            f1 = _f1(dv_y, (prob >= t).astype(int))
            if f1 > best[0]:
                best = (f1, c, float(round(t, 2)), clf)
    f1, c, threshold, clf = best
    vocab = {k: int(v) for k, v in vec.vocabulary_.items()}
    model = CheckworthinessModel(vocab, vec.idf_, clf.coef_[0], float(clf.intercept_[0]), threshold, {})
    model.meta = {"C": c, "dev_f1_yes": round(f1, 4), "train_file": train.name, "dev_file": dev.name,
                  "features": len(vocab) + len(_CUES) + 1, "seed": SEED, "names": "masked"}
    report.update(model.meta)
    report["threshold"] = threshold
    if test is not None:
        _, te_x, te_y = read_tsv(test)
        te_x = _neutral(te_x)
        pred = (model.predict_proba(te_x) >= threshold).astype(int)
        report["test_f1_yes"] = round(_f1(te_y, pred), 4)
        model.meta["test_f1_yes"] = report["test_f1_yes"]
        model.meta["test_file"] = test.name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model.to_json(), ensure_ascii=False), encoding="utf-8")
    report["bytes"] = out.stat().st_size
    report["seconds"] = round(time.perf_counter() - t0, 1)
    return report
