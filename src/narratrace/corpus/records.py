"""The records narratives are made of: claim mentions, dated events, narratives.

A :class:`Mention` is one claim in one article as the per-article pipeline found it; an
:class:`Event` is a dated stance of an article toward a narrative's claim (asserted,
denied, questioned, confirmed, retracted, corrected, fact_checked), pointing at its
article and span, with the party that took it; a :class:`Narrative` is one claim family
with its sub-claims, mentions and events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from narratrace.ingest.dates import as_utc as _aware
from narratrace.model import Article

STANCE_TO_EVENT = {
    "asserts": "asserted",
    "reports": "asserted",
    "denies": "denied",
    "questions": "questioned",
    "confirms": "confirmed",
    "retracts": "retracted",
    "corrects": "corrected",
}
EVENT_TYPES = ("asserted", "denied", "questioned", "confirmed", "retracted", "corrected", "fact_checked")
# How decisive an event type is for an article's one stance toward a claim (an article
# that reports a claim and its denial has denied-type weight; see :func:`article_stance`).
DECISIVENESS = ("retracted", "corrected", "confirmed", "denied", "questioned", "asserted")


@dataclass(slots=True)
class Mention:
    """One claim in one article, as narrative grouping sees it.

    ``source`` is the name of who said it, ``source_text`` the full source span ("Dravian
    foreign ministry spokeswoman Lina Varo"), ``context`` the sentence around the claim.
    """

    article: str
    text: str
    stance: str = "asserts"
    published: datetime | date | None = None
    outlet: str | None = None
    lang: str | None = None
    source: str | None = None
    start: int = 0
    end: int = 0
    key_text: str = ""
    entities: list[str] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)
    copy_of: str | None = None  # canonical article when this article is a duplicate/wire copy
    story: str | None = None
    source_text: str | None = None
    context: str = ""
    actor: str | None = None  # the normalised party (see narratrace.corpus.parties)
    actor_kind: str | None = None

    def __post_init__(self) -> None:
        if not self.key_text:
            self.key_text = self.text
        if not self.context:
            self.context = self.text
        self.published = _aware(self.published)
        if not self.end:
            self.end = self.start + len(self.text)


@dataclass(slots=True)
class Event:
    """A dated stance of an article toward a narrative's claim, with its span and party."""

    date: datetime | None
    type: str
    article: str
    source: str | None
    outlet: str | None = None
    lang: str | None = None
    start: int = 0
    end: int = 0
    text: str = ""
    stance: str | None = None
    verdict: str | None = None
    copy_of: str | None = None
    actor: str | None = None  # the normalised party (see narratrace.corpus.parties)
    actor_kind: str | None = None
    context: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "type": self.type,
            "article": self.article,
            "actor": self.actor,
            "actor_kind": self.actor_kind,
            "source": self.source,
            "outlet": self.outlet,
            "lang": self.lang,
            "span": [self.start, self.end],
            "text": self.text,
            "stance": self.stance,
            "verdict": self.verdict,
            "copy_of": self.copy_of,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        """The inverse of :meth:`to_dict` (stored narratives re-judged ``--as-of`` a date)."""
        span = d.get("span") or [0, 0]
        when = _aware(datetime.fromisoformat(d["date"])) if d.get("date") else None
        return cls(when, d["type"], d["article"], d.get("source"), d.get("outlet"), d.get("lang"), int(span[0]), int(span[1]),
                   d.get("text") or "", d.get("stance"), d.get("verdict"), d.get("copy_of"), d.get("actor"), d.get("actor_kind"))


@dataclass(slots=True)
class Narrative:
    """One claim family: its claim, sub-claims (variants), mentions and date-ordered events."""

    id: str
    claim: str
    mentions: list[Mention]
    events: list[Event]
    sub_claims: list[dict[str, Any]] = field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(m.article for m in self.mentions))


def article_name(article: Article) -> str:
    """How an article is named in output: its ingest id, else its URL."""
    return article.id or article.url or article.content_hash[:32]


def event_order(e: Event) -> tuple:
    """Sort key of events: date, then type (assertion before reactions), article, offset."""
    return (e.date or datetime.max.replace(tzinfo=UTC), EVENT_TYPES.index(e.type) if e.type in EVENT_TYPES else 99, e.article, e.start)


def article_stance(events: list[Event], article: str) -> str | None:
    """The most decisive event type of ``article`` among ``events`` (None when it has none).

    >>> ev = [Event(None, "asserted", "a", "X"), Event(None, "denied", "a", "Y")]
    >>> article_stance(ev, "a")
    'denied'
    """
    types = {e.type for e in events if e.article == article and e.type in DECISIVENESS}
    return next((t for t in DECISIVENESS if t in types), None)


def publisher_voice(e: Event) -> bool:
    """True when the event speaks as its own outlet (no other source, or the outlet named).

    >>> publisher_voice(Event(None, "retracted", "a", "Morning Ledger", "Morning Ledger"))
    True
    >>> publisher_voice(Event(None, "retracted", "a", "the Sarnian army", "Nordwire"))
    False
    """
    if not e.source:
        return True
    return bool(e.outlet) and (e.outlet.casefold() in e.source.casefold() or e.source.casefold() in e.outlet.casefold())
