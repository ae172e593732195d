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

from narratrace.config import MAX_INPUT_BYTES
from narratrace.errors import InputError, NarratraceError, TooLargeError, UnknownFormatError
from narratrace.ingest.decode import decode_bytes
from narratrace.ingest.detect import detect_format
from narratrace.ingest.feed import parse_feed
from narratrace.ingest.html import parse_html
from narratrace.ingest.plaintext import parse_text
from narratrace.ingest.records import iter_jsonl, parse_json
from narratrace.model import Article

__all__ = ["IngestFailure", "read_path", "read_file", "read_text", "iter_files"]

logger = logging.getLogger(__name__)

# Files that are never articles: skipped silently when walking a folder.
SKIP_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".css", ".js", ".woff", ".woff2", ".ttf", ".map"}


@dataclass(frozen=True)
class IngestFailure:
    """A file (or a record in it) that could not be read, and why."""

    path: str
    reason: str
    code: str
    record: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}" + (f" (record {self.record})" if self.record else "")
        return f"{where}: [{self.code}] {self.reason}"


def read_text(text: str, *, fmt: str | None = None, source_path: str | None = None, suffix: str = "") -> list[Article]:
    """Parse already-decoded text in ``fmt`` (detected when ``None``) into articles."""
    fmt = fmt or detect_format(text, suffix=suffix)
    if fmt == "text":
        return [parse_text(text, source_path=source_path)]
    if fmt == "html":
        return [parse_html(text, source_path=source_path)]
    if fmt == "json":
        return parse_json(text, source_path=source_path)
    if fmt == "jsonl":
        items = list(iter_jsonl(text, source_path=source_path))
        articles = [a for a in items if isinstance(a, Article)]
        if not articles:
            errors = [e for e in items if not isinstance(e, Article)]
            raise errors[0] if errors else UnknownFormatError("JSONL file has no records")
        return articles
    if fmt == "feed":
        return parse_feed(text, source_path=source_path)
    raise UnknownFormatError(f"unknown format {fmt!r}; expected one of text, html, json, jsonl, feed")


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise TooLargeError(
            f"{path.name} is {size / 1e6:.1f} MB, above the {MAX_INPUT_BYTES / 1e6:.0f} MB limit for one file "
            "(split it, or raise NARRATRACE_MAX_INPUT_BYTES)"
        )
    return path.read_bytes()


def read_file(path: Path | str, *, fmt: str | None = None) -> list[Article]:
    """Read every article in one file; raises a :class:`~narratrace.errors.InputError` subclass.

    Records that fail inside a JSONL file are skipped here; use :func:`read_path` to see them.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder; use read_path() or `narratrace ingest`")
    if not path.exists():
        raise InputError(f"{path} does not exist")
    decoded = decode_bytes(_read_bytes(path), name=path.name)
    articles = read_text(decoded.text, fmt=fmt, source_path=str(path), suffix=path.suffix)
    for article in articles:
        article.encoding = decoded.encoding
        article.notes.extend(decoded.notes)
    return articles


def iter_files(root: Path) -> Iterator[Path]:
    """Files under ``root`` (recursively, sorted, hidden files and assets skipped)."""
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.suffix.lower() in SKIP_SUFFIXES:
                continue
            yield path


def read_path(path: Path | str, *, fmt: str | None = None) -> Iterator[Article | IngestFailure]:
    """Yield the articles of a file or a folder, and an :class:`IngestFailure` per broken input."""
    root = Path(path)
    if not root.exists():
        yield IngestFailure(str(root), "does not exist", "E100")
        return
    for file in iter_files(root):
        try:
            decoded = decode_bytes(_read_bytes(file), name=file.name)
            use = fmt or detect_format(decoded.text, suffix=file.suffix)
            if use == "jsonl":
                for lineno, item in enumerate(iter_jsonl(decoded.text, source_path=str(file)), start=1):
                    if isinstance(item, Article):
                        item.encoding = decoded.encoding
                        item.notes.extend(decoded.notes)
                        yield item
                    else:
                        yield IngestFailure(str(file), item.args[0], item.code, record=lineno)
                continue
            for article in read_text(decoded.text, fmt=use, source_path=str(file), suffix=file.suffix):
                article.encoding = decoded.encoding
                article.notes.extend(decoded.notes)
                yield article
        except NarratraceError as exc:
            yield IngestFailure(str(file), exc.args[0], exc.code)
        except (OSError, RecursionError, MemoryError) as exc:
            yield IngestFailure(str(file), f"{exc.__class__.__name__}: {exc}", "E100")
