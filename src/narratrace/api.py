"""The Python API behind :func:`narratrace.analyze`."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine

from narratrace.analyze.pipeline import get_pipeline
from narratrace.errors import InputError
from narratrace.ingest import read_file
from narratrace.ingest.plaintext import parse_text
from narratrace.model import Analysis, Article

# A string longer than this, or with a line break, is article text rather than a path.
_MAX_PATH_CHARS = 4096


def _is_file(candidate: str) -> bool:
    """True when ``candidate`` names an existing file; text that cannot be a path is not one."""
    try:
        return Path(candidate).is_file()
    except (OSError, ValueError):  # a name part over the file system's limit, a NUL byte
        return False


def load_article(text_or_path: str | Path, *, lang: str | None = None) -> Article:
    """An :class:`Article` from a path (any supported format) or from the text itself.

    Raises
    ------
    InputError
        When the file cannot be read, or holds several articles (use ``narratrace corpus ingest``).
    """
    if isinstance(text_or_path, Path) or (
        isinstance(text_or_path, str) and "\n" not in text_or_path and len(text_or_path) < _MAX_PATH_CHARS
        and _is_file(text_or_path)
    ):
        articles = read_file(Path(text_or_path))
        if len(articles) > 1:
            raise InputError(
                f"{text_or_path} holds {len(articles)} articles; analyse one with analyze_article() "
                "or load them all with `narratrace corpus ingest`"
            )
        article = articles[0]
    else:
        if not str(text_or_path).strip():
            raise InputError("no text given")
        article = parse_text(str(text_or_path))
    if lang:
        article.metadata["lang_override"] = lang
    return article


def analyze_article(
    article: Article,
    *,
    stages: Sequence[str] | None = None,
    lang: str | None = None,
    store: Engine | str | None = None,
) -> Analysis:
    """Run the pipeline (default: every default stage) on one :class:`Article`.

    ``lang`` forces the language on a copy: the caller's article is never changed.
    ``store`` (an engine or URL) is what fact-check matching and picture reuse read;
    without one they report ``{"database": "none"}`` and no database is touched.
    """
    if lang:
        article = dataclasses.replace(article, metadata={**article.metadata, "lang_override": lang})
    return get_pipeline(stages, store=store)(article)


def analyze(
    text_or_path: str | Path,
    *,
    lang: str | None = None,
    stages: Sequence[str] | None = None,
    store: Engine | str | None = None,
) -> Analysis:
    """Analyse one article given as a path or as its text; see :func:`narratrace.analyze`."""
    return analyze_article(load_article(text_or_path, lang=lang), stages=stages, store=store)
