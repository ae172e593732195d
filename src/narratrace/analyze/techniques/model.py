"""The persuasion model: a paragraph classifier, a span tagger, a span filter and a span classifier.

Linear models over sparse features and e5 embeddings, trained jointly on six languages:

- :class:`ParagraphModel`: one-vs-rest logistic regression over word 1-2-gram and
  character 3-5-gram TF-IDF plus dense features, with a tuned threshold per technique
  (SemEval-2023 subtask 3).
- :class:`SpanTagger`: a token-level logistic model over hashed window features that
  marks tokens inside any technique span; :class:`SpanFilter` keeps the candidate runs
  of marked tokens it believes (PTC span identification).
- :class:`SpanClassifier`: a multinomial logistic model that names the technique of a
  span from its words, characters, sentence context, length and repetition in the
  article, averaged with one over the e5 embedding of the span (PTC technique
  classification).

Weights are stored as plain numpy arrays in one ``.npz`` file (no pickles), so loading
runs no code from the file.

Examples
--------
>>> sigmoid(np.array([0.0]))
array([0.5])
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from narratrace.analyze.techniques.features import (
    lang_onehot,
    paragraph_dense,
    span_dense,
    token_features,
    tokenize,
)
from narratrace.analyze.techniques.taxonomy import (
    SUPPORTED_LANGS,
    TECHNIQUES,
    labels_above,
    language_rows,
)

logger = logging.getLogger(__name__)

# Hashed feature space of the span tagger: 2**20 columns keeps collisions rare for
# ~1.2M training tokens while the weight vector stays ~2 MB in float16.
TAGGER_FEATURES = 2**20
# Weight of a token's paragraph bag of words next to its own window features (each 1.0);
# 1.0 (the bag's L2 norm) gave +0.03 SI F1 on the tune split over no bag.
UNIT_BOW_WEIGHT = 1.0
# Words in more than ~2% of training spans (IDF below ln(50) + 1) are too common to
# name as triggers ("and", "the") and a span made only of them is dropped.
MIN_TRIGGER_IDF_SPANS = float(np.log(50) + 1)
# Same idea for paragraph triggers, with ~5% of training paragraphs (IDF below ln(20) + 1).
MIN_TRIGGER_IDF_PARAGRAPHS = float(np.log(20) + 1)
# Width of the embedding features: paragraph and article-mean e5 vectors, language one-hot.
EMB_DIM = 2 * 384 + len(SUPPORTED_LANGS)
TOKEN_WORD_RE = re.compile(r"\w+")
# Scale of the dense block next to the TF-IDF blocks (chosen on the tune split: 1.0 and 3.0
# were within noise; 2.0 kept).
DENSE_SCALE = 2.0


def sigmoid(z: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return expit(z)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------- vectorizers


def _word_vectorizer(max_features: int, ngram: tuple[int, int] = (1, 2), vocabulary=None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        lowercase=True,
        token_pattern=r"(?u)\w+|[!?«»]",
        ngram_range=ngram,
        min_df=2,
        max_features=max_features,
        sublinear_tf=True,
        dtype=np.float32,
        vocabulary=vocabulary,
    )


def _char_vectorizer(max_features: int, ngram: tuple[int, int] = (3, 5), vocabulary=None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        lowercase=True,
        analyzer="char_wb",
        ngram_range=ngram,
        min_df=3,
        max_features=max_features,
        sublinear_tf=True,
        dtype=np.float32,
        vocabulary=vocabulary,
    )


def _dump_vec(prefix: str, vec, arrays: dict[str, np.ndarray]) -> None:
    vocab = sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])
    arrays[prefix + "_vocab"] = np.array([k for k, _ in vocab], dtype=object).astype(str)
    arrays[prefix + "_idf"] = vec.idf_.astype(np.float32)


def _load_vec(prefix: str, arrays, factory, ngram):
    vocab = [str(v) for v in arrays[prefix + "_vocab"]]
    vec = factory(None, ngram, vocabulary={t: i for i, t in enumerate(vocab)})
    vec.fit(vocab[:1] or ["x"])
    vec.idf_ = arrays[prefix + "_idf"].astype(np.float64)
    return vec


# --------------------------------------------------------------------------- paragraphs


@dataclass
class ParagraphModel:
    """Multi-label technique classifier for paragraphs (one-vs-rest logistic regression).

    Fitted by liblinear: averaged SGD was 15 times faster but lost 0.05-0.15 micro-F1
    on the dev subset. ``thresholds_`` has one row per supported language and one column
    per technique.
    """

    # Inverse L2 strength, chosen on the dev-subset comparison C=1 vs C=4 (see MODEL_CARD).
    C: float = 1.0
    word_features: int = 80_000
    char_features: int = 80_000
    word_: object = None
    char_: object = None
    coef_: np.ndarray | None = None
    intercept_: np.ndarray | None = None
    thresholds_: np.ndarray = field(default_factory=lambda: np.full((len(SUPPORTED_LANGS), len(TECHNIQUES)), 0.3))
    # Second model on sentence embeddings (see :func:`paragraph_embeddings`); its
    # probabilities are averaged with the TF-IDF model's, the TF-IDF one weighted by
    # ``fusion_`` (a number, or one weight per supported language).
    # Inverse L2 strength of the embedding model: C in {0.5, 1, 2, 4, 8, 16} on the tune split
    # (en, de, fr; thresholds cross-fitted over two halves), 2 was best.
    emb_C: float = 2.0
    emb_coef_: np.ndarray | None = None
    emb_bias_: np.ndarray | None = None
    fusion_: float | np.ndarray = 1.0

    def is_common_word(self, word: str) -> bool:
        """True for a word in more than ~2% of training paragraphs ("was", "its", "und")."""
        idx = self.word_.vocabulary_.get(word.lower())
        return idx is not None and self.word_.idf_[idx] < MIN_TRIGGER_IDF_SPANS

    def labels(self, proba: np.ndarray, langs: list[str]) -> list[list[str]]:
        """Technique names above the language's thresholds, per row of ``proba``."""
        return labels_above(proba, language_rows(self.thresholds_, langs))

    def _matrix(self, texts: list[str], dense: np.ndarray) -> sp.csr_matrix:
        return sp.hstack(
            [self.word_.transform(texts), self.char_.transform(texts), sp.csr_matrix(dense * DENSE_SCALE)],
            format="csr",
        )

    def fit(self, texts: list[str], dense: np.ndarray, y: np.ndarray, *, seed: int = 0) -> ParagraphModel:
        from sklearn.linear_model import LogisticRegression

        self.word_ = _word_vectorizer(self.word_features).fit(texts)
        self.char_ = _char_vectorizer(self.char_features).fit(texts)
        X = self._matrix(texts, dense)
        coefs, bias = [], []
        for j in range(y.shape[1]):
            if y[:, j].sum() == 0:
                coefs.append(np.zeros(X.shape[1], dtype=np.float32))
                bias.append(-10.0)
                continue
            clf = LogisticRegression(C=self.C, solver="liblinear", tol=1e-3, random_state=seed)
            clf.fit(X, y[:, j])
            coefs.append(clf.coef_[0].astype(np.float32))
            bias.append(float(clf.intercept_[0]))
        self.coef_ = np.vstack(coefs)
        self.intercept_ = np.asarray(bias, dtype=np.float32)
        return self

    def fit_embeddings(self, emb: np.ndarray, y: np.ndarray, *, seed: int = 0) -> ParagraphModel:
        """Fit the embedding model: one logistic regression per technique (lbfgs, L2)."""
        from sklearn.linear_model import LogisticRegression

        coefs, bias = [], []
        for j in range(y.shape[1]):
            if y[:, j].sum() == 0:
                coefs.append(np.zeros(emb.shape[1], dtype=np.float32))
                bias.append(-10.0)
                continue
            clf = LogisticRegression(C=self.emb_C, max_iter=500, random_state=seed)
            clf.fit(emb, y[:, j])
            coefs.append(clf.coef_[0].astype(np.float32))
            bias.append(float(clf.intercept_[0]))
        self.emb_coef_ = np.vstack(coefs)
        self.emb_bias_ = np.asarray(bias, dtype=np.float32)
        return self

    @property
    def uses_embeddings(self) -> bool:
        return self.emb_coef_ is not None and bool(np.any(np.asarray(self.fusion_) < 1.0))

    def fusion_weights(self, langs: list[str] | None, n: int) -> np.ndarray:
        """TF-IDF weight per row, shape ``(n, 1)`` (unknown languages use the first row)."""
        w = np.asarray(self.fusion_, dtype=np.float32)
        if w.ndim == 0:
            return np.full((n, 1), float(w), dtype=np.float32)
        if langs is None:
            return np.full((n, 1), float(w.mean()), dtype=np.float32)
        idx = [SUPPORTED_LANGS.index(lang) if lang in SUPPORTED_LANGS else 0 for lang in langs]
        return w[idx].reshape(n, 1)

    def tfidf_proba(self, texts: list[str], dense: np.ndarray) -> np.ndarray:
        """Probabilities of the TF-IDF model alone."""
        if not texts:
            return np.zeros((0, len(TECHNIQUES)), dtype=np.float32)
        X = self._matrix(texts, dense)
        return sigmoid(np.asarray(X @ self.coef_.T) + self.intercept_)

    def emb_proba(self, emb: np.ndarray) -> np.ndarray:
        """Probabilities of the embedding model alone."""
        return sigmoid(emb @ self.emb_coef_.T + self.emb_bias_)

    def predict_proba(
        self, texts: list[str], dense: np.ndarray, emb: np.ndarray | None = None, langs: list[str] | None = None
    ) -> np.ndarray:
        """Fused probabilities (``langs`` picks per-language weights); TF-IDF alone when ``emb`` is ``None``."""
        p = self.tfidf_proba(texts, dense)
        if emb is None or not self.uses_embeddings or not texts:
            return p
        w = self.fusion_weights(langs, len(texts))
        return w * p + (1.0 - w) * self.emb_proba(emb)

    def dump(self, arrays: dict[str, np.ndarray]) -> None:
        _dump_vec("pw", self.word_, arrays)
        _dump_vec("pc", self.char_, arrays)
        arrays["p_coef"] = self.coef_.astype(np.float16)
        arrays["p_bias"] = self.intercept_
        arrays["p_thr"] = self.thresholds_.astype(np.float32)
        if self.emb_coef_ is not None:
            arrays["pe_coef"] = self.emb_coef_.astype(np.float16)
            arrays["pe_bias"] = self.emb_bias_.astype(np.float32)
        arrays["p_fusion"] = np.atleast_1d(np.asarray(self.fusion_, dtype=np.float32))

    @classmethod
    def load(cls, arrays) -> ParagraphModel:
        m = cls()
        m.word_ = _load_vec("pw", arrays, lambda mf, ng, vocabulary: _word_vectorizer(mf, ng, vocabulary), (1, 2))
        m.char_ = _load_vec("pc", arrays, lambda mf, ng, vocabulary: _char_vectorizer(mf, ng, vocabulary), (3, 5))
        m.coef_ = arrays["p_coef"].astype(np.float32)
        m.intercept_ = arrays["p_bias"]
        m.thresholds_ = arrays["p_thr"]
        if "pe_coef" in arrays:
            m.emb_coef_ = arrays["pe_coef"].astype(np.float32)
            m.emb_bias_ = arrays["pe_bias"]
        fusion = np.asarray(arrays["p_fusion"], dtype=np.float32) if "p_fusion" in arrays else np.ones(1, np.float32)
        m.fusion_ = float(fusion[0]) if fusion.size == 1 else fusion
        return m


