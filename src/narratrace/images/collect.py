"""Collect pictures with their context from HTML, saved pages, folders and text credits.

Every source yields :class:`ImageItem` records: the :class:`~narratrace.model.ImageRef`
(src, alt, caption, credit, kind), where the pixels are (a local file, a URL, or
nowhere for a text-only credit), the text around the picture that reuse detection
compares, and the article it appeared in.

Examples
--------
>>> html = '''<article><p>Shelling continued overnight.</p>
... <figure><img src="a_files/p1.jpg" srcset="a_files/p1-small.jpg 320w, a_files/p1.jpg 1200w"
...   alt="Soldiers near a tank"><figcaption>Troops of the 47th Brigade near Avdiivka.
...   <span class="credit">Photo: Jane Roe/AP</span></figcaption></figure></article>'''
>>> [it] = images_from_html(html)
>>> it.ref.src, it.ref.caption, it.ref.credit
('a_files/p1.jpg', 'Troops of the 47th Brigade near Avdiivka.', 'Jane Roe/AP')
>>> it.context
'Troops of the 47th Brigade near Avdiivka. | Soldiers near a tank | Shelling continued overnight.'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from narratrace.ingest.html import is_tiny_image
from narratrace.model import Article, ImageRef

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".svg"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
# Credit lines inside or right after a figure ("Photo: X", "© X", "Credit: X", "Foto: X").
CREDIT_RE = re.compile(
    r"(?i)(?:^|[\s(|])(?:photo(?:graph)?|image|picture|credit|foto|фото|screenshot|source)\s*:\s*(?P<who>[^|()\n]{2,80})"
    r"|©\s*(?P<copy>[^|()\n]{2,80})"
)
# Characters of the surrounding paragraphs kept as context (about two sentences each side).
CONTEXT_CHARS = 400


@dataclass(slots=True)
class ImageItem:
    """One appearance of a picture in a source, with its context."""

    ref: ImageRef
    origin: str  # html, saved_page, folder, text
    local_path: Path | None = None
    url: str | None = None
    context: str = ""
    article_id: str | None = None
    article_title: str | None = None
    outlet: str | None = None
    published: datetime | date | None = None
    extra: dict = field(default_factory=dict)


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _srcset_best(srcset: str | None) -> str | None:
    """The largest candidate of a ``srcset`` (by ``w`` or ``x`` descriptor)."""
    if not srcset:
        return None
    best, best_size = None, -1.0
    for part in srcset.split(","):
        bits = part.strip().split()
        if not bits:
            continue
        size = 1.0
        if len(bits) > 1:
            try:
                size = float(bits[1][:-1]) if bits[1][-1] in "wx" else 1.0
            except ValueError:
                size = 1.0
        if size > best_size:
            best, best_size = bits[0], size
    return best


def _credit_in(text: str) -> str | None:
    m = CREDIT_RE.search(text or "")
    if not m:
        return None
    return _clean(m.group("who") or m.group("copy")).rstrip(".;,") or None


def _neighbour_text(el, direction: str) -> str:
    """Text of the nearest paragraph-like element before or after ``el``."""
    axis = "preceding" if direction == "before" else "following"
    nodes = el.xpath(f"{axis}::*[self::p or self::h1 or self::h2 or self::h3]")
    if direction == "before":
        nodes = list(reversed(nodes))  # lxml returns document order; we want the nearest first
    for node in nodes:
        text = _clean(node.text_content())
        if text:
            return text[-CONTEXT_CHARS:] if direction == "before" else text[:CONTEXT_CHARS]
    return ""


def _img_src(img) -> tuple[str | None, str | None]:
    """The reference of an ``img`` (``src``, lazy-loading attributes, else its largest srcset
    candidate or its ``picture``'s) and that largest candidate."""
    parent = img.getparent()
    picture = parent if parent is not None and parent.tag == "picture" else None
    src = img.get("src") or img.get("data-src") or img.get("data-original")
    best = _srcset_best(img.get("srcset") or img.get("data-srcset"))
    if picture is not None and not best:
        for source in picture.iter("source"):
            best = best or _srcset_best(source.get("srcset"))
    if (not src or src.startswith("data:")) and best:
        src = best
    return src, best


def _node_credit(node) -> str | None:
    """A credit read from an element marked as one: the credit pattern, else its whole text."""
    return _credit_in(node.text_content()) or _clean(node.text_content()) or None


def _figcaption_parts(cap) -> tuple[str | None, str | None]:
    """Caption and credit of a ``figcaption`` (a credit element inside it, else a credit line)."""
    credit_nodes = cap.xpath(".//*[contains(@class,'credit') or contains(@class,'copyright') or contains(@class,'byline')]")
    if credit_nodes:
        credit = _node_credit(credit_nodes[0])
        full = _clean(cap.text_content())
        return _clean(full.replace(_clean(credit_nodes[0].text_content()), "")) or None, credit
    caption = _clean(cap.text_content()) or None
    credit = _credit_in(caption or "")
    if credit and caption:
        m = CREDIT_RE.search(caption)
        caption = _clean(caption[: m.start()]) or caption if m else caption
    return caption, credit


def _figure_caption_credit(figure) -> tuple[str | None, str | None]:
    """Caption and credit of a ``figure``: its ``figcaption``, else any credit element in it."""
    caption = credit = None
    caps = figure.xpath(".//figcaption")
    if caps:
        caption, credit = _figcaption_parts(caps[0])
    if credit is None:
        other = figure.xpath(".//*[contains(@class,'credit') or contains(@class,'copyright')]")
        if other:
            credit = _node_credit(other[0])
    return caption, credit


def _web_url(src: str) -> str | None:
    return src if urlsplit(src).scheme in ("http", "https") else None


def _img_item(img, src: str, best: str | None) -> ImageItem:
    """The item of one ``img``: caption and credit of its figure, alt, title, neighbouring text."""
    figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
    caption, credit = _figure_caption_credit(figure) if figure is not None else (None, None)
    anchor = figure if figure is not None else img
    alt = _clean(img.get("alt")) or None
    title = _clean(img.get("title")) or None
    before = _neighbour_text(anchor, "before")
    after = _neighbour_text(anchor, "after")
    context = " | ".join(x for x in (caption, alt, title, before, after) if x)
    return ImageItem(
        ref=ImageRef(src=src, alt=alt, caption=caption, credit=credit, kind="image"),
        origin="html",
        url=_web_url(src),
        context=context,
        extra={"srcset_best": best} if best and best != src else {},
    )


def _meta_images(tree, base_url: str | None, seen: set[str]) -> list[ImageItem]:
    """``og:image`` / ``twitter:image`` pictures not already in ``seen`` (which is updated)."""
    items: list[ImageItem] = []
    for meta in tree.xpath("//meta[@property='og:image' or @name='twitter:image']"):
        src = (meta.get("content") or "").strip()
        if src and not src.startswith("data:"):
            src = urljoin(base_url, src) if base_url else src
            if src not in seen:
                seen.add(src)
                items.append(ImageItem(ref=ImageRef(src=src, kind="image"), origin="html",
                                       url=_web_url(src), extra={"from": "og:image"}))
    return items


def images_from_html(html: str, *, base_url: str | None = None) -> list[ImageItem]:
    """Pictures in an HTML document: ``img``/``picture`` with srcset, figure captions, credits.

    ``src`` keeps the document's reference (resolved against ``base_url`` when given);
    :func:`images_from_saved_page` maps it to a file in the page's asset folder.
    """
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    items: list[ImageItem] = []
    seen: set[str] = set()
    for img in tree.iter("img"):
        src, best = _img_src(img)
        if not src or src.startswith("data:") or is_tiny_image(img):
            continue
        if base_url:
            src = urljoin(base_url, src)
        if src in seen:
            continue
        seen.add(src)
        items.append(_img_item(img, src, best))
    return items + _meta_images(tree, base_url, seen)


def _local_file(root: Path, src: str) -> Path | None:
    """Map a page's ``src`` to a file under ``root`` (never outside it)."""
    parts = urlsplit(src)
    if parts.scheme in ("http", "https", "data"):
        candidate = root / unquote(Path(parts.path).name)  # saved pages rename assets to their basename
        sub = [p for p in root.glob(f"*_files/{candidate.name}")]
        paths = [candidate, *sub]
    else:
        rel = unquote(parts.path)
        paths = [root / rel]
    root_resolved = root.resolve()
    for p in paths:
        try:
            resolved = p.resolve()
        except OSError:
            continue
        if resolved.is_file() and resolved.is_relative_to(root_resolved):
            return resolved
    return None


def images_from_saved_page(html_path: Path, article: Article | None = None) -> list[ImageItem]:
    """Pictures of a page saved with its assets (``page.html`` + ``page_files/``).

    Their publication date is the one the page's metadata states
    (:func:`~narratrace.images.sources.published_from_html`), else the article's.
    """
    from narratrace.images.sources import published_from_html

    html = html_path.read_text(encoding="utf-8", errors="replace")
    items = images_from_html(html)
    root = html_path.parent
    stated = published_from_html(html)
    for it in items:
        if it.ref.src:
            it.local_path = _local_file(root, it.ref.src)
        it.origin = "saved_page" if it.local_path else "html"
        if article is not None:
            attach_article(it, article)
        it.published = stated or it.published
    return items


def images_from_folder(folder: Path) -> Iterator[ImageItem]:
    """Image files of a plain folder (recursively), each with an optional caption sidecar.

    A sidecar ``NAME.txt`` (or ``NAME.EXT.txt``) next to ``NAME.EXT`` is read as the caption.
    """
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
            caption = None
            for side in (path.with_suffix(".txt"), path.with_name(path.name + ".txt")):
                if side.is_file() and side.stat().st_size < 10_000:
                    caption = _clean(side.read_text(encoding="utf-8", errors="replace")) or None
                    break
            yield ImageItem(
                ref=ImageRef(src=path.name, caption=caption, kind="image"),
                origin="folder",
                local_path=path,
                context=caption or "",
            )


def images_from_article(article: Article) -> list[ImageItem]:
    """The article's own picture references (text credits such as ``(Screenshot:NYT)``).

    Their context is the caption the ingest found plus the text around the credit.
    """
    items = []
    for ref in article.images:
        context_bits = [ref.caption, ref.alt]
        if ref.start is not None and ref.end is not None:
            window = article.text[max(0, ref.start - CONTEXT_CHARS) : ref.end + CONTEXT_CHARS]
            context_bits.append(_clean(window))
        it = ImageItem(
            ref=ref,
            origin="text" if ref.start is not None else "html",
            url=ref.src if ref.src and urlsplit(ref.src).scheme in ("http", "https") else None,
            context=" | ".join(b for b in context_bits if b),
        )
        attach_article(it, article)
        items.append(it)
    return items + images_from_record(article)


def images_from_record(article: Article) -> list[ImageItem]:
    """Pictures a JSON/JSONL record lists in its ``images`` field (kept in ``Article.metadata``).

    Local paths resolve relative to the record file and never leave its folder; URLs are
    references, fetched only when asked (``--fetch-images``).
    """
    from narratrace.images.sources import record_picture_refs, resolve_record_path

    items = []
    for ref in record_picture_refs(article.metadata or {}):
        scheme = urlsplit(ref.src or "").scheme
        it = ImageItem(
            ref=ref,
            origin="record",
            local_path=resolve_record_path(ref.src or "", article.source_path),
            url=ref.src if scheme in ("http", "https") else None,
            context=" | ".join(b for b in (ref.caption, ref.alt) if b),
        )
        items.append(attach_article(it, article))
    return items


def attach_article(item: ImageItem, article: Article) -> ImageItem:
    item.article_id = article.id
    item.article_title = article.title
    item.outlet = article.outlet
    item.published = article.published
    return item
