"""Extension points of the reports, so each feature renders its own part.

- :func:`register_highlights` adds span highlights to the HTML article view.
- :func:`register_section` adds a section (title + escaped HTML) to the HTML report.
- :func:`register_terminal` adds a block to the terminal summary.

Feature modules register at import time; :func:`discover` imports every module under
:mod:`narratrace.report` and :mod:`narratrace.analyze` so registrations happen.

Section HTML must be produced by an autoescaping Jinja environment
(:func:`narratrace.report.html.render_fragment`) or ``markupsafe.escape``: article text
is untrusted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from narratrace._discovery import Registry
from narratrace.model import Analysis


@dataclass
class Highlight:
    """One highlighted span in the HTML article view."""

    start: int
    end: int
    kind: str  # legend group: entity, source, quote, hedge, claim, technique, image, ...
    label: str  # short label shown in the tooltip header
    detail: str = ""  # longer explanation (the reason), plain text
    color: str | None = None  # CSS colour; default by kind
    confidence: float | None = None
    attrs: dict[str, str] = field(default_factory=dict)  # extra data-* attributes (filters)


@dataclass
class Section:
    key: str
    title: str
    html: Markup
    order: int = 500


HighlightFn = Callable[[Analysis], list[Highlight]]
SectionFn = Callable[[Analysis], Section | None]
TerminalFn = Callable[[Analysis, object], None]  # (analysis, rich Console)

# Report parts come from the report modules and from the analysis modules beside their stages.
_PACKAGES = ("narratrace.report", "narratrace.analyze")
HIGHLIGHTS: Registry[HighlightFn] = Registry("report_highlights", _PACKAGES)
SECTIONS: Registry[tuple[int, SectionFn]] = Registry("report_sections", _PACKAGES)
TERMINAL: Registry[tuple[int, TerminalFn]] = Registry("report_terminal", _PACKAGES)


def register_highlights(name: str) -> Callable[[HighlightFn], HighlightFn]:
    """Function decorator: ``fn(analysis)`` returns the :class:`Highlight` spans of one feature."""

    def decorate(fn: HighlightFn) -> HighlightFn:
        return HIGHLIGHTS.register(name, fn)

    return decorate


def register_section(name: str, *, order: int = 500) -> Callable[[SectionFn], SectionFn]:
    """Function decorator: ``fn(analysis)`` returns an HTML report :class:`Section` (or ``None``)."""

    def decorate(fn: SectionFn) -> SectionFn:
        SECTIONS.register(name, (order, fn))
        return fn

    return decorate


def register_terminal(name: str, *, order: int = 500) -> Callable[[TerminalFn], TerminalFn]:
    """Function decorator: ``fn(analysis, console)`` prints one block of the terminal summary."""

    def decorate(fn: TerminalFn) -> TerminalFn:
        TERMINAL.register(name, (order, fn))
        return fn

    return decorate


def discover() -> None:
    """Import the report and analysis modules so that every part registers."""
    for registry in (HIGHLIGHTS, SECTIONS, TERMINAL):
        registry.discover()


def highlight_providers() -> list[HighlightFn]:
    return [fn for _, fn in sorted(HIGHLIGHTS.all().items())]


def sections() -> list[SectionFn]:
    return [fn for _, (_, fn) in sorted(SECTIONS.all().items(), key=lambda kv: (kv[1][0], kv[0]))]


def terminal_blocks() -> list[TerminalFn]:
    return [fn for _, (_, fn) in sorted(TERMINAL.all().items(), key=lambda kv: (kv[1][0], kv[0]))]
