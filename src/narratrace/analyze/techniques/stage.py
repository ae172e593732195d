"""The ``techniques.v1`` stage: persuasion techniques as spans, per paragraph, and summed up.

For each paragraph in a supported language (en, de, ru, fr, it, pl) the stage

1. labels the paragraph with techniques (``analysis.paragraph_techniques``, aligned with
   ``analysis.paragraphs``);
2. finds technique spans with the token tagger and the span filter, and names each with
   the span classifier;
3. for a paragraph technique with no span of its own, marks the sentence that scores
   highest for it, so that every paragraph label has a place in the text;

and writes a per-article summary in ``analysis.summaries["techniques"]``. Every
:class:`~narratrace.model.TechniqueSpan` carries a reason a person can read: the words
that triggered it and what the technique means.

Examples
--------
>>> from narratrace.model import Analysis, Article
>>> a = TechniquesStage()(Analysis(Article(text="Hola amigos.", lang="es"), language="es"))
>>> a.unsupported["techniques.v1"]
'unsupported_language: es'
"""

from __future__ import annotations

import logging
from collections import Counter

import numpy as np

from narratrace.analyze.registry import Stage, register_stage
from narratrace.analyze.techniques.data import paragraph_offsets
from narratrace.analyze.techniques.features import TOKEN_RE
from narratrace.analyze.techniques.model import (
    MIN_TRIGGER_IDF_PARAGRAPHS,
    split_sentences,
    top_terms,
)
from narratrace.analyze.techniques.taxonomy import FAMILY, MEANING, SUPPORTED_LANGS, TECHNIQUES
from narratrace.model import Analysis, TechniqueSpan

logger = logging.getLogger(__name__)

STAGE_NAME = "techniques.v1"
# A span whose best technique has less than this probability is dropped (chosen by eye on
# the PTC dev articles: below it most names were wrong, while span recall barely changed).
MIN_TECHNIQUE_PROBA = 0.2
# Sentence-level fallback spans for paragraph labels are only added for paragraphs at
# least this confident; it equals the lowest tuned paragraph threshold in practice.
MIN_PARAGRAPH_PROBA = 0.1


def readable(technique: str) -> str:
    """``"Name_Calling-Labeling"`` -> ``"Name calling / labeling"``."""
    return technique.replace("_", " ").replace("-", " / ").capitalize()


def _words(words: list[str]) -> str:
    return ", ".join(f"'{w}'" for w in words)


def span_reason(technique: str, triggers: list[str], span_text: str) -> str:
    """The reason shown for a span highlight."""
    name = readable(technique)
    if triggers:
        verb = "triggers" if len(triggers) == 1 else "trigger"
        return f"words {_words(triggers)} {verb} {name}: {MEANING[technique]}"
    snippet = span_text if len(span_text) <= 60 else span_text[:57] + "..."
    return f"'{snippet}' reads as {name}: {MEANING[technique]}"


def _units(analysis: Analysis) -> tuple[list[tuple[int, int, str | None]], bool]:
    """Paragraph units ``(start, end, lang)``; ``True`` when they are analysis.paragraphs."""
    if analysis.paragraphs:
        return [(p.start, p.end, p.lang) for p in analysis.paragraphs], True
    return [(s, e, None) for _, s, e in paragraph_offsets(analysis.text)], False


def _sentences(analysis: Analysis, units) -> list[tuple[int, int]]:
    if analysis.sentences:
        return [(s.start, s.end) for s in analysis.sentences]
    return [x for s, e, _ in units for x in split_sentences(analysis.text, s, e)]


