"""``narratrace analyze``: one article (or each article of a folder) to terminal, JSON and HTML."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from narratrace.cli import _state


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


def register(app: typer.Typer) -> None:
    @app.command("analyze")
    def analyze_cli(
        paths: Annotated[list[str], typer.Argument(help="Article files or folders (text, HTML, JSON/JSONL, RSS/Atom), or - for text on stdin.")],
        json_out: Annotated[str | None, typer.Option("--json", help="Write the JSON report to PATH (- for stdout).")] = None,
        html_out: Annotated[Path | None, typer.Option("--html", help="Write the self-contained HTML report to PATH.")] = None,
        out_dir: Annotated[Path | None, typer.Option("--out", help="For several articles: write <id>.json and <id>.html into DIR.")] = None,
        lang: Annotated[str | None, typer.Option("--lang", help="Force the article language (ISO 639-1) instead of detecting it.")] = None,
        stages: Annotated[str | None, typer.Option("--stages", help="Comma-separated stage names (default: all default stages; see `narratrace stages`).")] = None,
        store: Annotated[bool, typer.Option("--store/--no-store", help="Save the article and its analysis in the database.")] = True,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No terminal summary.")] = False,
    ) -> None:
        """Analyse articles: sources, quotes, hedges, claims, techniques; print a summary and write reports."""
        from narratrace.api import analyze_article
        from narratrace.config import MAX_INPUT_BYTES
        from narratrace.corpus.ingest_corpus import save_analyses
        from narratrace.errors import (
            EXIT_SOME_REFUSED,
            ConfigError,
            InputError,
            NarratraceError,
            TooLargeError,
            safe_text,
        )
        from narratrace.ingest import IngestFailure, read_path, read_text
        from narratrace.model import Article
        from narratrace.report.html import write_html
        from narratrace.report.json_report import analysis_to_dict
        from narratrace.report.terminal import render_terminal

        stage_list = [s.strip() for s in stages.split(",") if s.strip()] if stages else None
        items: list[Article | IngestFailure] = []
        for raw in paths:
            if raw == "-":
                from narratrace.ingest.decode import decode_bytes

                data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
                if len(data) > MAX_INPUT_BYTES:
                    raise TooLargeError("stdin is above the 20 MB limit for one input (raise NARRATRACE_MAX_INPUT_BYTES)")
                decoded = decode_bytes(data, name="stdin")
                items.extend(read_text(decoded.text))
            else:
                items.extend(read_path(Path(raw)))
        articles = [i for i in items if isinstance(i, Article)]
        failures = [i for i in items if isinstance(i, IngestFailure)]
        if len(articles) > 1 and (json_out not in (None, "-") or html_out):
            raise ConfigError(f"{len(articles)} articles found: use --out DIR for one report per article")
        if not articles:
            if len(failures) == 1:
                only = failures[0]
                message = only.reason if Path(only.path).name in only.reason else f"{only.path}: {only.reason}"
                raise InputError(message, code=only.code)
            for failure in failures:
                _state.err_line(f"skipped {failure}")
            raise InputError("no readable article in the input")
        # the --db store: fact-checks and pictures are looked up in it; written only with --store
        engine = _state.open_db()
        if out_dir:
            out_dir.mkdir(parents=True, exist_ok=True)
            names = _report_names(articles, out_dir)
        con = _state.console()
        done = 0
        for index, article in enumerate(articles):
            try:
                analysis = analyze_article(article, stages=stage_list, lang=lang, store=engine)
            except Exception as exc:  # one article's failure must not stop a folder
                known = isinstance(exc, NarratraceError)
                if len(articles) == 1 or (_state.DEBUG and not known):
                    raise
                reason = exc.args[0] if known else f"analysis failed ({exc.__class__.__name__})"
                failures.append(IngestFailure(article.source_path or "stdin", f"article {safe_text(article.id, limit=80)}: {reason}",
                                              exc.code if known else "E109"))
                continue
            done += 1
            payload = analysis_to_dict(analysis)
            if store:
                save_analyses(engine, [analysis])
            if not quiet and json_out != "-":
                render_terminal(analysis, con)
            if json_out:
                _state.write_json(payload, json_out)
            if html_out:
                write_html(analysis, html_out)
                if json_out != "-":
                    con.print(f"HTML report: {html_out}", markup=False)
            if out_dir:
                _state.write_json(payload, str(out_dir / f"{names[index]}.json"))
                write_html(analysis, out_dir / f"{names[index]}.html")
        if out_dir:
            con.print(f"{done} report(s) in {out_dir}", markup=False)
        for failure in failures:
            _state.err_line(f"skipped {failure}")
        if failures:
            if not done:
                raise InputError(f"no article could be analysed ({len(failures)} refused or failed)")
            raise typer.Exit(EXIT_SOME_REFUSED)

    @app.command("stages")
    def stages_cli() -> None:
        """List the registered analysis stages in pipeline order."""
        from narratrace.analyze.registry import default_stage_names, registered_stages

        default = default_stage_names()
        for name, info in sorted(registered_stages().items(), key=lambda kv: (kv[1].order, kv[0])):
            mark = "*" if name in default else " "
            print(f"{mark} {info.order:4d} {name:22s} {info.description}")

    @app.command("schema")
    def schema_cli() -> None:
        """Print the JSON Schema of the analysis report."""
        from narratrace.report.json_report import json_schema

        _state.write_json(json_schema(), "-")

