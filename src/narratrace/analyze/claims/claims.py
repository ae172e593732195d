"""``claims.v1``: :class:`~narratrace.model.Claim` records with a normalised form.

Every attributed content becomes a claim; so does every unattributed declarative
sentence that names an entity, a date or a quantity (the author's own assertions).
Each claim gets ``normalized = {who, action, target, where, when, said_by, stance}``,
its entities, dates, quantities and hedges, so that later stages can match it against
fact-checks and group it with the same claim elsewhere.

Examples
--------
>>> normalize_pattern("Die Nato hat 500 Soldaten nach Litauen geschickt.", "de")["quantities"]
['500']
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from narratrace.analyze.claims._common import (
    SUPPORTED_LANGS,
    article_lang,
    english_doc,
    sentence_index,
)
from narratrace.analyze.claims.stance import sceptical_signals
from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Attribution, Claim, Span
from narratrace.text.nlp import doc_ents, doc_text, span_ents

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

PLACE_LABELS = ("GPE", "LOC", "FAC")
DATE_LABELS = ("DATE", "TIME")
QUANTITY_LABELS = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW")
# Unattributed sentences shorter than this many words are headings or fragments, not claims.
MIN_CLAIM_WORDS = 6
# A coordinated clause beside a reported statement needs this many words ("authorized missile strikes").
MIN_CLAUSE_WORDS = 3
# A clause inside an attributed content shorter than this multiple of the clause is the same claim.
DUPLICATE_RATIO = 1.5
_NUMBER = re.compile(r"\b\d[\d.,]*\s*(?:%|Prozent|процент\w*|тысяч\w*|млн|Millionen|million|billion)?")
_DATE = re.compile(
    r"\b(\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}|(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Januar|Februar|März|Mai|Juni|Juli|Oktober|Dezember|январ\w+|феврал\w+|март\w*|апрел\w+|ма[йя]|июн\w+|июл\w+|"
    r"август\w*|сентябр\w+|октябр\w+|ноябр\w+|декабр\w+)(?:\s+\d{4})?)\b",
    re.I,
)
_CAPS = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-ZÄÖÜА-ЯЁ][\w-]+(?:\s+[A-ZÄÖÜА-ЯЁ][\w-]+)*)")


def _phrase(tok: Any) -> str:
    return doc_text(tok.doc)[tok.left_edge.idx : tok.right_edge.idx + len(tok.right_edge)].strip(" ,.;:\"“”")


def normalize_en(span: SpacySpan) -> dict[str, Any]:
    """``who/action/target/where/when`` of an English clause (its syntactic root)."""
    root = span.root
    # the content of "claims that X" is headed by X's verb; walk down from a noun head
    if root.pos_ not in ("VERB", "AUX"):
        verbs = [t for t in span if t.pos_ == "VERB"]
        root = verbs[0] if verbs else root
    who = next((_phrase(c) for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    parts = [root.lemma_.lower()]
    parts += [c.lower_ for c in root.children if c.dep_ == "prt"]
    if any(c.dep_ == "neg" for c in root.children):
        parts.insert(0, "not")
    if any(c.dep_ == "nsubjpass" for c in root.children):
        parts.append("(passive)")
    target = next((_phrase(c) for c in root.children if c.dep_ in ("dobj", "attr", "oprd", "dative")), None)
    if target is None:
        for c in root.children:
            if c.dep_ == "prep":
                pobj = [g for g in c.children if g.dep_ == "pobj"]
                if pobj:
                    target = f"{c.lower_} {_phrase(pobj[0])}"
                    break
    ents = [e for e in doc_ents(span.doc) if e.start >= span.start and e.end <= span.end]
    return {
        "who": who,
        "action": " ".join(parts),
        "target": target,
        "where": [e.text for e in ents if e.label_ in PLACE_LABELS] or None,
        "when": [e.text for e in ents if e.label_ in DATE_LABELS] or None,
        "entities": sorted({e.text for e in ents if e.label_ in ENTITY_LABELS}),
        "dates": [e.text for e in ents if e.label_ in DATE_LABELS],
        "quantities": [e.text for e in ents if e.label_ in QUANTITY_LABELS],
    }


def normalize_pattern(text: str, lang: str) -> dict[str, Any]:
    """A shallow normal form for languages without a parser: capitalised names, dates, numbers."""
    dates = [m.group().strip() for m in _DATE.finditer(text)]
    quantities = [m.group().strip() for m in _NUMBER.finditer(text) if not any(m.group().strip() in d for d in dates)]
    names = [m.group() for m in _CAPS.finditer(text)]
    if lang == "de":  # German capitalises every noun; keep multi-word or known-entity-shaped names
        names = [n for n in names if " " in n or n.isupper() or n.endswith(("land", "reich", "ien", "en"))]
    return {
        "who": names[0] if names else None,
        "action": None,
        "target": names[1] if len(names) > 1 else None,
        "where": None,
        "when": dates or None,
        "entities": sorted(set(names)),
        "dates": dates,
        "quantities": quantities,
    }


def _hedges(analysis: Analysis, start: int, end: int, lang: str) -> list[Span]:
    out = [Span(m.start, m.end, m.kind) for m in analysis.markers if start <= m.start < end]
    for m in sceptical_signals(analysis.text[start:end], lang):
        span = Span(start + m.start(), start + m.end(), "sceptical")
        if not any(h.overlaps(span) for h in out):
            out.append(span)
    return sorted(out, key=lambda s: s.start)


def _is_declarative_en(doc: Doc, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    text = span.text.strip()
    if text.endswith("?") or text.startswith("#") or len([t for t in span if t.is_alpha]) < MIN_CLAIM_WORDS:
        return False
    has_verb = any(t.pos_ in ("VERB", "AUX") and t.dep_ in ("ROOT", "conj", "ccomp") for t in span)
    has_anchor = any(e.label_ in ENTITY_LABELS + DATE_LABELS + QUANTITY_LABELS for e in span_ents(span)) or any(t.like_num for t in span)
    return has_verb and has_anchor


def clause_heads_en(doc: Doc, start: int, end: int) -> list[Any]:
    """Main-clause verbs of a sentence: its root and verbs coordinated with it ("announced … and authorized …")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    heads = []
    for tok in span:
        if tok.pos_ in ("VERB", "AUX") and (tok.dep_ == "ROOT" or (tok.dep_ == "conj" and tok.head.pos_ in ("VERB", "AUX"))):
            heads.append(tok)
    return heads