@register_stage(
    STAGE_NAME,
    requires=("language", "paragraphs", "sentences"),
    assigns=("techniques", "paragraph_techniques", "summaries"),
    order=300,
)
class TechniquesStage(Stage):
    """Persuasion techniques (SemEval-2023 taxonomy) as spans with reasons, per paragraph, summarised."""

    def __call__(self, analysis: Analysis) -> Analysis:
        from narratrace.analyze.techniques.predict import (
            get_model,
            keep_spans,
            paragraph_proba,
            span_candidates,
        )

        text = analysis.text
        lang = analysis.language or analysis.article.lang
        units, own = _units(analysis)
        if lang not in SUPPORTED_LANGS:
            analysis.unsupported[STAGE_NAME] = f"unsupported_language: {lang or 'unknown'}"
            analysis.paragraph_techniques = [[] for _ in units] if own else []
            return analysis
        model = get_model()
        # Paragraphs in another language than the six (a quoted passage) are skipped.
        langs = [u_lang or lang for _, _, u_lang in units]
        active = [i for i, lg in enumerate(langs) if lg in SUPPORTED_LANGS and text[units[i][0] : units[i][1]].strip()]
        para_tech: list[list[str]] = [[] for _ in units]
        proba = np.zeros((len(units), len(TECHNIQUES)), dtype=np.float32)
        act_units = [(units[i][0], units[i][1], langs[i]) for i in active]
        if act_units:
            proba[active] = paragraph_proba(model, text, act_units)
            for i, techs in zip(active, model.paragraphs.labels(proba[active], [langs[i] for i in active]), strict=True):
                para_tech[i] = techs
        sentences = _sentences(analysis, units)
        spans: list[TechniqueSpan] = []
        cands, sp_proba = keep_spans(model, span_candidates(model, text, act_units, sentences, lang, proba[active]))
        if cands:
            starts = [u[0] for u in units]
            import bisect

            for (s, e, conf), row in zip(cands, sp_proba, strict=True):
                j = int(np.argmax(row))
                if row[j] < MIN_TECHNIQUE_PROBA:
                    continue
                tech = TECHNIQUES[j]
                pidx = max(bisect.bisect_right(starts, s) - 1, 0)
                reason = span_reason(tech, model.span_triggers(text[s:e], j), text[s:e])
                spans.append(TechniqueSpan(s, e, tech, round(float(conf * row[j]) ** 0.5, 3), reason, FAMILY[tech], pidx))
        spans += self._sentence_spans(model, text, units, langs, para_tech, proba, spans, sentences)
        spans.sort(key=lambda t: (t.start, t.end, t.technique))
        analysis.techniques = spans
        analysis.paragraph_techniques = para_tech
        analysis.summaries["techniques"] = summarize(text, spans, para_tech, sentences)
        if not own:
            analysis.summaries["techniques"]["paragraph_offsets"] = [[s, e] for s, e, _ in units]
        return analysis

    @staticmethod
    def _sentence_spans(model, text, units, langs, para_tech, proba, spans, sentences) -> list[TechniqueSpan]:
        """Mark the best sentence for each paragraph technique that got no span."""
        from narratrace.analyze.techniques.predict import paragraph_proba

        out = []
        for i, techs in enumerate(para_tech):
            covered = {t.technique for t in spans if t.paragraph == i}
            missing = [t for t in techs if t not in covered]
            if not missing:
                continue
            ps, pe, _ = units[i]
            sents = [(s, e) for s, e in sentences if s >= ps and e <= pe] or [(ps, pe)]
            # TF-IDF part only: ranking sentences does not need an e5 pass per sentence.
            sp = paragraph_proba(model, text, [(s, e, langs[i]) for s, e in sents], embeddings=False)
            for tech in missing:
                j = TECHNIQUES.index(tech)
                if proba[i, j] < MIN_PARAGRAPH_PROBA:
                    continue
                k = int(np.argmax(sp[:, j]))
                s, e = sents[k]
                words = _paragraph_triggers(model, text[s:e], j)
                name = readable(tech)
                reason = (
                    f"the paragraph reads as {name} (score {proba[i, j]:.2f}); this sentence weighs most"
                    + (f", through {_words(words)}" if words else "")
                    + f": {MEANING[tech]}"
                )
                out.append(TechniqueSpan(s, e, tech, round(float(proba[i, j]), 3), reason, FAMILY[tech], i))
        return out


def _paragraph_triggers(model, sentence: str, j: int, k: int = 3) -> list[str]:
    return top_terms(model.paragraphs.word_, model.paragraphs.coef_[j], sentence, MIN_TRIGGER_IDF_PARAGRAPHS, k)


def summarize(text: str, spans: list[TechniqueSpan], para_tech: list[list[str]], sentences: list[tuple[int, int]]) -> dict:
    """Counts per technique, techniques per 1,000 words, share of sentences with any technique.

    >>> summarize("a b c d", [TechniqueSpan(0, 1, "Doubt", 0.9, "r")], [["Doubt"]], [(0, 3), (4, 7)])["share_sentences"]
    0.5
    """
    words = len(TOKEN_RE.findall(text)) or 1
    counts = Counter(t.technique for t in spans)
    para_counts = Counter(t for row in para_tech for t in row)
    hit = 0
    for s, e in sentences:
        if any(t.start < e and t.end > s for t in spans):
            hit += 1
    return {
        "counts": dict(counts.most_common()),
        "per_1000_words": {t: round(1000 * n / words, 2) for t, n in counts.most_common()},
        "paragraph_counts": dict(para_counts.most_common()),
        "total": len(spans),
        "total_per_1000_words": round(1000 * len(spans) / words, 2),
        "words": words,
        "sentences": len(sentences),
        "share_sentences": round(hit / len(sentences), 4) if sentences else 0.0,
    }
