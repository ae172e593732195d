"""``narratrace factchecks import|export|match`` and ``narratrace train claim-reranker``.

``narratrace match`` (the old top-level name) is a hidden alias for one release.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from narratrace.cli import _state
from narratrace.cli._aliases import add_deprecated_alias
from narratrace.cli._options import is_stdout, json_option

factchecks_app = typer.Typer(help="Fact-check databases: import, export, match claims.", no_args_is_help=True)

ImportJson = json_option("the import report")
MatchJson = json_option("the matches")
FORMATS_HELP = "auto, claimreview, euvsdisinfo or vclaims."


def register(app: typer.Typer) -> None:
    app.add_typer(factchecks_app, name="factchecks")
    add_deprecated_alias(app, "match", "factchecks match", match_cli)
    try:  # join ``narratrace train`` when that sub-app exists
        from narratrace.cli.train import train_app

        train_app.command("claim-reranker")(train_reranker_cli)
    except ImportError:  # pragma: no cover - the train module is optional
        factchecks_app.command("train-reranker")(train_reranker_cli)


def _check_format(value: str) -> str:
    from narratrace.factcheck.importers import FORMATS

    if value != "auto" and value not in FORMATS:
        raise typer.BadParameter(f"{value!r} is not one of {FORMATS_HELP}")
    return value


@factchecks_app.command("import")
def import_cli(
    file: Annotated[Path, typer.Argument(help="ClaimReview JSON(-LD)/Fact Check Tools JSON, EUvsDisinfo CSV or vclaims JSONL.")],
    fmt: Annotated[str, typer.Option("--format", callback=_check_format, help=FORMATS_HELP)] = "auto",
    json_out: ImportJson = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or progress lines.")] = False,
) -> None:
    """Import fact-checks (idempotent: re-importing, or importing an export, changes nothing).

    Progress goes to stderr: a bar on a terminal, a line every 10 s otherwise.
    """
    from narratrace.cli._progress import ProgressReporter
    from narratrace.errors import InputError, UnknownFormatError
    from narratrace.factcheck.store import import_file

    if not file.exists():
        raise InputError(f"{file} does not exist")
    engine = _state.open_db()
    with ProgressReporter("importing", "records", _state.err_console(), quiet=quiet) as progress:
        try:
            report = import_file(engine, file, fmt=fmt, url=_state.db_url(), progress=progress.update)
        except UnknownFormatError as exc:
            raise UnknownFormatError(f"{exc.args[0]}; name it with --format") from exc
    payload = report.to_dict()
    _state.emit(payload, json_out, lambda: _print_import_report(payload))


def _print_import_report(payload: dict[str, Any]) -> None:
    con = _state.console()
    con.print(
        f"{payload['path']} ({payload['format']}): {payload['added']} added, {payload['updated']} updated, "
        f"{payload['unchanged']} unchanged, {payload['skipped']} skipped", markup=False, soft_wrap=True,
    )
    if payload["embedded"]:
        rate = payload["embedded"] / payload["embed_seconds"] if payload["embed_seconds"] else 0.0
        con.print(f"embedded {payload['embedded']} records in {payload['embed_seconds']:.1f} s ({rate:.1f} records/s)", markup=False)
    problems = payload["problems"]
    for p in problems[:20]:
        con.print(f"  {'skipped' if p['skipped'] else 'warning'} {p['where']}: {p['reason']}", markup=False, soft_wrap=True)
    if len(problems) > 20:
        con.print(f"  ... and {len(problems) - 20} more (see --json)", markup=False)


@factchecks_app.command("export")
def export_cli(
    json_out: Annotated[Path, typer.Option("--json", metavar="PATH|-", help="Write ClaimReview JSON-LD to PATH (- for stdout).")],
) -> None:
    """Export every stored fact-check as schema.org ClaimReview JSON-LD (importing it back changes nothing)."""
    from narratrace.factcheck.importers import write_claimreview
    from narratrace.factcheck.store import get_records

    records = get_records(_state.open_db())
    _state.write_json(write_claimreview(records), json_out)
    if not is_stdout(json_out):
        _state.note(f"wrote {len(records)} ClaimReview records to {json_out}")


@factchecks_app.command("match")
def match_cli(
    text: Annotated[str, typer.Argument(help="The claim to look up.")],
    top: Annotated[int, typer.Option("--top", "--limit", min=1, help="How many fact-checks to show.")] = 5,
    k: Annotated[int | None, typer.Option("--k", min=1, hidden=True, help="Old name of --top.")] = None,
    on: Annotated[str | None, typer.Option("--date", help="When the claim was made (YYYY-MM-DD): checks before it are 'previously checked'.")] = None,
    json_out: MatchJson = None,
) -> None:
    """Find fact-checks of a claim, in any language, with verdict and why (highest confidence first)."""
    from narratrace.errors import ConfigError
    from narratrace.factcheck.matcher import match_claims
    from narratrace.factcheck.store import count_records

    if k is not None:
        _state.err_line("note: --k is deprecated and will be removed in the next release; use --top")
    try:
        claim_date = date.fromisoformat(on) if on else None
    except ValueError as exc:
        raise ConfigError(f"--date must be YYYY-MM-DD, got {on!r}") from exc
    engine = _state.open_db()
    if count_records(engine) == 0:
        if json_out:
            _state.write_json({"query": text, "database": "empty", "matches": []}, json_out)
        else:
            _state.note("the fact-check database is empty: run `narratrace factchecks import FILE` first")
        return
    found = match_claims(engine, _state.db_url(), [text], k=k or top, claim_date=claim_date)[0]
    matches = sorted(found, key=lambda m: (-m.confidence, m.rank))
    _state.emit({"query": text, "matches": [m.to_dict() for m in matches]}, json_out, lambda: _print_matches(text, matches))


def _print_matches(text: str, matches: list) -> None:
    con = _state.console()
    if matches:
        con.print(matches_table(text, matches))
    else:
        con.print(f"no fact-check matches for: {text}", markup=False)


def matches_table(text: str, matches: list) -> Any:
    """The terminal table of matches: level, confidence, relation and date are never cut."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(f"Fact-checks for: {text[:100]}"), show_lines=True, expand=True)
    table.add_column("#", no_wrap=True, justify="right")
    table.add_column("level", no_wrap=True, min_width=len("previously_checked"))
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("verdict", overflow="fold", ratio=1)
    table.add_column("claim checked", overflow="fold", ratio=3)
    table.add_column("why", overflow="fold", ratio=2)
    for position, m in enumerate(matches, 1):
        r = m.record
        publisher = r.publisher or r.publisher_site or "-"
        level = f"{m.level}\n{m.confidence:.2f}" + (f"\n{m.relation}" if m.relation != "undated" else "")
        table.add_row(
            str(position), level, r.checked_on.date().isoformat() if r.checked_on else "-",
            Text(f"{r.verdict or '-'} ({publisher})"), Text(r.claim), Text(m.why),
        )
    return table


def train_reranker_cli(
    claims: Annotated[Path, typer.Option("--claims", help="vclaims.jsonl")],
    data: Annotated[Path, typer.Option("--data", help="train split folder (queries.tsv, qrels.tsv)")],
    dev: Annotated[Path, typer.Option("--dev", help="dev split folder, for choosing C and the thresholds")],
    out: Annotated[Path | None, typer.Option("--out", help="Output file (default: the shipped model).")] = None,
) -> None:
    """Train the logistic re-ranker on train queries (seeded), tune on dev."""
    from narratrace.config import models_dir
    from narratrace.factcheck.retrieval import RERANKER_DIR, RERANKER_FILE
    from narratrace.train.claim_reranker import save_reranker, train_reranker

    model, report = train_reranker(claims, data, dev)
    target = out or models_dir() / RERANKER_DIR / RERANKER_FILE
    save_reranker(model, target)  # and MODEL_CARD.md beside it
    con = _state.console()
    for key, value in report.items():
        con.print(f"{key}\t{value:.4f}" if isinstance(value, float) else f"{key}\t{value}", markup=False)
    _state.note(f"saved {target}")
