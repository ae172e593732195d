"""``narratrace corpus ingest|narratives|timeline|duplicates``: thin commands over :mod:`narratrace.corpus`.

All take the global ``--db URL``. The old top-level names (``narratrace ingest`` ...) are
hidden aliases for one release that print a deprecation note on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from narratrace.cli import _state
from narratrace.cli._aliases import add_deprecated_alias
from narratrace.cli._options import csv_option, json_option
from narratrace.cli._options import html_option as _html_option

corpus_app = typer.Typer(help="Corpus work: ingest articles, list narratives, timelines and duplicates.", no_args_is_help=True)

IngestJson = json_option("the summary")
NarrativesJson = json_option("the narratives")
NarrativesCsv = csv_option("the narratives and their events", ("narratives", "events"))
TimelineJson = json_option("the narrative with its timeline")
TimelineHtml = _html_option("the timeline with charts (works offline)")
DuplicatesJson = json_option("the duplicate groups")


def register(app: typer.Typer) -> None:
    app.add_typer(corpus_app, name="corpus")
    for name, command in (("ingest", ingest_cli), ("narratives", narratives_cli), ("timeline", timeline_cli), ("duplicates", duplicates_cli)):
        add_deprecated_alias(app, name, f"corpus {name}", command)


def _check_state(value: str | None) -> str | None:
    from narratrace.corpus.lifecycle import STATES

    if value is not None and value not in STATES:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(STATES)}")
    return value


def _check_sort(value: str) -> str:
    from narratrace.corpus.build import SORT_KEYS

    if value not in SORT_KEYS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(SORT_KEYS)}")
    return value


def _check_as_of(value: str | None) -> str | None:
    from datetime import date

    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None
    return value


#: ``corpus ingest --profile``: the analysis stages of each (``None``: the default pipeline).
PROFILES = ("full", "corpus")


def _check_profile(value: str) -> str:
    if value not in PROFILES:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(PROFILES)}")
    return value


def _profile_stages(profile: str) -> tuple[str, ...] | None:
    """The stage names of an ingest profile: ``None`` (the default pipeline) for ``full``."""
    from narratrace.corpus.ingest_corpus import CORPUS_PROFILE

    return CORPUS_PROFILE if profile == "corpus" else None


AsOf = Annotated[str | None, typer.Option("--as-of", metavar="DATE", callback=_check_as_of,
                                          help="Show the state as it stood at the end of DATE (YYYY-MM-DD): later events ignored.")]


def _as_of_date(value: str | None) -> Any:
    from datetime import date

    return date.fromisoformat(value) if value else None


def _built_store(rebuild: bool = False) -> Any:
    """The store, built if anything was ingested since the last build.

    Raises :class:`~narratrace.corpus.build.CorpusEmptyError` (E601) when it holds no articles.
    """
    from narratrace.corpus.build import CorpusEmptyError, build, needs_build, publication_count

    engine = _state.open_db()
    if not publication_count(engine):
        raise CorpusEmptyError("the store holds no articles yet: run `narratrace corpus ingest PATH` first")
    if rebuild or needs_build(engine):
        with _state.err_console().status("building duplicates, stories and narratives..."):
            build(engine, incremental=not rebuild)  # --rebuild regroups every narrative exactly
    return engine


@corpus_app.command("ingest")
def ingest_cli(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders: text, HTML, JSON, JSONL, RSS/Atom feeds.")],
    analyze: Annotated[bool, typer.Option("--analyze/--no-analyze", help="Run the article pipeline on new texts.")] = True,
    do_build: Annotated[bool, typer.Option("--build/--no-build", help="Rebuild duplicates, stories and narratives afterwards.")] = True,
    profile: Annotated[str, typer.Option(
        "--profile", metavar="corpus|full", callback=_check_profile,
        help="Analysis stages: 'full' (default) runs every default stage; 'corpus' runs only what narratives need "
             "and skips persuasion techniques (techniques.v1) and picture reuse (images.v1), several times faster.",
    )] = "full",
    json_out: IngestJson = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or progress lines.")] = False,
) -> None:
    """Load a corpus into the store (resumable: a rerun skips finished files).

    Exit code 0 when every input was usable, 3 when some were refused (listed, the rest
    stored), 1 when nothing usable was found.
    """
    from narratrace.corpus.build import build
    from narratrace.errors import EXIT_NOTHING_USABLE, EXIT_SOME_REFUSED, InputError, path_text

    missing = [path_text(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    engine = _state.open_db()
    report = _ingest_with_progress(paths, engine, analyze=analyze, quiet=quiet, stages=_profile_stages(profile))
    built = None
    if do_build and (report.usable or report.skipped_files):
        with _state.err_console().status("building duplicates, stories and narratives..."):
            built = build(engine)
    summary = report.to_dict()
    if built is not None:
        summary.update(duplicate_groups=len(built.groups), stories=len(set(built.stories.values())), narratives=len(built.narratives))
    _state.emit(summary, json_out, lambda: _print_ingest_summary(report, summary))
    if report.failures:
        if not report.usable and not report.skipped_files:
            _state.err_line(f"error: nothing usable: {len(report.failures)} input(s) refused")
            raise typer.Exit(EXIT_NOTHING_USABLE)
        raise typer.Exit(EXIT_SOME_REFUSED)


def _ingest_with_progress(paths: list[Path], engine: Any, *, analyze: bool, quiet: bool,
                          stages: tuple[str, ...] | None = None) -> Any:
    """Run the ingest with a bar (terminal) or progress lines (otherwise) on stderr."""
    from narratrace.cli._progress import ProgressReporter
    from narratrace.corpus.ingest_corpus import ingest
    from narratrace.errors import safe_text

    with ProgressReporter("ingest", "files", _state.err_console(), quiet=quiet) as progress:
        articles = 0

        def on_progress(event: str, info: dict) -> None:
            nonlocal articles
            if event == "start":
                progress.update(0, info["files"])
            elif event == "article":
                articles += 1
                progress.update(progress.done, detail=f"{articles} articles, {safe_text(Path(info['path']).name)[-40:]}")
            elif event == "file":
                progress.advance()

        return ingest(paths, engine, analyze=analyze, progress=on_progress, stages=stages)


def _print_ingest_summary(report: Any, summary: dict[str, Any]) -> None:
    out = _state.console()
    out.print(
        f"{report.files} files ({report.skipped_files} already ingested), {report.articles} articles read: "
        f"{report.new} new, {report.duplicate} duplicate, {report.already} already stored, "
        f"{len(report.broken_files)} broken file(s)", markup=False,
    )
    for failure in report.failures:
        out.print(f"  broken: {failure}", markup=False)
    if "narratives" in summary:
        out.print(f"{summary['duplicate_groups']} duplicate groups, {summary['stories']} stories, {summary['narratives']} narratives", markup=False)


@corpus_app.command("narratives")
def narratives_cli(
    state: Annotated[str | None, typer.Option("--state", callback=_check_state, help="Only this lifecycle state: emerging, spreading, contested, confirmed, refuted, retracted, dormant, went_quiet_unresolved.")] = None,
    sort: Annotated[str, typer.Option("--sort", callback=_check_sort, help="first, last, articles, outlets or state.")] = "first",
    min_articles: Annotated[int, typer.Option("--min-articles", help="Hide narratives with fewer articles.")] = 1,
    limit: Annotated[int | None, typer.Option("--limit", "--top", min=1, help="Show at most N.")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Rebuild from the store first.")] = False,
    json_out: NarrativesJson = None,
    csv_out: NarrativesCsv = None,
    as_of: AsOf = None,
) -> None:
    """List narratives with their lifecycle state (exit 1, E601, when the store holds no articles)."""
    from narratrace.corpus.build import list_narratives

    engine = _built_store(rebuild)
    rows = list_narratives(engine, state=state, sort=sort, min_articles=min_articles, as_of=_as_of_date(as_of))
    if limit is not None:
        rows = rows[:limit]
    if csv_out:
        from narratrace.report.csv_tables import narrative_tables

        _state.write_csv(narrative_tables(rows), csv_out)
    console = _state.console()
    _state.emit(rows, json_out, lambda: console.print(narratives_table(rows, console.width)))


def narratives_table(rows: list[dict[str, Any]], width: int) -> Any:
    """The terminal list of narratives for a console ``width`` columns wide.

    Ids, states and dates are never cut. The claim gets its own column when at least
    30 columns are left for it, else its own (folded) line under each row.
    """
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    head = ("id", "state", "first", "arts", "outl", "langs")
    cells = [
        (r["id"], r["state"], (r["first_date"] or "")[:10], str(len(r["articles"])), str(len(r["independent_outlets"])), ",".join(r["languages"]))
        for r in rows
    ]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(head)]
    claims = [" ".join(r["claim"].split()) for r in rows]
    if width - sum(w + 2 for w in widths) >= 30:
        table = Table(box=None, pad_edge=False)
        for col in head:
            table.add_column(col, no_wrap=True, justify="right" if col in ("arts", "outl") else "left")
        table.add_column("claim", overflow="fold", ratio=1)
        for row, claim in zip(cells, claims, strict=True):
            table.add_row(*row, Text(claim))
        return table

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(v.rjust(w) if h in ("arts", "outl") else v.ljust(w) for h, v, w in zip(head, values, widths, strict=True)).rstrip()

    parts: list[Any] = [Text(line(head), style="bold")]
    for row, claim in zip(cells, claims, strict=True):
        parts += [Text(line(row)), Padding(Text(claim, style="dim", overflow="fold"), (0, 0, 0, 4))]
    return Group(*parts)


@corpus_app.command("timeline")
def timeline_cli(
    narrative_id: Annotated[str, typer.Argument(help="Narrative id (or a unique prefix), from `narratrace corpus narratives`.")],
    json_out: TimelineJson = None,
    html: TimelineHtml = None,
    as_of: AsOf = None,
) -> None:
    """A narrative's timeline: first appearance, parties and their positions, events, state."""
    from narratrace.corpus.build import get_narrative

    n = get_narrative(_built_store(), narrative_id, as_of=_as_of_date(as_of))
    if html:
        from narratrace.report.timeline_html import render_timeline_html

        html.write_text(render_timeline_html(n), encoding="utf-8")
        _state.note(f"wrote {html}")
    _state.emit(n, json_out, lambda: _print_timeline(n))


