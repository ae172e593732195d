"""RSS and Atom feed files (feedparser): one Article per entry."""

from __future__ import annotations

from datetime import UTC, datetime

from narratrace.errors import MalformedInputError
from narratrace.ingest.plaintext import picture_credits
from narratrace.model import Article, ImageRef


def _html_to_text(html: str) -> str:
    import lxml.html

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


def parse_feed(text: str, *, source_path: str | None = None) -> list[Article]:
    """Articles from the entries of an RSS/Atom document."""
    import feedparser

    parsed = feedparser.parse(text)
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        raise MalformedInputError(f"feed has no entries{f' ({reason})' if reason else ''}")
    outlet = parsed.feed.get("title")
    articles = []
    for entry in parsed.entries:
        body = ""
        if entry.get("content"):
            body = entry["content"][0].get("value", "")
        body = body or entry.get("summary", "")
        text = _html_to_text(body) if "<" in body else body
        title = entry.get("title")
        if not text.strip():
            text = title or ""
        if not text.strip():
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        images = [ImageRef(src=m.get("url"), kind="image") for m in entry.get("media_content", []) if m.get("url")]
        images += [ImageRef(src=link.get("href"), kind="image") for link in entry.get("links", [])
                   if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/")]
        articles.append(Article(
            text=text,
            id=entry.get("id") or entry.get("link") or "",
            title=title,
            url=entry.get("link"),
            outlet=outlet,
            authors=[a.get("name") for a in entry.get("authors", []) if a.get("name")],
            published=datetime(*when[:6], tzinfo=UTC) if when else None,
            lang=(entry.get("language") or parsed.feed.get("language") or None),
            images=images + picture_credits(text),
            metadata={"feed_title": outlet, "tags": [t.get("term") for t in entry.get("tags", []) if t.get("term")]},
            source_path=source_path,
            source_format="feed",
        ))
    if not articles:
        raise MalformedInputError("feed entries have no text")
    return articles