def paragraph_inputs(paragraphs: list[tuple[str, str]]) -> tuple[list[str], np.ndarray]:
    """Texts and dense features of one article's paragraphs given as ``(text, lang)``."""
    n = len(paragraphs)
    dense = np.vstack([paragraph_dense(t, lang, i, n) for i, (t, lang) in enumerate(paragraphs)]) if n else np.zeros((0, 20), np.float32)
    return [t for t, _ in paragraphs], dense


def paragraph_embeddings(paragraphs: list[tuple[str, str]]) -> np.ndarray:
    """Embedding features of one article's paragraphs given as ``(text, lang)``.

    Per paragraph: its multilingual e5 embedding (stripped text, cut at the shared
    ``MAX_CHARS``), the normalised mean embedding of the article's paragraphs (context),
    and a language one-hot. Shape ``(len(paragraphs), EMB_DIM)``.
    """
    if not paragraphs:
        return np.zeros((0, EMB_DIM), dtype=np.float32)
    from narratrace.text.embeddings import embed_passages

    vecs = embed_passages([t.strip() for t, _ in paragraphs])
    return embedding_features(vecs, [lang for _, lang in paragraphs])


def embedding_features(vecs: np.ndarray, langs: list[str]) -> np.ndarray:
    """Features from one article's paragraph embeddings (see :func:`paragraph_embeddings`)."""
    mean = vecs.mean(axis=0)
    mean = mean / (np.linalg.norm(mean) + 1e-9)
    onehot = np.asarray([lang_onehot(lang) for lang in langs], dtype=np.float32)
    return np.hstack([vecs, np.tile(mean, (len(vecs), 1)), onehot]).astype(np.float32)


