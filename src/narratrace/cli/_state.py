"""State shared by CLI commands: the global options and the consoles."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from rich.console import Console

DB_URL: str | None = None
DEBUG: bool = False


def db_url() -> str:
    from narratrace.config import default_db_url

    return DB_URL or default_db_url()


def open_db():
    from narratrace.store import open_store

    return open_store(db_url())


@cache
def console() -> Console:
    return Console(highlight=False)


@cache
def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def note(message: str) -> None:
    """A message for the person at the terminal (written files, counts): stderr, so that
    stdout carries only the command's output."""
    err_console().print(message, markup=False, soft_wrap=True)


def err_line(message: str) -> None:
    """One unwrapped line on stderr (errors and warnings must stay greppable)."""
    sys.stderr.write(" ".join(message.split()) + "\n")
    sys.stderr.flush()


def write_json(payload: Any, target: Path | str) -> None:
    """Write ``payload`` as JSON to a path, or to stdout when ``target`` is ``-``."""
    text = json.dumps(payload, ensure_ascii=False, indent=2, default=str)
    if str(target) == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(target).write_text(text + "\n", encoding="utf-8")


def emit(payload: Any, json_out: Path | str | None, show: Callable[[], None]) -> None:
    """The output of a reporting command: ``payload`` as JSON where ``--json`` says, and
    ``show()`` (tables, summaries) on the terminal unless the JSON goes to stdout."""
    if json_out:
        write_json(payload, json_out)
    if str(json_out) != "-":
        show()


def write_csv(tables: dict[str, Any], target: Path) -> None:
    """Write CSV tables named after ``target`` (:func:`narratrace.report.csv_tables.write_tables`) and say where."""
    from narratrace.report.csv_tables import write_tables

    for path in write_tables(tables, target):
        note(f"wrote {path}")
