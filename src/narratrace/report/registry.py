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

from narratrace._discovery import import_submodules
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

_HIGHLIGHTS: dict[str, HighlightFn] = {}
_SECTIONS: dict[str, tuple[int, SectionFn]] = {}
_TERMINAL: dict[str, tuple[int, TerminalFn]] = {}
_DISCOVERED = False


def register_highlights(name: str) -> Callable[[HighlightFn], HighlightFn]:
    def decorate(fn: HighlightFn) -> HighlightFn:
        _HIGHLIGHTS[name] = fn
        return fn

    return decorate


def register_section(name: str, *, order: int = 500) -> Callable[[SectionFn], SectionFn]:
    def decorate(fn: SectionFn) -> SectionFn:
        _SECTIONS[name] = (order, fn)
        return fn

    return decorate


def register_terminal(name: str, *, order: int = 500) -> Callable[[TerminalFn], TerminalFn]:
    def decorate(fn: TerminalFn) -> TerminalFn:
        _TERMINAL[name] = (order, fn)
        return fn

    return decorate


def discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    import_submodules("narratrace.report")
    from narratrace.analyze.registry import discover as discover_stages

    discover_stages()
    _DISCOVERED = True


def highlight_providers() -> list[HighlightFn]:
    discover()
    return [fn for _, fn in sorted(_HIGHLIGHTS.items())]


def sections() -> list[SectionFn]:
    discover()
    return [fn for _, (_, fn) in sorted(_SECTIONS.items(), key=lambda kv: (kv[1][0], kv[0]))]


def terminal_blocks() -> list[TerminalFn]:
    discover()
    return [fn for _, (_, fn) in sorted(_TERMINAL.items(), key=lambda kv: (kv[1][0], kv[0]))]