# --------------------------------------------------------------------------- span tagger


def _hasher():
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=TAGGER_FEATURES, input_type="string", alternate_sign=False, dtype=np.float32)


@dataclass
class SpanTagger:
    """Token-level "inside a technique span" classifier with span decoding.

    ``threshold_`` is one number, or one per supported language: annotators marked spans
    much more densely in some languages (most of a paragraph in German or French, a few
    words in English), so the best cut on token probabilities differs by language.
    """

    # L2 strength of the averaged SGD: {1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5} on the tune split
    # (SI F1 per language, each with its own threshold): 1e-5 best for English and within
    # .001 of the best mean over the six languages.
    alpha: float = 1e-5
    epochs: int = 6
    coef_: np.ndarray | None = None
    intercept_: float = 0.0
    threshold_: float | np.ndarray = 0.4

    def threshold_for(self, lang: str | None) -> float:
        """The decoding threshold of ``lang`` (the mean of all languages for others)."""
        thr = np.asarray(self.threshold_, dtype=np.float32)
        if thr.ndim == 0:
            return float(thr)
        if lang in SUPPORTED_LANGS:
            return float(thr[SUPPORTED_LANGS.index(lang)])
        return float(thr.mean())

    def featurize(self, units: list[tuple[list[tuple[str, int, int]], str]]) -> sp.csr_matrix:
        """Hashed features per token: its window, plus the bag of words of its paragraph.

        The paragraph bag (L2-normalised, times :data:`UNIT_BOW_WEIGHT`) lets the tagger
        raise every token of a paragraph that reads as persuasive, which long spans
        (doubt, appeals to authority) need. It is added by one sparse product, not per token.
        """
        feats = [f for toks, lang in units for f in token_features(toks, lang)]
        if not feats:
            return sp.csr_matrix((0, TAGGER_FEATURES), dtype=np.float32)
        hasher = _hasher()
        local = hasher.transform(feats)
        bags = hasher.transform([["u=" + t[0].lower() for t in toks if t[0][0].isalnum()] or ["u="] for toks, _ in units])
        norms = np.sqrt(np.asarray(bags.multiply(bags).sum(axis=1)).ravel())
        bags = sp.diags(UNIT_BOW_WEIGHT / np.maximum(norms, 1e-6)) @ bags
        rows = np.repeat(np.arange(len(units)), [len(toks) for toks, _ in units])
        member = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (np.arange(len(rows)), rows)), shape=(len(rows), len(units)))
        return (local + member @ bags).tocsr().astype(np.float32)

    def fit(self, X: sp.csr_matrix, y: np.ndarray, *, seed: int = 0) -> SpanTagger:
        from sklearn.linear_model import SGDClassifier

        clf = SGDClassifier(loss="log_loss", alpha=self.alpha, max_iter=self.epochs, tol=None, random_state=seed, average=True)
        clf.fit(X, y)
        self.coef_ = clf.coef_[0].astype(np.float32)
        self.intercept_ = float(clf.intercept_[0])
        return self

    def token_proba(self, X: sp.csr_matrix) -> np.ndarray:
        if X.shape[0] == 0:
            return np.zeros(0, dtype=np.float32)
        return sigmoid(X @ self.coef_ + self.intercept_)

    def decode(
        self, tokens: list[tuple[str, int, int]], proba: np.ndarray, threshold: float | None = None, lang: str | None = None
    ) -> list[tuple[int, int, float]]:
        """Merge runs of tokens above the threshold into ``(start, end, mean proba)`` spans.

        The threshold is ``threshold`` when given, else the one of ``lang``. A single token
        below the threshold between two tokens above it is bridged; spans do not start or
        end on punctuation.
        """
        thr = self.threshold_for(lang) if threshold is None else threshold
        on = proba >= thr
        n = len(tokens)
        for i in range(1, n - 1):
            if not on[i] and on[i - 1] and on[i + 1]:
                on[i] = True
        spans = []
        i = 0
        while i < n:
            if not on[i]:
                i += 1
                continue
            j = i
            while j + 1 < n and on[j + 1]:
                j += 1
            a, b = i, j
            while a <= b and not tokens[a][0][0].isalnum():
                a += 1
            while b >= a and not tokens[b][0][0].isalnum():
                b -= 1
            if a <= b:
                spans.append((tokens[a][1], tokens[b][2], float(proba[a : b + 1].mean())))
            i = j + 1
        return spans

    def dump(self, arrays: dict[str, np.ndarray]) -> None:
        arrays["t_coef"] = self.coef_.astype(np.float16)
        arrays["t_meta"] = np.concatenate([[self.intercept_], np.atleast_1d(self.threshold_)]).astype(np.float32)

    @classmethod
    def load(cls, arrays) -> SpanTagger:
        m = cls()
        m.coef_ = arrays["t_coef"].astype(np.float32)
        meta = arrays["t_meta"].astype(np.float32)
        m.intercept_ = float(meta[0])
        m.threshold_ = float(meta[1]) if meta.size == 2 else meta[1:]
        return m


