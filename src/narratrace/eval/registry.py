"""Registry of evaluation tasks run by ``narratrace eval TASK --data DIR``.

A task is a function ``(data: Path, options: EvalOptions) -> EvalResult``. The CLI
prints ``EvalResult.lines`` and then, last, ``TASK metric=value ...`` with the
metrics in ``EvalResult.headline`` order, as the evaluation contract requires.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from narratrace._discovery import Registry


@dataclass
class EvalOptions:
    claims: Path | None = None  # claim-retrieval: the verified-claims file
    lang: str | None = None  # persuasion-paragraph: overrides the folder name
    limit: int | None = None  # evaluate on the first N items only (quick checks)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class EvalResult:
    task: str
    metrics: dict[str, float]
    headline: list[str]  # metric names printed on the last line, official one first
    lines: list[str] = field(default_factory=list)  # per-class or per-language details

    def last_line(self) -> str:
        return self.task + " " + " ".join(f"{m}={self.metrics[m]:.4f}" for m in self.headline)


EvalFn = Callable[[Path, EvalOptions], EvalResult]
#: Evaluation tasks by name: ``(function, one-line description)``.
EVALS: Registry[tuple[EvalFn, str]] = Registry("evals", ("narratrace.eval",))


def register_eval(task: str, description: str = "") -> Callable[[EvalFn], EvalFn]:
    """Function decorator that registers an evaluation task under ``task``."""

    def decorate(fn: EvalFn) -> EvalFn:
        EVALS.register(task, (fn, description or (fn.__doc__ or "").strip().split("\n")[0]))
        return fn

    return decorate


def eval_tasks() -> dict[str, tuple[EvalFn, str]]:
    """Every evaluation task by name, discovered on first call."""
    return EVALS.all()
