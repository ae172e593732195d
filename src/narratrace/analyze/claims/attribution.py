"""``attribution.v1``: source, cue and content spans of reported statements.

English
    A linear cue detector over spaCy token features (lemma, part of speech, dependency,
    children, neighbours), trained on PolNeAR train (``narratrace train attribution``),
    finds cue heads. The cue span, the source and the content are read off the
    dependency parse along the paths PolNeAR's annotations most often take from the cue
    (``nsubj`` for the source, ``ccomp``/``dobj`` for the content, ``according to`` ->
    ``pobj``, ...), all learned from the same training split and stored in
    ``resources/claims/attribution_en.json``.
German, Russian
    Cue-verb lexicons (``resources/claims/cues_{de,ru}.tsv``) and surface patterns:
    ``X sagte, dass …``, ``„…“, sagte X``, ``laut X``/``X zufolge``, ``по словам X``,
    ``X заявил, что …``, ``…, — заявил X``.

Sources given by a pronoun or a description (``They``, ``The newspaper``) are resolved
to the nearest compatible earlier source; anonymous sources (``officials``, ``sources``)
are marked.

Examples
--------
>>> atts = attribute_text("Officials said the bridge was closed.")
>>> [(a.cue_lemma, a.anonymous) for a in atts]
[('say', True)]
"""

from __future__ import annotations

from narratrace.analyze.claims._common import (
    SUPPORTED_LANGS,
    article_lang,
    english_doc,
    sentence_index,
)
from narratrace.analyze.claims.attribution_en import attribute_doc
from narratrace.analyze.claims.attribution_patterns import (
    attribute_sentence_pattern,
    pattern_sentences,
)
from narratrace.analyze.claims.attribution_sources import attach_sources, resolve_antecedents
from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Attribution

__all__ = ["AttributionStage", "attribute_doc", "attribute_sentence_pattern", "attribute_text"]


def attribute_text(text: str, lang: str = "en") -> list[Attribution]:
    """Attributions in a bare text (a convenience for scripts and tests)."""
    from narratrace.model import Article

    analysis = Analysis(article=Article(text=text, lang=lang), language=lang)
    return AttributionStage()(analysis).attributions


@register_stage("attribution.v1", requires=("sentences",), assigns=("attributions",), order=110)
class AttributionStage(Stage):
    """Source, cue and content of reported statements (English parse; DE/RU patterns)."""

    def __call__(self, analysis: Analysis) -> Analysis:
        lang = article_lang(analysis)
        if lang not in SUPPORTED_LANGS:
            analysis.unsupported[self.name] = f"unsupported_language: {lang}"
            return analysis
        if lang == "en":
            atts = attribute_doc(english_doc(analysis))
        else:
            atts = []
            for s, e in pattern_sentences(analysis):
                atts.extend(attribute_sentence_pattern(analysis.text, s, e, lang))
        attach_sources(analysis, atts)
        resolve_antecedents(analysis, atts)
        for att in atts:
            att.sentence = sentence_index(analysis, att.cue.start)
        analysis.attributions = sorted(atts, key=lambda a: a.cue.start)
        return analysis
