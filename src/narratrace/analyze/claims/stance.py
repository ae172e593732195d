"""``stance.v1``: how firmly a source puts its statement, and how the author treats it.

Cue stance (one of :data:`~narratrace.analyze.claims._common.STANCES`) comes from the
cue lexicon of the article's language, adjusted by negation (``did not confirm``) and by
the source: an outlet or agency that "claims" something is *reporting* it.

The author's stance toward the attributed content is ``sceptical`` when the text
signals distance in the cue's sentence or in a contrastive next sentence ("allegedly",
"without providing any evidence", "pretends to know better", "However, …"), ``endorsing``
for factive cues ("revealed", "admitted") without such a signal, and ``neutral`` otherwise.

Examples
--------
>>> [s.group() for s in sceptical_signals("It claims, without providing any evidence, that X.", "en")]
['without providing any evidence']
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from narratrace.analyze.claims._common import article_lang, cue_lexicon
from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Attribution, SourceKind, Span

# Signals of authorial distance, per language. Hand-written from the examples and
# standard hedging/evidentiality lists; every outlet's text is matched by the same patterns.
SCEPTICAL_PATTERNS = {
    "en": re.compile(
        r"\b(allegedly|alleged|supposedly|supposed|so-called|purportedly|purported|ostensibly|"
        r"without (?:providing |offering |presenting |giving |citing )?(?:any |a shred of )?(?:evidence|proof)|"
        r"no (?:solid |hard )?evidence|unproven|unsubstantiated|unverified|baseless|groundless|"
        r"pretends? to|pretending to|phantom|invisible|fictional|fictitious|fabricat\w+|hoax|"
        r"conspiracy theor\w+|propaganda|cast(?:s)? doubt|did not stand up|lack(?:s|ed)? any)\b",
        re.I,
    ),
    "de": re.compile(
        r"\b(angeblich\w*|vermeintlich\w*|sogenannt\w*|vorgeblich\w*|mutmaßlich\w*|"
        r"ohne (?:jeden |jegliche[n]? |einen )?(?:Beweis\w*|Beleg\w*)|unbelegt\w*|unbewiesen\w*|"
        r"erfunden\w*|Propaganda\w*|Verschwörungstheorie\w*|Fälschung\w*)",
        re.I,
    ),
    "ru": re.compile(
        r"(якобы|так называем\w+|мнимы\w+|предполагаем\w+|"
        r"без (?:каких-либо |всяких |каких-то )?(?:доказательств|подтверждени\w+)|голословн\w+|"
        r"выдуман\w+|пропаганд\w+|фейк\w*|конспиролог\w+)",
        re.I,
    ),
}
# hedges.v1 marker kinds that always signal distance, and kinds that do only when the
# marker is itself a sceptical word ("allegedly" yes, "reportedly" no).
SCEPTICAL_MARKER_KINDS = ("no_evidence", "discrediting", "distancing", "scare_quote")
WEAK_MARKER_KINDS = ("evidential", "hedge")
# A next sentence opening with one of these continues the author's comment on the claim.
CONTRAST_OPENERS = re.compile(r"^\W*(However|But|Yet|Still|Nevertheless|Aber|Doch|Jedoch|Allerdings|Однако|Но|Впрочем)\b")
# Cue stances that flip under negation ("did not confirm" -> denies).
NEGATED = {"confirms": "denies", "asserts": "denies", "reports": "denies", "denies": "reports"}
NEGATION_WORDS = re.compile(r"\b(not|n't|never|nicht|nie|kein\w*|не|ни)\b", re.I)


def sceptical_signals(text: str, lang: str) -> Iterator[re.Match[str]]:
    """Matches of the language's sceptical-distance patterns in ``text``."""
    pattern = SCEPTICAL_PATTERNS.get(lang)
    if pattern is not None:
        yield from pattern.finditer(text)


def lexicon_entry(att: Attribution, lang: str) -> dict[str, str] | None:
    lex = cue_lexicon(lang)
    key = (att.cue_lemma or "").lower()
    if key in lex:
        return lex[key]
    if lang == "ru":
        for stem, info in lex.items():
            if key.startswith(stem):
                return info
    return None


def cue_stance(att: Attribution, text: str, lang: str) -> str:
    """Stance of the source toward its content, from the cue, negation and source kind."""
    entry = lexicon_entry(att, lang)
    stance = entry["stance"] if entry else "reports"
    window = text[max(0, att.cue.start - 12) : att.cue.end]
    if NEGATION_WORDS.search(window):
        stance = NEGATED.get(stance, stance)
    if att.content is not None and text[att.content.start : att.content.end].rstrip(" ”\"»").endswith("?"):
        stance = "questions"
    if stance == "asserts" and att.source_kind in (SourceKind.OUTLET.value, SourceKind.AGENCY.value):
        stance = "reports"
    return stance


def _window(analysis: Analysis, att: Attribution) -> tuple[int, int]:
    sents = analysis.sentences
    if att.sentence is None or not sents:
        start = analysis.text.rfind("\n", 0, att.cue.start) + 1
        end = analysis.text.find("\n", att.cue.end)
        return start, end if end >= 0 else len(analysis.text)
    s = sents[att.sentence]
    end = s.end
    if att.sentence + 1 < len(sents):
        nxt = sents[att.sentence + 1]
        if CONTRAST_OPENERS.match(analysis.text[nxt.start : nxt.end]):
            end = nxt.end
    return s.start, end


def author_stance(analysis: Analysis, att: Attribution, lang: str) -> tuple[str, list[Span]]:
    """``sceptical``/``endorsing``/``neutral`` and the spans that signal it."""
    start, end = _window(analysis, att)
    cues: list[Span] = []
    for m in sceptical_signals(analysis.text[start:end], lang):
        cues.append(Span(start + m.start(), start + m.end(), "sceptical"))
    for marker in analysis.markers:
        if start <= marker.start < end and marker.kind in SCEPTICAL_MARKER_KINDS + WEAK_MARKER_KINDS:
            span = Span(marker.start, marker.end, marker.kind)
            if marker.kind in SCEPTICAL_MARKER_KINDS or SCEPTICAL_PATTERNS.get(lang, re.compile("$^")).search(marker.cue):
                if not any(c.overlaps(span) for c in cues):
                    cues.append(span)
    entry = lexicon_entry(att, lang)
    kind = entry["kind"] if entry else ""
    if kind == "distancing":
        cues.append(Span(att.cue.start, att.cue.end, "distancing_cue"))
    if cues:
        return "sceptical", sorted(cues, key=lambda s: s.start)
    if kind == "factive":
        return "endorsing", [Span(att.cue.start, att.cue.end, "factive_cue")]
    return "neutral", []


@register_stage("stance.v1", requires=("attributions",), assigns=("attributions",), order=120)
class StanceStage(Stage):
    """Cue stance (asserts, denies, …) and the author's stance toward each attribution."""

    def __call__(self, analysis: Analysis) -> Analysis:
        lang = article_lang(analysis)
        if lang not in SCEPTICAL_PATTERNS:
            analysis.unsupported[self.name] = f"unsupported_language: {lang}"
            return analysis
        for att in analysis.attributions:
            att.stance = cue_stance(att, analysis.text, lang)
            att.author_stance, att.author_stance_cues = author_stance(analysis, att, lang)
        return analysis
