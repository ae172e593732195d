"""RSS and Atom feed files (feedparser): one Article per entry.

A DOCTYPE is removed before parsing, internal subset included: feeds need no entity
definitions beyond XML's own, and dropping them rules out entity expansion ("billion
laughs") and external entities whatever the XML parser underneath does. feedparser gets
the document as a stream, never as a string it could take for a URL or a file name.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from narratrace.errors import MalformedInputError, TooComplexError
from narratrace.images.sources import feed_entry_pictures
from narratrace.ingest.decode import clean_text
from narratrace.ingest.limits import BudgetExceeded, check_markup, time_budget
from narratrace.ingest.plaintext import picture_credits
from narratrace.ingest.records import LANG_TAG
from narratrace.model import Article

# A DOCTYPE declaration with an optional internal subset (entity definitions).
DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.S | re.I)
# The encoding named in the XML declaration: the text is already decoded, and is handed
# to feedparser as UTF-8, so a stale name would garble it.
XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")


def _html_to_text(html: str) -> str:
    import lxml.html

    check_markup(html, what="a feed entry")

    try:
        tree = lxml.html.fromstring(f"<div>{html}</div>")
    except Exception:
        return html
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    blocks = tree.xpath("//p|//h1|//h2|//h3|//li|//blockquote")
    if blocks:
        return "\n\n".join(" ".join(b.text_content().split()) for b in blocks if b.text_content().strip())
    return " ".join(tree.text_content().split())


def _str(value: object) -> str:
    """A feed value as a string ('' for missing values; feedparser may give None)."""
    return value if isinstance(value, str) else ""


def _published(entry) -> datetime | None:
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    try:
        return datetime(*when[:6], tzinfo=UTC) if when else None
    except (TypeError, ValueError, OverflowError):
        return None


def parse_feed(text: str, *, source_path: str | None = None) -> list[Article]:
    """Articles from the entries of an RSS/Atom document."""
    import feedparser

    text, n_doctypes = DOCTYPE.subn("", text, count=1)
    text = XML_ENCODING.sub(r"\1", text, count=1)
    try:
        with time_budget():
            parsed = feedparser.parse(io.BytesIO(text.encode("utf-8")))
    except BudgetExceeded as exc:
        raise TooComplexError(f"feed parsing stopped ({exc})") from None
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        raise MalformedInputError(f"feed has no entries{f' ({reason})' if reason else ''}")
    outlet = _str(parsed.feed.get("title")) or None
    articles = []
    notes = ["DOCTYPE removed before parsing (entity definitions are never expanded)"] if n_doctypes else []
    for number, entry in enumerate(parsed.entries, start=1):
        contents = entry.get("content") or [{}]
        body = _str(contents[0].get("value")) or _str(entry.get("summary"))
        try:
            text = _html_to_text(body) if "<" in body else body
        except TooComplexError as exc:
            notes.append(f"feed entry {number} skipped: {exc.args[0]}")
            continue
        title = _str(entry.get("title")) or None
        text = clean_text(text if text.strip() else title or "")[0]
        if not text.strip():
            continue
        images = feed_entry_pictures(entry)  # media:content, media:thumbnail, image enclosures
        lang = _str(entry.get("language") or parsed.feed.get("language"))
        articles.append(Article(
            notes=notes,
            text=text,
            id=_str(entry.get("id") or entry.get("link")),
            title=title,
            url=_str(entry.get("link")) or None,
            outlet=outlet,
            authors=[_str(a.get("name")) for a in entry.get("authors", []) if a.get("name")],
            published=_published(entry),
            lang=lang.lower()[:8] if LANG_TAG.match(lang) else None,
            images=images + picture_credits(text),
            metadata={"feed_title": outlet, "tags": [t.get("term") for t in entry.get("tags", []) if t.get("term")]},
            source_path=source_path,
            source_format="feed",
        ))
    if not articles:
        raise MalformedInputError("feed entries have no text")
    for article in articles:  # one list per article: notes of later entries reach all of them
        article.notes = list(notes)
    return articles
