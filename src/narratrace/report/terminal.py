"""Terminal summary of an Analysis (Rich). Article text is always passed as ``Text``,
never as markup, so nothing in an article can style or break the terminal output."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from narratrace.model import Analysis
from narratrace.report.registry import register_terminal, terminal_blocks

# Cut long article strings in table cells to keep the summary readable.
CELL_CHARS = 90


def _cut(value: str | None, limit: int = CELL_CHARS) -> Text:
    value = " ".join((value or "").split())
    return Text(value if len(value) <= limit else value[: limit - 1] + "…")


def render_terminal(analysis: Analysis, console: Console) -> None:
    """Print the summary: header, then every registered block in order."""
    for block in terminal_blocks():
        block(analysis, console)


@register_terminal("header", order=0)
def _header(analysis: Analysis, console: Console) -> None:
    art = analysis.article
    lines = Text()
    lines.append(Text(art.title or "(untitled)", style="bold"))
    fields = [
        ("author", ", ".join(art.authors)),
        ("published", art.published.isoformat() if art.published else ""),
        ("outlet", art.outlet or ""),
        ("first published on", (art.metadata.get("first_published_on") or {}).get("value", "")),
        ("url", art.url or ""),
        ("language", f"{analysis.language} ({analysis.language_confidence:.0%} of letters)" if analysis.language else "unknown"),
        ("words", str(len(analysis.text.split()))),
    ]
    others = Counter(p.lang for p in analysis.paragraphs if p.lang and p.lang != analysis.language)
    if others:
        fields.append(("other languages", ", ".join(f"{lang} ({n} paragraph{'s' * (n > 1)})" for lang, n in others.items())))
    for key, value in fields:
        if value:
            lines.append(f"\n{key}: ", style="dim")
            lines.append(Text(value))
    for note in art.notes:
        lines.append("\nnote: ", style="yellow")
        lines.append(Text(note))
    console.print(Panel(lines, title="narratrace", expand=False))


@register_terminal("sources", order=100)
def _sources(analysis: Analysis, console: Console) -> None:
    if not analysis.sources:
        console.print("No cited sources found.", style="dim")
        return
    table = Table(title="Sources cited", title_justify="left")
    table.add_column("source")
    table.add_column("kind", no_wrap=True)
    table.add_column("mentions", no_wrap=True, justify="right")
    table.add_column("why")
    for source in analysis.sources:
        table.add_row(_cut(source.name, 40), source.kind, str(len(source.mentions)), _cut("; ".join(source.reasons), 70))
    console.print(table)


@register_terminal("quotes_markers", order=150)
def _quotes_markers(analysis: Analysis, console: Console) -> None:
    if analysis.quotes:
        table = Table(title="Direct quotations", title_justify="left")
        table.add_column("speaker")
        table.add_column("quote")
        for quote in analysis.quotes:
            table.add_row(_cut(quote.speaker or "?", 30), _cut(analysis.text[quote.start : quote.end]))
        console.print(table)
    if analysis.markers:
        table = Table(title="Hedges and evidential markers", title_justify="left")
        table.add_column("kind", no_wrap=True)
        table.add_column("count", no_wrap=True, justify="right")
        table.add_column("cues")
        by_kind: dict[str, list[str]] = {}
        for marker in analysis.markers:
            by_kind.setdefault(marker.kind, []).append(marker.cue)
        for kind, cues in sorted(by_kind.items()):
            table.add_row(kind, str(len(cues)), _cut(", ".join(dict.fromkeys(c.lower() for c in cues))))
        console.print(table)


@register_terminal("unsupported", order=990)
def _unsupported(analysis: Analysis, console: Console) -> None:
    for stage, reason in analysis.unsupported.items():
        console.print(Text(f"{stage}: {reason}", style="yellow"))
    for stage, error in analysis.errors.items():
        console.print(Text(f"{stage} did not run: {error}", style="red"))
