"""Plain-text articles, with the metadata scraped text carries inline.

Recognised near the top: a title (first line, Markdown heading marks allowed), a byline
("By Jane Doe" or a lone name line), a date line. Anywhere: "first published on X",
"ARTICLE TAGS:" / "Tags:" lists and picture credits such as ``(Screenshot:NYT)`` or
``(Photo: Reuters)``. Each is recorded in ``Article.metadata`` with its character
offsets; picture credits become :class:`~narratrace.model.ImageRef` objects.
"""

from __future__ import annotations

import re
from itertools import islice

from narratrace.ingest.dates import DATE_LINE, parse_date
from narratrace.model import Article, ImageRef

# Picture credits in en/de/ru/fr/it/pl: "(Screenshot:NYT)", "(Photo: Reuters)", "(Foto: dpa)".
CREDIT = re.compile(
    r"\(\s*(?P<kind>Screenshot|Screengrab|Photo|Picture|Image|Video|Foto|Bild|Fotografie|"
    r"Фото|Скриншот|Видео|Zdjęcie|Zrzut ekranu|Capture d'écran|Immagine)\s*:\s*(?P<credit>[^()\n]{1,80})\)",
    re.I,
)
_KIND = {"screenshot": "screenshot", "screengrab": "screenshot", "скриншот": "screenshot",
         "zrzut ekranu": "screenshot", "capture d'écran": "screenshot", "video": "video", "видео": "video"}
_OUTLET_NAME = r"(?:[\w\-]+(?:\.[\w\-]+)+|[A-ZÄÖÜА-Я][\w\-]+(?:\s+[A-ZÄÖÜА-Я][\w\-]+){0,3})"
FIRST_PUBLISHED = re.compile(
    r"(?i:first|originally)\s+(?i:published|appeared)\s+(?i:on|in|at|by)\s+(?:the\s+)?(?P<outlet>" + _OUTLET_NAME + ")"
    r"|(?i:zuerst|erstmals)\s+(?i:erschienen|veröffentlicht)\s+(?i:auf|bei|in)\s+(?P<outlet_de>" + _OUTLET_NAME + ")"
    r"|(?i:впервые|первоначально)\s+опубликован[аоы]?\s+(?:на|в)\s+(?P<outlet_ru>" + _OUTLET_NAME + ")"
)
BYLINE = re.compile(r"^\s*(?:By|Von|Автор:?)\s+(?P<name>[A-ZÄÖÜА-Я][\w.'\-]+(?:\s+[A-ZÄÖÜА-Я][\w.'\-]+){0,3})\s*$")
# A lone line of two to four capitalised words, near the top, is a byline in scraped articles.
NAME_LINE = re.compile(r"^\s*(?P<name>[A-ZÄÖÜА-Я][a-zäöüßа-яё'\-]+(?:\s+[A-ZÄÖÜА-Я][a-zäöüßа-яё'\-]+){1,3})\s*$")
ARTICLE_BY = re.compile(r"(?:article|piece|essay|column)\s+by\s+(?P<name>[A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+){0,3})")
TAGS_HEADER = re.compile(r"^\s*#*\s*(?:ARTICLE\s+TAGS|Tags|Schlagwörter|Schlagworte|Теги|Метки)\s*:\s*(?P<inline>.*)$", re.I | re.M)
# Metadata is only looked for in this many leading lines (title, byline, date).
HEADER_LINES = 12
# "First published on X" and "an article by X" sit near the start or the end of a text:
# in long texts only this many characters at each end are searched (the three-language
# pattern costs ~8 s over a 20 MB text, ~10 ms over these windows).
END_WINDOW = 50_000


