"""Progress of long work on stderr: a Rich bar on a terminal, log lines otherwise.

A redirected or piped run (a cron job, ``nohup``, CI) cannot show a bar, so it gets one
line every ``interval`` seconds with the counts, the rate and the time left, plus a
final line; nothing is printed under ``--quiet``.
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def format_duration(seconds: float) -> str:
    """``95`` -> ``'1 min 35 s'``; ``4000`` -> ``'1 h 6 min'``.

    >>> format_duration(95), format_duration(4000), format_duration(3)
    ('1 min 35 s', '1 h 6 min', '3 s')
    """
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def progress_line(label: str, unit: str, done: int, total: int | None, elapsed: float, detail: str = "") -> str:
    """One log line: counts, percentage, rate and time left (when the total is known).

    >>> progress_line("importing", "records", 250, 1000, 50.0)
    'importing: 250/1,000 records (25%), 5.0 records/s, about 2 min 30 s left'
    >>> progress_line("ingest", "files", 3, None, 2.0, "40 articles")
    'ingest: 3 files, 1.5 files/s, 40 articles'
    """
    rate = done / elapsed if elapsed > 0 else 0.0
    parts = [f"{label}: {done:,}/{total:,} {unit} ({done / total:.0%})" if total else f"{label}: {done:,} {unit}"]
    if done:
        parts.append(f"{rate:.1f} {unit}/s")
    if total and 0 < done < total and rate > 0:
        parts.append(f"about {format_duration((total - done) / rate)} left")
    if detail:
        parts.append(detail)
    return ", ".join(parts)


class ProgressReporter:
    """``with ProgressReporter("importing", "records", console) as p: p.update(done, total)``."""

    def __init__(self, label: str, unit: str, console: Console, *, quiet: bool = False, interval: float = 10.0) -> None:
        self.label, self.unit, self.console, self.interval = label, unit, console, interval
        self.quiet = quiet
        self.done, self.total, self.detail = 0, None, ""
        self._bar: Progress | None = None
        self._task = None
        self._start = self._last = 0.0
        self._printed_at: int | None = None

    def __enter__(self) -> ProgressReporter:
        self._start = time.monotonic()
        if not self.quiet and self.console.is_terminal:
            self._bar = Progress(
                TextColumn(f"[bold]{self.label}[/bold]"), BarColumn(), MofNCompleteColumn(), TextColumn(self.unit),
                TimeElapsedColumn(), TextColumn("left:"), TimeRemainingColumn(), TextColumn("{task.fields[detail]}"),
                console=self.console, transient=False,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(self.label, total=None, detail="")
        return self

    def update(self, done: int, total: int | None = None, detail: str | None = None) -> None:
        """Set the count (and the total, and a free-text detail such as the current file)."""
        self.done = done
        self.total = total if total is not None else self.total
        self.detail = detail if detail is not None else self.detail
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=self.total, detail=self.detail)
            return
        now = time.monotonic()
        if self._printed_at is None or now - self._last >= self.interval:
            self._log(now)

    def advance(self, n: int = 1, detail: str | None = None) -> None:
        """Add ``n`` to the count."""
        self.update(self.done + n, detail=detail)

    def _log(self, now: float) -> None:
        self._last, self._printed_at = now, self.done
        line = progress_line(self.label, self.unit, self.done, self.total, now - self._start, self.detail)
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.__exit__(exc_type, exc, tb)
        elif not self.quiet and exc_type is None and self._printed_at != self.done:
            self._log(time.monotonic())
