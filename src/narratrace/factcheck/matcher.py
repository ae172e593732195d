"""Match claims against the fact-check database: ranked, thresholded, dated, explained.

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

from narratrace.factcheck._index import FactCheckIndex, Hit
from narratrace.factcheck._records import FactCheckRecord, as_utc

#: Confidence at or above which a match is reported as the *same claim*. Chosen on the
#: CheckThat 2022 dev queries (never dev-test) by ``narratrace train claim-reranker``:
#: each query contributes its gold fact-check (a positive) and the best other record (a
#: negative: what would be shown had the claim never been checked); this is the lowest
#: confidence at which >= 95% of the pooled matches above it are right (printed 0.390).
SAME_CLAIM_THRESHOLD = 0.39
#: Confidence at or above which a match is *suggested* for a person to confirm: the
#: lowest confidence at which >= 80% of that pool above it is right (printed 0.282).
SUGGESTED_THRESHOLD = 0.28
LEVELS = ("same_claim", "suggested", "related")


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


@dataclass
class Match:
    """A fact-check record matched to a claim, with the evidence of why."""

    record: FactCheckRecord
    rank: int
    score: float
    confidence: float
    level: str
    relation: str
    shared_terms: list[str]
    similarity: float
    lexical: float

    @property
    def why(self) -> str:
        """One readable line: shared terms and similarity."""
        terms = ", ".join(self.shared_terms[:8]) if self.shared_terms else "none (matched by meaning)"
        return f"shared terms: {terms}; similarity {self.similarity:.2f}; lexical score {self.lexical:.2f}"

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        return {
            "record_id": r.record_id,
            "claim": r.claim,
            "title": r.title,
            "verdict": r.verdict,
            "publisher": r.publisher,
            "url": r.url,
            "language": r.language,
            "checked_on": r.checked_on.date().isoformat() if r.checked_on else None,
            "source_format": r.source_format,
            "rank": self.rank,
            "score": round(self.score, 4),
            "confidence": round(self.confidence, 4),
            "level": self.level,
            "relation": self.relation,
            "why": {
                "shared_terms": self.shared_terms,
                "similarity": round(self.similarity, 4),
                "lexical": round(self.lexical, 4),
                "text": self.why,
            },
        }


def _to_match(hit: Hit, rank: int, record: FactCheckRecord, claim_date: datetime | date | None) -> Match:
    return Match(
        record=record,
        rank=rank,
        score=hit.score,
        confidence=hit.confidence,
        level=level_of(hit.confidence),
        relation=relation_of(claim_date, record.checked_on),
        shared_terms=hit.shared_terms,
        similarity=hit.features.get("cos_max", 0.0),
        lexical=hit.features.get("bm25_all", 0.0),
    )


def match_with_index(
    index: FactCheckIndex,
    records: dict[str, FactCheckRecord],
    texts: Sequence[str],
    *,
    k: int = 5,
    claim_date: datetime | date | None = None,
) -> list[list[Match]]:
    """Match ``texts`` against an index whose records are given by id."""
    if not texts or not len(index):
        return [[] for _ in texts]
    out = []
    for hits in index.search(list(texts), k=k):
        out.append([_to_match(h, i + 1, records[h.record_id], claim_date) for i, h in enumerate(hits) if h.record_id in records])
    return out


def match_claims(
    engine: Engine,
    url: str,
    texts: Sequence[str],
    *,
    k: int = 5,
    claim_date: datetime | date | None = None,
) -> list[list[Match]]:
    """Match each text against the fact-checks stored in the database at ``url``.

    Returns one list of :class:`Match` per text, best first (empty if the database
    holds no fact-checks).
    """
    from narratrace.factcheck.store import get_records, open_index

    index = open_index(engine, url)
    if not len(index) or not texts:
        return [[] for _ in texts]
    hits = index.search(list(texts), k=k)
    ids = sorted({h.record_id for hs in hits for h in hs})
    records = {r.record_id: r for r in get_records(engine, ids)}
    return [
        [_to_match(h, i + 1, records[h.record_id], claim_date) for i, h in enumerate(hs) if h.record_id in records]
        for hs in hits
    ]