def _print_timeline(n: dict[str, Any]) -> None:
    out = _state.console()
    first = n["timeline"].get("first_appearance") or {}
    out.print(f"{n['id']}  {n['claim']}", markup=False)
    as_of = f" (as of {n['as_of'][:10]})" if n.get("as_of") else ""
    out.print(f"state{as_of}: {n['state']} - {n['reason']}", markup=False)
    for e in n.get("state_events") or []:
        out.print(f"  because: {(e['date'] or '')[:10]} {e['type']} by {e.get('actor') or e['source']} ({e['article']})", markup=False)
    for sub in n.get("sub_claims") or []:
        out.print(f"  variant: {sub['claim']} ({len(sub['articles'])} article(s))", markup=False)
    for p in n.get("parties") or []:
        out.print(f"  party: {p['summary']}", markup=False)
    out.print(f"first: {first.get('date')} {first.get('article')} ({first.get('outlet')}), source: {first.get('source')}", markup=False)
    out.print(f"outlets: {', '.join(n['outlets'])}; independent: {len(n['independent_outlets'])}; languages: {', '.join(n['languages'])}", markup=False)
    out.print(events_table(n["events"]))


def events_table(events: list[dict[str, Any]]) -> Any:
    """The terminal table of a timeline's events: dates and article ids are never cut."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False)
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("event", overflow="fold")
    table.add_column("party", overflow="fold", ratio=1)
    table.add_column("outlet", overflow="fold", ratio=1)
    table.add_column("lang", no_wrap=True)
    table.add_column("article", no_wrap=True)
    for e in events:
        label = e["type"] + (f" ({e['verdict']})" if e.get("verdict") else "") + (" [copy]" if e.get("copy_of") else "")
        table.add_row((e["date"] or "")[:16], label, Text(e.get("actor") or e["source"] or ""), Text(e["outlet"] or ""),
                      e.get("lang") or "", Text(e["article"]))
    return table


@corpus_app.command("duplicates")
def duplicates_cli(
    json_out: DuplicatesJson = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Rebuild from the store first.")] = False,
) -> None:
    """Groups of exact copies, near-duplicates and syndicated wire copies."""
    from narratrace.corpus.build import list_duplicates

    groups = list_duplicates(_built_store(rebuild))
    _state.emit(groups, json_out, lambda: _print_duplicates(groups))


def _print_duplicates(groups: list[dict[str, Any]]) -> None:
    out = _state.console()
    for g in groups:
        out.print(f"{g['id']}  {', '.join(g['kinds'])}  canonical: {g['canonical']}", markup=False, soft_wrap=True)
        for m in g["members"][1:]:
            out.print(f"    {m}", markup=False, soft_wrap=True)
    out.print(f"{len(groups)} group(s)", markup=False)
