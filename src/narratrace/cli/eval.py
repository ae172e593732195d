"""``narratrace eval TASK --data DIR``: official metrics on a split in the shared layout.

``narratrace eval --list`` lists the tasks; ``narratrace eval list`` (the old spelling)
still works for one release, with a deprecation note on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from narratrace.cli import _state
from narratrace.cli._aliases import deprecation_note
from narratrace.cli._options import is_stdout, json_option

EvalJson = json_option("the metrics")


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_cli)


def eval_cli(
    task: Annotated[str | None, typer.Argument(help="Task name; `narratrace eval --list` shows them.")] = None,
    list_tasks: Annotated[bool, typer.Option("--list", help="List the evaluation tasks and exit.")] = False,
    data: Annotated[Path | None, typer.Option("--data", help="Split folder or file laid out as in ../shared/data.")] = None,
    claims: Annotated[Path | None, typer.Option("--claims", help="claim-retrieval: vclaims.jsonl (default: next to --data).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="persuasion-paragraph: language (default: from the folder name).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Evaluate on the first N items only.")] = None,
    json_out: EvalJson = None,
    predictions: Annotated[Path | None, typer.Option("--predictions", help="claim-stance: write Headline,Body ID,Stance for every pair to PATH.")] = None,
    names: Annotated[str, typer.Option("--names", help="persuasion-*: read texts with names 'masked' (as the pipeline does) or 'as-written'.")] = "masked",
    model: Annotated[str | None, typer.Option("--model", help="checkworthiness: 'tfidf' or 'encoder'; persuasion-paragraph: 'linear' or 'encoder' (default: the checkworthiness_model / persuasion_model setting).")] = None,
) -> None:
    """Run a benchmark's official scorer and print its metric last."""
    from narratrace.eval.registry import EvalOptions, eval_tasks

    tasks = eval_tasks()
    if task == "list":
        _state.err_line(deprecation_note("eval list", "eval --list"))
        list_tasks = True
    if list_tasks:
        _print_tasks(tasks)
        return
    _check_arguments(task, tasks, data, claims, names)
    extra = {"predictions": str(predictions)} if predictions else {}
    extra["names"] = names
    if model:
        extra["model"] = model
    fn, _ = tasks[task]
    result = fn(data, EvalOptions(claims=claims, lang=lang, limit=limit, extra=extra))
    con = _state.err_console() if is_stdout(json_out) else _state.console()  # stdout: the JSON alone
    for line in result.lines:
        con.print(line, markup=False, soft_wrap=True)
    if json_out:
        _state.write_json({"task": result.task, "metrics": result.metrics}, json_out)
    con.print(result.last_line(), markup=False, soft_wrap=True)


def _check_arguments(task: str | None, tasks: dict, data: Path | None, claims: Path | None, names: str) -> None:
    """The CLI's own checks, so that errors name the options (the library's name none)."""
    from narratrace.errors import ConfigError, EvalDataError

    if task is None:
        raise ConfigError("name a task (`narratrace eval --list` shows them)")
    if task not in tasks:
        raise ConfigError(f"unknown eval task {task!r}; known: {', '.join(sorted(tasks))}")
    if data is None:
        raise ConfigError("--data is required: a split folder or file in the shared layout")
    for flag, path in (("--data", data), ("--claims", claims)):
        if path is not None and not path.exists():
            raise EvalDataError(f"{flag} {path} does not exist")
    if names not in ("masked", "as-written"):
        raise ConfigError(f"--names must be 'masked' or 'as-written', not {names!r}")


def _print_tasks(tasks: dict) -> None:
    con = _state.console()
    for name, (_, desc) in sorted(tasks.items()):
        con.print(f"{name:22s} {desc}", markup=False, soft_wrap=True)
