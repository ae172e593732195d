"""Who said it: kinds of attribution sources and what pronouns and descriptions refer to.

Part of ``attribution.v1`` (:mod:`narratrace.analyze.claims.attribution`), for every
language: :func:`classify_source` gives a source phrase its kind,
:func:`attach_sources` takes the sources stage's names where they overlap, and
:func:`resolve_antecedents` gives ``they``, ``the newspaper`` or ``we`` the name they
stand for.
"""

from __future__ import annotations

import re

from narratrace.analyze.sources import classify_kind
from narratrace.model import Analysis, Attribution, SourceKind
from narratrace.text.quotes import quote_spans

# Heads of descriptions that refer back to an earlier source ("the newspaper also claims").
ANAPHOR_KINDS = {
    "newspaper": "outlet", "paper": "outlet", "daily": "outlet", "outlet": "outlet", "broadcaster": "outlet",
    "channel": "outlet", "magazine": "outlet", "network": "outlet", "publication": "outlet", "tabloid": "outlet",
    "agency": "agency", "administration": "government", "government": "government", "ministry": "government",
    "country": "government", "regime": "government", "kremlin": "government", "company": "organization",
    "organization": "organization", "organisation": "organization", "group": "organization",
    "president": "person", "minister": "person", "spokesman": "person", "spokeswoman": "person",
    "spokesperson": "person", "official": "person", "leader": "person",
}

PRONOUN_KINDS = {"he": "person", "she": "person", "him": "person", "her": "person", "they": "plural",
                 "them": "plural", "it": "thing", "we": "plural"}

# Source heads that mark an unnamed source when no proper noun is in the source span.
ANONYMOUS_HEADS = frozenset(
    "official officials source sources person people insider insiders expert experts analyst analysts "
    "diplomat diplomats aide aides observer observers critic critics witness witnesses resident residents "
    "someone somebody report reports".split()
)

FIRST_PERSON_PLURAL = frozenset({"we", "us", "wir", "мы"})

# Antecedents are searched this many characters back: about three sentences of news prose,
# enough for "The newspaper also claims" after "An article in the New York Times claims".
ANTECEDENT_WINDOW = 600


def classify_source(name: str, ent_label: str = "", proper: bool = True) -> str:
    """Kind of a source: the sources stage's rule (:func:`narratrace.analyze.sources.classify_kind`,
    the same for every outlet), with descriptions such as "the newspaper" classified by their head.

    >>> classify_source("the New York Times", "ORG")
    'outlet'
    >>> classify_source("Russia", "GPE")
    'government'
    >>> classify_source("the newspaper", proper=False)
    'outlet'
    """
    words = name.split()
    head = words[-1].lower() if words else ""
    if not proper and head in ANAPHOR_KINDS:
        return ANAPHOR_KINDS[head]
    kind = classify_kind(name, spacy_label=ent_label or None)
    if kind != SourceKind.OTHER.value:
        return kind
    if head in ANAPHOR_KINDS:
        return ANAPHOR_KINDS[head]
    if ent_label == "NAME":  # a name whose kind the text does not tell
        return SourceKind.OTHER.value
    return SourceKind.ORGANIZATION.value if proper else SourceKind.OTHER.value


def _mentions(analysis: Analysis) -> list[tuple[int, int, str, str]]:
    """Candidate antecedents ``(start, end, name, kind)`` in text order."""
    out: list[tuple[int, int, str, str]] = []
    for src in analysis.sources:
        for m in src.mentions:
            out.append((m.start, m.end, src.name, src.kind))
    ents = analysis.entities
    if not ents and "spacy_doc" in analysis._cache:
        ents = [type("E", (), {"start": e.start_char, "end": e.end_char, "label": e.label_, "text": e.text})()
                for e in analysis._cache["spacy_doc"].ents]
    for e in ents:
        if e.label in ("PERSON", "ORG", "GPE", "NORP"):
            name = re.sub(r"^(the)\s+", "", e.text, flags=re.I)
            out.append((e.start, e.end, name, classify_source(e.text, e.label)))
    out.sort()
    return out


def _compatible(want: str, kind: str, name: str) -> bool:
    if want == "person":
        return kind == "person"
    if want == "plural":
        return kind != "person" or name.endswith("s")
    if want == "thing":
        return kind in ("outlet", "agency", "government", "organization")
    return kind == want


