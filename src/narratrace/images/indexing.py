"""Index pictures from paths into the store: collect, (optionally) fetch, fingerprint, save.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from PIL import Image
>>> from narratrace.store import open_store
>>> d = Path(tempfile.mkdtemp())
>>> Image.new("RGB", (40, 30), "red").save(d / "a.png")
>>> _ = (d / "bad.jpg").write_bytes(b"not a picture")
>>> report = index_paths(open_store(f"sqlite:///{d / 'x.db'}"), [d])
>>> report.indexed, [r["reason"] for r in report.refused]
(1, ['unsupported_format'])
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from narratrace.errors import NarratraceError
from narratrace.images._errors import FetchRefusedError, ImageRefusedError
from narratrace.images.collect import (
    HTML_SUFFIXES,
    IMAGE_SUFFIXES,
    ImageItem,
    images_from_article,
    images_from_folder,
    images_from_saved_page,
)
from narratrace.images.fetch import FetchPolicy, fetch_image
from narratrace.images.hashing import fingerprint_bytes
from narratrace.images.repository import save_appearance, save_fingerprint, save_refusal
from narratrace.images.safety import read_bounded
from narratrace.model import ImageRef

logger = logging.getLogger(__name__)

ARTICLE_SUFFIXES = frozenset({".txt", ".json", ".jsonl", ".xml", ".rss", ".atom", ".md"})


@dataclass
class IndexReport:
    """What :func:`index_paths` did."""

    indexed: int = 0  # pictures fingerprinted (new or already known)
    new_images: int = 0
    appearances: int = 0
    references_only: int = 0  # credits/links without pixels (not fetched or refused)
    refused: list[dict] = field(default_factory=list)
    articles: int = 0

    def to_dict(self) -> dict:
        return {
            "indexed": self.indexed,
            "new_images": self.new_images,
            "appearances": self.appearances,
            "references_only": self.references_only,
            "articles": self.articles,
            "refused": self.refused,
        }


def collect_items(paths: Iterable[Path], report: IndexReport | None = None) -> Iterator[ImageItem]:
    """Every picture appearance under ``paths`` (files, saved pages, folders, articles)."""
    from narratrace.ingest import read_file

    report = report if report is not None else IndexReport()
    for root in paths:
        root = Path(root)
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        used: set[Path] = set()
        pages = [p for p in files if p.suffix.lower() in HTML_SUFFIXES]
        for page in pages:
            try:
                articles = read_file(page)
            except NarratraceError as exc:
                report.refused.append({"location": str(page), "reason": "article_unreadable", "message": str(exc)})
                articles = []
            article = articles[0] if articles else None
            report.articles += 1 if article else 0
            for it in images_from_saved_page(page, article):
                if it.local_path:
                    used.add(it.local_path.resolve())
                yield it
            if article is not None:  # text credits of the page's own text
                yield from (it for it in images_from_article(article) if it.origin == "text")
        for path in files:
            suffix = path.suffix.lower()
            if suffix in ARTICLE_SUFFIXES and not path.name.endswith((".jpg.txt", ".png.txt")) and not _is_sidecar(path):
                try:
                    articles = read_file(path)
                except NarratraceError as exc:
                    report.refused.append({"location": str(path), "reason": "article_unreadable", "message": str(exc)})
                    continue
                for article in articles:
                    report.articles += 1
                    yield from images_from_article(article)
        if root.is_dir():
            for it in images_from_folder(root):
                if it.local_path and it.local_path.resolve() not in used:
                    yield it
        elif root.suffix.lower() in IMAGE_SUFFIXES:
            yield ImageItem(ref=ImageRef(src=root.name, kind="image"), origin="file", local_path=root)


def _is_sidecar(path: Path) -> bool:
    if path.suffix.lower() != ".txt":
        return False
    stem = path.with_suffix("")
    return stem.suffix.lower() in IMAGE_SUFFIXES or any(
        path.with_suffix(s).exists() for s in (".jpg", ".jpeg", ".png", ".gif", ".webp")
    )


def index_items(
    engine: Engine,
    items: Iterable[ImageItem],
    *,
    fetch: bool = False,
    fetch_policy: FetchPolicy | None = None,
    report: IndexReport | None = None,
) -> IndexReport:
    """Fingerprint and store ``items``; refusals are recorded and the rest goes on."""
    report = report if report is not None else IndexReport()
    for item in items:
        location = str(item.local_path or item.url or item.ref.src or item.ref.credit or "?")
        data: bytes | None = None
        try:
            if item.local_path is not None:
                data = read_bounded(item.local_path)
            elif fetch and item.url:
                data = fetch_image(item.url, fetch_policy).data
                item.origin = "fetched" if item.origin == "html" else item.origin
        except (ImageRefusedError, FetchRefusedError) as exc:
            report.refused.append({"location": location, "reason": exc.reason, "message": str(exc)})
            with engine.begin() as conn:
                save_refusal(conn, location, exc.reason, str(exc), item.article_id)
        image_pk = None
        if data is not None:
            try:
                fp = fingerprint_bytes(data, name=Path(location).name or location)
            except ImageRefusedError as exc:
                report.refused.append({"location": location, "reason": exc.reason, "message": str(exc)})
                with engine.begin() as conn:
                    save_refusal(conn, location, exc.reason, str(exc), item.article_id)
                fp = None
            if fp is not None:
                with engine.begin() as conn:
                    before = conn.execute(_count_sql()).scalar_one()
                    image_pk = save_fingerprint(conn, fp)
                    report.new_images += int(conn.execute(_count_sql()).scalar_one() > before)
                report.indexed += 1
        if image_pk is None:
            report.references_only += 1
        with engine.begin() as conn:
            report.appearances += int(save_appearance(conn, item, image_pk))
    return report


def _count_sql():
    from sqlalchemy import func, select

    from narratrace.store.schema_images import images

    return select(func.count()).select_from(images)


def index_paths(
    engine: Engine, paths: Iterable[Path | str], *, fetch: bool = False, fetch_policy: FetchPolicy | None = None
) -> IndexReport:
    """Collect every picture under ``paths`` and index it (see :func:`collect_items`)."""
    report = IndexReport()
    items = collect_items([Path(p) for p in paths], report)
    return index_items(engine, items, fetch=fetch, fetch_policy=fetch_policy, report=report)
