"""Stage ``sources.v1``: the outlets, agencies, governments and people an article cites.

A name counts as a cited source when the text uses it as one: the subject of a
reporting verb ("the New York Times claims", "Russia and North Korea have denied"),
the object of a citing phrase ("as reported by the Asia Times", "published in the
British 'Daily Mail'", "media such as ZDF", "according to officials"), a picture
credit ("(Screenshot:NYT)") or the place an article was first published. Each source
carries every mention of its name and the reasons it was recognised. The same rules
apply to every outlet; nothing here rates a source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Source, SourceKind, Span
from narratrace.text.lexicons import load_lexicon
from narratrace.text.nlp import doc_ents, spacy_doc

if TYPE_CHECKING:
    from spacy.tokens import Doc

_QUOTE_OPEN = "\"“„«'"
_QUOTE_CLOSE = "\"”“»'"
# A name: up to five capitalised words (allowing "of", "for", "und" inside), optionally in quotes.
_NAME = r"(?P<q>[" + _QUOTE_OPEN + r"])?(?P<name>[A-ZÄÖÜА-ЯЁ0-9][\w&\-]*(?:\.[\w&\-]+)*(?:\s+(?:of|for|de|und|der|die|[A-ZÄÖÜА-ЯЁ0-9][\w&\-]*(?:\.[\w&\-]+)*)){0,4})(?(q)[" + _QUOTE_CLOSE + r"])"
# Nationality or other adjectives between the trigger and a quoted name: 'the British "Daily Mail"'.
_LEAD = r"(?:(?:the|die|der|das|den)\s+)?(?:[A-Z][a-z]+\s+(?=[" + _QUOTE_OPEN + r"]))?"
_CITING = [
    (r"according to", "after 'according to'"),
    (r"as reported by|reported by|as reported in", "named as the reporter"),
    (r"quoted by|cited by|told", "named as quoting or being told"),
    (r"(?:first |originally )?published (?:it )?(?:in|on|by)", "named as the publisher"),
    (r"(?:article|report|story|interview|piece|broadcast|op-ed|editorial) (?:in|by|on|from)", "named as the publisher of a report"),
    (r"(?:media|outlets|newspapers|broadcasters|channels) (?:such as|like|including)", "named as an outlet"),
    (r"laut|nach Angaben (?:von|des|der)|wie .{1,30}? berichtet", "named as the source (de)"),
    (r"по данным|по словам|по сообщению|как сообщает|как пишет", "named as the source (ru)"),
]
_CITING_RE = [(re.compile(rf"(?<!\w)(?i:{trigger})\s+{_LEAD}{_NAME}", re.U), why) for trigger, why in _CITING]
# Anonymous sourcing: recorded as one ANONYMOUS source per phrase type.
_ANONYMOUS = re.compile(
    r"(?<!\w)(?:(?:unnamed|anonymous|unidentified)\s+(?:sources?|officials?|diplomats?|insiders?)|"
    r"sources\s+(?:familiar|close)\s+(?:with|to)\s+[\w\s]{3,40}?(?=[,.;])|"
    r"(?:[Ww]estern|[A-ZА-Я][a-z]+(?:an|ian|ese|i|ish|ic)|intelligence|military|government|security|defen[cs]e)\s+(?:officials|sources)|"
    r"officials said|"
    r"Insider|aus (?:gut )?unterrichteten Kreisen|"
    r"(?:анонимные|неназванные)\s+источники|источники\s+в\s+\w+)",
    re.U,
)
# Entity labels that never name a source (dates, numbers, laws).
_NOT_SOURCES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "LAW"}
_DE_RU_VERBS = "|".join(sorted(set(load_lexicon("sources")["reporting_verbs_de"]) | set(load_lexicon("sources")["reporting_verbs_ru"]), key=len, reverse=True))
# German/Russian have no offline parser: a capitalised name right before or after a reporting verb.
_SUBJECT_BEFORE = re.compile(r"(?P<name>[A-ZÄÖÜА-ЯЁ][\w\-]+(?:\s+[A-ZÄÖÜА-ЯЁ][\w\-]+){0,3})\s+(?:" + _DE_RU_VERBS + r")\b", re.U)
_SUBJECT_AFTER = re.compile(r"\b(?:" + _DE_RU_VERBS + r")\s+(?P<name>[A-ZÄÖÜА-ЯЁ][\w\-]+(?:\s+[A-ZÄÖÜА-ЯЁ][\w\-]+){0,3})", re.U)
_STOP_NAMES = {"The", "A", "An", "This", "That", "It", "He", "She", "They", "We", "I", "In", "On", "However", "But"}


@dataclass
class _Candidate:
    name: str
    kind: str
    mentions: list[Span] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    cited: bool = False


def normalize_name(name: str) -> str:
    """Key used to merge variants of a name.

    >>> normalize_name('the New York Times') == normalize_name('New York Times')
    True
    >>> normalize_name('DailyMail') == normalize_name('"Daily Mail"')
    True
    """
    name = re.sub(r"^(?:the|die|der|das)\s+", "", name.strip(), flags=re.I)
    return re.sub(r"[^\w]", "", name).lower()


def acronym(name: str) -> str:
    """Initials of the capitalised words: ``acronym('The New York Times') == 'NYT'``."""
    words = [w for w in re.findall(r"[A-ZА-Я][\w\-]*", name) if w not in _STOP_NAMES]
    return "".join(w[0] for w in words).upper()


def classify_kind(name: str, *, spacy_label: str | None = None, context: str = "") -> str:
    """Kind of a source from its name, entity label and surrounding words.

    >>> classify_kind("The Northern Gazette")
    'outlet'
    >>> classify_kind("the Aldorian administration")
    'government'
    >>> classify_kind("Aldoria", spacy_label="GPE")
    'government'
    >>> classify_kind("Senator Carmy Berzatto", spacy_label="PERSON")
    'person'
    """
    lex = load_lexicon("sources")
    lowered = name.lower()
    words = set(re.findall(r"[\w.]+", lowered))
    if _has_phrase(lowered, lex["agency_words"]):
        return SourceKind.AGENCY.value
    if _has_phrase(lowered, lex["government_words"]):
        return SourceKind.GOVERNMENT.value
    if words & set(lex["outlet_words"]) or re.search(r"\.(?:com|org|net|ru|de|info|news|tv)\b", lowered):
        return SourceKind.OUTLET.value
    if spacy_label == "NAME":  # a masked name whose kind the context does not tell
        spacy_label = None
    if spacy_label == "PERSON":
        return SourceKind.PERSON.value
    if spacy_label == "GPE":
        return SourceKind.GOVERNMENT.value
    if spacy_label == "NORP":
        return SourceKind.GROUP.value
    if any(c.lower() in context.lower() for c in lex["outlet_context"]):
        return SourceKind.OUTLET.value
    if spacy_label == "ORG":
        return SourceKind.ORGANIZATION.value
    return SourceKind.OTHER.value


def _has_phrase(lowered: str, phrases: list[str]) -> bool:
    """Whole-word match of any phrase ("army" is not in "Carmy", "nato" not in "senator")."""
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", lowered) for p in phrases)


class _Collector:
    def __init__(self, text: str) -> None:
        self.text = text
        self.by_key: dict[str, _Candidate] = {}

    def add(self, name: str, start: int, end: int, reason: str | None, *, kind: str | None = None,
            label: str | None = None, cited: bool = True) -> None:
        name = name.strip().strip(_QUOTE_OPEN + _QUOTE_CLOSE + ".,:;").strip()
        if not name or name in _STOP_NAMES or len(name) < 2:
            return
        key = normalize_name(name)
        cand = self._find(key, name)
        if cand is None:
            context = self.text[max(0, start - 60) : end + 60]
            cand = _Candidate(name, kind or classify_kind(name, spacy_label=label, context=context))
            self.by_key[key] = cand
        elif len(name) > len(cand.name) and cand.name.isupper() is False and kind is None:
            cand.name = name if not name.lower().startswith("the ") else cand.name
        span = Span(start, end, "mention")
        if span not in cand.mentions:
            cand.mentions.append(span)
        if reason and reason not in cand.reasons:
            cand.reasons.append(reason)
        cand.cited = cand.cited or cited

    def _find(self, key: str, name: str) -> _Candidate | None:
        if key in self.by_key:
            return self.by_key[key]
        for other in self.by_key.values():
            # an acronym credit ("NYT") or a run-together credit ("DailyMail") of a known name
            if name.isupper() and len(name) >= 2 and acronym(other.name) == name:
                return other
            if normalize_name(other.name) == key:
                return other
        return None


def _reporting_subjects(doc, verbs: set[str]):
    """(token span, verb) for subjects of reporting verbs, including conjuncts."""
    for token in doc:
        if token.pos_ not in ("VERB", "AUX") or token.lemma_.lower() not in verbs:
            continue
        for child in token.children:
            if child.dep_ not in ("nsubj", "nsubjpass"):
                continue
            heads = [child] + [c for c in child.conjuncts]
            for head in heads:
                yield head, token


def _ent_of(token, doc):
    for ent in doc_ents(doc):
        if ent.start <= token.i < ent.end:
            return ent
    return None


def _source_phrase(head, doc) -> tuple[int, int, str | None] | None:
    """Character span and entity label of the source a subject names.

    The subject itself when it is (in) a named entity; a proper-noun chain ("Kiev");
    a noun phrase around a named modifier ("the Biden administration"); or the object of
    "an article in X" / "a report by X".
    """
    ent = _ent_of(head, doc) if head.ent_type_ else None
    if ent is not None:
        return ent.start_char, ent.end_char, ent.label_
    for appos in head.children:  # "the haulage company, Nordfrakt, denied"
        if appos.dep_ == "appos" and appos.pos_ == "PROPN":
            inner = _ent_of(appos, doc)
            if inner is not None:
                return inner.start_char, inner.end_char, inner.label_
            return appos.left_edge.idx, appos.idx + len(appos), None
    compounds = [c for c in head.lefts if c.dep_ in ("compound", "amod") and c.pos_ == "PROPN"]
    if head.pos_ == "PROPN" or compounds:
        first = compounds[0] if compounds else head
        lead = [t for t in first.subtree if t.pos_ in ("PROPN", "NOUN", "ADJ")]
        start = lead[0].idx if lead else first.idx
        return start, head.idx + len(head), None
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "by", "from", "of"):
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.ent_type_:
                    inner = _ent_of(obj, doc)
                    if inner is not None:
                        return inner.start_char, inner.end_char, inner.label_
    return None


@register_stage("sources.v1", requires=("paragraphs", "sentences", "entities"), assigns=("sources",), order=40)
class SourceStage(Stage):
    """Outlets, agencies, governments, people and anonymous sources the article cites."""

    def __call__(self, analysis: Analysis) -> Analysis:
        text = analysis.text
        collector = _Collector(text)
        doc = spacy_doc(analysis)
        if doc is not None:
            _add_reporting_subjects(collector, doc, text)
        for pattern, why in _CITING_RE:
            for m in pattern.finditer(text):
                collector.add(m.group("name"), m.start("name"), m.end("name"), why)
        if doc is None:
            _add_pattern_subjects(collector, analysis)
        for m in _ANONYMOUS.finditer(text):
            collector.add(m.group(0), m.start(), m.end(), "anonymous sourcing", kind=SourceKind.ANONYMOUS.value)
        _add_article_credits(collector, analysis)
        authors = {normalize_name(a) for a in analysis.article.authors}
        for key in [k for k in collector.by_key if k in authors]:
            del collector.by_key[key]  # the author citing their own earlier work is not a source
        _add_other_mentions(collector, analysis)
        analysis.sources = [
            Source(re.sub(r"^(?:the|The)\s+", "", c.name), c.kind, sorted(c.mentions, key=lambda s: s.start), c.cited, c.reasons)
            for c in sorted(collector.by_key.values(), key=lambda c: min(m.start for m in c.mentions))
            if c.cited
        ]
        return analysis


def _add_reporting_subjects(collector: _Collector, doc: Doc, text: str) -> None:
    """English: the subjects of reporting verbs ("the ministry said")."""
    verbs = set(load_lexicon("sources")["reporting_verbs_en"])
    for head, verb in _reporting_subjects(doc, verbs):
        phrase = _source_phrase(head, doc)
        if phrase is not None and phrase[2] not in _NOT_SOURCES:
            start, end, label = phrase
            collector.add(text[start:end], start, end, f"subject of '{verb.text}'", label=label)


def _add_pattern_subjects(collector: _Collector, analysis: Analysis) -> None:
    """German and Russian paragraphs: names next to a reporting verb."""
    text = analysis.text
    for para in analysis.paragraphs:
        if para.lang not in ("de", "ru"):
            continue
        for pattern in (_SUBJECT_BEFORE, _SUBJECT_AFTER):
            for m in pattern.finditer(text, para.start, para.end):
                name = _strip_leading_common_nouns(m.group("name"))
                start = m.end("name") - len(name)
                collector.add(name, start, m.end("name"), "next to a reporting verb")


def _add_article_credits(collector: _Collector, analysis: Analysis) -> None:
    """Where the article says it was first published, and the credits of its pictures."""
    text = analysis.text
    first = analysis.article.metadata.get("first_published_on")
    if isinstance(first, dict):
        collector.add(first["value"], first["start"], first["end"], "first published there", kind=SourceKind.OUTLET.value)
    for image in analysis.article.images:
        if image.credit and image.start is not None:
            offset = text.find(image.credit, image.start, image.end)
            if offset >= 0:
                collector.add(image.credit, offset, offset + len(image.credit), f"{image.kind} credit", kind=SourceKind.OUTLET.value)


_DE_ARTICLES = {"Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Einen", "Nach", "Laut", "Wie"}


def _strip_leading_common_nouns(name: str) -> str:
    """Drop articles and a leading German common noun before a name: 'Das Speditionsunternehmen
    Nordfrakt' -> 'Nordfrakt'; single-word names are kept."""
    words = name.split()
    while len(words) > 1 and (words[0] in _DE_ARTICLES or (words[0][:1].isupper() and len(words[0]) > 12)):
        words = words[1:]
    return " ".join(words)


def _add_other_mentions(collector: _Collector, analysis: Analysis) -> None:
    """Every further occurrence of a cited source's name (e.g. in the tag list)."""
    text = analysis.text
    for cand in list(collector.by_key.values()):
        variants = {cand.name, re.sub(r"^(?:the|The)\s+", "", cand.name)}
        for variant in sorted(variants, key=len, reverse=True):  # "The Herald" before "Herald", whatever the hash seed
            if len(variant) < 2:
                continue
            for m in re.finditer(rf"(?<!\w){re.escape(variant)}(?!\w)", text):
                span = Span(m.start(), m.end(), "mention")
                if not any(span.overlaps(s) for s in cand.mentions):
                    cand.mentions.append(span)
