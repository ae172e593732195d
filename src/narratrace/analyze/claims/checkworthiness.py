"""``checkworthiness.v1``: a score in [0, 1] per sentence and per claim.

The model (:mod:`narratrace.analyze.claims._cw_model`) was trained on CheckThat! 2024
debate sentences. For news prose the stage (1) scores each sentence on its own text with
list markers, headings markup and wrapping quotes stripped, (2) gives headings, credits
and fragments under :data:`MIN_WORDS` words a score of 0, and (3) scores a claim by the
larger of its own text's score and its sentence's, so a checkable reported clause inside
a long attribution sentence is not diluted. The model is English; German and Russian
sentences are scored by the same model as an approximation (numbers, names and cue
features carry over) and the stage records this in ``summaries["checkworthiness"]``.

Examples
--------
>>> clean("  ## “Troops withdrew in 2024.” ")
'Troops withdrew in 2024.'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from narratrace.analyze.claims._common import article_lang
from narratrace.analyze.claims._cw_model import load_model
from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis

# Sentences with fewer words are headings, datelines or picture credits in scraped news.
MIN_WORDS = 4
_EDGE = re.compile(r"^[\s#>*\-–—•“”\"„«»]+|[\s“”\"„«»]+$")


def clean(text: str) -> str:
    """Strip markup and wrapping quotes from a sentence before scoring."""
    return _EDGE.sub("", text)


def score_texts(texts: list[str]) -> list[float]:
    """Check-worthiness of each text (0 for fragments under ``MIN_WORDS`` words)."""
    cleaned = [clean(t) for t in texts]
    keep = [i for i, t in enumerate(cleaned) if len(t.split()) >= MIN_WORDS]
    out = [0.0] * len(texts)
    if keep:
        probs = load_model().predict_proba([cleaned[i] for i in keep])
        for i, p in zip(keep, probs, strict=True):
            out[i] = round(float(p), 4)
    return out


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
        scores = score_texts(texts)
        pos = 0
        for analysis in batch:
            n_s, n_c = len(analysis.sentences), len(analysis.claims)
            self._assign(analysis, scores[pos : pos + n_s], scores[pos + n_s : pos + n_s + n_c])
            pos += n_s + n_c
            yield analysis

    def _assign(self, analysis: Analysis, sent_scores: list[float], claim_scores: list[float]) -> None:
        for s, score in zip(analysis.sentences, sent_scores, strict=True):
            s.checkworthiness = score
        for c, score in zip(analysis.claims, claim_scores, strict=True):
            sent = sent_scores[c.sentence] if c.sentence is not None and c.sentence < len(sent_scores) else 0.0
            c.checkworthiness = max(score, sent)
        model = load_model()
        analysis.summaries["checkworthiness"] = {
            "threshold": model.threshold,
            "worth_checking": sum(1 for s in sent_scores if s >= model.threshold),
            "model_language": "en",
            "approximate": article_lang(analysis) != "en",
        }
