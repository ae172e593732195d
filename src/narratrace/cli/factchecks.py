"""``narratrace factchecks import|export``, ``narratrace match`` and ``narratrace train claim-reranker``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from narratrace.cli import _state


def _print_matches(text: str, matches: list) -> None:
    from rich.table import Table

    con = _state.console()
    if not matches:
        con.print(f"no fact-check matches for: {text}", markup=False)
        return
    table = Table(title=f"Fact-checks for: {text[:100]}", show_lines=True)
    for col in ("#", "level", "verdict", "publisher", "date", "claim checked", "why"):
        table.add_column(col)
    for m in matches:
        r = m.record
        table.add_row(
            str(m.rank),
            f"{m.level} ({m.confidence:.2f})",
            r.verdict or "-",
            r.publisher or r.publisher_site or "-",
            (r.checked_on.date().isoformat() if r.checked_on else "-") + (f"\n{m.relation}" if m.relation != "undated" else ""),
            r.claim,
            m.why,
        )
    con.print(table)


def register(app: typer.Typer) -> None:
    fc = typer.Typer(help="Fact-check databases: import, export, train the re-ranker.", no_args_is_help=True)
    app.add_typer(fc, name="factchecks")

    @fc.command("import")
    def import_cli(
        file: Annotated[Path, typer.Argument(help="ClaimReview JSON(-LD)/Fact Check Tools JSON, EUvsDisinfo CSV or vclaims JSONL.")],
        fmt: Annotated[str, typer.Option("--format", help="auto, claimreview, euvsdisinfo or vclaims.")] = "auto",
        json_out: Annotated[str | None, typer.Option("--json", help="Write the import report as JSON to PATH (- for stdout).")] = None,
    ) -> None:
        """Import fact-checks (idempotent: re-importing changes nothing)."""
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        from narratrace.errors import InputError
        from narratrace.factcheck.store import import_file

        if not file.exists():
            raise InputError(f"{file} does not exist")
        engine = _state.open_db()
        with Progress(
            TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=_state.err_console(), transient=True,
        ) as progress:
            task = progress.add_task("import", total=None)

            def update(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = import_file(engine, file, fmt=fmt, url=_state.db_url(), progress=update)
        con = _state.console()
        con.print(
            f"{report.path} ({report.format}): {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.skipped} skipped",
            markup=False,
            soft_wrap=True,
        )
        for p in report.problems[:20]:
            con.print(f"  {'skipped' if p.skipped else 'warning'} {p.where}: {p.reason}", markup=False, soft_wrap=True)
        if len(report.problems) > 20:
            con.print(f"  ... and {len(report.problems) - 20} more (see --json)", markup=False)
        if json_out:
            _state.write_json(
                {
                    "path": report.path, "format": report.format, "added": report.added, "updated": report.updated,
                    "unchanged": report.unchanged, "skipped": report.skipped,
                    "problems": [{"where": p.where, "reason": p.reason, "skipped": p.skipped} for p in report.problems],
                },
                json_out,
            )

    @fc.command("export")
    def export_cli(
        json_out: Annotated[str, typer.Option("--json", help="Write ClaimReview JSON-LD to PATH (- for stdout).")],
    ) -> None:
        """Export every stored fact-check as schema.org ClaimReview JSON-LD."""
        from narratrace.factcheck.importers import write_claimreview
        from narratrace.factcheck.store import get_records

        records = get_records(_state.open_db())
        _state.write_json(write_claimreview(records), json_out)
        if json_out != "-":
            _state.err_console().print(f"wrote {len(records)} ClaimReview records to {json_out}", markup=False)

    def train_cli(
        claims: Annotated[Path, typer.Option("--claims", help="vclaims.jsonl")],
        data: Annotated[Path, typer.Option("--data", help="train split folder (queries.tsv, qrels.tsv)")],
        dev: Annotated[Path, typer.Option("--dev", help="dev split folder, for choosing C and the thresholds")],
        out: Annotated[Path | None, typer.Option("--out", help="Output file (default: the shipped model).")] = None,
    ) -> None:
        """Train the logistic re-ranker on train queries (seeded), tune on dev."""
        from narratrace.config import models_dir
        from narratrace.factcheck.retrieval import RERANKER_DIR, RERANKER_FILE
        from narratrace.train.claim_reranker import train_reranker

        model, report = train_reranker(claims, data, dev)
        target = out or models_dir() / RERANKER_DIR / RERANKER_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        model.save(target)
        for key, value in report.items():
            print(f"{key}\t{value:.4f}" if isinstance(value, float) else f"{key}\t{value}")
        print(f"saved {target}")

    try:  # join ``narratrace train`` when that sub-app exists
        from narratrace.cli.train import train_app

        train_app.command("claim-reranker")(train_cli)
    except ImportError:  # pragma: no cover - the train module is optional
        fc.command("train-reranker")(train_cli)

    @app.command("match")
    def match_cli(
        text: Annotated[str, typer.Argument(help="The claim to look up.")],
        k: Annotated[int, typer.Option("--k", help="How many fact-checks to show.")] = 5,
        on: Annotated[str | None, typer.Option("--date", help="When the claim was made (YYYY-MM-DD): checks before it are 'previously checked'.")] = None,
        json_out: Annotated[str | None, typer.Option("--json", help="Write matches as JSON to PATH (- for stdout).")] = None,
    ) -> None:
        """Find fact-checks of a claim, in any language, with verdict and why."""
        from narratrace.errors import ConfigError
        from narratrace.factcheck.matcher import match_claims
        from narratrace.factcheck.store import count_records

        if k < 1:
            raise ConfigError(f"--k must be at least 1, got {k}")
        try:
            claim_date = date.fromisoformat(on) if on else None
        except ValueError as exc:
            raise ConfigError(f"--date must be YYYY-MM-DD, got {on!r}") from exc
        engine = _state.open_db()
        if count_records(engine) == 0:
            if json_out:
                _state.write_json({"query": text, "database": "empty", "matches": []}, json_out)
            else:
                _state.console().print("the fact-check database is empty: run `narratrace factchecks import FILE` first", markup=False)
            return
        matches = match_claims(engine, _state.db_url(), [text], k=k, claim_date=claim_date)[0]
        if json_out:
            _state.write_json({"query": text, "matches": [m.to_dict() for m in matches]}, json_out)
        if json_out != "-":
            _print_matches(text, matches)
