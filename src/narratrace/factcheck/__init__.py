"""Fact-check databases and claim matching.

Import ClaimReview / Fact Check Tools JSON, EUvsDisinfo CSV and CheckThat vclaims JSONL
into the store, export ClaimReview JSON-LD, and match claims (in any language)
against the stored fact-checks with a hybrid BM25 + e5 index and a learned re-ranker.

Examples
--------
>>> from narratrace.factcheck import level_of
>>> level_of(0.99)
'same_claim'
"""

import logging

from narratrace.factcheck._index import FactCheckIndex, Hit, Reranker
from narratrace.factcheck._records import FactCheckRecord
from narratrace.factcheck.importers import (
    Problem,
    detect_format,
    read_records,
    to_claimreview,
    write_claimreview,
)
from narratrace.factcheck.matcher import (
    SAME_CLAIM_THRESHOLD,
    SUGGESTED_THRESHOLD,
    Match,
    level_of,
    match_claims,
    match_with_index,
    relation_of,
)
from narratrace.factcheck.retrieval import build_index

__all__ = [
    "SAME_CLAIM_THRESHOLD",
    "SUGGESTED_THRESHOLD",
    "FactCheckIndex",
    "FactCheckRecord",
    "Hit",
    "Match",
    "Problem",
    "Reranker",
    "build_index",
    "detect_format",
    "level_of",
    "match_claims",
    "match_with_index",
    "read_records",
    "relation_of",
    "to_claimreview",
    "write_claimreview",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
