"""Option types shared by every command, so that ``--json``, ``--html`` and ``--csv`` mean
the same thing everywhere: a path (``-`` for stdout where it says so)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer


def json_option(what: str) -> Any:
    """``--json PATH|-``: write ``what`` as JSON to PATH, or to stdout for ``-``."""
    return Annotated[
        Path | None,
        typer.Option("--json", metavar="PATH|-", help=f"Write {what} as JSON to PATH (- for stdout: JSON only, no table)."),
    ]


def html_option(what: str) -> Any:
    """``--html PATH``: write ``what`` as a self-contained HTML page."""
    return Annotated[Path | None, typer.Option("--html", metavar="PATH", help=f"Write {what} as a self-contained HTML page to PATH.")]


def csv_option(what: str, tables: Sequence[str]) -> Any:
    """``--csv PATH``: write ``what`` as one CSV file per table, named after PATH."""
    example = ", ".join(f"out-{t}.csv" for t in tables)
    return Annotated[
        Path | None,
        typer.Option("--csv", metavar="PATH", help=f"Write {what} as CSV files with a header row, named after PATH (out.csv: {example})."),
    ]


def is_stdout(target: Path | str | None) -> bool:
    """True when an output option asks for stdout (``-``)."""
    return target is not None and str(target) == "-"
