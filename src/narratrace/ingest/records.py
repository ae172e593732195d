"""JSON and JSONL article records: ``id, url, title, text, published, outlet, lang``.

Other fields are kept in ``Article.metadata``. A few common aliases are accepted
(``content``/``body`` for ``text``, ``date`` for ``published``, ``source``/``site`` for
``outlet``, ``language`` for ``lang``, ``author``/``authors``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from narratrace.errors import MalformedInputError
from narratrace.ingest.dates import parse_date
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


def _pick(record: dict, field: str) -> Any:
    for key in ALIASES[field]:
        if record.get(key) not in (None, ""):
            return record[key]
    return None


def record_to_article(record: Any, *, source_path: str | None = None, where: str = "record") -> Article:
    """One JSON object to an :class:`Article`.

    >>> record_to_article({"id": "a1", "text": "Hello.", "outlet": "Daily X", "topic": "t"}).metadata
    {'topic': 't'}
    """
    if not isinstance(record, dict):
        raise MalformedInputError(f"{where} is a JSON {type(record).__name__}, expected an object with a 'text' field")
    text = _pick(record, "text")
    if not isinstance(text, str) or not text.strip():
        raise MalformedInputError(f"{where} has no 'text' (or 'content'/'body') string")
    text = text.replace("\r\n", "\n").replace("\x00", "")
    authors = record.get("authors") or record.get("author") or []
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.replace(" and ", ";").split(";") if a.strip()]
    article_id = _pick(record, "id")
    lang = _pick(record, "lang")
    return Article(
        text=text,
        id=str(article_id) if article_id is not None else "",
        title=_pick(record, "title"),
        url=_pick(record, "url"),
        outlet=_pick(record, "outlet"),
        authors=[str(a) for a in authors] if isinstance(authors, list) else [],
        published=parse_date(_pick(record, "published")),
        lang=str(lang).lower()[:8] if lang else None,
        images=picture_credits(text),
        metadata={k: v for k, v in record.items() if k not in _KNOWN},
        source_path=source_path,
        source_format="json",
    )


def parse_json(text: str, *, source_path: str | None = None) -> list[Article]:
    """A JSON file holding one record, a list of records, or ``{"articles": [...]}``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedInputError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise MalformedInputError("JSON is nested too deeply") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    records = data if isinstance(data, list) else [data]
    return [record_to_article(r, source_path=source_path, where=f"record {i + 1}") for i, r in enumerate(records)]


def iter_jsonl(text: str, *, source_path: str | None = None) -> Iterator[Article | MalformedInputError]:
    """Yield an Article per line, or the error of a broken line (the rest still load)."""
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            yield MalformedInputError(f"line {lineno}: invalid JSON ({getattr(exc, 'msg', 'nested too deeply')})")
            continue
        try:
            yield record_to_article(record, source_path=source_path, where=f"line {lineno}")
        except MalformedInputError as exc:
            yield exc
