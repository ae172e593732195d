"""HTML pages: main text and metadata through trafilatura, images through lxml."""

from __future__ import annotations

import logging
from urllib.parse import urljoin

from narratrace.errors import MalformedInputError
from narratrace.images.sources import published_from_html
from narratrace.ingest.dates import parse_date
from narratrace.ingest.decode import clean_text
from narratrace.ingest.limits import BudgetExceeded, check_markup, time_budget
from narratrace.ingest.plaintext import picture_credits
from narratrace.model import Article, ImageRef

logger = logging.getLogger(__name__)

# Images smaller than this on either declared side are icons, spacers or tracking pixels
# (:func:`is_tiny_image` is the one check; picture collection uses the same 50 px).
MIN_IMAGE_SIDE = 50


def parse_html(html: str, *, source_path: str | None = None, url: str | None = None) -> Article:
    """Extract an :class:`Article` from an HTML page.

    Title, author, date, site name and canonical URL come from trafilatura's metadata;
    images (``src``, ``alt``, ``figcaption``) from the page's ``<img>`` elements.

    Work is bounded: markup over the caps of :mod:`narratrace.ingest.limits` is refused
    before parsing; a page too large for trafilatura, or one that overruns the time
    budget, is read from its paragraphs by lxml instead (noted in ``Article.notes``).

    Raises
    ------
    MalformedInputError
        When no article text can be extracted (broken markup, an empty page).
    TooComplexError
        When an element has too many attributes or the page too many elements.
    """
    notes: list[str] = []
    shape = check_markup(html)
    doc = None
    if shape.too_big_to_extract:
        notes.append(f"page has {shape.elements} elements: text taken from its paragraphs, not by trafilatura")
    else:
        doc = _extract(html, url=url, notes=notes)
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        text = _fallback_text(html)
    text = clean_text(text)[0]  # character references such as &#27; can still produce controls
    if not text:
        raise MalformedInputError("no article text found in the HTML page")
    authors = [a.strip() for a in (getattr(doc, "author", None) or "").split(";") if a.strip()]
    canonical = getattr(doc, "url", None) or url
    images = _images(html, base_url=canonical) + picture_credits(text)
    meta = {k: v for k, v in {
        "description": getattr(doc, "description", None),
        "sitename": getattr(doc, "sitename", None),
        "hostname": getattr(doc, "hostname", None),
        "categories": getattr(doc, "categories", None) or None,
        "tags": getattr(doc, "tags", None) or None,
        "canonical_url": canonical,
    }.items() if v}
    return Article(
        text=text,
        title=getattr(doc, "title", None),
        url=canonical,
        outlet=getattr(doc, "sitename", None) or getattr(doc, "hostname", None),
        authors=authors,
        published=published_from_html(html) or parse_date(getattr(doc, "date", None)),  # metadata first
        images=images,
        metadata=meta,
        source_path=source_path,
        source_format="html",
        notes=notes,
    )


def _extract(html: str, *, url: str | None, notes: list[str]):
    """trafilatura's extraction under the per-document time budget (``None`` when over it)."""
    import trafilatura

    try:
        with time_budget():
            return trafilatura.bare_extraction(
                html, url=url, with_metadata=True, include_comments=False, include_images=False,
                favor_recall=True, deduplicate=False,
            )
    except BudgetExceeded as exc:
        notes.append(f"trafilatura stopped ({exc}): text taken from the page's paragraphs")
        return None
    except (RecursionError, ValueError, TypeError, AttributeError) as exc:
        raise MalformedInputError(f"cannot parse HTML ({exc.__class__.__name__}); the markup is broken or too deeply nested") from exc


def _tree(html: str):
    import lxml.html

    try:
        return lxml.html.fromstring(html)
    except (ValueError, RecursionError, Exception) as exc:  # lxml raises ParserError/XMLSyntaxError
        logger.debug("lxml could not parse the page: %s", exc)
        return None


def _fallback_text(html: str) -> str:
    tree = _tree(html)
    if tree is None:
        return ""
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    paragraphs = [" ".join(p.text_content().split()) for p in tree.xpath("//p|//h1|//h2|//h3|//li|//blockquote")]
    return "\n\n".join(p for p in paragraphs if p)


def _images(html: str, *, base_url: str | None) -> list[ImageRef]:
    tree = _tree(html)
    if tree is None:
        return []
    refs: list[ImageRef] = []
    seen: set[str] = set()
    for img in tree.xpath("//img"):
        src = img.get("src") or img.get("data-src") or _first_srcset(img.get("srcset"))
        if not src or src.startswith("data:") or src in seen or is_tiny_image(img):
            continue
        seen.add(src)
        figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
        caption = None
        credit = None
        if figure is not None:
            caps = figure.xpath(".//figcaption")
            if caps:
                caption = " ".join(caps[0].text_content().split()) or None
            credits = figure.xpath(".//*[contains(@class,'credit') or contains(@class,'copyright')]")
            if credits:
                credit = " ".join(credits[0].text_content().split()) or None
        refs.append(ImageRef(
            src=urljoin(base_url, src) if base_url else src,
            alt=(img.get("alt") or "").strip() or None,
            caption=caption,
            credit=credit,
            kind="image",
        ))
    return refs


def _first_srcset(srcset: str | None) -> str | None:
    if not srcset:
        return None
    first = srcset.split(",")[0].strip().split(" ")[0]
    return first or None


def is_tiny_image(img) -> bool:
    """``True`` for an ``<img>`` whose width or height attribute is below :data:`MIN_IMAGE_SIDE`.

    The one check of icons, trackers and spacers, for ingest and for picture collection.

    >>> from lxml import html
    >>> is_tiny_image(html.fragment_fromstring('<img width="49px" src="x.png">'))
    True
    >>> is_tiny_image(html.fragment_fromstring('<img width="640" height="50" src="x.png">'))
    False
    """
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < MIN_IMAGE_SIDE:
            return True
    return False
