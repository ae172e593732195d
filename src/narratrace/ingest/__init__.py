"""Read articles from files and folders: plain text, HTML, JSON/JSONL and RSS/Atom feeds.

The format is detected from content; the encoding is detected and noted. Readers never
raise on a broken file inside a folder: :func:`read_path` yields an
:class:`IngestFailure` for it and goes on.

Examples
--------
>>> from pathlib import Path
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Officials denied the report.")
>>> _ = (folder / "b.txt").write_bytes(b"")
>>> [type(x).__name__ for x in read_path(folder)]
['Article', 'IngestFailure']
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from narratrace.config import settings
from narratrace.errors import (
    EmptyInputError,
    InputError,
    NarratraceError,
    UnknownFormatError,
    path_text,
    safe_text,
)
from narratrace.ingest.decode import Decoded, clean_text, decode_bytes
from narratrace.ingest.detect import detect_format
from narratrace.ingest.feed import parse_feed
from narratrace.ingest.files import read_capped
from narratrace.ingest.html import parse_html
from narratrace.ingest.plaintext import parse_text
from narratrace.ingest.records import iter_json, iter_jsonl, usable_articles
from narratrace.model import Article

__all__ = ["IngestFailure", "read_path", "read_file", "read_text", "iter_files", "read_file_bytes", "iter_file_items"]

logger = logging.getLogger(__name__)

# Files that are never articles: skipped silently when walking a folder.
SKIP_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".css", ".js", ".woff", ".woff2", ".ttf", ".map"}

Item = tuple[int | None, Article | InputError]


@dataclass(frozen=True)
class IngestFailure:
    """A file (or a record in it) that could not be read, and why.

    ``path`` is valid UTF-8 (undecodable bytes of a file name become U+FFFD); ``str()``
    also replaces control characters, so the line is safe to print.
    """

    path: str
    reason: str
    code: str
    record: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}" + (f" (record {self.record})" if self.record else "")
        return safe_text(f"{where}: [{self.code}] {self.reason}")


def _items(text: str, fmt: str, source_path: str | None) -> Iterator[Item]:
    """``(record number or None, Article or error)`` for decoded ``text`` in format ``fmt``."""
    if fmt == "text":
        yield None, parse_text(text, source_path=source_path)
    elif fmt == "html":
        yield None, parse_html(text, source_path=source_path)
    elif fmt == "json":
        yield from iter_json(text, source_path=source_path)
    elif fmt == "jsonl":
        yield from iter_jsonl(text, source_path=source_path)
    elif fmt == "feed":
        for article in parse_feed(text, source_path=source_path):
            yield None, article
    else:
        raise UnknownFormatError(f"unknown format {fmt!r}; expected one of text, html, json, jsonl, feed")


def read_text(text: str, *, fmt: str | None = None, source_path: str | None = None, suffix: str = "") -> list[Article]:
    """Parse already-decoded text in ``fmt`` (detected when ``None``) into articles.

    The text is cleaned as decoded files are (control characters and lone surrogates
    removed, noted). Broken records of a JSON/JSONL text are skipped; when none is
    usable, the first record's error is raised.
    """
    text, changed = clean_text(text)
    if not text.strip():
        raise EmptyInputError("the text is empty")
    items = [item for _, item in _items(text, fmt or detect_format(text, suffix=suffix), source_path)]
    articles = [_clean_fields(a) for a in usable_articles(items, "the input holds no records")]
    for article in articles:
        if changed:
            article.notes.insert(0, f"{changed} control or invalid character(s) removed")
    return articles


def read_file_bytes(path: Path | str) -> bytes:
    """The bytes of one input file: a regular file of at most the ``max_input_bytes`` setting (20 MB).

    Raises :class:`~narratrace.errors.NotRegularFileError` for FIFOs, devices and links
    to them, :class:`~narratrace.errors.TooLargeError` above the cap, ``OSError`` otherwise.
    """
    path = Path(path)
    return read_capped(path, settings().max_input_bytes, name=path_text(path.name))


def _clean_fields(article: Article) -> Article:
    """Remove control characters from the short fields (HTML and feeds can encode them as ``&#27;``)."""
    for attr in ("id", "title", "url", "outlet"):
        value = getattr(article, attr)
        if isinstance(value, str):
            setattr(article, attr, clean_text(value)[0])
    article.authors = [clean_text(str(a))[0] for a in article.authors]
    return article


def _decoded_items(decoded: Decoded, path: Path, fmt: str | None) -> Iterator[Item]:
    name = path_text(path)
    for number, item in _items(decoded.text, fmt or detect_format(decoded.text, suffix=path.suffix), name):
        if isinstance(item, Article):
            _clean_fields(item)
            item.encoding = decoded.encoding
            item.notes[:0] = decoded.notes
        yield number, item


def read_file(path: Path | str, *, fmt: str | None = None) -> list[Article]:
    """Read every article in one file; raises a :class:`~narratrace.errors.InputError` subclass.

    Records that fail inside a JSON/JSONL file are skipped here; use :func:`read_path` to see them.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path_text(path)} is a folder; use read_path() or `narratrace corpus ingest`")
    if not path.exists():
        raise InputError(f"{path_text(path)} does not exist")
    decoded = decode_bytes(read_file_bytes(path), name=path_text(path.name))
    return usable_articles([item for _, item in _decoded_items(decoded, path, fmt)], f"{path_text(path.name)} holds no records")


def iter_files(root: Path) -> Iterator[Path]:
    """Files under ``root`` (recursively, sorted, hidden files and assets skipped).

    Every entry that is not a folder is yielded, FIFOs and devices included, so that the
    reader can name them as refused; links to folders are not followed (no loops).
    """
    if not root.is_dir():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.suffix.lower() in SKIP_SUFFIXES:
                continue
            yield path


def iter_file_items(path: Path, *, data: bytes | None = None, fmt: str | None = None) -> Iterator[Article | IngestFailure]:
    """The articles of one file and an :class:`IngestFailure` per refused file or record.

    ``data`` are the file's bytes when the caller has read them already (with
    :func:`read_file_bytes`). Nothing raises: every failure, expected or not, is yielded.
    """
    name = path_text(path)
    try:
        if data is None:
            data = read_file_bytes(path)
        decoded = decode_bytes(data, name=path_text(path.name))
        for number, item in _decoded_items(decoded, path, fmt):
            if isinstance(item, Article):
                yield item
            else:
                yield IngestFailure(name, item.args[0], item.code, record=number)
    except NarratraceError as exc:
        yield IngestFailure(name, exc.args[0], exc.code)
    except (OSError, RecursionError, MemoryError) as exc:
        yield IngestFailure(name, f"{exc.__class__.__name__}: {getattr(exc, 'strerror', None) or exc}", "E100")
    except Exception as exc:  # a parser bug must not stop a folder: name it and go on
        logger.debug("unexpected error reading %s", name, exc_info=True)
        yield IngestFailure(name, f"unexpected {exc.__class__.__name__} while reading (please report it)", "E100")


def read_path(path: Path | str, *, fmt: str | None = None) -> Iterator[Article | IngestFailure]:
    """Yield the articles of a file or a folder, and an :class:`IngestFailure` per broken input."""
    root = Path(path)
    if not root.exists() and not root.is_symlink():
        yield IngestFailure(path_text(root), "does not exist", "E100")
        return
    for file in iter_files(root):
        yield from iter_file_items(file, fmt=fmt)
