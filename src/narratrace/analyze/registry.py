"""Registry of per-article pipeline stages.

A stage is a class with one job. It is registered by a versioned name next to its
code, declares what it needs (``requires``) and what it adds (``assigns``), and an
``order`` that places it in the default pipeline. Modules under
:mod:`narratrace.analyze` are discovered automatically, so a new stage needs no edit
anywhere else.

Examples
--------
>>> from narratrace.analyze.registry import register_stage, Stage
>>> @register_stage("demo.v1", assigns=("extras",), order=999, default=False)
... class Demo(Stage):
...     def __call__(self, analysis):
...         analysis.extras["demo"] = True
...         return analysis
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from narratrace._discovery import Registry
from narratrace.model import Analysis

if TYPE_CHECKING:
    from sqlalchemy import Engine


class Stage:
    """Base class of a pipeline stage: ``__call__`` one analysis, ``pipe`` a batch.

    Subclasses override ``__call__``; stages with a batched model override ``pipe``.
    Models are loaded lazily on first use and cached per process. A stage that looks
    things up in a database (fact-checks, pictures) reads ``self.store``, which the
    :class:`~narratrace.analyze.pipeline.Pipeline` sets; ``None`` means no store is
    attached, and such a stage reports that instead of opening one itself.
    """

    name: str = ""
    reads_names: bool = False  # True: runs on the article's own text, after names are restored
    store: Engine | None = None  # set by the Pipeline; never found through the environment

    def __call__(self, analysis: Analysis) -> Analysis:  # pragma: no cover - abstract
        raise NotImplementedError

    def pipe(self, analyses: Iterable[Analysis], *, batch_size: int = 32) -> Iterator[Analysis]:
        for analysis in analyses:
            yield self(analysis)


@dataclass(frozen=True)
class StageInfo:
    name: str
    factory: Callable[..., Stage]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    order: int
    default: bool
    description: str
    reads_names: bool = False


#: Pipeline stages by versioned name.
STAGES: Registry[StageInfo] = Registry("stages", ("narratrace.analyze",))


def register_stage(
    name: str,
    *,
    requires: tuple[str, ...] = (),
    assigns: tuple[str, ...] = (),
    order: int = 500,
    default: bool = True,
    reads_names: bool = False,
) -> Callable[[type[Stage]], type[Stage]]:
    """Class decorator that registers a stage under ``name`` (e.g. ``"hedges.v1"``).

    Stages read the neutral text, with names masked by ``names.v1``; a stage that must read
    the real names (matching against stored fact-checks, say) declares ``reads_names=True``
    and runs after the pipeline has restored them.
    """

    def decorate(cls: type[Stage]) -> type[Stage]:
        cls.name = name
        cls.reads_names = reads_names
        summary = " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())
        STAGES.register(name, StageInfo(name, cls, tuple(requires), tuple(assigns), order, default, summary, reads_names))
        return cls

    return decorate


def discover() -> None:
    """Import every module of :mod:`narratrace.analyze` so their stages register."""
    STAGES.discover()


def registered_stages() -> dict[str, StageInfo]:
    """All registered stages by name, discovered on first call."""
    return STAGES.all()


def default_stage_names() -> list[str]:
    """Names of the default pipeline's stages, in order."""
    stages = [s for s in registered_stages().values() if s.default]
    return [s.name for s in sorted(stages, key=lambda s: (s.order, s.name))]
