"""Stage ``language.v1``: paragraphs, the language of each, and the article's language."""

from __future__ import annotations

from collections import Counter

from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Paragraph
from narratrace.text.language import MIN_CONFIDENCE, detect_language, letter_count
from narratrace.text.segment import paragraph_spans


@register_stage("language.v1", assigns=("paragraphs", "language", "language_confidence"), order=10)
class LanguageStage(Stage):
    """Split paragraphs and identify the language of each paragraph and of the article.

    The article's language is the one covering most letters across paragraphs; a
    language declared by the source (``Article.lang``) is used only when detection has
    nothing to go on. Short or uncertain paragraphs inherit the article's language.
    """

    def __call__(self, analysis: Analysis) -> Analysis:
        text = analysis.text
        paragraphs = [Paragraph(s, e) for s, e in paragraph_spans(text)]
        weights: Counter[str] = Counter()
        for para in paragraphs:
            lang, confidence = detect_language(text[para.start : para.end])
            if lang and confidence >= MIN_CONFIDENCE:
                para.lang, para.lang_confidence = lang, confidence
                weights[lang] += letter_count(text[para.start : para.end])
        forced = analysis.article.metadata.get("lang_override")
        if forced:
            language, confidence = str(forced), 1.0
        elif weights:
            language, letters = weights.most_common(1)[0]
            confidence = letters / sum(weights.values())
        else:
            language, confidence = detect_language(text)
            language = language or analysis.article.lang
        for para in paragraphs:
            if para.lang is None:
                para.lang = language
        analysis.paragraphs = paragraphs
        analysis.language = language
        analysis.language_confidence = round(float(confidence or 0.0), 4)
        return analysis
