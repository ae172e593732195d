"""JSON and JSONL article records: ``id, url, title, text, published, outlet, lang``.

Other fields are kept in ``Article.metadata``. A few common aliases are accepted
(``content``/``body`` for ``text``, ``date`` for ``published``, ``source``/``site`` for
``outlet``, ``language`` for ``lang``, ``author``/``authors``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from narratrace.config import settings
from narratrace.errors import InvalidRecordError, MalformedInputError
from narratrace.ingest.dates import parse_date
from narratrace.ingest.decode import clean_text
from narratrace.ingest.plaintext import picture_credits
from narratrace.model import Article

ALIASES = {
    "text": ("text", "content", "body", "article", "maintext"),
    "published": ("published", "date", "published_at", "pubdate", "datetime", "date_publish"),
    "outlet": ("outlet", "source", "site", "sitename", "publisher", "domain"),
    "lang": ("lang", "language"),
    "title": ("title", "headline"),
    "url": ("url", "link", "canonical_url"),
    "id": ("id", "article_id", "doc_id", "_id"),
}
_KNOWN = {alias for names in ALIASES.values() for alias in names} | {"author", "authors"}


# Field caps: a record over them is normalised (cut or dropped, with a note), never refused,
# except the text. Real titles stay below 300 characters, outlets below 100, URLs below
# 2,000 (the practical browser limit); ids are hashes, slugs or URLs.
MAX_TITLE_CHARS = 1000
MAX_OUTLET_CHARS = 300
MAX_URL_CHARS = 2048
MAX_ID_CHARS = 512
MAX_AUTHORS = 100
MAX_AUTHOR_CHARS = 200
# Metadata nested deeper than this is cut (JSON itself allows ~1000 levels).
MAX_METADATA_DEPTH = 32
# Publication dates outside these years are typos or placeholder values (0, 1970 from
# `true`, 9999-12-31) and are dropped with a note.
MIN_YEAR, MAX_YEAR = 1900, 2100
# Epoch numbers above this are milliseconds (1e11 s is the year 5138).
EPOCH_MS_ABOVE = 1e11
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")


def _json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages that must not echo the value."""
    if isinstance(value, bool):
        return "boolean"
    return {int: "number", float: "number", str: "string", list: "array", dict: "object"}.get(type(value), "null")


def _pick(record: dict, field: str) -> tuple[str | None, Any]:
    for key in ALIASES[field]:
        if record.get(key) not in (None, ""):
            return key, record[key]
    return None, None


class _Validator:
    """Checks the fields of one record, collecting a note for each value normalised or dropped."""

    def __init__(self, record: dict, where: str) -> None:
        self.record = record
        self.where = where
        self.notes: list[str] = []

    def note(self, message: str) -> None:
        self.notes.append(f"{self.where}: {message}")

    def string(self, field: str, *, limit: int, numbers: bool = True) -> str | None:
        """A short string field: numbers become strings, other types are dropped, long ones cut."""
        key, value = _pick(self.record, field)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and numbers:
            value = str(value)
        if not isinstance(value, str):
            self.note(f"'{key}' is a JSON {_json_type(value)}, expected a string (ignored)")
            return None
        value, changed = clean_text(" ".join(value.split()))
        if changed:
            self.note(f"'{key}': {changed} control or invalid character(s) removed")
        if len(value) > limit:
            self.note(f"'{key}' is {len(value)} characters long, cut at {limit}")
            value = value[: limit - 1] + "…"
        return value or None

    def text(self) -> str:
        key, value = _pick(self.record, "text")
        if value is None:
            raise InvalidRecordError(f"{self.where} has no 'text' (or 'content'/'body') string")
        if not isinstance(value, str):
            raise InvalidRecordError(f"{self.where}: '{key}' is a JSON {_json_type(value)}, expected the article text as a string")
        limit = settings().max_input_bytes
        if len(value) > limit:
            raise InvalidRecordError(f"{self.where}: '{key}' is {len(value)} characters, above the limit of {limit}")
        text, changed = clean_text(value)
        if changed:
            self.note(f"{changed} control or invalid character(s) removed from the text")
        if not text.strip():
            raise InvalidRecordError(f"{self.where}: '{key}' is blank")
        return text

    def url(self) -> str | None:
        url = self.string("url", limit=MAX_URL_CHARS * 2, numbers=False)
        if url is not None and (len(url) > MAX_URL_CHARS or " " in url):
            self.note(f"'url' is not a usable URL ({len(url)} characters{', with spaces' if ' ' in url else ''}; ignored)")
            return None
        return url

    def identifier(self) -> str | None:
        value = self.string("id", limit=MAX_ID_CHARS * 2)
        if value is not None and len(value) > MAX_ID_CHARS:
            self.note(f"'id' is longer than {MAX_ID_CHARS} characters (ignored; an id is derived)")
            return None
        return value

    def lang(self) -> str | None:
        value = self.string("lang", limit=64, numbers=False)
        if value is not None and not LANG_TAG.match(value):
            self.note("'lang' is not a language code such as 'en' or 'pt-BR' (ignored)")
            return None
        return value.lower()[:8] if value else None

    def published(self) -> datetime | None:
        key, value = _pick(self.record, "published")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.note(f"'{key}' is a JSON {_json_type(value)}, not a date (ignored)")
            return None
        if isinstance(value, int | float) and abs(value) > EPOCH_MS_ABOVE:
            value = value / 1000
            self.note(f"'{key}' read as milliseconds since 1970")
        parsed = parse_date(value)
        if parsed is None:
            self.note(f"'{key}' is not a date it can read (ignored)")
        elif not MIN_YEAR <= parsed.year <= MAX_YEAR:
            self.note(f"'{key}' is in the year {parsed.year}, outside {MIN_YEAR}-{MAX_YEAR} (ignored)")
            parsed = None
        return parsed

    def authors(self) -> list[str]:
        value = self.record.get("authors") or self.record.get("author") or []
        if isinstance(value, str):
            value = value.replace(" and ", ";").split(";")
        if not isinstance(value, list):
            self.note(f"'authors' is a JSON {_json_type(value)}, expected a string or a list (ignored)")
            return []
        names = [clean_text(" ".join(str(a).split()))[0][:MAX_AUTHOR_CHARS] for a in value
                 if isinstance(a, str | int | float) and not isinstance(a, bool)]
        names = [n for n in names if n]
        if len(names) < len(value) and any(not isinstance(a, str) for a in value):
            self.note("'authors' entries that are not strings were ignored")
        if len(names) > MAX_AUTHORS:
            self.note(f"{len(names)} authors, kept the first {MAX_AUTHORS}")
        return names[:MAX_AUTHORS]

    def metadata(self) -> dict[str, Any]:
        cleaned = {}
        for key, value in self.record.items():
            if key not in _KNOWN:
                cleaned[clean_text(key)[0]] = self._clean_json(value, 1)
        return cleaned

    def _clean_json(self, value: Any, depth: int) -> Any:
        if depth > MAX_METADATA_DEPTH:
            self.note(f"metadata nested deeper than {MAX_METADATA_DEPTH} levels was cut")
            return None
        if isinstance(value, str):
            return clean_text(value)[0]
        if isinstance(value, list):
            return [self._clean_json(v, depth + 1) for v in value]
        if isinstance(value, dict):
            return {clean_text(str(k))[0]: self._clean_json(v, depth + 1) for k, v in value.items()}
        if isinstance(value, float) and not math.isfinite(value):
            return None  # NaN/Infinity are not JSON; PostgreSQL refuses them
        return value


