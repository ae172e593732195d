"""``narratrace eval TASK --data DIR``: official metrics on a split in the shared layout."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from narratrace.cli._state import console, write_json


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_cli(
        task: Annotated[str, typer.Argument(help="Task name; `narratrace eval list` shows them.")],
        data: Annotated[Path | None, typer.Option("--data", help="Split folder or file laid out as in ../shared/data.")] = None,
        claims: Annotated[Path | None, typer.Option("--claims", help="claim-retrieval: vclaims.jsonl.")] = None,
        lang: Annotated[str | None, typer.Option("--lang", help="persuasion-paragraph: language (default: from the folder name).")] = None,
        limit: Annotated[int | None, typer.Option("--limit", help="Evaluate on the first N items only.")] = None,
        json_out: Annotated[str | None, typer.Option("--json", help="Also write the metrics as JSON to PATH (- for stdout).")] = None,
        predictions: Annotated[Path | None, typer.Option("--predictions", help="claim-stance: write Headline,Body ID,Stance for every pair to PATH.")] = None,
        names: Annotated[str, typer.Option("--names", help="persuasion-*: read texts with names 'masked' (as the pipeline does) or 'as-written'.")] = "masked",
    ) -> None:
        """Run a benchmark's official scorer and print its metric last."""
        from narratrace.errors import ConfigError, EvalDataError
        from narratrace.eval.registry import EvalOptions, eval_tasks

        tasks = eval_tasks()
        if task == "list":
            for name, (_, desc) in sorted(tasks.items()):
                print(f"{name:22s} {desc}")
            return
        if task not in tasks:
            raise ConfigError(f"unknown eval task {task!r}; known: {', '.join(sorted(tasks))}")
        if data is None:
            raise ConfigError("--data is required: a split folder or file in the shared layout")
        if not data.exists():
            raise EvalDataError(f"--data {data} does not exist")
        fn, _ = tasks[task]
        if names not in ("masked", "as-written"):
            raise ConfigError(f"--names must be 'masked' or 'as-written', not {names!r}")
        extra = {"predictions": str(predictions)} if predictions else {}
        extra["names"] = names
        result = fn(data, EvalOptions(claims=claims, lang=lang, limit=limit, extra=extra))
        for line in result.lines:
            console().print(line, markup=False)
        if json_out:
            write_json({"task": result.task, "metrics": result.metrics}, json_out)
        print(result.last_line())
