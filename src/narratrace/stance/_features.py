"""Features of a (claim, text) pair for the claim-stance model.

Three families, all computed without torch:

* **relatedness**: IDF-weighted overlap of word stems between the claim and the text,
  the whole text and each sentence (the best sentence, the mean of the best three, the
  lead), bigram hits and Jaccard, as in the FNC-1 baseline and the UCL system;
* **stance cues** (:mod:`narratrace.stance._cues`) in the claim, in the three sentences
  closest to it and over the whole text, negation right before a word of the claim, and
  polarity disagreement between claim and best sentence;
* **e5 similarity** of the claim to the lead and to the two closest sentences
  (multilingual-e5-small through :mod:`narratrace.text.embeddings`, cached on disk).

Stems are the first :data:`STEM_CHARS` characters of a lower-cased word, so they work
for German and Russian as well (unknown stems get :attr:`Vocabulary.default_idf`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_GERMAN, STOPWORDS_RUSSIAN
from scipy import sparse

from narratrace.stance._cues import CUE_PATTERNS, cue_counts
from narratrace.text.segment import paragraph_spans, rule_sentence_spans

# Five characters keep "troops"/"troop", "denied"/"denies" apart from most unrelated
# words, and meet inflected German and Russian forms often enough (the project's name
# keys use the same cut).
STEM_CHARS = 5
# Sentences considered closest to the claim for cue features and the e5 candidates.
TOP_SENTENCES = 3
# Closest sentences embedded besides the lead. 0 on this machine: e5 runs at ~4
# sentences/s on the shared cores, and the lead alone is ~3,200 texts for FNC-1 train
# and dev (headlines included) against ~12,000 with the closest sentence.
E5_SENTENCES = 0
# Embedded sentences are cut to this many characters (e5 cost grows with length; the
# part of a sentence that carries the claim is rarely past its first 300 characters).
E5_MAX_CHARS = 300
# Negation this many tokens before a claim word counts as negating it ("has not sent").
NEG_WINDOW = 4
# Sentences shorter than this (characters) are furniture, not sentences.
MIN_SENTENCE_CHARS = 4

_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_NEG_WORDS = frozenset(("not", "no", "never", "neither", "nor", "without", "cannot", "nicht", "kein", "keine",
                        "keinen", "keiner", "nie", "weder", "ohne", "не", "нет", "ни", "никогда", "без"))
STOPWORDS = frozenset(STOPWORDS_EN) | frozenset(STOPWORDS_GERMAN) | frozenset(STOPWORDS_RUSSIAN)
CUE_NAMES = tuple(CUE_PATTERNS)
_QUOTES = re.compile(r"[\"“”„«»]")


@dataclass(eq=False)  # hashed by identity, so per-pair results can be cached
class Vocabulary:
    """Stem -> inverse document frequency, fitted on training sentences.

    Attributes
    ----------
    stems : list of str
    idf : numpy.ndarray
        ``log(N / df)`` per stem.
    generic : numpy.ndarray of bool
        False for stems that are mostly written capitalised inside a sentence (names of
        people, places, outlets); the learned bag-of-words part uses only generic stems.
    default_idf : float
        IDF of a stem never seen in training (rare by definition).
    """

    stems: list[str]
    idf: np.ndarray
    generic: np.ndarray
    default_idf: float
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {s: i for i, s in enumerate(self.stems)}

    def weight(self, stem: str) -> float:
        """IDF of ``stem``."""
        i = self.index.get(stem)
        return float(self.idf[i]) if i is not None else self.default_idf


def words(text: str) -> list[str]:
    """Lower-cased word tokens; "n't" becomes "not"."""
    out: list[str] = []
    for w in _WORD.findall(text.lower().replace("’", "'")):
        if w.endswith("n't"):
            out += [w[:-3], "not"]
        else:
            out.append(w)
    return out


def stem(word: str) -> str:
    """The first :data:`STEM_CHARS` characters of ``word``."""
    return word[:STEM_CHARS]


def content_stems(text: str) -> list[str]:
    """Stems of the words of ``text`` that are not stopwords."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: its paragraphs cut by :func:`~narratrace.text.segment.rule_sentence_spans`."""
    parts = [text[s:e].strip() for ps, pe in paragraph_spans(text) for s, e in rule_sentence_spans(text, ps, pe)]
    out = [p for p in parts if len(p) >= MIN_SENTENCE_CHARS]
    return out or [text.strip() or " "]


