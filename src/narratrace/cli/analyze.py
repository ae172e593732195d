"""``narratrace analyze``: one article (or each article of a folder) to terminal, JSON and HTML."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from narratrace.cli import _state


def _slug(value: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", value)[:80] or "article"


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
        from narratrace.errors import ConfigError, InputError
        from narratrace.ingest import IngestFailure, read_path, read_text
        from narratrace.model import Article
        from narratrace.report.html import write_html
        from narratrace.report.json_report import analysis_to_dict
        from narratrace.report.terminal import render_terminal

        stage_list = [s.strip() for s in stages.split(",") if s.strip()] if stages else None
        os.environ["NARRATRACE_DB"] = _state.db_url()
        items: list[Article | IngestFailure] = []
        for raw in paths:
            if raw == "-":
                from narratrace.ingest.decode import decode_bytes

                decoded = decode_bytes(sys.stdin.buffer.read(), name="stdin")
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
        engine = _state.open_db() if store else None
        if out_dir:
            out_dir.mkdir(parents=True, exist_ok=True)
        con = _state.console()
        for article in articles:
            analysis = analyze_article(article, stages=stage_list, lang=lang)
            payload = analysis_to_dict(analysis)
            if engine is not None:
                _store(engine, analysis, payload)
            if not quiet and json_out != "-":
                render_terminal(analysis, con)
            if json_out:
                _state.write_json(payload, json_out)
            if html_out:
                write_html(analysis, html_out)
                if json_out != "-":
                    con.print(f"HTML report: {html_out}", markup=False)
            if out_dir:
                name = _slug(article.id)
                _state.write_json(payload, str(out_dir / f"{name}.json"))
                write_html(analysis, out_dir / f"{name}.html")
        if out_dir:
            con.print(f"{len(articles)} report(s) in {out_dir}", markup=False)
        for failure in failures:
            _state.err_line(f"skipped {failure}")

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


def _store(engine, analysis, payload) -> None:
    from narratrace.report.json_report import SCHEMA_VERSION
    from narratrace.store.articles import save_analysis, save_article

    with engine.begin() as conn:
        save_article(conn, analysis.article)
        save_analysis(conn, analysis.article.content_hash, analysis.stages, payload, SCHEMA_VERSION)
