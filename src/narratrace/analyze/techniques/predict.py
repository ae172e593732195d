"""Run the shipped persuasion model: loading, paragraph labels, spans, span techniques.

The model is loaded once per process (:func:`get_model`). The functions here work on
plain offsets so that the stage, the evaluation tasks and training share them.

Examples
--------
>>> model_path().name
'persuasion.npz'
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from narratrace.analyze.techniques.features import TOKEN_RE
from narratrace.analyze.techniques.model import (
    CANDIDATE_FACTOR,
    PersuasionModel,
    candidate_features,
    paragraph_embeddings,
    paragraph_inputs,
    span_embeddings,
    span_inputs,
    tag_units,
)
from narratrace.analyze.techniques.taxonomy import (
    PTC_LABELS,
    TECHNIQUES,
    TO_PTC,
    labels_above,
    language_rows,
)
from narratrace.config import env_name, models_dir, settings
from narratrace.errors import ModelError
from narratrace.model import TechniqueSpan
from narratrace.text.furniture import function_words
from narratrace.text.lexicons import load_lexicon
from narratrace.text.segment import rule_sentence_spans

_lock = threading.Lock()
_MODEL: PersuasionModel | None = None

# Environment switch: "off" runs the paragraph classifier without e5 embeddings (speed).
EMBEDDINGS_ENV = env_name("techniques_embeddings")  # NARRATRACE_TECHNIQUES_EMBEDDINGS
# Spans shorter than this many characters are dropped (single letters, stray digits).
MIN_SPAN_CHARS = 2
# A Loaded-language span needs at least this confidence. On PTC dev the tagger's Loaded spans
# below it are right 23-26% of the time (34% over all), and dropping them moves the span F1 of
# the shown spans by -0.0015 (P .296 -> .302, R .618 -> .585) while a third of Loaded flags on
# plain reporting go; the paragraph classifier's Loaded score does not separate them at all
# (precision .31-.36 in every band), so it is not used.
LOADED_MIN_CONFIDENCE = 0.4
# A sentence with at least this share of capitalised words is in title case (a headline),
# where capitals do not mark names; prose dense with names stays near half.
TITLE_CASE_SHARE = 0.75
# Languages whose nouns are all capitalised: capitals do not mark names there.
NOUN_CAPITALISING = frozenset({"de"})
_OPENERS = frozenset("\"“„«‘'([—–-:")


def model_path() -> Path:
    return models_dir() / "persuasion" / "persuasion.npz"


def get_model() -> PersuasionModel:
    """The shipped model, loaded lazily once per process."""
    global _MODEL
    with _lock:
        if _MODEL is None:
            path = model_path()
            if not path.exists():
                raise ModelError(f"persuasion model not found at {path}; run `narratrace train persuasion --data ../shared/data`")
            _MODEL = PersuasionModel.load(path)
        return _MODEL


def set_model(model: PersuasionModel | None) -> None:
    """Replace the process-wide model (training and tests)."""
    global _MODEL
    with _lock:
        _MODEL = model


def paragraph_proba(
    model: PersuasionModel, text: str, paragraphs: list[tuple[int, int, str]], *, embeddings: bool = True
) -> np.ndarray:
    """Technique probabilities, shape ``(len(paragraphs), 23)``, for ``(start, end, lang)``.

    ``paragraphs`` should be all paragraphs of one article: the embedding model reads the
    article's mean embedding as context. With ``embeddings=False``, a model without an
    embedding part, or ``NARRATRACE_TECHNIQUES_EMBEDDINGS=off`` in the environment, only
    the TF-IDF model runs, which needs no e5 encoding (faster, less accurate).
    """
    pairs = [(text[s:e], lang) for s, e, lang in paragraphs]
    texts, dense = paragraph_inputs(pairs)
    embeddings = embeddings and _embeddings_on()
    emb = paragraph_embeddings(pairs) if embeddings and model.paragraphs.uses_embeddings and pairs else None
    return model.paragraphs.predict_proba(texts, dense, emb, [lang for _, lang in pairs])


@dataclass
class ParagraphScores:
    """Paragraph technique scores of one article, from the model the setting names.

    ``proba`` and ``thresholds`` (both ``[paragraphs, techniques]``) are those the ``labels``
    were read with; ``linear`` are the linear model's probabilities, which span candidates
    read whichever model labels the paragraphs.
    """

    proba: np.ndarray
    labels: list[list[str]]
    thresholds: np.ndarray
    linear: np.ndarray


def persuasion_model_name() -> str:
    """The paragraph model the ``persuasion_model`` setting names (``linear`` or ``encoder``)."""
    from narratrace.analyze.techniques.encoder_head import MODELS
    from narratrace.errors import ConfigError

    name = settings().persuasion_model
    if name not in MODELS:
        raise ConfigError(f"persuasion_model must be one of {', '.join(MODELS)}, not {name!r}")
    return name


def score_paragraphs(
    model: PersuasionModel, text: str, paragraphs: list[tuple[int, int, str]], *, name: str | None = None
) -> ParagraphScores:
    """Scores and labels of one article's ``(start, end, lang)`` paragraphs.

    ``name`` picks the labelling model (``linear`` or ``encoder``; default: the setting).
    """
    langs = [lang for _, _, lang in paragraphs]
    linear = paragraph_proba(model, text, paragraphs)
    if (name or persuasion_model_name()) == "encoder" and paragraphs:
        from narratrace.analyze.techniques.encoder_head import load_paragraph_head

        head = load_paragraph_head()
        proba, table = head.predict_proba([text[s:e].strip() for s, e, _ in paragraphs]), head.threshold
    else:
        proba, table = linear, model.paragraphs.thresholds_
    thresholds = language_rows(table, langs)
    return ParagraphScores(proba, labels_above(proba, thresholds), thresholds, linear)


def paragraph_labels(model: PersuasionModel, proba: np.ndarray, langs: list[str]) -> list[list[str]]:
    """Technique names per paragraph, with each language's tuned thresholds."""
    return model.paragraphs.labels(proba, langs)


