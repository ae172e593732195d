"""Progress of long work: log lines when stderr is not a terminal, a bar when it is."""

from __future__ import annotations

import io

from rich.console import Console

from narratrace.cli._progress import ProgressReporter


def _run(console: Console, *, interval: float, quiet: bool = False) -> None:
    with ProgressReporter("importing", "records", console, interval=interval, quiet=quiet) as progress:
        progress.update(0, 600)
        for done in (256, 512, 600):
            progress.update(done)


def test_log_lines_when_not_a_terminal():
    out = io.StringIO()
    _run(Console(file=out, width=200, force_terminal=False), interval=0.0)
    lines = out.getvalue().splitlines()
    assert lines[0] == "importing: 0/600 records (0%)"
    assert lines[1].startswith("importing: 256/600 records (43%), ") and "records/s" in lines[1] and "left" in lines[1]
    assert lines[-1].startswith("importing: 600/600 records (100%)") and len(lines) == 4


def test_log_lines_are_throttled_but_the_last_count_is_always_said():
    out = io.StringIO()
    _run(Console(file=out, width=200, force_terminal=False), interval=3600.0)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[-1].startswith("importing: 600/600 records (100%)")


def test_a_bar_on_a_terminal_and_nothing_when_quiet():
    out = io.StringIO()
    _run(Console(file=out, width=100, force_terminal=True), interval=0.0)
    assert "600/600" in out.getvalue() and "importing:" not in out.getvalue()
    quiet = io.StringIO()
    _run(Console(file=quiet, width=100, force_terminal=False), interval=0.0, quiet=True)
    assert quiet.getvalue() == ""