def fit_vocabulary(documents: Sequence[str], *, min_df: int = 2) -> Vocabulary:
    """Fit IDF over ``documents`` (sentences or texts) and mark name-like stems."""
    df: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    inner: Counter[str] = Counter()
    for doc in documents:
        df.update(set(content_stems(doc)))
        for sent in split_sentences(doc):
            toks = _WORD.findall(sent)
            for tok in toks[1:]:
                key = stem(tok.lower())
                inner[key] += 1
                capital[key] += tok[:1].isupper()
    n = max(1, len(documents))
    stems = sorted(s for s, c in df.items() if c >= min_df)
    idf = np.array([math.log(n / df[s]) for s in stems], dtype=np.float32)
    generic = np.array([capital[s] < 0.5 * max(1, inner[s]) for s in stems], dtype=bool)
    return Vocabulary(stems, idf, generic, float(math.log(n / 1.0)))


@dataclass
class TextView:
    """A text split into sentences with their stems (computed once per text)."""

    text: str
    sentences: list[str]
    sentence_words: list[list[str]]
    sentence_stems: list[Counter[str]]
    stems: Counter[str]
    cues: list[dict[str, int]]
    bigrams: set[tuple[str, str]]


@lru_cache(maxsize=4096)
def view(text: str) -> TextView:
    """Sentences, stems, stem bigrams and cue counts of ``text`` (cached)."""
    sents = split_sentences(text)
    sw = [words(s) for s in sents]
    ss = [Counter(stem(w) for w in ws if w not in STOPWORDS) for ws in sw]
    total: Counter[str] = Counter()
    for c in ss:
        total.update(c)
    bigrams = set().union(*(_bigrams(ws) for ws in sw)) if sw else set()
    return TextView(text, sents, sw, ss, total, [cue_counts(s) for s in sents], bigrams)


def _norm(counts: Counter[str], vocab: Vocabulary) -> float:
    return math.sqrt(sum((c * vocab.weight(s)) ** 2 for s, c in counts.items()))


@lru_cache(maxsize=4096)
def _norms(text: str, vocab: Vocabulary) -> tuple[float, list[float]]:
    """TF-IDF norms of the whole text and of each sentence (cached per text)."""
    tv = view(text)
    return _norm(tv.stems, vocab), [_norm(c, vocab) for c in tv.sentence_stems]


def _cosine(a: Counter[str], b: Counter[str], vocab: Vocabulary, na: float | None = None, nb: float | None = None) -> float:
    if not a or not b:
        return 0.0
    dot = sum(a[s] * b[s] * vocab.weight(s) ** 2 for s in a.keys() & b.keys())
    if not dot:
        return 0.0
    na = _norm(a, vocab) if na is None else na
    nb = _norm(b, vocab) if nb is None else nb
    return dot / (na * nb) if na and nb else 0.0


def _coverage(claim: Counter[str], target: Counter[str] | set[str], vocab: Vocabulary) -> float:
    total = sum(vocab.weight(s) for s in claim)
    return sum(vocab.weight(s) for s in claim if s in target) / total if total else 0.0


@lru_cache(maxsize=8192)
def ranked_sentences(claim: str, text: str, vocab: Vocabulary) -> list[int]:
    """Sentence indices of ``text`` from the closest to the claim to the farthest."""
    return sorted(range(len(view(text).sentences)), key=lambda i: (-_sentence_cosines(claim, text, vocab)[i], i))


@lru_cache(maxsize=8192)
def _sentence_cosines(claim: str, text: str, vocab: Vocabulary) -> list[float]:
    cv, tv = view(claim), view(text)
    na = _norm(cv.stems, vocab)
    _, sentence_norms = _norms(text, vocab)
    return [_cosine(cv.stems, s, vocab, na, nb) for s, nb in zip(tv.sentence_stems, sentence_norms, strict=True)]


