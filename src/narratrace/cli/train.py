"""``narratrace train ...``: reproducible training of the shipped models.

One sub-app, ``train``; each model adds its own command as a function below.

Examples
--------
``narratrace train persuasion --data ../shared/data --seed 0``
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from narratrace.cli._options import json_option
from narratrace.cli._state import console, write_json

MetricsJson = json_option("the metrics")

train_app = typer.Typer(no_args_is_help=True, help="Train the shipped models on the shared data (deterministic with --seed).")


def register(app: typer.Typer) -> None:
    app.add_typer(train_app, name="train", no_args_is_help=True)


@train_app.command("persuasion")
def persuasion_cli(
    data: Annotated[Path, typer.Option("--data", help="The shared data folder (with semeval2023-task3/ and semeval2020-task11-ptc/).")] = Path("../shared/data"),
    seed: Annotated[int, typer.Option("--seed", help="Random seed (SGD shuffling).")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the weights (default: the shipped resources/persuasion/persuasion.npz).")] = None,
    json_out: MetricsJson = None,
    embeddings: Annotated[bool, typer.Option("--embeddings/--no-embeddings", help="Fuse an e5 sentence-embedding paragraph model with the TF-IDF one.")] = True,
) -> None:
    """Train the persuasion-technique model and print its held-out dev metrics."""
    from narratrace.errors import ConfigError
    from narratrace.train.persuasion import train_persuasion

    if not data.is_dir():
        raise ConfigError(f"--data {data} is not a folder")
    con = console()
    _, metrics = train_persuasion(data, seed=seed, out=out, log=lambda line: con.print(line, markup=False), embeddings=embeddings)
    for key, value in metrics.items():
        con.print(f"{key}={value:.4f}", markup=False)
    if json_out:
        write_json(metrics, json_out)


@train_app.command("claim-stance")
def claim_stance_cli(
    data: Annotated[Path, typer.Option("--data", help="The FNC-1 folder (with train/ and, to score it, dev/).")] = Path("../shared/data/fnc1"),
    seed: Annotated[int, typer.Option("--seed", help="Random seed (the body split that chooses hyper-parameters).")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the weights (default: the shipped resources/claim_stance/claim_stance.npz).")] = None,
    json_out: MetricsJson = None,
) -> None:
    """Train the claim-stance model on FNC-1 train and print part-B and dev metrics."""
    from narratrace.errors import ConfigError
    from narratrace.train.claim_stance import train_claim_stance

    if not (data / "train").is_dir():
        raise ConfigError(f"--data {data} has no train/ folder (FNC-1 layout)")
    con = console()
    _, metrics = train_claim_stance(data, seed=seed, out=out, log=lambda line: con.print(line, markup=False))
    for key, value in metrics.items():
        con.print(f"{key}={value:.4f}", markup=False)
    if json_out:
        write_json(metrics, json_out)