def record_to_article(record: Any, *, source_path: str | None = None, where: str = "record") -> Article:
    """One JSON object to an :class:`Article`, validating every field at the edge.

    A field of the wrong type or size is dropped or cut, with a note in ``Article.notes``
    (``"published": true`` is not a date, ``"url": 42`` is not a URL); a record without a
    usable text is refused with :class:`~narratrace.errors.InvalidRecordError`. Messages
    name fields and types, never their values.

    >>> record_to_article({"id": "a1", "text": "Hello.", "outlet": "Daily X", "topic": "t"}).metadata
    {'topic': 't'}
    >>> record_to_article({"text": "Hello.", "published": True}).published is None
    True
    """
    if not isinstance(record, dict):
        raise InvalidRecordError(f"{where} is a JSON {_json_type(record)}, expected an object with a 'text' field")
    check = _Validator(record, where)
    text = check.text()
    article = Article(
        text=text,
        id=check.identifier() or "",
        title=check.string("title", limit=MAX_TITLE_CHARS),
        url=check.url(),
        outlet=check.string("outlet", limit=MAX_OUTLET_CHARS),
        authors=check.authors(),
        published=check.published(),
        lang=check.lang(),
        images=picture_credits(text),
        metadata=check.metadata(),
        source_path=source_path,
        source_format="json",
    )
    article.notes.extend(check.notes)
    return article


Item = tuple[int, Article | MalformedInputError]


def _loads(text: str) -> Any:
    """``json.loads`` with every failure as a :class:`MalformedInputError` that quotes no input."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedInputError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise MalformedInputError("JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise MalformedInputError(f"invalid JSON value ({str(exc).split('(')[0].strip()})") from None


def _convert(number: int, record: Any, where: str, source_path: str | None) -> Item:
    try:
        return number, record_to_article(record, source_path=source_path, where=where)
    except MalformedInputError as exc:
        return number, exc


def iter_json(text: str, *, source_path: str | None = None) -> Iterator[Item]:
    """``(record number, Article or error)`` for a JSON file holding one record, a list, or ``{"articles": [...]}``.

    A broken record is yielded as its error and the others still load; a file that is not
    JSON at all raises :class:`MalformedInputError`.
    """
    data = _loads(text)
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records, start=1):
        yield _convert(i, record, f"record {i}", source_path)


def iter_jsonl(text: str, *, source_path: str | None = None) -> Iterator[Item]:
    """``(line number, Article or error)`` per non-blank line: a broken line does not stop the rest."""
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = _loads(line)
        except MalformedInputError as exc:
            yield lineno, MalformedInputError(f"line {lineno}: {exc.args[0]}")
            continue
        yield _convert(lineno, record, f"line {lineno}", source_path)


def parse_json(text: str, *, source_path: str | None = None) -> list[Article]:
    """The articles of a JSON file; raises the first record's error when none is usable."""
    items = [item for _, item in iter_json(text, source_path=source_path)]
    return usable_articles(items, "JSON file has no records")


def usable_articles(items: list, empty: str) -> list[Article]:
    """The articles among ``items``; when there is none, raise the first error (or ``empty``)."""
    articles = [a for a in items if isinstance(a, Article)]
    if not articles:
        errors = [e for e in items if not isinstance(e, Article)]
        raise errors[0] if errors else MalformedInputError(empty)
    return articles