def clause_bounds_en(tok: Any) -> tuple[int, int]:
    """Character bounds of a clause: its verb's subtree without coordinated clauses."""
    lo, hi = tok.left_edge.i, tok.right_edge.i + 1
    for c in tok.children:
        if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and c.i > tok.i:
            hi = min(hi, c.left_edge.i)
            cc = [g for g in tok.children if g.dep_ in ("cc", "punct") and tok.i < g.i < c.i]
            if cc:
                hi = min(hi, min(g.i for g in cc))
    if tok.dep_ == "conj":
        lo = min([c.left_edge.i for c in tok.children if c.dep_ in ("cc",)] + [tok.left_edge.i])
        lo = max(lo, tok.left_edge.i)
    doc = tok.doc
    while hi > lo and doc[hi - 1].is_punct and doc[hi - 1].text not in "”\"»":
        hi -= 1
    return doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])


def build_claims(analysis: Analysis) -> list[Claim]:
    """Claim records of an analysed article: attributed contents, then the author's own statements."""
    builder = _ClaimBuilder(analysis)
    attributed_sents: set[int] = set()
    for att in analysis.attributions:
        if att.content is None or att.content.end - att.content.start < 3:
            continue
        builder.add(att.content.start, att.content.end, att)
        if att.sentence is not None:
            attributed_sents.add(att.sentence)
    for i, s in enumerate(analysis.sentences):
        if builder.doc is not None and i in attributed_sents:
            builder.add_author_clauses(builder.doc, s.start, s.end)
        elif i not in attributed_sents and builder.is_own_claim(s.start, s.end):
            start, end = s.start, s.end
            while end > start and builder.text[end - 1].isspace():
                end -= 1
            builder.add(start, end, None)
    builder.claims.sort(key=lambda c: c.start)
    return builder.claims


