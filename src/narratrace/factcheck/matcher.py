"""Match claims against the fact-check database: ranked, thresholded, dated, explained.

A match's level comes from its confidence (:func:`level_of`) and is then capped by the
same-claim test (:func:`narratrace.factcheck._claim.agreement`): a fragment, or a
record about other names, is never ``same_claim`` however close the texts are. Every
match says whose verdict it carries (:func:`verdict_source`): a fact-check database's
verdict is that publisher's finding, one source among others, never a settled fact.

Examples
--------
>>> level_of(0.99), level_of(0.3), level_of(0.05)
('same_claim', 'suggested', 'related')
>>> relation_of(date(2020, 1, 1), as_utc(date(2021, 1, 1)))
'later_checked'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine

from narratrace.factcheck._claim import Agreement, agreement, claim_shape
from narratrace.factcheck._index import FactCheckIndex, Hit
from narratrace.factcheck._records import FactCheckRecord, as_utc

#: Confidence at or above which a match is reported as the *same claim*. Chosen on the
#: CheckThat 2022 dev queries (never dev-test) by ``narratrace train claim-reranker``:
#: each query contributes its gold fact-check (a positive) and the best other record (a
#: negative: what would be shown had the claim never been checked); this is the lowest
#: confidence at which >= 95% of the pooled matches above it are right (printed 0.404 for
#: the re-ranker of tokenizer version 2; 0.390 before).
SAME_CLAIM_THRESHOLD = 0.40
#: Confidence at or above which a match is *suggested* for a person to confirm: the
#: lowest confidence at which >= 80% of that pool above it is right (printed 0.288; 0.282 before).
SUGGESTED_THRESHOLD = 0.29
LEVELS = ("same_claim", "suggested", "related")
#: What each import format's records are, for :func:`verdict_source`.
DATABASES = {
    "euvsdisinfo": "EUvsDisinfo database, EEAS East StratCom Task Force",
    "claimreview": "ClaimReview fact-check",
    "vclaims": "CheckThat! 2022 verified claims",
}


def level_of(confidence: float) -> str:
    """``same_claim``, ``suggested`` or ``related`` (below both thresholds)."""
    if confidence >= SAME_CLAIM_THRESHOLD:
        return "same_claim"
    if confidence >= SUGGESTED_THRESHOLD:
        return "suggested"
    return "related"


def relation_of(claim_date: datetime | date | None, checked_on: datetime | None) -> str:
    """``previously_checked`` if the check is not later than the claim, else ``later_checked``.

    ``undated`` when either date is unknown.
    """
    cd = as_utc(claim_date)
    if cd is None or checked_on is None:
        return "undated"
    return "previously_checked" if checked_on.date() <= cd.date() else "later_checked"


def verdict_source(record: FactCheckRecord) -> dict[str, Any]:
    """Whose verdict a record carries: publisher, database, site, and that it is one source.

    A verdict is the finding of the organisation that published it (an EUvsDisinfo case
    is EUvsDisinfo's verdict), so a report names it and a corpus never treats one
    database's verdict alone as settling a narrative (``single_source`` is always true:
    agreement across independent publishers is for the caller to establish).

    >>> r = FactCheckRecord("u", "NATO prepares war", "euvsdisinfo", verdict="Disinformation", publisher="EUvsDisinfo")
    >>> verdict_source(r)["label"]
    "Disinformation — EUvsDisinfo's verdict (EUvsDisinfo database, EEAS East StratCom Task Force)"
    """
    publisher = record.publisher or record.publisher_site or "an unnamed publisher"
    database = DATABASES.get(record.source_format, record.source_format)
    return {
        "publisher": publisher,
        "database": database,
        "source_format": record.source_format,
        "site": record.publisher_site,
        "single_source": True,
        "label": f"{record.verdict or 'no verdict'} — {publisher}'s verdict ({database})",
    }


@dataclass
class Match:
    """A fact-check record matched to a claim, with the evidence of why.

    ``level`` is the confidence's level (``level_by_confidence``) capped by the
    same-claim test ``check``.
    """

    record: FactCheckRecord
    rank: int
    score: float
    confidence: float
    level: str
    relation: str
    shared_terms: list[str]
    similarity: float
    lexical: float
    level_by_confidence: str = ""
    check: Agreement | None = None

    @property
    def why(self) -> str:
        """One readable line: shared terms, similarity, and why the level was capped."""
        terms = ", ".join(self.shared_terms[:8]) if self.shared_terms else "none (matched by meaning)"
        line = f"shared terms: {terms}; similarity {self.similarity:.2f}; lexical score {self.lexical:.2f}"
        if self.check is not None and self.level != self.level_by_confidence and self.check.reasons:
            line += f"; capped at {self.level}: " + "; ".join(self.check.reasons)
        return line

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        check = self.check
        return {
            "record_id": r.record_id,
            "claim": r.claim,
            "title": r.title,
            "verdict": r.verdict,
            "verdict_by": verdict_source(r),
            "publisher": r.publisher,
            "url": r.url,
            "language": r.language,
            "checked_on": r.checked_on.date().isoformat() if r.checked_on else None,
            "source_format": r.source_format,
            "rank": self.rank,
            "score": round(self.score, 4),
            "confidence": round(self.confidence, 4),
            "level": self.level,
            "level_by_confidence": self.level_by_confidence or self.level,
            "same_claim_test": None if check is None else {
                "ceiling": check.ceiling,
                "reasons": list(check.reasons),
                "shared_names": list(check.shared_names),
                "shared_content": list(check.shared_content),
            },
            "relation": self.relation,
            "why": {
                "shared_terms": self.shared_terms,
                "similarity": round(self.similarity, 4),
                "lexical": round(self.lexical, 4),
                "text": self.why,
            },
        }


def check_match(text: str, record: FactCheckRecord, *, lang: str | None = None) -> Agreement:
    """The same-claim test of ``text`` against ``record`` (see :mod:`narratrace.factcheck._claim`).

    EUvsDisinfo's countries and keywords count as names the record is about.
    """
    aliases = [a for key in ("countries", "keywords") for a in (record.extra or {}).get(key, []) if isinstance(a, str)]
    return agreement(claim_shape(text, lang), claim_shape(record.claim, record.language), aliases=aliases)


def _to_match(
    hit: Hit, rank: int, record: FactCheckRecord, claim_date: datetime | date | None, text: str, lang: str | None
) -> Match:
    by_confidence = level_of(hit.confidence)
    # the test only matters for matches that would be shown (and it parses text)
    check = check_match(text, record, lang=lang) if by_confidence != "related" else None
    return Match(
        record=record,
        rank=rank,
        score=hit.score,
        confidence=hit.confidence,
        level=check.cap(by_confidence) if check is not None else by_confidence,
        relation=relation_of(claim_date, record.checked_on),
        shared_terms=hit.shared_terms,
        similarity=hit.features.get("cos_max", 0.0),
        lexical=hit.features.get("bm25_all", 0.0),
        level_by_confidence=by_confidence,
        check=check,
    )


def _matches(
    texts: Sequence[str],
    hits: list[list[Hit]],
    records: dict[str, FactCheckRecord],
    claim_date: datetime | date | None,
    langs: Sequence[str | None] | None,
) -> list[list[Match]]:
    langs = list(langs) if langs is not None else [None] * len(texts)
    return [
        [_to_match(h, i + 1, records[h.record_id], claim_date, text, lang) for i, h in enumerate(hs) if h.record_id in records]
        for text, lang, hs in zip(texts, langs, hits, strict=True)
    ]


def match_with_index(
    index: FactCheckIndex,
    records: dict[str, FactCheckRecord],
    texts: Sequence[str],
    *,
    k: int = 5,
    claim_date: datetime | date | None = None,
    langs: Sequence[str | None] | None = None,
) -> list[list[Match]]:
    """Match ``texts`` against an index whose records are given by id.

    ``langs`` gives each text's language for the same-claim test (detected if ``None``).
    """
    if not texts or not len(index):
        return [[] for _ in texts]
    return _matches(texts, index.search(list(texts), k=k), records, claim_date, langs)


def match_claims(
    engine: Engine,
    url: str,
    texts: Sequence[str],
    *,
    k: int = 5,
    claim_date: datetime | date | None = None,
    langs: Sequence[str | None] | None = None,
) -> list[list[Match]]:
    """Match each text against the fact-checks stored in the database at ``url``.

    Returns one list of :class:`Match` per text, best first (empty if the database
    holds no fact-checks). ``langs``: each text's language (detected if ``None``).
    """
    from narratrace.factcheck.store import get_records, open_index

    index = open_index(engine, url)
    if not len(index) or not texts:
        return [[] for _ in texts]
    hits = index.search(list(texts), k=k)
    ids = sorted({h.record_id for hs in hits for h in hs})
    records = {r.record_id: r for r in get_records(engine, ids)}
    return _matches(texts, hits, records, claim_date, langs)

