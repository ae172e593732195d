"""``narratrace analyze``: one article (or each article of a folder) to terminal, JSON and HTML."""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer

from narratrace.cli import _state
from narratrace.cli._options import csv_option, html_option, is_stdout, json_option

#: Articles of a folder analysed per :meth:`Pipeline.pipe` call (their parses stay in memory
#: until their reports are written).
BATCH_SIZE = 32


def _slug(value: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", value).strip("._")[:80] or "article"


def _report_names(articles: list, out_dir: Path) -> list[str]:
    """One file name per article, after its input file (and its id when the file holds several).

    Names never collide with each other nor with files already in ``out_dir``: a clash
    gets ``-2``, ``-3``... so ``--out`` never overwrites a report.
    """
    from collections import Counter

    per_file = Counter(a.source_path for a in articles)
    used: set[str] = set()
    names = []
    for article in articles:
        stem = _slug(Path(article.source_path).stem) if article.source_path else ""
        base = f"{stem}-{_slug(article.id)}" if (not stem or per_file[article.source_path] > 1) else stem
        base = base.strip("-") or "article"
        name, n = base, 1
        while name in used or (out_dir / f"{name}.json").exists() or (out_dir / f"{name}.html").exists():
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        names.append(name)
    return names


AnalyzeJson = json_option("the JSON report")
AnalyzeHtml = html_option("the report")
AnalyzeCsv = csv_option("the claims, the check-worthy sentences (ranked) and the techniques of every article",
                        ("claims", "checkworthy", "techniques"))


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_cli)
    app.command("stages")(stages_cli)
    app.command("schema")(schema_cli)


def analyze_cli(
    paths: Annotated[list[str], typer.Argument(help="Article files or folders (text, HTML, JSON/JSONL, RSS/Atom), or - for text on stdin.")],
    json_out: AnalyzeJson = None,
    html_out: AnalyzeHtml = None,
    out_dir: Annotated[Path | None, typer.Option("--out", metavar="DIR", help="Write DIR/<input-stem>.json and .html for every article (-2, -3... on a clash; never overwrites).")] = None,
    csv_out: AnalyzeCsv = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Force the article language (ISO 639-1) instead of detecting it.")] = None,
    stages: Annotated[str | None, typer.Option("--stages", help="Comma-separated stage names (default: all default stages; see `narratrace stages`).")] = None,
    store: Annotated[bool, typer.Option("--store/--no-store", help="Save the article and its analysis in the database.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No terminal summary.")] = False,
) -> None:
    """Analyse articles: sources, quotes, hedges, claims, techniques; print a summary and write reports."""
    from narratrace.corpus.ingest_corpus import save_analyses
    from narratrace.errors import ConfigError
    from narratrace.report.csv_tables import TableFiles, analysis_columns, analysis_tables

    stage_list = [s.strip() for s in stages.split(",") if s.strip()] if stages else None
    articles, failures = _read_inputs(paths)
    if len(articles) > 1 and ((json_out and not is_stdout(json_out)) or html_out):
        raise ConfigError(f"{len(articles)} articles found: use --out DIR for one report per article")
    # the --db store: fact-checks and pictures are looked up in it; written only with --store
    engine = _state.open_db()
    names: list[str] = []
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        names = _report_names(articles, out_dir)
    done = 0
    with TableFiles(csv_out, analysis_columns()) if csv_out else nullcontext() as tables:
        for index, analysis in _analyse_all(articles, stage_list, lang, engine, failures):
            if analysis is None:
                continue
            done += 1
            if store:
                save_analyses(engine, [analysis])
            _write_reports(analysis, json_out=json_out, html_out=html_out, quiet=quiet,
                           stem=out_dir / names[index] if out_dir else None)
            if tables is not None:
                tables.write(analysis_tables([analysis]))
    for path in tables.paths.values() if tables is not None else ():
        _state.note(f"wrote {path}")
    if out_dir:
        _state.note(f"{done} report(s) in {out_dir}")
    _finish(done, failures)


def _finish(done: int, failures: list) -> None:
    """List the refused inputs; exit 3 when some were, 1 when nothing could be analysed."""
    from narratrace.errors import EXIT_SOME_REFUSED, InputError

    for failure in failures:
        _state.err_line(f"skipped {failure}")
    if failures:
        if not done:
            raise InputError(f"no article could be analysed ({len(failures)} refused or failed)")
        raise typer.Exit(EXIT_SOME_REFUSED)