class _ClaimBuilder:
    """Collects the claims of one analysis, normalised by the English parse or the DE/RU patterns."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.lang = article_lang(analysis)
        self.text = analysis.text
        self.doc = english_doc(analysis) if self.lang == "en" else None
        self.claims: list[Claim] = []
        self.covered = [(a.cue.start, a.cue.end) for a in analysis.attributions]
        self.contents = [(a.content.start, a.content.end) for a in analysis.attributions if a.content is not None]

    def norm(self, start: int, end: int) -> dict[str, Any]:
        if self.doc is not None:
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                return normalize_en(span)
        return normalize_pattern(self.text[start:end], self.lang)

    def add(self, start: int, end: int, att: Attribution | None, subject_from: Any = None) -> None:
        analysis, text = self.analysis, self.text
        n = self.norm(start, end)
        if subject_from is not None and subject_from.dep_ == "conj" and not n["who"]:
            subj = [c for c in subject_from.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            n["who"] = _phrase(subj[0]) if subj else None
        sent = sentence_index(analysis, start)
        s_start, s_end = (analysis.sentences[sent].start, analysis.sentences[sent].end) if sent is not None else (start, end)
        normalized = {k: n[k] for k in ("who", "action", "target", "where", "when")}
        if att is not None:
            normalized["said_by"] = att.source_name or (text[att.source.start : att.source.end] if att.source else None)
            normalized["stance"] = att.stance
        self.claims.append(
            Claim(start=start, end=end, text=text[start:end], sentence=sent, attribution=att,
                  evidence=list(att.evidence) if att is not None else [], hedges=_hedges(analysis, s_start, s_end, self.lang),
                  normalized=normalized, entities=n["entities"], dates=n["dates"], quantities=n["quantities"])
        )

    def duplicate(self, cs: int, ce: int) -> bool:
        """A clause that is (nearly) an attributed content is already a claim."""
        return any(a <= cs and ce <= b and (b - a) < DUPLICATE_RATIO * (ce - cs) for a, b in self.contents)

    def add_author_clauses(self, doc: Doc, start: int, end: int) -> None:
        """The author's own assertions next to a reported one ("X announced A and authorized B"), in English."""
        for head in clause_heads_en(doc, start, end):
            if any(a <= head.idx < b for a, b in self.covered):
                continue
            cs, ce = clause_bounds_en(head)
            if self.duplicate(cs, ce):
                continue
            sub = doc.char_span(cs, ce, alignment_mode="expand")
            if sub is None or len([t for t in sub if t.is_alpha]) < MIN_CLAUSE_WORDS:
                continue
            self.add(cs, ce, None, subject_from=head)

    def is_own_claim(self, start: int, end: int) -> bool:
        """An unattributed sentence that states something: declarative (English), or long enough
        with a number or a name (German, Russian)."""
        if self.doc is not None:
            return _is_declarative_en(self.doc, start, end)
        seg = self.text[start:end].strip()
        return not (seg.endswith("?") or len(seg.split()) < MIN_CLAIM_WORDS or not (_NUMBER.search(seg) or _CAPS.search(seg)))


@register_stage("claims.v1", requires=("attributions", "sentences"), assigns=("claims",), order=150)
class ClaimsStage(Stage):
    """Claim records (attributed contents and the author's own factual sentences), normalised."""

    def __call__(self, analysis: Analysis) -> Analysis:
        lang = article_lang(analysis)
        if lang not in SUPPORTED_LANGS:
            analysis.unsupported[self.name] = f"unsupported_language: {lang}"
            return analysis
        analysis.claims = build_claims(analysis)
        analysis.summaries["claims"] = {
            "claims": len(analysis.claims),
            "attributed": sum(c.attribution is not None for c in analysis.claims),
            "attributions": len(analysis.attributions),
        }
        return analysis
