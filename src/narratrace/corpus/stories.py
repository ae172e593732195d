"""Stories: time-aware, multilingual, online clustering of articles about one event.

Articles are taken in publication order. Each is compared with every open story by
:func:`narratrace.corpus.similarity.combine` over (a) the cosine between the article's
e5 embedding and the story centroid and (b) the Jaccard overlap of language-independent
name keys (names transliterated to Latin, numbers) with the story's frequent keys. It
joins the best story scoring at least :data:`STORY_THRESHOLD`, provided that story had
an article within :data:`STORY_WINDOW_DAYS`; otherwise it opens a new story. The
clusterer is *online*: :meth:`StoryClusterer.partial_fit` adds new articles to the
stories built so far, and its state round-trips through :meth:`StoryClusterer.to_state`
for the store.

Examples
--------
>>> import numpy as np
>>> v = np.eye(3, dtype=np.float32)
>>> items = [StoryItem("a", v[0], {"velor"}), StoryItem("b", v[0], {"velor"}), StoryItem("c", v[1], {"ostra"})]
>>> sc = StoryClusterer().partial_fit(items)
>>> sc.labels_["a"] == sc.labels_["b"] != sc.labels_["c"]
True
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from narratrace.corpus.similarity import combine, jaccard, name_keys
from narratrace.errors import ConfigError

# Join threshold on the combined score (1 = same story). 0.5 is the decision boundary
# of the logistic fit on semeval2022-task8 train (Overall <= 2 counted as the same
# story); see docs/corpus.md for its cross-validated precision and recall.
STORY_THRESHOLD = 0.5
# A story is closed to new articles this many days after its last article: news events
# in the SemEval-2022 pairs were published at most a few weeks apart; a later article is
# a new story (it may still belong to the same *narrative*).
STORY_WINDOW_DAYS = 30
# Keys kept per story for the name overlap: the most frequent ones, so that a long
# story does not accumulate every name it ever mentioned.
STORY_TOP_KEYS = 40
# Characters of title + text embedded per article (the lead carries the event).
EMBED_CHARS = 1500


@dataclass(slots=True)
class StoryItem:
    """One article as the clusterer sees it."""

    id: str
    vector: np.ndarray
    keys: set[str]
    published: datetime | None = None


@dataclass(slots=True)
class Story:
    id: str
    centroid_sum: np.ndarray
    key_counts: Counter = field(default_factory=Counter)
    members: list[str] = field(default_factory=list)
    first: datetime | None = None
    last: datetime | None = None

    @property
    def centroid(self) -> np.ndarray:
        n = float(np.linalg.norm(self.centroid_sum))
        return self.centroid_sum / n if n else self.centroid_sum

    def top_keys(self) -> set[str]:
        return {k for k, _ in self.key_counts.most_common(STORY_TOP_KEYS)}


def _aware(d: datetime | None) -> datetime | None:
    if d is None:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


class StoryClusterer:
    """Online clustering of articles into stories.

    Parameters
    ----------
    threshold:
        Minimum combined similarity (0-1) to join an existing story.
    window_days:
        Days after a story's last article during which it accepts new ones.

    Attributes
    ----------
    stories_ : list of Story
    labels_ : dict
        Article id -> story id.
    """

    def __init__(self, *, threshold: float = STORY_THRESHOLD, window_days: float = STORY_WINDOW_DAYS) -> None:
        self.threshold = threshold
        self.window_days = window_days
        self.stories_: list[Story] = []
        self.labels_: dict[str, str] = {}

    def _validate(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"threshold must be in (0, 1), got {self.threshold!r}")
        if self.window_days <= 0:
            raise ConfigError(f"window_days must be > 0, got {self.window_days!r}")

    def score(self, item: StoryItem, story: Story) -> float:
        cos = float(np.dot(item.vector, story.centroid))
        return combine(cos, jaccard(item.keys, story.top_keys()))

    def partial_fit(self, items: Iterable[StoryItem]) -> StoryClusterer:
        """Assign ``items`` (any order; sorted by date here) to existing or new stories."""
        self._validate()
        todo = sorted((i for i in items if i.id not in self.labels_), key=lambda i: (_aware(i.published) or datetime.max.replace(tzinfo=UTC), i.id))
        for item in todo:
            when = _aware(item.published)
            best, best_score = None, self.threshold
            for story in self.stories_:
                if when is not None and story.last is not None and (when - story.last).total_seconds() > self.window_days * 86400:
                    continue
                s = self.score(item, story)
                if s >= best_score:
                    best, best_score = story, s
            if best is None:
                sid = "S" + hashlib.sha1(item.id.encode()).hexdigest()[:10]
                best = Story(sid, np.zeros_like(item.vector, dtype=np.float32), first=when, last=when)
                self.stories_.append(best)
            best.centroid_sum = best.centroid_sum + item.vector
            best.key_counts.update(item.keys)
            best.members.append(item.id)
            if when is not None:
                best.first = min(best.first, when) if best.first else when
                best.last = max(best.last, when) if best.last else when
            self.labels_[item.id] = best.id
        return self

    def fit(self, items: Iterable[StoryItem]) -> StoryClusterer:
        self.stories_, self.labels_ = [], {}
        return self.partial_fit(items)

    # -- persistence -----------------------------------------------------------------
    def to_state(self) -> list[dict]:
        """JSON-ready state of every story (centroid as a list of floats)."""
        return [
            {
                "id": s.id,
                "centroid_sum": [float(x) for x in s.centroid_sum],
                "key_counts": dict(s.key_counts),
                "members": list(s.members),
                "first": s.first.isoformat() if s.first else None,
                "last": s.last.isoformat() if s.last else None,
            }
            for s in self.stories_
        ]

    @classmethod
    def from_state(cls, state: Sequence[dict], **params) -> StoryClusterer:
        sc = cls(**params)
        for d in state:
            s = Story(
                d["id"],
                np.asarray(d["centroid_sum"], dtype=np.float32),
                Counter(d.get("key_counts") or {}),
                list(d.get("members") or []),
                datetime.fromisoformat(d["first"]) if d.get("first") else None,
                datetime.fromisoformat(d["last"]) if d.get("last") else None,
            )
            sc.stories_.append(s)
            for m in s.members:
                sc.labels_[m] = s.id
        return sc


def story_text(title: str | None, text: str) -> str:
    """The text embedded for an article: title and the lead."""
    return ((title + "\n") if title else "") + text[:EMBED_CHARS]


def make_items(records: Sequence[tuple[str, str | None, str, datetime | None]]) -> list[StoryItem]:
    """Build :class:`StoryItem` objects from ``(id, title, text, published)`` tuples.

    Embeds with :func:`narratrace.text.embeddings.embed_passages` (cached on disk).
    """
    from narratrace.text.embeddings import embed_passages

    texts = [story_text(t, x) for _, t, x, _ in records]
    vecs = embed_passages(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    return [StoryItem(r[0], vecs[i], name_keys(texts[i]), r[3]) for i, r in enumerate(records)]


def cluster_stories(items: Iterable[StoryItem], **params) -> dict[str, str]:
    """One-call form: article id -> story id."""
    return StoryClusterer(**params).fit(items).labels_