def _neg_near_claim(words_: list[str], claim_stems: set[str]) -> int:
    hits = 0
    for i, w in enumerate(words_):
        if stem(w) in claim_stems and w not in STOPWORDS:
            window = words_[max(0, i - NEG_WINDOW) : i]
            hits += any(x in _NEG_WORDS for x in window)
    return hits


def _bigrams(ws: list[str]) -> set[tuple[str, str]]:
    st = [stem(w) for w in ws]
    return set(zip(st, st[1:], strict=False))


LEXICAL_NAMES: tuple[str, ...] = (
    ("cos_text", "cos_best", "cos_top3", "cos_lead", "best_pos", "cov_text", "cov_lead", "cov_best", "bigram_hits",
     "jaccard", "log_sentences", "log_claim_words", "neg_near_top", "neg_near_best", "polarity_mismatch",
     "claim_question", "top_question", "top_quotes")
    + tuple(f"claim_{c}" for c in CUE_NAMES)
    + tuple(f"top_{c}" for c in CUE_NAMES)
    + tuple(f"best_{c}" for c in CUE_NAMES)
    + tuple(f"text_{c}" for c in CUE_NAMES)
)


def lexical_features(claim: str, text: str, vocab: Vocabulary) -> np.ndarray:
    """The relatedness and cue features of one pair, in :data:`LEXICAL_NAMES` order."""
    cv, tv = view(claim), view(text)
    claim_stems = cv.stems
    order = ranked_sentences(claim, text, vocab)
    top = order[:TOP_SENTENCES]
    best = order[0]
    all_sims = _sentence_cosines(claim, text, vocab)
    sims = [all_sims[i] for i in top]
    lead: Counter[str] = Counter()
    for c in tv.sentence_stems[:2]:
        lead.update(c)
    claim_words = words(claim)
    cb = _bigrams(claim_words)
    text_bigrams = tv.bigrams
    cset, tset = set(claim_stems), set(tv.stems)
    keys = set(claim_stems)
    neg_top = sum(_neg_near_claim(tv.sentence_words[i], keys) for i in top)
    neg_best = _neg_near_claim(tv.sentence_words[best], keys)
    claim_cues = {c: sum(x[c] for x in cv.cues) for c in CUE_NAMES}
    top_cues = {c: sum(tv.cues[i][c] for i in top) for c in CUE_NAMES}
    best_cues = tv.cues[best]
    n = len(tv.sentences)
    text_cues = {c: sum(x[c] for x in tv.cues) / n for c in CUE_NAMES}
    best_neg = best_cues["neg"] > 0
    row = [
        _cosine(claim_stems, tv.stems, vocab, nb=_norms(text, vocab)[0]),
        sims[0],
        float(np.mean(sims)),
        _cosine(claim_stems, lead, vocab),
        best / max(1, n - 1),
        _coverage(claim_stems, tv.stems, vocab),
        _coverage(claim_stems, lead, vocab),
        _coverage(claim_stems, tv.sentence_stems[best], vocab),
        len(cb & text_bigrams) / max(1, len(cb)),
        len(cset & tset) / max(1, len(cset | tset)),
        math.log1p(n),
        math.log1p(len(claim_words)),
        float(neg_top),
        float(neg_best),
        float(best_neg != (claim_cues["neg"] > 0)),
        float("?" in claim),
        float(sum("?" in tv.sentences[i] for i in top)),
        float(sum(len(_QUOTES.findall(tv.sentences[i])) for i in top)),
    ]
    row += [float(claim_cues[c]) for c in CUE_NAMES]
    row += [float(top_cues[c]) for c in CUE_NAMES]
    row += [float(best_cues[c]) for c in CUE_NAMES]
    row += [float(text_cues[c]) for c in CUE_NAMES]
    return np.asarray(row, dtype=np.float32)


def e5_candidates(claim: str, text: str, vocab: Vocabulary) -> list[str]:
    """The sentences embedded for a pair: the lead, then the :data:`E5_SENTENCES` closest (cut)."""
    tv = view(text)
    order = ranked_sentences(claim, text, vocab)
    picks = [0] + [i for i in order[:E5_SENTENCES] if i != 0]
    picks = picks[: E5_SENTENCES + 1]
    while len(picks) < E5_SENTENCES + 1:
        picks.append(picks[-1])
    return [tv.sentences[i][:E5_MAX_CHARS] for i in picks]