def _read_inputs(paths: list[str]) -> tuple[list[Any], list[Any]]:
    """The articles of every path (``-``: stdin) and the inputs refused; raise when none is usable."""
    from narratrace.config import MAX_INPUT_BYTES
    from narratrace.errors import InputError, TooLargeError
    from narratrace.ingest import IngestFailure, read_path, read_text
    from narratrace.model import Article

    items: list[Article | IngestFailure] = []
    for raw in paths:
        if raw == "-":
            from narratrace.ingest.decode import decode_bytes

            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
            if len(data) > MAX_INPUT_BYTES:
                raise TooLargeError("stdin is above the 20 MB limit for one input (raise NARRATRACE_MAX_INPUT_BYTES)")
            items.extend(read_text(decode_bytes(data, name="stdin").text))
        else:
            items.extend(read_path(Path(raw)))
    articles = [i for i in items if isinstance(i, Article)]
    failures = [i for i in items if isinstance(i, IngestFailure)]
    if not articles:
        if len(failures) == 1:
            only = failures[0]
            message = only.reason if Path(only.path).name in only.reason else f"{only.path}: {only.reason}"
            raise InputError(message, code=only.code)
        for failure in failures:
            _state.err_line(f"skipped {failure}")
        raise InputError("no readable article in the input")
    return articles, failures


def _analyse_all(articles: list[Any], stages: list[str] | None, lang: str | None, engine: Any,
                 failures: list) -> Iterator[tuple[int, Any]]:
    """``(index, analysis)`` of every article, analysed :data:`BATCH_SIZE` at a time with
    :meth:`Pipeline.pipe <narratrace.analyze.pipeline.Pipeline.pipe>` (the same analyses as
    one at a time); a failed article yields ``None`` and is added to ``failures`` (raised when
    it is the only article)."""
    from narratrace.analyze.pipeline import get_pipeline
    from narratrace.corpus.ingest_corpus import run_analyzer
    from narratrace.errors import NarratraceError, safe_text
    from narratrace.ingest import IngestFailure

    pipeline = get_pipeline(stages, store=engine)
    if lang:  # forced on copies: the caller's articles are never changed
        articles = [dataclasses.replace(a, metadata={**a.metadata, "lang_override": lang}) for a in articles]
    for first in range(0, len(articles), BATCH_SIZE):
        batch = articles[first : first + BATCH_SIZE]
        for index, (article, outcome) in enumerate(zip(batch, run_analyzer(pipeline, batch), strict=True), start=first):
            if not isinstance(outcome, Exception):
                yield index, outcome
                continue
            known = isinstance(outcome, NarratraceError)
            if len(articles) == 1 or (_state.DEBUG and not known):
                raise outcome
            reason = outcome.args[0] if known else f"analysis failed ({outcome.__class__.__name__})"
            failures.append(IngestFailure(article.source_path or "stdin", f"article {safe_text(article.id, limit=80)}: {reason}",
                                          outcome.code if known else "E109"))
            yield index, None


def _write_reports(analysis: Any, *, json_out: Path | None, html_out: Path | None, quiet: bool, stem: Path | None) -> None:
    """Terminal summary (unless quiet or JSON on stdout), ``--json``, ``--html`` and the ``--out`` pair."""
    from narratrace.report.html import write_html
    from narratrace.report.json_report import analysis_to_dict
    from narratrace.report.terminal import render_terminal

    payload = analysis_to_dict(analysis)
    if not quiet and not is_stdout(json_out):
        render_terminal(analysis, _state.console())
    if json_out:
        _state.write_json(payload, json_out)
    if html_out:
        write_html(analysis, html_out)
        _state.note(f"HTML report: {html_out}")
    if stem is not None:
        _state.write_json(payload, stem.with_name(stem.name + ".json"))
        write_html(analysis, stem.with_name(stem.name + ".html"))


def stages_cli() -> None:
    """List the registered analysis stages in pipeline order (* marks the default ones)."""
    from narratrace.analyze.registry import default_stage_names, registered_stages

    default = default_stage_names()
    con = _state.console()
    for name, info in sorted(registered_stages().items(), key=lambda kv: (kv[1].order, kv[0])):
        mark = "*" if name in default else " "
        con.print(f"{mark} {info.order:4d} {name:22s} {info.description}", markup=False, soft_wrap=True)


def schema_cli() -> None:
    """Print the JSON Schema of the analysis report."""
    from narratrace.report.json_report import json_schema

    _state.write_json(json_schema(), "-")

