"""Caps that bound the work one document can cost: markup size and shape, and wall time.

libxml2 checks an element's attributes for duplicates pairwise, so one element with
20,000 attributes costs about a minute and one with a million never ends; trafilatura
slows down superlinearly with the number of elements (20k paragraphs: 8 s, 100k: 90 s on
this machine). :func:`check_markup` counts both with one linear scan before any parser
sees the page, and :func:`time_budget` stops Python-level extraction that runs too long.

Examples
--------
>>> check_markup("<p class=a>Hi</p><br>").elements
2
>>> try:
...     check_markup("<div " + " ".join(f"a{i}=1" for i in range(MAX_ATTRIBUTES + 1)) + ">")
... except TooComplexError as exc:
...     exc.code
'E107'
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from narratrace.errors import TooComplexError

__all__ = ["MarkupShape", "check_markup", "time_budget", "BudgetExceeded", "DOC_TIME_BUDGET_S"]

# Attributes on one element: real pages stay below ~40 (data-* heavy widgets); 1,000 keeps
# libxml2's pairwise duplicate check under a few milliseconds per element.
MAX_ATTRIBUTES = 1000
# Elements in one page: a long news page has 2k-15k; above this lxml alone needs GBs.
MAX_ELEMENTS = 500_000
# Above this many elements trafilatura is skipped (it would take tens of seconds) and the
# text is taken from the page's paragraphs by lxml, with a note.
MAX_EXTRACT_ELEMENTS = 20_000
# Wall-clock seconds one document may spend in extraction (trafilatura, feed parsing);
# a 1.4 MB page with 20k paragraphs takes 8 s here, ordinary pages well under 1 s.
DOC_TIME_BUDGET_S = 20.0

_TAG = re.compile(rb"<[A-Za-z][^<>]*")
# Only tags this long can hold MAX_ATTRIBUTES attributes (each at least 2 characters).
_LONG_TAG = re.compile(r"<[A-Za-z][^<>]{" + str(2 * MAX_ATTRIBUTES) + ",}")
_ATTRIBUTE = re.compile(r"""\s+[^\s=/>"']+""")
_QUOTED = re.compile(r""""[^"]*"|'[^']*'""")


@dataclass(frozen=True)
class MarkupShape:
    """What :func:`check_markup` counted."""

    elements: int
    too_big_to_extract: bool


def check_markup(markup: str, *, what: str = "the page") -> MarkupShape:
    """Count start tags and the attributes of long tags; refuse markup over the caps.

    Raises
    ------
    TooComplexError
        When an element has more than :data:`MAX_ATTRIBUTES` attributes or the markup
        has more than :data:`MAX_ELEMENTS` elements.
    """
    for tag in _LONG_TAG.finditer(markup):
        n_attributes = len(_ATTRIBUTE.findall(_QUOTED.sub("", tag.group(0))))
        if n_attributes > MAX_ATTRIBUTES:
            raise TooComplexError(
                f"{what} has an element with {n_attributes} attributes (limit {MAX_ATTRIBUTES}); "
                "refused before parsing, as no article needs that many"
            )
    # Counting on bytes avoids building a list of a million match strings.
    elements = sum(1 for _ in _TAG.finditer(markup.encode("utf-8", "replace")))
    if elements > MAX_ELEMENTS:
        raise TooComplexError(f"{what} has {elements} elements (limit {MAX_ELEMENTS}); refused before parsing")
    return MarkupShape(elements=elements, too_big_to_extract=elements > MAX_EXTRACT_ELEMENTS)


class BudgetExceeded(BaseException):  # noqa: N818 - a BaseException, so that `except Exception` in a library cannot swallow it
    """Raised inside a :func:`time_budget` block when its time is up."""


@contextmanager
def time_budget(seconds: float = DOC_TIME_BUDGET_S) -> Iterator[None]:
    """Interrupt the block with :class:`BudgetExceeded` after ``seconds`` of wall time.

    Works in the main thread of a Unix process (``SIGALRM``); elsewhere it only bounds
    nothing and the size caps are what bound the work. A timer already set by the caller
    (pytest-timeout, another budget) is restored, less the time spent, when the block ends.
    Native code is interrupted only when it returns to Python; the markup caps bound it.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(_signum, _frame) -> None:
        raise BudgetExceeded(f"over the {seconds:g} s budget")

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, 0)
    delay = min(seconds, outer_delay) if outer_delay > 0 else seconds
    signal.setitimer(signal.ITIMER_REAL, delay)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay > 0:
            left = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), outer_interval)
