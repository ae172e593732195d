"""Stage ``language.v1``: paragraphs, the language of each, page furniture, and the article's language."""

from __future__ import annotations

from collections import Counter

from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Paragraph
from narratrace.text.furniture import furniture_rules
from narratrace.text.language import MIN_CONFIDENCE, detect_language, letter_count
from narratrace.text.segment import paragraph_spans

_DETECTED = "language.detected"


@register_stage("language.v1", assigns=("paragraphs", "language", "language_confidence"), order=10)
class LanguageStage(Stage):
    """Split paragraphs, mark page furniture, and identify the language of each paragraph and of the article.

    Paragraphs that :func:`narratrace.text.furniture.furniture_rules` reads as page
    furniture (navigation, share prompts, bylines, CSS) get ``Paragraph.furniture``;
    they stay in the text, with their offsets, and later stages skip them. The
    article's language is the one covering most letters across the other paragraphs; a
    language declared by the source (``Article.lang``) is used only when detection has
    nothing to go on. Short or uncertain paragraphs inherit the article's language.
    """

    def __call__(self, analysis: Analysis) -> Analysis:
        text = analysis.text
        spans = paragraph_spans(text)
        rules = furniture_rules([text[s:e] for s, e in spans])
        analysis.paragraphs = [Paragraph(s, e, furniture=rule is not None) for (s, e), rule in zip(spans, rules, strict=True)]
        assign_languages(analysis, text)
        return analysis


def assign_languages(analysis: Analysis, text: str) -> None:
    """Set the language of every paragraph of ``analysis`` and of the article, read from
    ``text`` (the article's text, or any text with the same offsets: the name-masking stage
    reads the neutral text with its stand-ins blanked, so that no name sways the language)."""
    weights: Counter[str] = Counter()
    # paragraph text -> detection: the name-masking stage rereads the article, and the
    # paragraphs without a name read the same as before
    seen: dict[str, tuple[str | None, float]] = analysis._cache.setdefault(_DETECTED, {})
    for para in analysis.paragraphs:
        para.lang, para.lang_confidence = None, 0.0
        para_text = text[para.start : para.end]
        if para_text not in seen:
            seen[para_text] = detect_language(para_text)
        lang, confidence = seen[para_text]
        if lang and confidence >= MIN_CONFIDENCE:
            para.lang, para.lang_confidence = lang, confidence
            if not para.furniture:
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
    for para in analysis.paragraphs:
        if para.lang is None:
            para.lang = language
    analysis.language = language
    analysis.language_confidence = round(float(confidence or 0.0), 4)
