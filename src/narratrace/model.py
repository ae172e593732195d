"""The document model: an :class:`Article` and the :class:`Analysis` built on it.

Every annotation is a half-open character span ``[start, end)`` into
``Article.text``; the text is never rewritten after ingest. Records are plain
dataclasses so that they serialise to JSON with :func:`to_jsonable` and back with
:func:`analysis_from_jsonable` (the store keeps analyses in that form).

Examples
--------
>>> art = Article(text="Officials reportedly denied it.")
>>> art.content_hash[:8]
'1f9f3782'
>>> Span(0, 9, "ORG").slice(art.text)
'Officials'
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum, StrEnum
from functools import cache
from typing import Any

from narratrace.urls import url_id


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled character span ``[start, end)`` into an article's text."""

    start: int
    end: int
    label: str = ""

    def slice(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(slots=True)
class ImageRef:
    """A picture the article shows or credits.

    ``start``/``end`` locate the credit line or caption in the text when the
    picture is known only from text (``(Screenshot:NYT)``); they are ``None``
    for images that came from HTML markup without a textual trace.
    """

    src: str | None = None
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    kind: str = "photo"  # photo, screenshot, video, image
    start: int | None = None
    end: int | None = None


@dataclass(slots=True)
class Article:
    """One news article as ingested: immutable text plus metadata.

    ``id`` is the id the article was ingested with, else a UUID derived from its
    canonical URL (:func:`narratrace.urls.url_id`: tracking parameters, ``www.``,
    ``http``/``https`` do not change it), else from its content hash (deterministic in
    all cases).
    """

    text: str
    id: str = ""
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | date | None = None
    lang: str | None = None  # declared by the source; detected language is in Analysis
    images: list[ImageRef] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    source_path: str | None = None
    source_format: str | None = None  # text, html, json, jsonl, feed
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)  # e.g. "decoded as cp1251 (legacy encoding)"

    def __post_init__(self) -> None:
        if not self.id:
            if self.url:
                self.id = url_id(self.url)
            else:
                self.id = self.content_hash[:32]

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text: the store's idempotency key."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Paragraph:
    start: int
    end: int
    lang: str | None = None
    lang_confidence: float = 0.0
    furniture: bool = False  # page furniture (navigation, share prompts, bylines, CSS): marked, never analysed


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int = 0
    lang: str | None = None
    checkworthiness: float | None = None


@dataclass(slots=True)
class Entity:
    start: int
    end: int
    label: str  # PERSON, ORG, GPE, NORP, DATE, ...
    text: str


class SourceKind(StrEnum):
    OUTLET = "outlet"
    AGENCY = "agency"
    GOVERNMENT = "government"
    ORGANIZATION = "organization"
    PERSON = "person"
    GROUP = "group"  # a people or party named collectively ("the Ukrainians")
    ANONYMOUS = "anonymous"
    OTHER = "other"


@dataclass(slots=True)
class Source:
    """An outlet, agency, government or person the article cites or names as a source."""

    name: str
    kind: str = SourceKind.OTHER.value
    mentions: list[Span] = field(default_factory=list)
    cited: bool = False  # True when at least one mention introduces a statement or a picture
    reasons: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Quote:
    """A direct quotation, with its speaker when the text makes it clear."""

    start: int
    end: int
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None


@dataclass(slots=True)
class Marker:
    """A hedge or evidential marker such as "allegedly" or "without any evidence"."""

    start: int
    end: int
    kind: str  # hedge, evidential, scare_quote, no_evidence, ...
    cue: str
    lang: str
    meaning: str = ""


@dataclass(slots=True)
class Attribution:
    """Who said what: source, cue and content spans of one reported statement."""

    cue: Span
    content: Span | None = None
    source: Span | None = None
    source_name: str | None = None  # resolved antecedent when ``source`` is a pronoun or description
    source_kind: str | None = None
    anonymous: bool = False
    direct: bool = False
    stance: str = "reports"  # asserts, denies, questions, reports, confirms, retracts, corrects
    author_stance: str | None = None  # sceptical, endorsing, neutral
    author_stance_cues: list[Span] = field(default_factory=list)
    confidence: float = 1.0
    # claims area (issue 4): cue lemma for stance lookup, evidence kinds, sentence index, language
    cue_lemma: str | None = None
    evidence: list[str] = field(default_factory=list)
    sentence: int | None = None
    lang: str | None = None


@dataclass(slots=True)
class Claim:
    """A checkable statement with its attribution, evidence and normalised form."""

    start: int
    end: int
    text: str
    sentence: int | None = None
    attribution: Attribution | None = None
    evidence: list[str] = field(default_factory=list)  # none, named_official, anonymous_source, document, photo, ...
    hedges: list[Span] = field(default_factory=list)
    checkworthiness: float | None = None
    normalized: dict[str, Any] = field(default_factory=dict)  # who, action, target, where, when
    entities: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    quantities: list[str] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)  # fact-check matches


@dataclass(slots=True)
class TechniqueSpan:
    """A persuasion technique located in the text, with a reason a person can read."""

    start: int
    end: int
    technique: str
    confidence: float
    reason: str
    family: str = ""
    paragraph: int | None = None
    quoted_by: str | None = None  # inside a direct quotation: its speaker ("" when unknown); None for the author's own


@dataclass(slots=True)
class Analysis:
    """Everything the per-article pipeline found in one :class:`Article`.

    Stages fill the fields they declare in their registration; a stage that
    cannot serve the article's language records why in ``unsupported``.
    """

    article: Article
    language: str | None = None
    language_confidence: float = 0.0
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    techniques: list[TechniqueSpan] = field(default_factory=list)
    paragraph_techniques: list[list[str]] = field(default_factory=list)
    summaries: dict[str, Any] = field(default_factory=dict)  # per-stage summaries, e.g. "techniques"
    unsupported: dict[str, str] = field(default_factory=dict)  # stage name -> reason
    errors: dict[str, str] = field(default_factory=dict)  # stage name -> error that stopped it
    stages: list[str] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    # Per-process working state shared between stages (e.g. the spaCy Doc); never serialised.
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.article.text


def to_jsonable(obj: Any) -> Any:
    """Convert model objects (dataclasses, enums, dates) into JSON-ready values.

    >>> to_jsonable(Span(1, 2, "X"))
    {'start': 1, 'end': 2, 'label': 'X'}
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_jsonable(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if not f.name.startswith("_")
        }
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set):
        return [to_jsonable(v) for v in obj]
    return obj


@cache
def _analysis_adapter() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(Analysis)


def analysis_from_jsonable(data: Mapping[str, Any], *, article: Article | None = None) -> Analysis:
    """Rebuild an :class:`Analysis` from :func:`to_jsonable` output (the inverse, field for field).

    ``article`` replaces the ``"article"`` entry, for records stored without their text
    (the store keeps the article once, in its own table). Keys the model does not know
    (a report's ``schema`` and ``generator``) are ignored.

    Examples
    --------
    >>> a = Analysis(article=Article(text="It rained."), language="en", sentences=[Sentence(0, 10)])
    >>> analysis_from_jsonable(to_jsonable(a)) == a
    True
    >>> record = {k: v for k, v in to_jsonable(a).items() if k != "article"}
    >>> analysis_from_jsonable(record, article=a.article).sentences
    [Sentence(start=0, end=10, paragraph=0, lang=None, checkworthiness=None)]
    """
    payload = dict(data)
    if article is not None:
        payload["article"] = article
    return _analysis_adapter().validate_python(payload)