def resolve_antecedents(analysis: Analysis, atts: list[Attribution]) -> None:
    """Give pronoun and description sources the name of their nearest compatible antecedent.

    Looks back over earlier attributions' sources and entity/source mentions, at most
    ``ANTECEDENT_WINDOW`` characters before the source.
    """
    text = analysis.text
    mentions = _mentions(analysis)
    for att in atts:
        if att.source is None:
            continue
        words = text[att.source.start : att.source.end].split()
        if not words:
            continue
        if len(words) == 1 and words[0].lower() in FIRST_PERSON_PLURAL:
            _resolve_first_person(analysis, att)
            continue
        want = _wanted_kind(words)
        if want is None:
            continue
        at = att.source.start
        best = _antecedent_source(at, att, atts, want) or _antecedent_mention(at, mentions, want)
        if best is not None:
            att.source_name, att.source_kind = best[1], best[2]
            att.anonymous = False


def _wanted_kind(words: list[str]) -> str | None:
    """The kind a pronoun ("she") or a description ("the newspaper") refers to; ``None`` for a name."""
    first, last = words[0].lower(), words[-1].lower().strip(".,")
    if len(words) == 1 and first in PRONOUN_KINDS:
        return PRONOUN_KINDS[first]
    if (first in ("the", "this", "that", "der", "die", "das", "эта", "это") and last in ANAPHOR_KINDS
            and len(words) <= 3 and not any(w[:1].isupper() for w in words[1:])):
        return ANAPHOR_KINDS[last]
    return None


def _antecedent_source(at: int, att: Attribution, atts: list[Attribution], want: str) -> tuple[int, str, str] | None:
    """The nearest source of another attribution of the wanted kind within the window before ``at``."""
    best = None
    for prev in atts:
        if prev is att or prev.source is None or prev.source.start >= at:
            continue
        if at - prev.source.start > ANTECEDENT_WINDOW or not prev.source_name or not prev.source_kind:
            continue
        if _compatible(want, prev.source_kind, prev.source_name):
            if best is None or prev.source.start > best[0]:
                best = (prev.source.start, prev.source_name, prev.source_kind)
    return best


def _antecedent_mention(at: int, mentions: list[tuple[int, int, str, str]], want: str) -> tuple[int, str, str] | None:
    """The nearest entity or source mention of the wanted kind before ``at`` (when no source fits)."""
    best = None
    for s, _e, name, kind in mentions:
        if s >= at or at - s > ANTECEDENT_WINDOW:
            continue
        if _compatible(want, kind, name) and (best is None or s > best[0]):
            best = (s, name, kind)
    return best


def _resolve_first_person(analysis: Analysis, att: Attribution) -> None:
    """"We" outside a quotation is the article's author (its outlet when known): a
    fact-checker's "We have found no evidence" is the fact-checker's, never the nearest
    politician's. Inside a quotation it is the quotation's speaker, when known."""
    text = analysis.text
    if att.source is None:
        return
    for quote in analysis.quotes:
        if quote.start <= att.source.start < quote.end:
            att.source_name, att.source_kind = quote.speaker, None
            return
    if any(s <= att.source.start < e for s, e in quote_spans(text, 0, len(text))):
        att.source_name, att.source_kind = None, None
        return
    outlet = analysis.article.outlet
    att.source_name = outlet or "the author"
    att.source_kind = SourceKind.OUTLET.value if outlet else SourceKind.OTHER.value
    att.anonymous = False


def attach_sources(analysis: Analysis, atts: list[Attribution]) -> None:
    """Use the sources stage's names and kinds where a source span overlaps one of its mentions."""
    for att in atts:
        if att.source is None:
            continue
        span_text = analysis.text[att.source.start : att.source.end]
        hits = [src for src in analysis.sources if any(m.overlaps(att.source) for m in src.mentions)]
        if len(hits) != 1:
            continue  # "Russia and North Korea": keep the phrase itself as the name
        src = hits[0]
        if src.name.lower() in span_text.lower():
            att.source_name = src.name
        if src.kind != SourceKind.OTHER.value or not att.source_kind:
            att.source_kind = src.kind
        if src.kind == SourceKind.ANONYMOUS.value:
            att.anonymous = True
