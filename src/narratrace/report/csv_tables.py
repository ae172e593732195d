"""CSV exports for spreadsheets: flat tables with a header row, one file per table.

``analysis_tables`` gives the claims, the check-worthy sentences (ranked) and the
techniques of one or more analyses; ``narrative_tables`` gives narratives and their
events (the records of ``narratrace corpus narratives --json``). :func:`write_tables`
names the files after one path: ``out.csv`` becomes ``out-claims.csv``,
``out-checkworthy.csv``... Every row carries the id of its article (or narrative), so
the tables of a folder can be filtered and joined.

Examples
--------
>>> table_paths(Path("out/report.csv"), ["claims", "techniques"])
{'claims': PosixPath('out/report-claims.csv'), 'techniques': PosixPath('out/report-techniques.csv')}
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from narratrace.model import Analysis

Table = tuple[list[str], list[dict[str, Any]]]

CLAIM_COLUMNS = ["article_id", "start", "end", "claim", "source", "cue", "stance", "author_stance", "evidence", "hedges", "checkworthiness"]
CHECKWORTHY_COLUMNS = ["article_id", "rank", "score", "start", "end", "sentence"]
TECHNIQUE_COLUMNS = ["article_id", "technique", "family", "confidence", "start", "end", "paragraph", "quoted_by", "span_text", "reason"]
NARRATIVE_COLUMNS = ["narrative_id", "claim", "state", "reason", "first_date", "last_date", "first_article", "first_outlet",
                     "first_source", "articles", "outlets", "independent_outlets", "languages"]
EVENT_COLUMNS = ["narrative_id", "date", "type", "verdict", "stance", "article", "outlet", "source", "lang", "start", "end", "copy_of", "text"]


def _flat(text: str) -> str:
    """One line: spreadsheets show embedded line breaks badly."""
    return " ".join(text.split())


def _claim_rows(analysis: Analysis) -> list[dict[str, Any]]:
    from narratrace.report.claims import claim_rows

    return [
        {"article_id": analysis.article.id, "start": c.start, "end": c.end,
         "claim": _flat(r["content"]), "source": r["source"], "cue": r["cue"], "stance": r["stance"],
         "author_stance": r["author_stance"], "evidence": r["evidence"], "hedges": r["hedges"],
         "checkworthiness": "" if r["checkworthiness"] is None else round(r["checkworthiness"], 4)}
        for c, r in zip(analysis.claims, claim_rows(analysis), strict=True)
    ]


def _checkworthy_rows(analysis: Analysis) -> list[dict[str, Any]]:
    """Every scored sentence, best first (not only the top few of the terminal report)."""
    scored = sorted((s for s in analysis.sentences if s.checkworthiness is not None), key=lambda s: (-s.checkworthiness, s.start))
    return [
        {"article_id": analysis.article.id, "rank": rank, "score": round(s.checkworthiness, 4), "start": s.start, "end": s.end,
         "sentence": _flat(analysis.text[s.start : s.end])}
        for rank, s in enumerate(scored, 1)
    ]


def _technique_rows(analysis: Analysis) -> list[dict[str, Any]]:
    return [
        {"article_id": analysis.article.id, "technique": t.technique, "family": t.family, "confidence": round(t.confidence, 4),
         "start": t.start, "end": t.end, "paragraph": "" if t.paragraph is None else t.paragraph,
         "quoted_by": "" if t.quoted_by is None else (t.quoted_by or "(unknown speaker)"),
         "span_text": _flat(analysis.text[t.start : t.end]), "reason": _flat(t.reason)}
        for t in sorted(analysis.techniques, key=lambda t: (t.start, t.technique))
    ]


def analysis_tables(analyses: Iterable[Analysis]) -> dict[str, Table]:
    """``claims``, ``checkworthy`` and ``techniques`` tables of one or more analyses."""
    claims: list[dict[str, Any]] = []
    checkworthy: list[dict[str, Any]] = []
    techniques: list[dict[str, Any]] = []
    for analysis in analyses:
        claims += _claim_rows(analysis)
        checkworthy += _checkworthy_rows(analysis)
        techniques += _technique_rows(analysis)
    rows = {"claims": claims, "checkworthy": checkworthy, "techniques": techniques}
    return {name: (columns, rows[name]) for name, columns in analysis_columns().items()}


def narrative_tables(records: Sequence[dict[str, Any]]) -> dict[str, Table]:
    """``narratives`` (one row each, lists joined by ``;``) and ``events`` tables of narrative records."""
    narratives, events = [], []
    for r in records:
        narratives.append({
            "narrative_id": r["id"], "claim": _flat(r["claim"]), "state": r["state"], "reason": _flat(r.get("reason") or ""),
            "first_date": r.get("first_date") or "", "last_date": r.get("last_date") or "",
            "first_article": r.get("first_article") or "", "first_outlet": r.get("first_outlet") or "",
            "first_source": r.get("first_source") or "", "articles": ";".join(r["articles"]),
            "outlets": ";".join(r.get("outlets") or []), "independent_outlets": ";".join(r.get("independent_outlets") or []),
            "languages": ";".join(r.get("languages") or []),
        })
        for e in r.get("events") or []:
            start, end = (e.get("span") or ["", ""])[:2]
            events.append({
                "narrative_id": r["id"], "date": e.get("date") or "", "type": e["type"], "verdict": e.get("verdict") or "",
                "stance": e.get("stance") or "", "article": e.get("article") or "", "outlet": e.get("outlet") or "",
                "source": e.get("source") or "", "lang": e.get("lang") or "", "start": start, "end": end,
                "copy_of": e.get("copy_of") or "", "text": _flat(e.get("text") or ""),
            })
    return {"narratives": (NARRATIVE_COLUMNS, narratives), "events": (EVENT_COLUMNS, events)}


def table_paths(path: Path, names: Iterable[str]) -> dict[str, Path]:
    """The file of each table: ``<stem>-<table>.csv`` next to ``path``."""
    path = Path(path)
    stem = path.name[: -len(path.suffix)] if path.suffix.lower() == ".csv" else path.name
    return {name: path.with_name(f"{stem}-{name}.csv") for name in names}


def analysis_columns() -> dict[str, list[str]]:
    """The columns of each table of :func:`analysis_tables`."""
    return {"claims": CLAIM_COLUMNS, "checkworthy": CHECKWORTHY_COLUMNS, "techniques": TECHNIQUE_COLUMNS}


class TableFiles:
    """CSV files open for writing, one per table, header row first; rows are written as
    they come, so a folder of any size never holds all its rows in memory.

    ``with TableFiles(Path("out.csv"), analysis_columns()) as files: files.write(tables)``
    """

    def __init__(self, path: Path, columns: dict[str, list[str]]) -> None:
        self.columns = columns
        self.paths = table_paths(path, columns)
        self._files: list[Any] = []
        self._writers: dict[str, csv.DictWriter] = {}

    def __enter__(self) -> TableFiles:
        for name, target in self.paths.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fh = target.open("w", encoding="utf-8", newline="")
            self._files.append(fh)
            self._writers[name] = csv.DictWriter(fh, fieldnames=self.columns[name], extrasaction="ignore")
            self._writers[name].writeheader()
        return self

    def write(self, tables: dict[str, Table]) -> None:
        """Append the rows of ``tables`` (tables this writer does not know are an error)."""
        for name, (_, rows) in tables.items():
            self._writers[name].writerows(rows)

    def __exit__(self, *exc: object) -> None:
        for fh in self._files:
            fh.close()


def write_tables(tables: dict[str, Table], path: Path) -> list[Path]:
    """Write every table (header row first, UTF-8); return the files."""
    with TableFiles(path, {name: columns for name, (columns, _) in tables.items()}) as files:
        files.write(tables)
    return list(files.paths.values())