# --------------------------------------------------------------------------- span classifier


@dataclass
class SpanClassifier:
    """Multinomial technique classifier of a span, given its sentence and article."""

    # L2 strength of the one-vs-rest averaged-SGD logistic models (~1/(C * n_spans), C=2).
    alpha: float = 2e-5
    epochs: int = 10
    word_: object = None
    char_: object = None
    ctx_: object = None
    coef_: np.ndarray | None = None
    intercept_: np.ndarray | None = None
    # Second model on the e5 embedding of the span text plus the dense span features
    # (multinomial lbfgs). C in {1, 4, 16, 64} on the tune split (mean over languages of
    # technique micro-F1 on gold spans): 4 best alone (.522 vs .470 for the sparse model).
    # Probabilities are averaged with the sparse model's, that one weighted by ``fusion_``.
    emb_C: float = 4.0
    emb_coef_: np.ndarray | None = None
    emb_bias_: np.ndarray | None = None
    fusion_: float = 1.0

    def _matrix(self, spans: list[str], contexts: list[str], dense: np.ndarray) -> sp.csr_matrix:
        return sp.hstack(
            [
                self.word_.transform(spans),
                self.char_.transform(spans),
                self.ctx_.transform(contexts) * 0.5,
                sp.csr_matrix(dense * DENSE_SCALE),
            ],
            format="csr",
        )

    def fit(self, spans: list[str], contexts: list[str], dense: np.ndarray, y: np.ndarray, *, seed: int = 0) -> SpanClassifier:
        from sklearn.linear_model import SGDClassifier

        self.word_ = _word_vectorizer(40_000, (1, 2)).fit(spans)
        self.char_ = _char_vectorizer(40_000, (2, 5)).fit(spans)
        self.ctx_ = _word_vectorizer(30_000, (1, 1)).fit(contexts)
        X = self._matrix(spans, contexts, dense)
        lr = SGDClassifier(loss="log_loss", alpha=self.alpha, max_iter=self.epochs, tol=None, random_state=seed, average=True)
        lr.fit(X, y)
        coef = np.zeros((len(TECHNIQUES), X.shape[1]), dtype=np.float32)
        bias = np.full(len(TECHNIQUES), -30.0, dtype=np.float32)
        coef[lr.classes_] = lr.coef_
        bias[lr.classes_] = lr.intercept_
        self.coef_, self.intercept_ = coef, bias
        return self

    def fit_embeddings(self, emb: np.ndarray, dense: np.ndarray, y: np.ndarray, *, seed: int = 0) -> SpanClassifier:
        """Fit the embedding model on span embeddings (see :func:`span_embeddings`)."""
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=self.emb_C, max_iter=1000, random_state=seed).fit(np.hstack([emb, dense]), y)
        coef = np.zeros((len(TECHNIQUES), emb.shape[1] + dense.shape[1]), dtype=np.float32)
        bias = np.full(len(TECHNIQUES), -30.0, dtype=np.float32)
        coef[lr.classes_] = lr.coef_
        bias[lr.classes_] = lr.intercept_
        self.emb_coef_, self.emb_bias_ = coef, bias
        return self

    @property
    def uses_embeddings(self) -> bool:
        return self.emb_coef_ is not None and self.fusion_ < 1.0

    def sparse_proba(self, spans: list[str], contexts: list[str], dense: np.ndarray) -> np.ndarray:
        """Probabilities of the sparse model alone."""
        if not spans:
            return np.zeros((0, len(TECHNIQUES)), dtype=np.float32)
        X = self._matrix(spans, contexts, dense)
        return softmax(np.asarray(X @ self.coef_.T) + self.intercept_)

    def emb_proba(self, emb: np.ndarray, dense: np.ndarray) -> np.ndarray:
        """Probabilities of the embedding model alone."""
        return softmax(np.hstack([emb, dense]) @ self.emb_coef_.T + self.emb_bias_)

    def predict_proba(self, spans: list[str], contexts: list[str], dense: np.ndarray, emb: np.ndarray | None = None) -> np.ndarray:
        """Fused probabilities; the sparse model alone when ``emb`` is ``None``."""
        p = self.sparse_proba(spans, contexts, dense)
        if emb is None or not self.uses_embeddings or not spans:
            return p
        return self.fusion_ * p + (1.0 - self.fusion_) * self.emb_proba(emb, dense)

    def triggers(self, span_text: str, technique: int, k: int = 3, common: Callable[[str], bool] | None = None) -> list[str]:
        """Words of the span that push hardest toward ``technique`` (for reasons)."""
        return top_terms(self.word_, self.coef_[technique], span_text, MIN_TRIGGER_IDF_SPANS, k, common)

    def is_function_words(self, span_text: str) -> bool:
        """True when every word of a short span is a common word ("is", "the", "any")."""
        words = [w for w in TOKEN_WORD_RE.findall(span_text.lower())]
        if len(words) > 2:
            return False
        idf, vocab = self.word_.idf_, self.word_.vocabulary_
        return all(len(w) < 3 or (w in vocab and idf[vocab[w]] < MIN_TRIGGER_IDF_SPANS) for w in words)

    def dump(self, arrays: dict[str, np.ndarray]) -> None:
        _dump_vec("sw", self.word_, arrays)
        _dump_vec("sc", self.char_, arrays)
        _dump_vec("sx", self.ctx_, arrays)
        arrays["s_coef"] = self.coef_.astype(np.float16)
        arrays["s_bias"] = self.intercept_
        if self.emb_coef_ is not None:
            arrays["se_coef"] = self.emb_coef_.astype(np.float16)
            arrays["se_bias"] = self.emb_bias_.astype(np.float32)
        arrays["s_fusion"] = np.array([self.fusion_], dtype=np.float32)

    @classmethod
    def load(cls, arrays) -> SpanClassifier:
        m = cls()
        m.word_ = _load_vec("sw", arrays, lambda mf, ng, vocabulary: _word_vectorizer(mf, ng, vocabulary), (1, 2))
        m.char_ = _load_vec("sc", arrays, lambda mf, ng, vocabulary: _char_vectorizer(mf, ng, vocabulary), (2, 5))
        m.ctx_ = _load_vec("sx", arrays, lambda mf, ng, vocabulary: _word_vectorizer(mf, ng, vocabulary), (1, 1))
        m.coef_ = arrays["s_coef"].astype(np.float32)
        m.intercept_ = arrays["s_bias"]
        if "se_coef" in arrays:
            m.emb_coef_ = arrays["se_coef"].astype(np.float32)
            m.emb_bias_ = arrays["se_bias"]
        m.fusion_ = float(arrays["s_fusion"][0]) if "s_fusion" in arrays else 1.0
        return m


