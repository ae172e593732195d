"""``checkworthiness.v1``: a score in [0, 1] per sentence and per claim.

The model (:mod:`narratrace.analyze.claims._cw_model`) was trained on CheckThat! 2024
debate sentences. For news prose the stage (1) scores each sentence on its own text with
list markers, headings markup and wrapping quotes stripped, (2) gives headings, credits
and fragments under :data:`MIN_WORDS` words, and sentences without a finite verb
(:func:`is_statement`), a score of 0, (3) leaves sentences and claims in page furniture
(``Paragraph.furniture``: navigation, share prompts, bylines, CSS) unscored (``None``),
and (4) scores a claim by the larger of its own text's score and its sentence's, so a
checkable reported clause inside a long attribution sentence is not diluted. The
summary ``summaries["checkworthiness"]["ranked"]`` lists the :data:`RANKED_TOP_N` most
check-worthy claims above the threshold (sentences where no claim was extracted), best
first. The model is English; German and Russian sentences are scored by the same model
as an approximation (numbers, names and cue features carry over) and the stage records
this in ``summaries["checkworthiness"]``. The setting ``checkworthiness_model`` picks the
model: ``tfidf`` (default, :mod:`._cw_model`) or ``encoder`` (the e5 encoder head,
:mod:`._cw_encoder`; docs/settings.md); the summary names the one used.

Examples
--------
>>> clean("  ## “Troops withdrew in 2024.” ")
'Troops withdrew in 2024.'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Protocol

import numpy as np

from narratrace.analyze.claims._common import article_lang
from narratrace.analyze.claims._cw_model import load_model
from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Sentence

# Sentences with fewer words are headings, datelines or picture credits in scraped news.
MIN_WORDS = 4
# Without a parser (German, Russian), a line without sentence punctuation and at most this
# many words is read as a heading: news headings run 5-12 words, sentences end with a stop.
HEADING_MAX_WORDS = 12
# Length of the ranked list of check-worthy claims in the summary and the reports.
RANKED_TOP_N = 10
# Penn tags of finite verbs and modals in the English parse.
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_SENTENCE_END = re.compile(r"[.!?…]['\"”’»)\]]*$")
_EDGE = re.compile(r"^[\s#>*\-–—•“”\"„«»]+|[\s“”\"„«»]+$")


# Values of the ``checkworthiness_model`` setting.
MODELS = ("tfidf", "encoder")


class CheckworthinessScorer(Protocol):
    """What the stage needs of a model: probabilities and the decision threshold."""

    threshold: float

    def predict_proba(self, texts: list[str]) -> np.ndarray: ...


def model_name() -> str:
    """The model the ``checkworthiness_model`` setting names (``tfidf`` or ``encoder``)."""
    from narratrace.config import settings

    return settings().checkworthiness_model


def active_model(name: str | None = None) -> CheckworthinessScorer:
    """The model named ``name``, else the one the ``checkworthiness_model`` setting names."""
    from narratrace.errors import ConfigError

    name = name or model_name()
    if name == "tfidf":
        return load_model()
    if name == "encoder":
        from narratrace.analyze.claims._cw_encoder import load_encoder_model

        return load_encoder_model()
    raise ConfigError(f"checkworthiness_model must be one of {', '.join(MODELS)}, not {name!r}")


def clean(text: str) -> str:
    """Strip markup and wrapping quotes from a sentence before scoring."""
    return _EDGE.sub("", text)


def score_texts(texts: list[str], model: CheckworthinessScorer | None = None) -> list[float]:
    """Check-worthiness of each text (0 for fragments under ``MIN_WORDS`` words).

    ``model`` defaults to :func:`active_model`.
    """
    cleaned = [clean(t) for t in texts]
    keep = [i for i, t in enumerate(cleaned) if len(t.split()) >= MIN_WORDS]
    out = [0.0] * len(texts)
    if keep:
        probs = (model or active_model()).predict_proba([cleaned[i] for i in keep])
        for i, p in zip(keep, probs, strict=True):
            out[i] = round(float(p), 4)
    return out


def is_statement(analysis: Analysis, sentence: Sentence) -> bool:
    """``True`` when ``sentence`` is a sentence with a finite verb, not a heading or fragment.

    English sentences are read from the shared spaCy parse (a finite verb or modal);
    other languages, and English without a parse, by shape: a line of at most
    :data:`HEADING_MAX_WORDS` words without sentence punctuation is a heading.

    >>> from narratrace.model import Article
    >>> a = Analysis(Article(text="Port Strike Ends After Talks"), language="de")
    >>> is_statement(a, Sentence(0, len(a.text)))
    False
    """
    from narratrace.text.nlp import spacy_doc

    doc = spacy_doc(analysis) if article_lang(analysis) == "en" else None
    if doc is not None:
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is not None:
            return any(t.tag_ in _FINITE_TAGS or "Fin" in t.morph.get("VerbForm") for t in span)
    text = clean(analysis.text[sentence.start : sentence.end])
    return bool(_SENTENCE_END.search(text)) or len(text.split()) > HEADING_MAX_WORDS


def ranked_claims(analysis: Analysis, threshold: float, top_n: int = RANKED_TOP_N) -> list[dict]:
    """The most check-worthy claims at or above ``threshold``, best first.

    Claims when the claims stage found any, else sentences; each entry has ``kind``
    (claim or sentence), ``start``, ``end``, ``text``, ``score`` and ``said_by`` (the
    attributed source, ``None`` for the author's own statement).
    """
    entries = []
    if analysis.claims:
        seen: set[tuple[int, int]] = set()
        for c in analysis.claims:
            if c.checkworthiness is None or c.checkworthiness < threshold or (c.start, c.end) in seen:
                continue
            seen.add((c.start, c.end))
            att = c.attribution
            said_by = None
            if att is not None:
                said_by = att.source_name or (analysis.text[att.source.start : att.source.end] if att.source else None)
            entries.append({"kind": "claim", "start": c.start, "end": c.end, "text": c.text,
                            "score": c.checkworthiness, "said_by": said_by})
    else:
        entries = [
            {"kind": "sentence", "start": s.start, "end": s.end, "text": analysis.text[s.start : s.end],
             "score": s.checkworthiness, "said_by": None}
            for s in analysis.sentences
            if s.checkworthiness is not None and s.checkworthiness >= threshold
        ]
    entries.sort(key=lambda e: (-e["score"], e["start"]))
    return entries[:top_n]


@register_stage("checkworthiness.v1", requires=("sentences",), assigns=("sentences", "claims"), order=200)
class CheckworthinessStage(Stage):
    """Check-worthiness in [0, 1] for every sentence and claim (CheckThat!-trained model)."""

    def __call__(self, analysis: Analysis) -> Analysis:
        return next(self.pipe([analysis]))

    def pipe(self, analyses: Iterable[Analysis], *, batch_size: int = 32) -> Iterator[Analysis]:
        """Score the sentences and claims of ``batch_size`` articles in one model call."""
        batch: list[Analysis] = []
        for analysis in analyses:
            batch.append(analysis)
            if len(batch) >= batch_size:
                yield from self._score_batch(batch)
                batch = []
        if batch:
            yield from self._score_batch(batch)

    def _score_batch(self, batch: list[Analysis]) -> Iterator[Analysis]:
        texts: list[str] = []
        for analysis in batch:
            texts.extend(analysis.text[s.start : s.end] for s in analysis.sentences)
            texts.extend(c.text for c in analysis.claims)
        name = model_name()
        model = active_model(name)
        scores = score_texts(texts, model)
        pos = 0
        for analysis in batch:
            n_s, n_c = len(analysis.sentences), len(analysis.claims)
            self._assign(analysis, scores[pos : pos + n_s], scores[pos + n_s : pos + n_s + n_c], (name, model))
            pos += n_s + n_c
            yield analysis

    def _assign(self, analysis: Analysis, sent_scores: list[float], claim_scores: list[float],
                named_model: tuple[str, CheckworthinessScorer]) -> None:
        furniture = {i for i, p in enumerate(analysis.paragraphs) if p.furniture}
        scored: list[float | None] = []
        for s, score in zip(analysis.sentences, sent_scores, strict=True):
            if s.paragraph in furniture:
                scored.append(None)
            else:
                scored.append(score if is_statement(analysis, s) else 0.0)
            s.checkworthiness = scored[-1]
        for c, score in zip(analysis.claims, claim_scores, strict=True):
            sent = scored[c.sentence] if c.sentence is not None and c.sentence < len(scored) else 0.0
            c.checkworthiness = None if sent is None else max(score, sent)
        name, model = named_model
        analysis.summaries["checkworthiness"] = {
            "model": name,
            "threshold": model.threshold,
            "worth_checking": sum(1 for s in scored if s is not None and s >= model.threshold),
            "furniture_sentences": sum(1 for s in scored if s is None),
            "model_language": "en",
            "approximate": article_lang(analysis) != "en",
            "ranked": ranked_claims(analysis, model.threshold),
        }
