"""``evidence.v1``: what evidence the text offers for each attributed statement.

Kinds, in :attr:`Attribution.evidence`:

- ``none``: the text says no evidence was given ("without providing any evidence");
- ``named_official``: a named person, government or organisation is the source;
- ``anonymous_source``: an unnamed source ("officials said");
- ``other_outlet_report``: the source is a news outlet or agency;
- ``document``, ``photo``, ``screenshot``, ``video``: mentioned in the statement's
  sentence or the next one, or a picture credit such as ``(Screenshot:NYT)`` within the
  next :data:`IMAGE_WINDOW` characters.

Examples
--------
>>> sorted(mention_kinds("They presented various photos and a video.", "en"))
['photo', 'video']
"""

from __future__ import annotations

import re

from narratrace.analyze.claims._common import article_lang
from narratrace.analyze.claims.stance import _window
from narratrace.analyze.registry import Stage, register_stage
from narratrace.model import Analysis, Attribution, SourceKind

EVIDENCE_KINDS = ("none", "named_official", "anonymous_source", "other_outlet_report", "document", "photo", "screenshot", "video")
MENTION_PATTERNS = {
    "en": {
        "none": r"without (?:providing |offering |presenting |giving |citing )?(?:any )?(?:evidence|proof)|no (?:solid |hard )?evidence",
        "screenshot": r"screenshots?|screen grabs?",
        "photo": r"photos?|photographs?|pictures?|images?",
        "video": r"videos?|footage|recordings?",
        "document": r"documents?|memos?|letters?|reports?|records?|filings?|statements?|dossiers?|intercepts?",
    },
    "de": {
        "none": r"ohne (?:jeden |jegliche[n]? |einen )?(?:Beweis\w*|Beleg\w*)|keine Beweise",
        "screenshot": r"Screenshots?|Bildschirmfotos?",
        "photo": r"Fotos?|Bilder?n?|Aufnahmen?",
        "video": r"Videos?|Videoaufnahmen?",
        "document": r"Dokument\w*|Bericht\w*|Erklärung\w*|Schreiben|Unterlagen",
    },
    "ru": {
        "none": r"без (?:каких-либо |всяких )?доказательств|нет доказательств",
        "screenshot": r"скриншот\w*",
        "photo": r"фото\w*|снимк\w*|изображени\w*",
        "video": r"видео\w*",
        "document": r"документ\w*|доклад\w*|заявлени\w*|отчёт\w*|отчет\w*",
    },
}
_COMPILED = {lang: {k: re.compile(rf"(?<!\w)(?:{p})(?!\w)", re.I) for k, p in pats.items()} for lang, pats in MENTION_PATTERNS.items()}
# Picture credits in scraped text: "(Screenshot:NYT)", "(Photo:ScreenshotRUTube)".
IMAGE_CREDIT = re.compile(r"\((Screenshot|Photo|Foto|Video|Скриншот|Фото|Видео)\s*:[^)\n]{1,60}\)", re.I)
# A picture credit this many characters after a statement is taken as shown in support of
# it: about one paragraph of the seed article, between a claim and its screenshot.
IMAGE_WINDOW = 400


def mention_kinds(text: str, lang: str) -> set[str]:
    """Evidence kinds mentioned in ``text``."""
    return {kind for kind, pat in _COMPILED.get(lang, _COMPILED["en"]).items() if pat.search(text)}


def evidence_for(analysis: Analysis, att: Attribution, lang: str) -> list[str]:
    text = analysis.text
    start, end = _window(analysis, att)
    kinds = mention_kinds(text[start:end], lang)
    if att.anonymous:
        kinds.add("anonymous_source")
    elif att.source_kind in (SourceKind.OUTLET.value, SourceKind.AGENCY.value):
        kinds.add("other_outlet_report")
    elif att.source_kind in (SourceKind.PERSON.value, SourceKind.GOVERNMENT.value, SourceKind.ORGANIZATION.value) and att.source_name:
        kinds.add("named_official")
    for m in IMAGE_CREDIT.finditer(text, end, min(len(text), end + IMAGE_WINDOW)):
        word = m.group(1).lower()
        kinds.add("screenshot" if "screen" in word or "скрин" in word else "video" if word in ("video", "видео") else "photo")
    for img in analysis.article.images:
        if img.start is not None and end <= img.start <= end + IMAGE_WINDOW:
            kinds.add(img.kind if img.kind in EVIDENCE_KINDS else "photo")
    return [k for k in EVIDENCE_KINDS if k in kinds]


@register_stage("evidence.v1", requires=("attributions",), assigns=("attributions",), order=130)
class EvidenceStage(Stage):
    """Evidence offered for each attribution (named/anonymous source, photo, document, none, …)."""

    def __call__(self, analysis: Analysis) -> Analysis:
        lang = article_lang(analysis)
        for att in analysis.attributions:
            att.evidence = evidence_for(analysis, att, lang)
        return analysis
