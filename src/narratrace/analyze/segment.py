"""Stage ``segment.v1``: sentences with offsets, and the English spaCy parse for later stages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from narratrace.analyze.neutral import label_names
from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Sentence
from narratrace.text.nlp import blank, pipe_english
from narratrace.text.segment import clip_sentences


@register_stage("segment.v1", requires=("paragraphs",), assigns=("sentences",), order=20)
class SegmentStage(Stage):
    """Sentences of every paragraph; English articles are parsed once with spaCy.

    The parse (tagger, dependency parser, NER) is cached on the analysis for later
    stages (:func:`narratrace.text.nlp.spacy_doc`). Other languages are split by
    spaCy's rule-based sentencizer for that language.
    """

    def __call__(self, analysis: Analysis) -> Analysis:
        return next(self.pipe([analysis]))

    def pipe(self, analyses: Iterable[Analysis], *, batch_size: int = 32) -> Iterator[Analysis]:
        """Segment a batch at a time: the English articles of a batch are parsed by one ``nlp.pipe`` call."""
        batch: list[Analysis] = []
        for analysis in analyses:
            batch.append(analysis)
            if len(batch) >= batch_size:
                yield from self._segment(batch, batch_size)
                batch = []
        if batch:
            yield from self._segment(batch, batch_size)

    def _segment(self, batch: list[Analysis], batch_size: int) -> list[Analysis]:
        english = [a for a in batch if a.language == "en"]
        parses = dict(zip(map(id, english), pipe_english([a.text for a in english], batch_size=batch_size), strict=True))
        for analysis in batch:
            text = analysis.text
            paragraphs = [(p.start, p.end) for p in analysis.paragraphs]
            doc = parses.get(id(analysis))
            if doc is not None:
                label_names(doc, analysis)
                analysis._cache["spacy_doc"] = doc
                raw = [(s.start_char, s.end_char) for s in doc.sents]
            else:
                nlp = blank(analysis.language or "xx")
                raw = []
                for start, end in paragraphs:
                    raw.extend((start + s.start_char, start + s.end_char) for s in nlp(text[start:end]).sents)
            analysis.sentences = [
                Sentence(s, e, paragraph=p, lang=analysis.paragraphs[p].lang)
                for s, e, p in clip_sentences(raw, paragraphs, text)
            ]
        return batch