E5_NAMES = ("e5_lead",) + tuple(f"e5_close{i + 1}" for i in range(E5_SENTENCES)) + ("e5_max",)

Embedder = Callable[[Sequence[str]], np.ndarray]


def e5_vectors(claims: Sequence[str], texts: Sequence[str], vocab: Vocabulary, embed: Embedder) -> tuple[np.ndarray, np.ndarray]:
    """Claim vectors ``(n, d)`` and candidate-sentence vectors ``(n, 3, d)`` for each pair."""
    cands = [e5_candidates(c, t, vocab) for c, t in zip(claims, texts, strict=True)]
    uniq = sorted({s for cs in cands for s in cs} | set(claims))
    if not uniq:
        return np.zeros((0, 384), dtype=np.float32), np.zeros((0, E5_SENTENCES + 1, 384), dtype=np.float32)
    vecs = embed(uniq)
    pos = {s: i for i, s in enumerate(uniq)}
    cl = vecs[[pos[c] for c in claims]]
    sv = vecs[np.array([[pos[s] for s in cs] for cs in cands])]
    return cl, sv


def e5_features(claim_vecs: np.ndarray, sent_vecs: np.ndarray) -> np.ndarray:
    """Cosines of the claim with the lead and the closest sentences, and their max."""
    cos = np.einsum("nd,nkd->nk", claim_vecs, sent_vecs)
    return np.column_stack([cos, cos.max(axis=1)]).astype(np.float32)


def e5_pair_vectors(claim_vecs: np.ndarray, sent_vecs: np.ndarray) -> np.ndarray:
    """Input of the e5 linear part: claim ⊙ closest embedded sentence, and that sentence."""
    best = sent_vecs[:, min(1, E5_SENTENCES), :]
    return np.hstack([claim_vecs * best, best]).astype(np.float32)


def bag_of_stems(claim: str, text: str, vocab: Vocabulary) -> dict[int, float]:
    """Generic stems of the three sentences closest to the claim (binary, L2-normalised)."""
    tv = view(text)
    order = ranked_sentences(claim, text, vocab)[:TOP_SENTENCES]
    ids = {vocab.index[s] for i in order for s in tv.sentence_stems[i] if s in vocab.index}
    ids = {i for i in ids if vocab.generic[i]}
    if not ids:
        return {}
    v = 1.0 / math.sqrt(len(ids))
    return dict.fromkeys(sorted(ids), v)


@dataclass
class PairInputs:
    """Everything the model reads about a batch of pairs.

    Attributes
    ----------
    lexical : numpy.ndarray
        ``(n, len(LEXICAL_NAMES))``.
    e5 : numpy.ndarray
        ``(n, len(E5_NAMES))`` cosines.
    e5_pairs : numpy.ndarray
        ``(n, 2 * dim)`` input of the e5 linear part.
    bag : scipy.sparse.csr_matrix
        ``(n, len(vocab.stems))`` input of the bag-of-stems linear part.
    """

    lexical: np.ndarray
    e5: np.ndarray
    e5_pairs: np.ndarray
    bag: sparse.csr_matrix


def pair_inputs(claims: Sequence[str], texts: Sequence[str], vocab: Vocabulary, embed: Embedder) -> PairInputs:
    """Compute :class:`PairInputs` for ``zip(claims, texts)``."""
    lexical = np.vstack([lexical_features(c, t, vocab) for c, t in zip(claims, texts, strict=True)]) if claims else \
        np.zeros((0, len(LEXICAL_NAMES)), dtype=np.float32)
    cl, sv = e5_vectors(claims, texts, vocab, embed)
    rows, cols, vals = [], [], []
    for i, (c, t) in enumerate(zip(claims, texts, strict=True)):
        for j, v in bag_of_stems(c, t, vocab).items():
            rows.append(i)
            cols.append(j)
            vals.append(v)
    bag = sparse.csr_matrix((vals, (rows, cols)), shape=(len(claims), len(vocab.stems)), dtype=np.float32)
    return PairInputs(lexical, e5_features(cl, sv), e5_pair_vectors(cl, sv), bag)