def top_terms(
    vec, weights: np.ndarray, text: str, min_idf: float, k: int = 3, common: Callable[[str], bool] | None = None
) -> list[str]:
    """Up to ``k`` n-grams of ``text`` with the largest positive ``weights``, skipping common words.

    Terms with an IDF below ``min_idf`` (frequent words such as "and", "the"), terms with
    a word that ``common`` flags, and single characters never count as triggers;
    overlapping n-grams are kept once.
    """
    analyzer = vec.build_analyzer()
    vocab, idf = vec.vocabulary_, vec.idf_
    scored: dict[str, float] = {}
    for term in analyzer(text):
        idx = vocab.get(term)
        if idx is None or idf[idx] < min_idf or len(term) < 3:
            continue
        if " " in term and any(idf[vocab[w]] < min_idf for w in term.split() if w in vocab):
            continue
        if common is not None and any(common(w) for w in term.split()):
            continue
        if weights[idx] > 0:
            scored[term] = float(weights[idx])
    out: list[str] = []
    for term, _ in sorted(scored.items(), key=lambda kv: -kv[1]):
        if not any(term in o or o in term for o in out):
            out.append(term)
        if len(out) == k:
            break
    return out


def span_embeddings(span_texts: list[str]) -> np.ndarray:
    """e5 embeddings of span texts (stripped), shape ``(len(span_texts), 384)``."""
    from narratrace.text.embeddings import DIM, embed_passages

    if not span_texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return embed_passages([t.strip() or " " for t in span_texts])


