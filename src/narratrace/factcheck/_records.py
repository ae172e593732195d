"""The fact-check record: one checked claim with its verdict, publisher and dates."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from narratrace.dates import as_utc

__all__ = ["TEXT_FIELDS", "FactCheckRecord", "as_utc"]

#: Fields of a record that retrieval indexes, in the order the dense vectors are stored.
TEXT_FIELDS: tuple[str, ...] = ("claim", "title", "summary")


@dataclass(slots=True)
class FactCheckRecord:
    """One fact-check or debunk record, whatever database it came from.

    Parameters
    ----------
    record_id:
        Stable id: the source's own id (``vclaim_id``) or the review URL.
    claim:
        The claim that was checked (ClaimReview ``claimReviewed``, EUvsDisinfo title).
    source_format:
        ``claimreview``, ``euvsdisinfo`` or ``vclaims``.
    claim_date, review_date:
        When the claim was made and when the check was published (aware UTC).

    Examples
    --------
    >>> r = FactCheckRecord("x1", "The moon is made of cheese.", "claimreview", verdict="False")
    >>> len(r.content_hash())
    64
    """

    record_id: str
    claim: str
    source_format: str
    title: str | None = None
    summary: str | None = None
    claimant: str | None = None
    claim_date: datetime | None = None
    review_date: datetime | None = None
    verdict: str | None = None
    publisher: str | None = None
    publisher_site: str | None = None
    url: str | None = None
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def content_hash(self) -> str:
        """SHA-256 over every field: re-importing an unchanged record is a no-op."""
        payload = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def text_fields(self) -> dict[str, str]:
        """The indexed texts; a missing title or summary is the empty string."""
        return {"claim": self.claim or "", "title": self.title or "", "summary": self.summary or ""}

    @property
    def checked_on(self) -> datetime | None:
        """The date the check was published, else the date of the claim."""
        return self.review_date or self.claim_date
