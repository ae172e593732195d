"""The ``techniques.v1`` stage: persuasion techniques as spans, per paragraph, and summed up.

For each paragraph in a supported language (en, de, ru, fr, it, pl) the stage

1. labels the paragraph with techniques (``analysis.paragraph_techniques``, aligned with
   ``analysis.paragraphs``);
2. finds technique spans with the token tagger and the span filter, and names each with
   the span classifier;
3. for a paragraph technique of argument (not one of :data:`PHRASE_TECHNIQUES`) with no
   span of its own and a probability of at least :data:`FALLBACK_MIN_RATIO` times its
   threshold, marks the sentence that scores highest for it, so that every confident
   paragraph label has a place in the text;

and writes a per-article summary in ``analysis.summaries["techniques"]``. Every
:class:`~narratrace.model.TechniqueSpan` carries a reason a person can read: the words
that triggered it and what the technique means.

Plain reporting is not persuasion (issue 11). Paragraphs marked as page furniture
(``Paragraph.furniture``) are not analysed, and :func:`plain_reporting_filter` drops
spans that are the reporter's verification language ("could not be independently
verified"), only the frame of an attribution ("officials said"), or only a name or
nationality word ("Americans"), or Loaded language made only of clinical or physical
description ("highly contagious", "body aches, vomiting"); Loaded language needs a minimum confidence
(:func:`~narratrace.analyze.techniques.predict.loaded_without_evidence`). A span
inside a direct quotation is credited to its speaker (``TechniqueSpan.quoted_by``) and
kept out of the author's counts in the summary.

Examples
--------
>>> from narratrace.model import Analysis, Article
>>> a = TechniquesStage()(Analysis(Article(text="Hola amigos.", lang="es"), language="es"))
>>> a.unsupported["techniques.v1"]
'unsupported_language: es'
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from functools import cache

import numpy as np

from narratrace.analyze.neutral import masked_spans
from narratrace.analyze.registry import Stage, register_stage
from narratrace.analyze.techniques.data import paragraph_offsets
from narratrace.analyze.techniques.features import TOKEN_RE
from narratrace.analyze.techniques.model import (
    MIN_TRIGGER_IDF_PARAGRAPHS,
    top_terms,
)
from narratrace.analyze.techniques.taxonomy import FAMILY, MEANING, SUPPORTED_LANGS, TECHNIQUES
from narratrace.model import Analysis, TechniqueSpan
from narratrace.text.lexicons import load_lexicon
from narratrace.text.segment import rule_sentence_spans

logger = logging.getLogger(__name__)

STAGE_NAME = "techniques.v1"
# A span whose best technique has less than this probability is dropped (chosen by eye on
# the PTC dev articles: below it most names were wrong, while span recall barely changed).
MIN_TECHNIQUE_PROBA = 0.2
# Sentence-level fallback spans for paragraph labels are only added for paragraphs at
# least this confident; it equals the lowest tuned paragraph threshold in practice.
MIN_PARAGRAPH_PROBA = 0.1
# A paragraph label is shown on its best sentence only when the paragraph's probability is
# at least this multiple of the language's threshold: on the SemEval-2023 dev subset, labels
# between 1 and 1.5 times the threshold are right 20% (en) and 27% (de) of the time, labels
# above it 36-46% (`narratrace eval plain-reporting` shows what this removes on news). The
# paragraph labels themselves (and the benchmark) keep the tuned thresholds.
FALLBACK_MIN_RATIO = 1.5
# Techniques that live in a word or phrase ("traitors", "catastrophic", a repeated slogan):
# when the tagger found no such phrase, a whole sentence is no evidence of them, so the
# sentence fallback marks only techniques of argument (Doubt, Causal oversimplification, …).
# On news a sentence-long "Name calling" was nearly always wrong (hand check, docs/techniques.md).
PHRASE_TECHNIQUES = frozenset({"Name_Calling-Labeling", "Loaded_Language", "Repetition", "Exaggeration-Minimisation", "Slogans"})
# A span is inside a quotation, and credited to its speaker, when at least this share of
# its characters lies inside it (a sentence-level span around a short quote stays the author's).
QUOTED_SHARE = 0.5
# A span that lies at least this much inside a verification frame is that frame.
FRAME_SHARE = 0.5
# Entity labels whose words alone are never a technique: a name or a nationality word.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
# Techniques that a verification frame ("could not be confirmed") gets mistaken for.
VERIFICATION_TECHNIQUES = frozenset({"Doubt", "Obfuscation-Vagueness-Confusion"})


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
    # cut at a word boundary: half a stand-in ("Belmor...") could not be restored to its name
    snippet = span_text if len(span_text) <= 60 else span_text[:57].rsplit(" ", 1)[0] + "..."
    return f"'{snippet}' reads as {name}: {MEANING[technique]}"


def _units(analysis: Analysis) -> tuple[list[tuple[int, int, str | None]], bool]:
    """Paragraph units ``(start, end, lang)``; ``True`` when they are analysis.paragraphs."""
    if analysis.paragraphs:
        return [(p.start, p.end, p.lang) for p in analysis.paragraphs], True
    return [(s, e, None) for _, s, e in paragraph_offsets(analysis.text)], False


def _sentences(analysis: Analysis, units) -> list[tuple[int, int]]:
    if analysis.sentences:
        return [(s.start, s.end) for s in analysis.sentences]
    return [x for s, e, _ in units for x in rule_sentence_spans(analysis.text, s, e)]


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
            loaded_without_evidence,
            score_paragraphs,
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
        furniture = {i for i, p in enumerate(analysis.paragraphs) if p.furniture} if own else set()
        active = [
            i
            for i, lg in enumerate(langs)
            if lg in SUPPORTED_LANGS and i not in furniture and text[units[i][0] : units[i][1]].strip()
        ]
        para_tech: list[list[str]] = [[] for _ in units]
        proba = np.zeros((len(units), len(TECHNIQUES)), dtype=np.float32)
        thresholds = np.ones_like(proba)
        linear = np.zeros_like(proba)
        act_units = [(units[i][0], units[i][1], langs[i]) for i in active]
        if act_units:
            scores = score_paragraphs(model, text, act_units)
            proba[active], thresholds[active], linear[active] = scores.proba, scores.thresholds, scores.linear
            for i, techs in zip(active, scores.labels, strict=True):
                para_tech[i] = techs
        sentences = _sentences(analysis, units)
        spans: list[TechniqueSpan] = []
        cands, sp_proba = keep_spans(model, span_candidates(model, text, act_units, sentences, lang, linear[active]))
        weak = 0
        names = masked_spans(analysis) or _name_spans(analysis)
        if cands:
            starts = [u[0] for u in units]
            import bisect

            for (s, e, conf), row in zip(cands, sp_proba, strict=True):
                j = int(np.argmax(row))
                if row[j] < MIN_TECHNIQUE_PROBA:
                    continue
                tech = TECHNIQUES[j]
                pidx = max(bisect.bisect_right(starts, s) - 1, 0)
                span = TechniqueSpan(s, e, tech, round(float(conf * row[j]) ** 0.5, 3), "", FAMILY[tech], pidx)
                if loaded_without_evidence(span):
                    weak += 1
                    continue
                span.reason = span_reason(tech, model.span_triggers(_blanked(text, s, e, names), j), text[s:e])
                spans.append(span)
        spans += self._sentence_spans(model, text, units, langs, para_tech, (proba, thresholds), spans, sentences, names)
        spans, filtered = plain_reporting_filter(analysis, spans, model, lang)
        if weak:
            filtered["weak_loaded"] = weak
        credit_quotes(analysis, spans)
        spans.sort(key=lambda t: (t.start, t.end, t.technique))
        analysis.techniques = spans
        analysis.paragraph_techniques = para_tech
        own_spans = [t for t in spans if t.quoted_by is None]
        summary = summarize(text, own_spans, para_tech, sentences)
        quoted = Counter(t.technique for t in spans if t.quoted_by is not None)
        summary["quoted"] = {"total": sum(quoted.values()), "counts": dict(quoted.most_common())}
        summary["filtered"] = filtered
        summary["furniture_paragraphs"] = len(furniture)
        analysis.summaries["techniques"] = summary
        if not own:
            analysis.summaries["techniques"]["paragraph_offsets"] = [[s, e] for s, e, _ in units]
        return analysis

    @staticmethod
    def _sentence_spans(model, text, units, langs, para_tech, scored, spans, sentences, names=()) -> list[TechniqueSpan]:
        """Mark the best sentence for each paragraph technique that got no span; its reason cites
        the sentence's words, never a name (``names``: spans blanked before the words are chosen).
        ``scored`` holds the paragraph probabilities and thresholds the labels were read with."""
        proba, para_thresholds = scored
        from narratrace.analyze.techniques.predict import paragraph_proba

        out = []
        for i, techs in enumerate(para_tech):
            covered = {t.technique for t in spans if t.paragraph == i}
            missing = [t for t in techs if t not in covered and t not in PHRASE_TECHNIQUES]
            if not missing:
                continue
            ps, pe, _ = units[i]
            sents = [(s, e) for s, e in sentences if s >= ps and e <= pe] or [(ps, pe)]
            # TF-IDF part only: ranking sentences does not need an e5 pass per sentence.
            sp = paragraph_proba(model, text, [(s, e, langs[i]) for s, e in sents], embeddings=False)
            thresholds = para_thresholds[i]
            for tech in missing:
                j = TECHNIQUES.index(tech)
                if proba[i, j] < max(MIN_PARAGRAPH_PROBA, FALLBACK_MIN_RATIO * thresholds[j]):
                    continue
                k = int(np.argmax(sp[:, j]))
                s, e = sents[k]
                words = _paragraph_triggers(model, _blanked(text, s, e, names), j)
                name = readable(tech)
                reason = (
                    f"the paragraph reads as {name} (score {proba[i, j]:.2f}); this sentence weighs most"
                    + (f", through {_words(words)}" if words else "")
                    + f": {MEANING[tech]}"
                )
                out.append(TechniqueSpan(s, e, tech, round(float(proba[i, j]), 3), reason, FAMILY[tech], i))
        return out


@cache
def _verification_pattern() -> re.Pattern[str]:
    lex = load_lexicon("reporting")["verification"]
    return re.compile("|".join(f"(?:{p})" for patterns in lex.values() for p in patterns), re.I)


def verification_frames(text: str) -> list[tuple[int, int]]:
    """Spans of verification language: what the reporter could not check or who did not answer.

    >>> t = "It was not possible to independently verify the group's claim."
    >>> [t[s:e] for s, e in verification_frames(t)]
    ['not possible to independently verify']
    """
    return [m.span() for m in _verification_pattern().finditer(text)]


def _inside(s: int, e: int, outer: list[tuple[int, int]], share: float) -> int | None:
    """Index of the first ``outer`` span holding at least ``share`` of ``[s, e)``, else ``None``."""
    for k, (os_, oe) in enumerate(outer):
        if min(e, oe) - max(s, os_) >= share * (e - s):
            return k
    return None


def _name_spans(analysis: Analysis) -> list[tuple[int, int]]:
    return [(ent.start, ent.end) for ent in analysis.entities if ent.label in NAME_LABELS]


def plain_reporting_filter(
    analysis: Analysis, spans: list[TechniqueSpan], model, lang: str
) -> tuple[list[TechniqueSpan], dict[str, int]]:
    """Drop spans that plain reporting produces without any persuasion; count them by rule.

    Rules (each span is dropped by the first that applies):

    - ``verification``: Doubt or Obfuscation on a sentence or span that holds verification
      language (:func:`verification_frames`), or any span overlapping such a frame;
    - ``attribution_frame``: a span lying within the source and cue of an attribution
      ("the ministry said", "according to officials");
    - ``name_only``: a span whose words are names or nationality words (entities, or the
      shape rule of :func:`~narratrace.analyze.techniques.predict.is_name_only`) and common words;
    - ``descriptive``: Loaded language made only of clinical or physical description and
      common words ("highly contagious", "body aches, vomiting";
      :func:`~narratrace.analyze.techniques.predict.is_descriptive`).

    (The stage also drops weak Loaded-language spans of the tagger before this filter,
    counted as ``weak_loaded``.)
    """
    from narratrace.analyze.techniques.predict import is_descriptive, is_name_only

    text = analysis.text
    frames = verification_frames(text)
    attribution = [
        (min(a.cue.start, a.source.start if a.source else a.cue.start), max(a.cue.end, a.source.end if a.source else a.cue.end))
        for a in analysis.attributions
    ]
    names = _name_spans(analysis)
    framed = [(s.start, s.end) for s in analysis.sentences if any(s.start < fe and fs < s.end for fs, fe in frames)]
    sentences = [(s.start, s.end) for s in analysis.sentences]
    counts: Counter[str] = Counter()
    kept = []
    for t in spans:
        if (t.technique in VERIFICATION_TECHNIQUES and _overlaps(t, frames + framed)) or _inside(
            t.start, t.end, frames, FRAME_SHARE
        ) is not None:
            rule = "verification"
        elif _inside(t.start, t.end, attribution, 1.0) is not None:
            rule = "attribution_frame"
        elif is_name_only(model, text, t.start, t.end, names, sentences, lang):
            rule = "name_only"
        elif t.technique == "Loaded_Language" and is_descriptive(model, text[t.start : t.end]):
            rule = "descriptive"
        else:
            kept.append(t)
            continue
        counts[rule] += 1
    return kept, dict(counts)


def _overlaps(t: TechniqueSpan, spans: list[tuple[int, int]]) -> bool:
    return any(t.start < e and s < t.end for s, e in spans)


def credit_quotes(analysis: Analysis, spans: list[TechniqueSpan]) -> None:
    """Set ``quoted_by`` on spans inside a direct quotation: the speaker, or ``""`` when unknown.

    Quotations are the ``quotes.v1`` stage's and the contents of direct attributions.
    """
    text = analysis.text
    quotes: list[tuple[int, int]] = []
    speakers: list[str] = []
    for q in analysis.quotes:
        quotes.append((q.start, q.end))
        speakers.append(q.speaker or "")
    for a in analysis.attributions:
        if a.direct and a.content is not None:
            quotes.append((a.content.start, a.content.end))
            speakers.append(a.source_name or (text[a.source.start : a.source.end] if a.source else ""))
    for t in spans:
        k = _inside(t.start, t.end, quotes, QUOTED_SHARE)
        if k is not None:
            t.quoted_by = speakers[k]
            t.reason = f"quoted: used by {speakers[k] or 'the quoted speaker'}, not the author; " + t.reason


def _blanked(text: str, start: int, end: int, spans) -> str:
    """``text[start:end]`` with the parts inside ``spans`` replaced by spaces.

    >>> _blanked("Aldoria lies again.", 0, 19, [(0, 7)])
    '        lies again.'
    """
    chars = list(text[start:end])
    for s, e in spans:
        for i in range(max(s, start), min(e, end)):
            chars[i - start] = " "
    return "".join(chars)


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
