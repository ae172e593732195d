"""The ``narratrace`` command line: thin commands over the silent library.

Every module in this package that defines ``register(app)`` adds its commands (or a
sub-app per noun); :func:`main` discovers them. Domain errors become one line on
stderr and exit code 1; anything unexpected becomes one line and exit code 2
(``--debug`` shows the traceback).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
from typing import Annotated

import typer

from narratrace.cli import _state
from narratrace.errors import NarratraceError

app = typer.Typer(
    name="narratrace",
    help="Who claims what, how it persuades, and what happened to the story: an offline news-analysis workbench.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _global(
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="NARRATRACE_DB", help="Database URL (default: a SQLite file in your data directory).", show_envvar=True),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
) -> None:
    _state.DB_URL = db  # commands open this store and hand it to the pipeline; the environment is never written
    _state.DEBUG = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _register_commands() -> None:
    import narratrace.cli as package

    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{package.__name__}.{module.name}")
        register = getattr(mod, "register", None)
        if register is not None:
            register(app)


_register_commands()


def main() -> None:
    """Console entry point."""
    try:
        code = app(standalone_mode=False)  # a typer.Exit comes back as its code in this mode
        if isinstance(code, int) and code:
            sys.exit(code)
    except NarratraceError as exc:
        _state.err_line(f"error: {exc}")
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _state.err_line("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        _state.err_line("interrupted; work committed so far is kept")
        sys.exit(130)
    except Exception as exc:  # the CLI edge: one line, never a traceback unless --debug
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if _state.DEBUG:
            raise
        _state.err_line(f"error: internal error: {exc.__class__.__name__}: {exc} (rerun with --debug for details)")
        sys.exit(2)