def span_inputs(
    text: str, spans: list[tuple[int, int]], sentences: list[tuple[int, int]], lang: str
) -> tuple[list[str], list[str], np.ndarray]:
    """Span texts, their sentence contexts and dense features, for one article."""
    lower = text.lower()
    starts = [s for s, _ in sentences]
    out_t, out_c, dense = [], [], []
    import bisect

    for s, e in spans:
        k = max(bisect.bisect_right(starts, s) - 1, 0)
        ss, se = sentences[k] if sentences else (0, len(text))
        se = max(se, e)
        ctx = text[ss:se]
        st = text[s:e]
        out_t.append(st)
        out_c.append(ctx)
        dense.append(span_dense(st, ctx, lower, lang))
    return out_t, out_c, (np.vstack(dense) if dense else np.zeros((0, 18), np.float32))


# --------------------------------------------------------------------------- span filter

# Candidate spans are token runs above this share of the language's tagger threshold; the
# span filter then keeps the ones it believes. 0.3, 0.5 and 0.7 were within .01 mean SI F1
# on the tune split (cross-fitted over its halves); 0.5 kept.
CANDIDATE_FACTOR = 0.5
# Width of :func:`candidate_features`: 11 statistics, language one-hot, 23 technique
# probabilities, the span's e5 embedding.
FILTER_DIM = 11 + len(SUPPORTED_LANGS) + len(TECHNIQUES) + 384


