"""Corpus commands: ``ingest``, ``narratives``, ``timeline``, ``duplicates``.

Thin wrappers over :mod:`narratrace.corpus`; all take the global ``--db URL``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from narratrace.cli import _state

STATE_HELP = "emerging, spreading, contested, confirmed, refuted, retracted, dormant, went_quiet_unresolved"


def _ensure_built(engine, rebuild: bool = False) -> None:
    from narratrace.corpus.build import build, needs_build

    if rebuild or needs_build(engine):
        with _state.err_console().status("building duplicates, stories and narratives..."):
            build(engine)


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_cli(
        paths: Annotated[list[Path], typer.Argument(help="Files and folders: text, HTML, JSON, JSONL, RSS/Atom feeds.")],
        analyze: Annotated[bool, typer.Option("--analyze/--no-analyze", help="Run the article pipeline on new texts.")] = True,
        do_build: Annotated[bool, typer.Option("--build/--no-build", help="Rebuild duplicates, stories and narratives afterwards.")] = True,
        json_out: Annotated[str | None, typer.Option("--json", help="Write the summary as JSON to PATH (- for stdout).")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    ) -> None:
        """Load a corpus into the store (resumable: a rerun skips finished files).

        Exit code 0 when every input was usable, 3 when some were refused (listed, the rest
        stored), 1 when nothing usable was found.
        """
        from rich.markup import escape
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        from narratrace.corpus.build import build
        from narratrace.corpus.ingest_corpus import ingest
        from narratrace.errors import (
            EXIT_NOTHING_USABLE,
            EXIT_SOME_REFUSED,
            InputError,
            path_text,
            safe_text,
        )

        missing = [path_text(p) for p in paths if not p.exists() and not p.is_symlink()]
        if missing:
            raise InputError(f"no such file or folder: {', '.join(missing)}")
        engine = _state.open_db()
        console = _state.err_console()
        with Progress(
            TextColumn("[bold]ingest[/bold]"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
            TextColumn("{task.fields[articles]} articles"), TimeElapsedColumn(), TextColumn("{task.fields[current]}"),
            console=console, disable=quiet, transient=False,
        ) as progress:
            task = progress.add_task("ingest", total=None, articles=0, current="")
            counts = {"articles": 0}

            def on_progress(event: str, info: dict) -> None:
                if event == "start":
                    progress.update(task, total=info["files"])
                elif event == "article":
                    counts["articles"] += 1
                    progress.update(task, articles=counts["articles"], current=escape(safe_text(Path(info["path"]).name)[-40:]))
                elif event == "file":
                    progress.advance(task)

            report = ingest(paths, engine, analyze=analyze, progress=on_progress)
        built = None
        if do_build and (report.usable or report.skipped_files):
            with console.status("building duplicates, stories and narratives..."):
                built = build(engine)
        summary = report.to_dict()
        if built is not None:
            summary["duplicate_groups"] = len(built.groups)
            summary["stories"] = len(set(built.stories.values()))
            summary["narratives"] = len(built.narratives)
        if json_out:
            _state.write_json(summary, json_out)
        if json_out != "-":
            out = _state.console()
            out.print(
                f"{report.files} files ({report.skipped_files} already ingested), {report.articles} articles read: "
                f"{report.new} new, {report.duplicate} duplicate, {report.already} already stored, "
                f"{len(report.broken_files)} broken file(s)", markup=False,
            )
            for failure in report.failures:
                out.print(f"  broken: {failure}", markup=False)
            if built is not None:
                out.print(f"{summary['duplicate_groups']} duplicate groups, {summary['stories']} stories, {summary['narratives']} narratives", markup=False)
        if report.failures:
            if not report.usable and not report.skipped_files:
                _state.err_line(f"error: nothing usable: {len(report.failures)} input(s) refused")
                raise typer.Exit(EXIT_NOTHING_USABLE)
            raise typer.Exit(EXIT_SOME_REFUSED)

    @app.command("narratives")
    def narratives_cli(
        state: Annotated[str | None, typer.Option("--state", help=f"Only this lifecycle state: {STATE_HELP}.")] = None,
        sort: Annotated[str, typer.Option("--sort", help="first, last, articles, outlets or state.")] = "first",
        min_articles: Annotated[int, typer.Option("--min-articles", help="Hide narratives with fewer articles.")] = 1,
        limit: Annotated[int | None, typer.Option("--limit", help="Show at most N.")] = None,
        rebuild: Annotated[bool, typer.Option("--rebuild", help="Rebuild from the store first.")] = False,
        json_out: Annotated[str | None, typer.Option("--json", help="Write the narratives as JSON to PATH (- for stdout).")] = None,
    ) -> None:
        """List narratives with their lifecycle state."""
        from rich.table import Table

        from narratrace.corpus.build import list_narratives

        engine = _state.open_db()
        _ensure_built(engine, rebuild)
        rows = list_narratives(engine, state=state, sort=sort, min_articles=min_articles)
        if limit is not None:
            rows = rows[:limit]
        if json_out:
            _state.write_json(rows, json_out)
            if json_out == "-":
                return
        console = _state.console()
        room = max(16, console.width - 66)  # what the fixed columns leave for the claim
        table = Table(box=None, pad_edge=False)
        for col in ("id", "state", "first", "arts", "outl", "langs"):
            table.add_column(col, no_wrap=True)
        table.add_column("claim", no_wrap=True)
        for r in rows:
            claim = r["claim"] if len(r["claim"]) <= room else r["claim"][: room - 1] + "…"
            table.add_row(
                r["id"], r["state"], (r["first_date"] or "")[:10], str(len(r["articles"])),
                str(len(r["independent_outlets"])), ",".join(r["languages"]), claim,
            )
        console.print(table)

    @app.command("timeline")
    def timeline_cli(
        narrative_id: Annotated[str, typer.Argument(help="Narrative id (or a unique prefix), from `narratrace narratives`.")],
        json_out: Annotated[str | None, typer.Option("--json", help="Write the narrative with its timeline as JSON to PATH (- for stdout).")] = None,
        html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML page with charts (works offline).")] = None,
    ) -> None:
        """A narrative's timeline: first appearance, spread, denials, confirmations, state."""
        from rich.table import Table

        from narratrace.corpus.build import get_narrative

        engine = _state.open_db()
        _ensure_built(engine)
        n = get_narrative(engine, narrative_id)
        if html:
            from narratrace.report.timeline_html import render_timeline_html

            html.write_text(render_timeline_html(n), encoding="utf-8")
        if json_out:
            _state.write_json(n, json_out)
            if json_out == "-":
                return
        out = _state.console()
        tl = n["timeline"]
        first = tl.get("first_appearance") or {}
        out.print(f"{n['id']}  {n['claim']}", markup=False)
        out.print(f"state: {n['state']} - {n['reason']}", markup=False)
        out.print(f"first: {first.get('date')} {first.get('article')} ({first.get('outlet')}), source: {first.get('source')}", markup=False)
        out.print(f"outlets: {', '.join(n['outlets'])}; independent: {len(n['independent_outlets'])}; languages: {', '.join(n['languages'])}", markup=False)
        table = Table("date", "event", "source", "outlet", "article")
        for e in n["events"]:
            label = e["type"] + (f" ({e['verdict']})" if e.get("verdict") else "") + (" [copy]" if e.get("copy_of") else "")
            table.add_row((e["date"] or "")[:16], label, e["source"] or "", e["outlet"] or "", e["article"])
        out.print(table)
        if html:
            out.print(f"wrote {html}", markup=False)

    @app.command("duplicates")
    def duplicates_cli(
        json_out: Annotated[str | None, typer.Option("--json", help="Write the duplicate groups as JSON to PATH (- for stdout).")] = None,
        rebuild: Annotated[bool, typer.Option("--rebuild", help="Rebuild from the store first.")] = False,
    ) -> None:
        """Groups of exact copies, near-duplicates and syndicated wire copies."""
        from narratrace.corpus.build import list_duplicates

        engine = _state.open_db()
        _ensure_built(engine, rebuild)
        groups = list_duplicates(engine)
        if json_out:
            _state.write_json(groups, json_out)
            if json_out == "-":
                return
        out = _state.console()
        for g in groups:
            out.print(f"{g['id']}  {', '.join(g['kinds'])}  canonical: {g['canonical']}", markup=False)
            for m in g["members"][1:]:
                out.print(f"    {m}", markup=False)
        out.print(f"{len(groups)} group(s)", markup=False)