def _search_ends(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``pattern.search(text)`` restricted to the first and last :data:`END_WINDOW` characters."""
    if len(text) <= 2 * END_WINDOW:
        return pattern.search(text)
    return pattern.search(text, 0, END_WINDOW) or pattern.search(text, len(text) - END_WINDOW)


def _lines_with_offsets(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def parse_text(text: str, *, source_path: str | None = None) -> Article:
    """Build an :class:`Article` from plain text, extracting inline metadata.

    Examples
    --------
    >>> art = parse_text("Troops seen\\n\\nBy Jane Roe\\n\\n3 March 2025\\n\\nBody. (Photo: AP)")
    >>> art.title, art.authors, art.published.date().isoformat(), art.images[0].credit
    ('Troops seen', ['Jane Roe'], '2025-03-03', 'AP')
    """
    meta: dict = {}
    title = None
    authors: list[str] = []
    published = None
    header = list(islice(((o, ln) for o, ln in _lines_with_offsets(text) if ln.strip()), HEADER_LINES))
    for index, (offset, line) in enumerate(header):
        stripped = line.strip().lstrip("#").strip()
        if title is None and index == 0 and len(stripped) < 300:
            title = stripped
            start = offset + line.index(stripped)
            meta["title"] = {"value": stripped, "start": start, "end": start + len(stripped)}
            continue
        if published is None and DATE_LINE.match(stripped):
            parsed = parse_date(stripped)
            if parsed:
                published = parsed
                start = offset + line.index(stripped)
                meta["date_line"] = {"value": stripped, "start": start, "end": start + len(stripped)}
                continue
        match = BYLINE.match(line) or (NAME_LINE.match(line) if index > 0 and not authors else None)
        if match and not authors:
            authors.append(match.group("name"))
            meta["byline"] = {"value": match.group("name"), "start": offset + match.start("name"), "end": offset + match.end("name")}
    first = _search_ends(FIRST_PUBLISHED, text)
    if first:
        group = next(g for g in ("outlet", "outlet_de", "outlet_ru") if first.group(g))
        outlet = first.group(group).rstrip(".")
        meta["first_published_on"] = {"value": outlet, "start": first.start(group), "end": first.start(group) + len(outlet)}
    by = _search_ends(ARTICLE_BY, text)
    if by and not authors:
        authors.append(by.group("name"))
        meta["byline"] = {"value": by.group("name"), "start": by.start("name"), "end": by.end("name")}
    tags = _tags(text)
    if tags:
        meta["tags"] = tags
    return Article(
        text=text,
        title=title,
        authors=authors,
        published=published,
        images=picture_credits(text),
        metadata=meta,
        source_path=source_path,
        source_format="text",
    )


def _tags(text: str) -> dict | None:
    match = TAGS_HEADER.search(text)
    if not match:
        return None
    inline = match.group("inline").strip()
    if inline:
        start, value = match.start("inline"), inline
    else:
        rest = text[match.end():]
        stripped = rest.lstrip()
        if not stripped:
            return None
        value = stripped.split("\n", 1)[0].strip()
        start = match.end() + (len(rest) - len(stripped))
    items = [t.strip() for t in re.split(r"\s*[;|]\s*|\s{2,}", value) if t.strip()]
    return {"value": value, "items": items, "start": start, "end": start + len(value)}


def picture_credits(text: str) -> list[ImageRef]:
    """Picture credits in ``text`` as ImageRefs located by offsets.

    The caption is the paragraph right before the credit, when it is short enough to be one.

    >>> [(r.kind, r.credit) for r in picture_credits("x (Screenshot:DailyMail) y (Photo:ScreenshotRUTube)")]
    [('screenshot', 'DailyMail'), ('screenshot', 'RUTube')]
    """
    refs = []
    for match in islice(CREDIT.finditer(text), MAX_CREDITS):
        kind = _KIND.get(match.group("kind").lower(), "photo")
        credit = match.group("credit").strip()
        nested = re.match(r"(?i)(screenshot|screengrab)\s*:?\s*(?=\S)", credit)
        if nested:
            kind, credit = "screenshot", credit[nested.end():]
        refs.append(ImageRef(credit=credit, kind=kind, caption=_caption_before(text, match.start()),
                             start=match.start(), end=match.end()))
    return refs


# A paragraph longer than this before a credit is body text, not a caption (captions in
# the example and seed articles run 60-150 characters; body paragraphs 300+).
MAX_CAPTION_CHARS = 250
# Characters looked at before a credit for its caption paragraph: a paragraph break must
# fall in this window, else the paragraph is body text (keeps the search linear).
CAPTION_WINDOW = 4 * MAX_CAPTION_CHARS
# Picture credits kept per article: the seed has 9; a text with thousands is a list or an
# attack, and each credit costs a caption search and an ImageRef.
MAX_CREDITS = 500


def _caption_before(text: str, pos: int) -> str | None:
    window_start = max(0, pos - CAPTION_WINDOW)
    before = text[window_start:pos].rstrip()
    if not before:
        return None
    parts = re.split(r"\n\s*\n", before)
    if window_start > 0 and len(parts) == 1:
        return None  # no paragraph break in the window: the paragraph is body text
    para = parts[-1].strip()
    if not para or len(para) > MAX_CAPTION_CHARS or CREDIT.search(para):
        return None
    return para
