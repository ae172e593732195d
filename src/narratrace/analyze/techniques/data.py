"""Readers for the persuasion data sets in the shared layout, and the fixed dev subset.

Two layouts are read (see ``../shared/data/README.md``):

- SemEval-2023 Task 3 ``<lang>/<split>/``: ``articles/article<ID>.txt`` (paragraphs are
  lines, 1-based), ``labels-subtask-3.txt`` and optionally ``spans-subtask-3/``.
- SemEval-2020 Task 11 (PTC) ``<split>/``: ``articles/article<ID>.txt``, ``labels-si.txt``,
  ``labels-tc.txt``.

Files are read with ``newline=""`` because the gold offsets count raw ``\\r`` characters.

The dev subset of SemEval-2023 (only ``train`` is public) is fixed by :func:`is_dev_article`:
English uses the 75 PTC dev articles (the English train set is exactly PTC train + dev,
relabelled), so that neither benchmark's numbers come from articles the model saw; the
other languages use 20% of article ids by a stable hash.

Examples
--------
>>> is_dev_article("de", "123456") in (True, False)
True
>>> paragraph_offsets("a\\n\\nbc\\n")
[(1, 0, 1), (3, 3, 5)]
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from narratrace.errors import EvalDataError

# Share of non-English SemEval-2023 train articles held out as the dev subset (1 in 5).
DEV_MODULO = 5


@dataclass
class SemevalArticle:
    """One article of SemEval-2023 Task 3 with its paragraph labels and spans."""

    id: str
    lang: str
    text: str
    paragraphs: list[tuple[int, int, int]]  # (line number 1-based, start, end), non-empty lines
    labels: dict[int, list[str]] = field(default_factory=dict)  # line -> techniques (gold lines only)
    spans: list[tuple[str, int, int]] = field(default_factory=list)  # (technique, start, end)
    source_hash: str | None = None  # norm_hash of the text as published, when ``text`` is masked


@dataclass
class PtcArticle:
    """One article of the PTC with its technique spans (end exclusive)."""

    id: str
    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    si_spans: list[tuple[int, int]] = field(default_factory=list)


def read_raw(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def paragraph_offsets(text: str) -> list[tuple[int, int, int]]:
    """Non-empty lines as ``(line number from 1, start, end)``, ``\\r`` excluded."""
    out = []
    pos = 0
    for i, line in enumerate(text.split("\n"), start=1):
        body = line.rstrip("\r")
        if body.strip():
            out.append((i, pos, pos + len(body)))
        pos += len(line) + 1
    return out


def norm_hash(text: str) -> str:
    """Hash of whitespace-normalised text: the same article in PTC and SemEval-2023 matches."""
    return hashlib.sha1(re.sub(r"\s+", " ", text).strip().encode("utf-8")).hexdigest()[:16]


def is_dev_article(lang: str, article_id: str, ptc_dev_ids: frozenset[str] = frozenset()) -> bool:
    """Whether a SemEval-2023 train article belongs to the fixed dev subset.

    English: the article is one of the PTC dev articles (``ptc_dev_ids``). Other
    languages: ``sha1("<lang>:<id>") % 5 == 0``.
    """
    if lang == "en":
        return article_id in ptc_dev_ids
    digest = hashlib.sha1(f"{lang}:{article_id}".encode()).hexdigest()
    return int(digest, 16) % DEV_MODULO == 0


def _article_id(path: Path) -> str:
    return path.stem.removeprefix("article")


def load_semeval2023(split_dir: Path, lang: str | None = None, *, limit: int | None = None) -> list[SemevalArticle]:
    """Read a SemEval-2023 Task 3 split folder (``articles/`` + subtask-3 labels)."""
    split_dir = Path(split_dir)
    art_dir = split_dir / "articles"
    if not art_dir.is_dir():
        raise EvalDataError(f"{split_dir} has no articles/ folder (expected the semeval2023-task3/<lang>/<split> layout)")
    if lang is None:
        lang = split_dir.parent.name
    labels: dict[str, dict[int, list[str]]] = {}
    lab_file = split_dir / "labels-subtask-3.txt"
    if lab_file.exists():
        for line in lab_file.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 2 or not parts[1].strip().isdigit():
                continue
            techs = [t for t in (parts[2].split(",") if len(parts) > 2 else []) if t.strip()]
            labels.setdefault(parts[0], {})[int(parts[1])] = [t.strip() for t in techs]
    span_dir = split_dir / "spans-subtask-3"
    out = []
    for path in sorted(art_dir.glob("article*.txt")):
        aid = _article_id(path)
        text = read_raw(path)
        spans = []
        sfile = span_dir / f"article{aid}-labels-subtask-3.txt"
        if sfile.exists():
            for line in sfile.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) >= 4 and parts[2].isdigit() and parts[3].isdigit():
                    spans.append((parts[1], int(parts[2]), int(parts[3])))
        out.append(SemevalArticle(aid, lang, text, paragraph_offsets(text), labels.get(aid, {}), spans))
        if limit is not None and len(out) >= limit:
            break
    return out


def load_ptc(split_dir: Path, *, limit: int | None = None) -> list[PtcArticle]:
    """Read a PTC split folder (``articles/``, ``labels-tc.txt``, ``labels-si.txt``)."""
    split_dir = Path(split_dir)
    art_dir = split_dir / "articles"
    if not art_dir.is_dir():
        raise EvalDataError(f"{split_dir} has no articles/ folder (expected the semeval2020-task11-ptc/<split> layout)")
    tc: dict[str, list[tuple[str, int, int]]] = {}
    si: dict[str, list[tuple[int, int]]] = {}
    tc_file, si_file = split_dir / "labels-tc.txt", split_dir / "labels-si.txt"
    if tc_file.exists():
        for line in tc_file.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 4:
                tc.setdefault(parts[0], []).append((parts[1], int(parts[2]), int(parts[3])))
    if si_file.exists():
        for line in si_file.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                si.setdefault(parts[0], []).append((int(parts[1]), int(parts[2])))
    out = []
    for path in sorted(art_dir.glob("article*.txt")):
        aid = _article_id(path)
        spans = tc.get(aid, [])
        si_spans = si.get(aid) or [(s, e) for _, s, e in spans]
        out.append(PtcArticle(aid, read_raw(path), spans, si_spans))
        if limit is not None and len(out) >= limit:
            break
    return out
