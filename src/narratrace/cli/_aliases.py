"""Old command names kept for one release: hidden, and each use says the new name on stderr."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import typer

from narratrace.cli import _state


def deprecation_note(old: str, new: str) -> str:
    """The one line an old command name prints on stderr."""
    return f"note: `narratrace {old}` is deprecated and will be removed in the next release; use `narratrace {new}`"


def add_deprecated_alias(app: typer.Typer, old: str, new: str, command: Callable[..., Any]) -> None:
    """Register ``command`` as the hidden top-level command ``old`` that points users to ``new``.

    The alias takes exactly the options of ``command`` (the signature is copied), so old
    scripts keep working; it only adds the note on stderr.
    """

    @functools.wraps(command)
    def alias(*args: Any, **kwargs: Any) -> Any:
        _state.err_line(deprecation_note(old, new))
        return command(*args, **kwargs)

    app.command(old, hidden=True, help=f"Deprecated: use `narratrace {new}`.")(alias)
