"""Registry of evaluation tasks run by ``narratrace eval TASK --data DIR``.

A task is a function ``(data: Path, options: EvalOptions) -> EvalResult``. The CLI
prints ``EvalResult.lines`` and then, last, ``TASK metric=value ...`` with the
metrics in ``EvalResult.headline`` order, as the evaluation contract requires.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from narratrace._discovery import import_submodules


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
_TASKS: dict[str, tuple[EvalFn, str]] = {}
_DISCOVERED = False


def register_eval(task: str, description: str = "") -> Callable[[EvalFn], EvalFn]:
    def decorate(fn: EvalFn) -> EvalFn:
        _TASKS[task] = (fn, description or (fn.__doc__ or "").strip().split("\n")[0])
        return fn

    return decorate


def eval_tasks() -> dict[str, tuple[EvalFn, str]]:
    global _DISCOVERED
    if not _DISCOVERED:
        import_submodules("narratrace.eval")
        _DISCOVERED = True
    return dict(_TASKS)
