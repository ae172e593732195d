"""Stage ``segment.v1``: sentences with offsets, and the English spaCy parse for later stages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from narratrace.analyze.neutral import label_names
from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Sentence
from narratrace.text.nlp import blank, parse_english
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
        for analysis in analyses:
            text = analysis.text
            paragraphs = [(p.start, p.end) for p in analysis.paragraphs]
            if analysis.language == "en":
                doc = parse_english(text)
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
            yield analysis
