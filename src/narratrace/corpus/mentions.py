"""Claim mentions from stored analyses, and the events a mention gives a narrative.

Input is the claims the per-article pipeline found (``Analysis.claims``, each with an
``attribution.stance``), turned into :class:`~narratrace.corpus.records.Mention` records
with the sentence around the claim (what the claim-stance model reads) and the full
source span (what party normalisation reads). A fact-check article carrying a
ClaimReview in its metadata gives a ``fact_checked`` mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from narratrace.corpus.records import STANCE_TO_EVENT, Event, Mention, article_name
from narratrace.ingest.dates import as_utc as _aware
from narratrace.model import Analysis, Article, Sentence

# Claims shorter than this many characters ("It is true.") carry no content to group on.
MIN_CLAIM_CHARS = 15
# A fact-check match counts as an event only at or above this retrieval score when the
# match reports one (scores are cosine-like in [0, 1]); below, it is a weak suggestion.
FACTCHECK_MIN_SCORE = 0.5
# Without the pipeline's sentences, the context of a claim runs from the sentence end
# before it to the one after it (stored analyses always carry sentences).
_SENTENCE_END = re.compile(r"[.!?…](?=[\s\"”»)]|$)")


def _claim_source(analysis_text: str, attribution: Any) -> str | None:
    if attribution is None:
        return None
    name = getattr(attribution, "source_name", None)
    if name:
        return name
    src = getattr(attribution, "source", None)
    if src is not None:
        return analysis_text[src.start : src.end].strip() or None
    return None


def sentence_context(text: str, start: int, end: int, sentences: Sequence[Sentence] = ()) -> str:
    """The sentence(s) of ``text`` that hold ``[start, end)``.

    >>> sentence_context("One. The army denied it. Three.", 9, 23)
    'The army denied it.'
    """
    spans = [(s.start, s.end) for s in sentences if s.end > start and s.start < max(end, start + 1)]
    if spans:
        return text[min(s for s, _ in spans) : max(e for _, e in spans)].strip()
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, max(end - 1, start))
    lo = before[-1] if before else 0
    hi = after.end() if after else len(text)
    return text[lo:hi].strip()


def mentions_from_analysis(analysis: Analysis) -> list[Mention]:
    """Turn an :class:`~narratrace.model.Analysis`'s claims into mentions."""
    art = analysis.article
    out = []
    for c in analysis.claims:
        if len(c.text.strip()) < MIN_CLAIM_CHARS:
            continue
        att = c.attribution
        stance = (att.stance if att else None) or "asserts"
        norm = c.normalized or {}
        content = att.content if att is not None else None
        content_text = art.text[content.start : content.end] if content is not None and content.end > content.start else ""
        # what the claim says, without "X said that": normalised text, else the
        # attribution's content span, else the claim text
        key = norm.get("text") or norm.get("canonical") or (content_text if len(content_text) >= MIN_CLAIM_CHARS else c.text)
        source_text = art.text[att.source.start : att.source.end].strip() if att is not None and att.source is not None else None
        lo = min(c.start, att.source.start) if att is not None and att.source is not None else c.start
        hi = max(c.end, att.source.end) if att is not None and att.source is not None else c.end
        out.append(
            Mention(
                article=article_name(art),
                text=c.text,
                stance=stance,
                published=art.published,
                outlet=art.outlet,
                lang=analysis.language or art.lang,
                source=_claim_source(art.text, att),
                start=c.start,
                end=c.end,
                key_text=str(key),
                entities=list(c.entities),
                matches=list(c.matches),
                source_text=source_text,
                context=sentence_context(art.text, lo, hi, analysis.sentences),
            )
        )
    out.extend(_metadata_review(art))
    return out


def _metadata_review(art: Article) -> list[Mention]:
    """A fact-check article carrying a ClaimReview in its metadata is a fact_checked mention.

    Recognised keys: ``claim_review`` (or ``claimReview``) with ``claimReviewed`` /
    ``claim`` and ``reviewRating.alternateName`` / ``verdict``.
    """
    review = art.metadata.get("claim_review") or art.metadata.get("claimReview")
    if not isinstance(review, dict):
        return []
    claim = str(review.get("claimReviewed") or review.get("claim") or "").strip()
    rating = review.get("reviewRating") or {}
    verdict = review.get("verdict") or (rating.get("alternateName") if isinstance(rating, dict) else None)
    if not claim or not verdict:
        return []
    pos = art.text.find(claim)
    return [
        Mention(
            article=article_name(art),
            text=claim,
            stance="fact_check",
            published=art.published,
            outlet=art.outlet,
            lang=art.lang,
            source=str(review.get("author") or art.outlet or ""),
            start=max(pos, 0),
            end=max(pos, 0) + len(claim) if pos >= 0 else 0,
            matches=[{"verdict": str(verdict), "source": review.get("author") or art.outlet, "date": None, "score": 1.0,
                      "published_review": True}],
        )
    ]


def events_of(m: Mention) -> list[Event]:
    """The events one mention gives its narrative: its stance, and fact-check verdicts."""
    events = []
    etype = STANCE_TO_EVENT.get(m.stance)
    if etype:
        events.append(Event(m.published, etype, m.article, m.source or m.outlet, m.outlet, m.lang, m.start, m.end, m.text,
                            m.stance, None, m.copy_of, m.actor, m.actor_kind, m.context))
    for match in m.matches:
        verdict = match.get("verdict") or match.get("rating")
        score = match.get("score")
        if not verdict or (isinstance(score, int | float) and score < FACTCHECK_MIN_SCORE):
            continue
        when = match.get("date")
        when_dt = None
        if when:
            try:
                when_dt = _aware(datetime.fromisoformat(str(when)))
            except ValueError:
                when_dt = None
        # A fact-check is known to the corpus from the article citing/matching it; it
        # is dated by the review's own date when known and never after the mention.
        date_ = when_dt if when_dt and (m.published is None or when_dt <= m.published) else m.published
        # a review published in the corpus speaks as its publisher; a database match
        # speaks as the database it came from
        kind = "published_review" if match.get("published_review") else "database"
        events.append(
            Event(date_, "fact_checked", m.article, str(match.get("source") or match.get("publisher") or match.get("author") or m.outlet or ""),
                  m.outlet, m.lang, m.start, m.end, m.text, kind, str(verdict), m.copy_of, context=m.context)
        )
    return events


def mark_copies(mentions: Iterable[Mention], copies: dict[str, str]) -> None:
    """Set ``copy_of`` on mentions whose article is a non-canonical duplicate."""
    for m in mentions:
        canon = copies.get(m.article)
        m.copy_of = canon if canon and canon != m.article else None
