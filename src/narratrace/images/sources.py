"""Pictures and dates from every input format: JSON/JSONL records, feeds, page metadata.

- **Records** may list pictures: ``"images": [{"src"|"path"|"url": ..., "caption", "credit",
  "alt"}]`` (or plain strings). Paths are resolved relative to the record file and must stay
  inside its folder; URLs are kept as references and fetched only with ``--fetch-images``.
- **Feeds**: ``media:content`` (pictures only), ``media:thumbnail`` and ``enclosure``
  links of an ``image/*`` type (:func:`feed_entry_pictures`, called by the feed reader).
- **Pages**: the publication date from the page's own metadata
  (``article:published_time`` and similar ``meta`` tags, ``itemprop="datePublished"``,
  JSON-LD ``datePublished``) before any heuristic on the text (:func:`published_from_html`).

Examples
--------
>>> published_from_html('<meta property="article:published_time" content="2024-02-17T08:00:00Z">').isoformat()
'2024-02-17T08:00:00+00:00'
>>> [r.src for r in record_picture_refs({"images": [{"path": "a.jpg", "caption": "x"}, "b.png", 7]})]
['a.jpg', 'b.png']
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from narratrace.model import ImageRef

logger = logging.getLogger(__name__)

# Record fields that may list pictures, and the keys of a picture's location, in order.
RECORD_IMAGE_FIELDS = ("images", "pictures", "photos", "media")
SRC_KEYS = ("src", "path", "url", "file", "href")
# At most this many pictures are read from one record or one feed entry.
MAX_PICTURES = 50
# Meta tags naming the publication date, most specific first (Open Graph article, Dublin
# Core, Parsely, sailthru, generic); JSON-LD and microdata are read after them.
DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "dc.date.issued", "dcterms.issued",
    "parsely-pub-date", "sailthru.date", "pubdate", "publishdate", "publish-date", "date",
)


def _str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())[:1000]
    return None


def record_picture_refs(metadata: Mapping[str, Any]) -> list[ImageRef]:
    """Pictures a record lists (``images``/``pictures``/``photos``/``media`` field)."""
    refs: list[ImageRef] = []
    for field in RECORD_IMAGE_FIELDS:
        value = metadata.get(field)
        if isinstance(value, dict | str):
            value = [value]
        if not isinstance(value, list):
            continue
        for entry in value[:MAX_PICTURES]:
            if isinstance(entry, str):
                entry = {"src": entry}
            if not isinstance(entry, dict):
                continue
            src = next((s for k in SRC_KEYS if (s := _str(entry.get(k)))), None)
            if src is None:
                continue
            refs.append(ImageRef(src=src, alt=_str(entry.get("alt")), caption=_str(entry.get("caption")),
                                 credit=_str(entry.get("credit")), kind=_str(entry.get("kind")) or "image"))
    return refs[:MAX_PICTURES]


def resolve_record_path(src: str, source_path: str | Path | None) -> Path | None:
    """The local file a record's picture names: relative to the record file, inside its folder.

    URLs, absolute paths and paths leaving the folder give ``None``.
    """
    if not source_path or urlsplit(src).scheme or src.startswith(("/", "\\")):
        return None
    root = Path(source_path).parent.resolve()
    try:
        path = (root / unquote(src)).resolve()
    except OSError:
        return None
    return path if path.is_file() and path.is_relative_to(root) else None


def feed_entry_pictures(entry: Mapping[str, Any]) -> list[ImageRef]:
    """Pictures of a feedparser entry: ``media:content`` pictures, ``media:thumbnail``, image enclosures."""
    refs: list[ImageRef] = []
    seen: set[str] = set()

    def add(url: Any, kind: str, caption: Any = None) -> None:
        if isinstance(url, str) and url.strip() and url not in seen and len(refs) < MAX_PICTURES:
            seen.add(url)
            refs.append(ImageRef(src=url.strip(), kind=kind, caption=_str(caption)))

    for m in entry.get("media_content", []) or []:
        medium, mime = str(m.get("medium", "")), str(m.get("type", ""))
        if medium == "image" or mime.startswith("image/") or (not medium and not mime):
            add(m.get("url"), "image")
    for t in entry.get("media_thumbnail", []) or []:
        add(t.get("url"), "thumbnail")
    for link in entry.get("links", []) or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            add(link.get("href"), "image")
    return refs


def _jsonld_dates(node: Any, depth: int = 0) -> Iterable[str]:
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node:
            yield from _jsonld_dates(item, depth + 1)
    elif isinstance(node, dict):
        value = node.get("datePublished")
        if isinstance(value, str):
            yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in node:
                yield from _jsonld_dates(node[key], depth + 1)


def published_from_html(html: str) -> datetime | None:
    """The publication date a page states in its metadata (UTC), or ``None``.

    >>> published_from_html('<script type="application/ld+json">{"@graph": '
    ...                      '[{"@type": "NewsArticle", "datePublished": "2023-05-01"}]}</script>').date()
    datetime.date(2023, 5, 1)
    """
    import lxml.html

    from narratrace.ingest.dates import parse_date

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content and key not in metas:
            metas[key] = content
    candidates = [metas[k] for k in DATE_META if k in metas]
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            candidates.extend(_jsonld_dates(json.loads(script.text_content() or "null")))
        except (ValueError, RecursionError):
            logger.debug("unreadable JSON-LD block")
    candidates += [t.get("datetime") or t.text_content() for t in tree.xpath("//*[@itemprop='datePublished']")]
    for value in candidates:
        parsed = parse_date(value)
        if parsed is not None:
            return parsed
    return None