def candidate_features(
    token_proba: np.ndarray,
    n_chars: int,
    technique_proba: np.ndarray,
    paragraph_proba: np.ndarray,
    lang: str,
    threshold: float,
    embedding: np.ndarray,
) -> np.ndarray:
    """Features of one candidate span for :class:`SpanFilter`.

    ``token_proba`` are the tagger's probabilities of the span's tokens, ``threshold`` the
    language's tagger threshold, ``technique_proba`` the span classifier's 23 probabilities,
    ``paragraph_proba`` the paragraph classifier's 23 probabilities for its paragraph,
    ``embedding`` the e5 embedding of the span text.
    """
    p = np.asarray(token_proba, dtype=np.float32)
    t = np.asarray(technique_proba, dtype=np.float32)
    para = np.asarray(paragraph_proba, dtype=np.float32)
    stats = [
        p.mean(),
        p.max(),
        p.min(),
        (p >= threshold).mean(),
        np.log1p(len(p)),
        np.log1p(n_chars),
        t.max(),
        -(t * np.log(t + 1e-9)).sum(),
        para.max(),
        1.0 - np.prod(1.0 - para),
        p.mean() / max(threshold, 1e-6),
    ]
    return np.concatenate(
        [np.asarray(stats, dtype=np.float32), np.asarray(lang_onehot(lang), np.float32), t, np.asarray(embedding, np.float32)]
    )


