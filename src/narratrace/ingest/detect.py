"""Detect an input's format from its content (the extension is only a tie-breaker)."""

from __future__ import annotations

import json
import re

FORMATS = ("text", "html", "json", "jsonl", "feed")

# An XML declaration, comments, processing instructions (stylesheets) and a DOCTYPE (with
# or without an internal subset) may precede the root element of a feed.
_FEED = re.compile(
    r"^\s*(<\?xml[^>]*>\s*)?(?:(?:<!--.*?-->|<\?[^>]*>|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)\s*)*<(rss|feed|rdf:RDF)\b",
    re.S | re.I,
)
# Characters searched for a feed's root element: room for a DOCTYPE's internal subset.
FEED_PROLOG_CHARS = 65536
_HTML = re.compile(r"<(!doctype\s+html|html|head|body|article|p|div|h[1-6])\b", re.I)
_EXTENSIONS = {
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".txt": "text", ".md": "text",
}


def detect_format(text: str, *, suffix: str = "") -> str:
    """Return one of :data:`FORMATS` for decoded ``text``.

    >>> detect_format('{"text": "x"}')
    'json'
    >>> detect_format("<html><body><p>Hi</p></body></html>")
    'html'
    >>> detect_format("Plain words.")
    'text'
    """
    head = text.lstrip()[:4096]
    if _FEED.match(text.lstrip()[:FEED_PROLOG_CHARS]):
        return "feed"
    if head[:1] in "{[":
        if _is_json(text):
            return "json"
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if lines and all(ln.lstrip().startswith("{") for ln in lines[:20]):
            return "jsonl"
    if head.startswith("<") and _HTML.search(head):
        return "html"
    if len(_HTML.findall(head)) >= 3 and re.search(r"</(p|div|body|html)>", text[:20000], re.I):
        return "html"
    hint = _EXTENSIONS.get(suffix.lower())
    if hint in ("json", "jsonl") and head[:1] in "{[":
        return hint  # looks like JSON but does not parse: let the JSON reader say where
    return "text"


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True