def sentences_of(text: str, paragraphs: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    return [s for p_start, p_end, _ in paragraphs for s in rule_sentence_spans(text, p_start, p_end)]


@dataclass
class SpanCandidates:
    """Candidate spans of one article with what the span filter reads about them."""

    spans: list[tuple[int, int, float]]  # (start, end, mean token probability)
    langs: list[str]  # language of each candidate's unit
    technique_proba: np.ndarray  # (n, 23) span classifier probabilities
    features: np.ndarray | None  # (n, FILTER_DIM) span filter features; None without e5


def span_candidates(
    model: PersuasionModel,
    text: str,
    units: list[tuple[int, int, str]],
    sentences: list[tuple[int, int]],
    lang: str,
    paragraph_probas: np.ndarray,
    *,
    embeddings: bool = True,
    factor: float | None = None,
) -> SpanCandidates:
    """Candidate spans of the tagger with their technique probabilities and filter features.

    Candidates are runs above ``factor`` times the unit language's tagger threshold; by
    default :data:`CANDIDATE_FACTOR` when the span filter can run (the filter decides),
    else 1 (the tagger decides). The filter reads e5 embeddings, so it does not run with
    ``embeddings=False`` or ``NARRATRACE_TECHNIQUES_EMBEDDINGS=off``. ``paragraph_probas``
    are the paragraph classifier's rows for ``units``; ``lang`` is the article language
    (for the span classifier).
    """
    use_emb = embeddings and _embeddings_on() and model.spans.emb_coef_ is not None
    if factor is None:
        factor = CANDIDATE_FACTOR if model.span_filter is not None and use_emb else 1.0
    toks, probas = tag_units(model.tagger, text, units)
    spans, langs, stats = [], [], []
    for ui, (t, p, (_, _, u_lang)) in enumerate(zip(toks, probas, units, strict=True)):
        thr = model.tagger.threshold_for(u_lang)
        starts = np.fromiter((tok[1] for tok in t), dtype=np.int64, count=len(t))
        for s, e, mean in model.tagger.decode(t, p, thr * factor):
            if e - s < MIN_SPAN_CHARS or model.spans.is_function_words(text[s:e]):
                continue
            inside = (starts >= s) & (starts < e)
            spans.append((s, e, mean))
            langs.append(u_lang)
            stats.append((p[inside], ui, thr))
    st, ctx, dense = span_inputs(text, [(s, e) for s, e, _ in spans], sentences, lang)
    emb = span_embeddings(st) if use_emb and st else None
    rows = model.spans.predict_proba(st, ctx, dense, emb)
    feats = None
    if emb is not None:
        feats = np.vstack(
            [
                candidate_features(tp, e - s, rows[i], paragraph_probas[ui], u_lang, thr, emb[i])
                for i, ((s, e, _), (tp, ui, thr), u_lang) in enumerate(zip(spans, stats, langs, strict=True))
            ]
        )
    return SpanCandidates(spans, langs, rows, feats)


def keep_spans(model: PersuasionModel, cands: SpanCandidates) -> tuple[list[tuple[int, int, float]], np.ndarray]:
    """Technique spans ``(start, end, confidence)`` and their technique probabilities.

    The candidates of :func:`span_candidates` that the span filter keeps at the
    language's threshold; the confidence is the filter's probability (the mean token
    probability, and every candidate, where the filter cannot run).
    """
    if model.span_filter is None or cands.features is None or not cands.spans:
        return cands.spans, cands.technique_proba
    keep_p = model.span_filter.proba(cands.features)
    keep = [i for i, u_lang in enumerate(cands.langs) if keep_p[i] >= model.span_filter.threshold_for(u_lang)]
    spans = [(cands.spans[i][0], cands.spans[i][1], float(keep_p[i])) for i in keep]
    return spans, cands.technique_proba[keep]


def span_proba(
    model: PersuasionModel,
    text: str,
    spans: list[tuple[int, int]],
    sentences: list[tuple[int, int]],
    lang: str,
    *,
    embeddings: bool = True,
) -> np.ndarray:
    """Technique probabilities, shape ``(len(spans), 23)``, of given spans.

    The e5 part is skipped as in :func:`paragraph_proba` (``embeddings=False`` or
    ``NARRATRACE_TECHNIQUES_EMBEDDINGS=off``).
    """
    st, ctx, dense = span_inputs(text, spans, sentences, lang)
    use = embeddings and _embeddings_on() and model.spans.uses_embeddings and bool(st)
    return model.spans.predict_proba(st, ctx, dense, span_embeddings(st) if use else None)


def is_name_only(
    model: PersuasionModel,
    text: str,
    start: int,
    end: int,
    names: list[tuple[int, int]],
    sentences: list[tuple[int, int]],
    lang: str,
) -> bool:
    """``True`` when every uncommon word of ``text[start:end]`` is a name or nationality word.

    A word is a name when it lies in one of ``names`` (entity spans), or, in a language
    that capitalises only names, when it is capitalised (not all capitals) and neither
    starts its sentence nor sits in a title-case sentence. Common words (the paragraph
    vocabulary's, e.g. "the") are ignored; a span of common words only is not "name only".
    Such a span ("Americans", "the Kremlin") names a group or a place; it cannot by itself
    wave a flag or call a name, whatever name it is.
    """
    words = [(m.group(), start + m.start(), start + m.end()) for m in TOKEN_RE.finditer(text[start:end]) if m.group()[0].isalnum()]
    content = [w for w in words if not model.paragraphs.is_common_word(w[0])]
    if not content:
        return False
    sent = next(((s, e) for s, e in sentences if s <= start < e), None)
    shape_ok = lang not in NOUN_CAPITALISING and not _title_case(text, sent)
    for word, ws, we in content:
        if any(ns <= ws and we <= ne for ns, ne in names):
            continue
        if shape_ok and word[0].isupper() and not word.isupper() and not _starts_sentence(text, ws, sent):
            continue
        return False
    return True


def _title_case(text: str, sentence: tuple[int, int] | None) -> bool:
    if sentence is None:
        return False
    words = [w for w in TOKEN_RE.findall(text[sentence[0] : sentence[1]]) if w[0].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= TITLE_CASE_SHARE


def _starts_sentence(text: str, pos: int, sentence: tuple[int, int] | None) -> bool:
    floor = sentence[0] if sentence else max(0, pos - 200)
    before = text[floor:pos].rstrip()
    return not before or before[-1] in _OPENERS or before[-1] in ".!?\n"


@cache
def _descriptive_words() -> frozenset[str]:
    lex = load_lexicon("reporting")["descriptive"]
    return frozenset(w.lower() for words in lex.values() for w in words)


def is_descriptive(model: PersuasionModel, span_text: str) -> bool:
    """``True`` when every uncommon word of ``span_text`` is clinical or physical description.

    The words come from ``resources/lexicons/reporting.json`` ("descriptive": symptoms,
    transmission, severity grades, plain intensifiers, in en/de/ru); common words are the
    paragraph vocabulary's and the closed-class words of :func:`narratrace.text.furniture.function_words`. Loaded language needs a word that charges, not one that describes.
    """
    closed = function_words()
    words = [w.lower() for w in TOKEN_RE.findall(span_text) if w[0].isalpha()]
    content = [w for w in words if w not in closed and not model.paragraphs.is_common_word(w)]
    return bool(content) and all(w in _descriptive_words() for w in content)


def loaded_without_evidence(span: TechniqueSpan) -> bool:
    """``True`` for a Loaded-language span of the tagger below :data:`LOADED_MIN_CONFIDENCE`.

    Descriptive wording ("highly contagious", "body aches, vomiting", "shooting death")
    draws the tagger in reports on medicine, crime or war, at low confidence; emotionally
    charged wording reaches higher.

    >>> loaded_without_evidence(TechniqueSpan(0, 9, "Loaded_Language", 0.31, ""))
    True
    """
    return span.technique == "Loaded_Language" and span.confidence < LOADED_MIN_CONFIDENCE


def _embeddings_on() -> bool:
    return settings().techniques_embeddings


_PTC_INDEX = {label: i for i, label in enumerate(PTC_LABELS)}
_TO_PTC_MATRIX = np.zeros((len(TECHNIQUES), len(PTC_LABELS)), dtype=np.float32)
for _j, _t in enumerate(TECHNIQUES):
    if TO_PTC[_t] is not None:
        _TO_PTC_MATRIX[_j, _PTC_INDEX[TO_PTC[_t]]] = 1.0


def to_ptc_proba(proba: np.ndarray) -> np.ndarray:
    """Sum 23-technique probabilities into the 14 PTC labels (unmapped ones dropped)."""
    return proba @ _TO_PTC_MATRIX