@dataclass
class SpanFilter:
    """Keeps or drops candidate spans of the tagger (logistic regression over :func:`candidate_features`).

    The tagger alone cuts token probabilities at one threshold, so short runs of common
    words pass and long runs with a few weak tokens break up. The filter looks at a whole
    candidate: its token probabilities, length, how sure the span classifier is of one
    technique, how persuasive its paragraph reads, and the e5 embedding of its words. It
    needs the e5 embeddings: with them switched off the tagger's threshold decides alone.
    """

    # Inverse L2 strength: {0.1, 0.3, 1, 3, 10} on the tune split (cross-fitted), 3 best.
    C: float = 3.0
    coef_: np.ndarray | None = None
    intercept_: float = 0.0
    thresholds_: np.ndarray = field(default_factory=lambda: np.full(len(SUPPORTED_LANGS), 0.5, dtype=np.float32))

    def fit(self, X: np.ndarray, y: np.ndarray, *, seed: int = 0) -> SpanFilter:
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=self.C, max_iter=2000, random_state=seed).fit(X, y)
        self.coef_ = clf.coef_[0].astype(np.float32)
        self.intercept_ = float(clf.intercept_[0])
        return self

    def proba(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros(0, dtype=np.float32)
        return sigmoid(np.asarray(X, dtype=np.float32) @ self.coef_ + self.intercept_)

    def threshold_for(self, lang: str | None) -> float:
        if lang in SUPPORTED_LANGS:
            return float(self.thresholds_[SUPPORTED_LANGS.index(lang)])
        return float(np.mean(self.thresholds_))

    def dump(self, arrays: dict[str, np.ndarray]) -> None:
        arrays["f_coef"] = self.coef_.astype(np.float32)
        arrays["f_meta"] = np.concatenate([[self.intercept_], self.thresholds_]).astype(np.float32)

    @classmethod
    def load(cls, arrays) -> SpanFilter | None:
        if "f_coef" not in arrays:
            return None
        m = cls()
        m.coef_ = arrays["f_coef"].astype(np.float32)
        m.intercept_ = float(arrays["f_meta"][0])
        m.thresholds_ = arrays["f_meta"][1:].astype(np.float32)
        return m


# --------------------------------------------------------------------------- bundle


@dataclass
class PersuasionModel:
    """The three models, the optional span filter, and metadata (training hashes, metrics)."""

    paragraphs: ParagraphModel
    tagger: SpanTagger
    spans: SpanClassifier
    meta: dict = field(default_factory=dict)
    span_filter: SpanFilter | None = None

    def span_triggers(self, span_text: str, technique: int, k: int = 3) -> list[str]:
        """Words of a span that push hardest toward ``technique``, never words common in paragraphs.

        Spans are short, so a word like "was" is rare among them and would pass the span
        vocabulary's own common-word test; the paragraph vocabulary knows better.
        """
        return self.spans.triggers(span_text, technique, k, common=self.paragraphs.is_common_word)

    def save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {}
        self.paragraphs.dump(arrays)
        self.tagger.dump(arrays)
        self.spans.dump(arrays)
        if self.span_filter is not None:
            self.span_filter.dump(arrays)
        arrays["meta"] = np.array(json.dumps(self.meta))
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> PersuasionModel:
        with np.load(path, allow_pickle=False) as arrays:
            data = {k: arrays[k] for k in arrays.files}
        return cls(
            ParagraphModel.load(data),
            SpanTagger.load(data),
            SpanClassifier.load(data),
            json.loads(str(data["meta"])),
            SpanFilter.load(data),
        )


def tag_units(
    tagger: SpanTagger, text: str, units: list[tuple[int, int, str]]
) -> tuple[list[list[tuple[str, int, int]]], list[np.ndarray]]:
    """Tokens and token probabilities for each ``(start, end, lang)`` unit of ``text``."""
    toks = [tokenize(text[s:e], s) for s, e, _ in units]
    X = tagger.featurize([(t, lang) for t, (_, _, lang) in zip(toks, units, strict=True)])
    proba = tagger.token_proba(X)
    out, pos = [], 0
    for t in toks:
        out.append(proba[pos : pos + len(t)])
        pos += len(t)
    return toks, out
