"""Training commands of the claims area: ``narratrace train checkworthiness|checkworthiness-encoder|checkworthiness-finetune|attribution``.

Commands join the ``train`` sub-app of :mod:`narratrace.cli.train` when that module
exists; otherwise they register as ``narratrace train-checkworthiness`` and
``narratrace train-attribution``. Both are deterministic (fixed seeds) and write the
shipped models under ``src/narratrace/resources/`` unless ``--out`` says otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from narratrace.cli._options import json_option
from narratrace.cli._state import console, write_json

ReportJson = json_option("the training report")

_SHARED = Path("..") / "shared" / "data"


def _checkworthiness(
    data: Annotated[Path, typer.Option("--data", help="Folder with train.tsv, dev.tsv (and dev-test.tsv).")] = _SHARED / "checkthat2024-checkworthiness",
    out: Annotated[Path | None, typer.Option("--out", help="Model JSON to write (default: the shipped model).")] = None,
    json_out: ReportJson = None,
) -> None:
    """Train the check-worthiness model on train.tsv, tune on dev.tsv, report dev-test.tsv."""
    from narratrace.analyze.claims._cw_model import MODEL_PATH
    from narratrace.config import models_dir
    from narratrace.train.checkworthiness import train_checkworthiness

    test = data / "dev-test.tsv"
    report = train_checkworthiness(data / "train.tsv", data / "dev.tsv", out or models_dir() / MODEL_PATH,
                                   test=test if test.exists() else None)
    for key, value in report.items():
        console().print(f"{key}: {value}", markup=False)
    if json_out:
        write_json(report, json_out)


def _checkworthiness_encoder(
    data: Annotated[Path, typer.Option("--data", help="Folder with train.tsv, dev.tsv (and dev-test.tsv).")] = _SHARED / "checkthat2024-checkworthiness",
    out: Annotated[Path | None, typer.Option("--out", help="Head .npz to write (default: the shipped head; its MODEL_CARD.md beside it).")] = None,
    cache: Annotated[Path | None, typer.Option("--cache", help="Folder for the per-layer encoder states (resumable; default: the user cache folder).")] = None,
    train_size: Annotated[int | None, typer.Option("--train-size", min=1, help="Train on this many sentences drawn with --seed (default: all).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (the --train-size draw, the solver).")] = 7,
    json_out: ReportJson = None,
) -> None:
    """Train the e5 encoder head for check-worthiness on train.tsv, choose on dev.tsv, report dev-test.tsv."""
    import platformdirs

    from narratrace.analyze.claims._cw_encoder import MODEL_PATH
    from narratrace.config import models_dir
    from narratrace.train.checkworthiness_encoder import train_checkworthiness_encoder

    con = console()
    folder = cache or Path(platformdirs.user_cache_dir("narratrace", appauthor=False)) / "encoder-layers" / "checkthat2024"
    report = train_checkworthiness_encoder(data, out or models_dir() / MODEL_PATH, folder, train_size=train_size,
                                           seed=seed, log=lambda line: con.print(line, markup=False))
    for key, value in report.items():
        if key != "grid":
            con.print(f"{key}: {value}", markup=False)
    if json_out:
        write_json(report, json_out)


def _checkworthiness_finetune(
    data: Annotated[Path, typer.Option("--data", help="Folder with train.tsv, dev.tsv and dev-test.tsv.")] = _SHARED / "checkthat2024-checkworthiness",
    work: Annotated[Path, typer.Option("--work", help="Folder for the cached lower-layer states and the per-epoch checkpoints (a rerun resumes).")] = Path("finetune-work"),
    out: Annotated[Path | None, typer.Option("--out", help="Write the chosen epoch as the encoder head .npz (+ MODEL_CARD.md beside it).")] = None,
    train_size: Annotated[int, typer.Option("--train-size", min=1, help="Train on this many sentences drawn with --seed.")] = 22500,
    cut: Annotated[int, typer.Option("--cut", min=0, max=11, help="Layers below this stay frozen; the rest are fine-tuned.")] = 8,
    epochs: Annotated[int, typer.Option("--epochs", min=1)] = 2,
    lr: Annotated[float, typer.Option("--lr", help="Learning rate of the layers (the head's is 30 times it).")] = 3e-5,
    seed: Annotated[int, typer.Option("--seed")] = 7,
) -> None:
    """Fine-tune the encoder's top layers for check-worthiness (needs `pip install -e .[train]`)."""
    from narratrace.errors import ConfigError

    try:
        from narratrace.train import encoder_finetune
    except ImportError as err:
        raise ConfigError(f"fine-tuning needs torch and transformers ({err.name} is missing): "
                          "pip install -e '.[train]'") from err
    args = ["--data", str(data), "--work", str(work), "--train-size", str(train_size), "--cut", str(cut),
            "--epochs", str(epochs), "--lr", str(lr), "--seed", str(seed)]
    encoder_finetune.main(args + (["--out", str(out)] if out else []))


def _attribution(
    data: Annotated[Path, typer.Option("--data", help="PolNeAR folder with train/ and dev/.")] = _SHARED / "polnear",
    out: Annotated[Path | None, typer.Option("--out", help="Model JSON to write (default: the shipped model).")] = None,
    parse_cache: Annotated[Path | None, typer.Option("--parse-cache", help="Folder to keep spaCy parses of the splits between runs.")] = None,
    json_out: ReportJson = None,
) -> None:
    """Learn the English attribution model (cue detector, span rules) from PolNeAR train; threshold on dev."""
    from narratrace.analyze.claims._common import resource_dir
    from narratrace.train.attribution import train_attribution

    dev = data / "dev"
    report = train_attribution(data / "train", out or resource_dir() / "attribution_en.json",
                               dev_dir=dev if dev.exists() else None, parse_cache=parse_cache)
    for key, value in report.items():
        console().print(f"{key}: {value}", markup=False)
    if json_out:
        write_json(report, json_out)


def register(app: typer.Typer) -> None:
    try:
        from narratrace.cli.train import train_app
    except ImportError:
        app.command("train-checkworthiness")(_checkworthiness)
        app.command("train-attribution")(_attribution)
        app.command("train-checkworthiness-encoder")(_checkworthiness_encoder)
        app.command("train-checkworthiness-finetune")(_checkworthiness_finetune)
        return
    train_app.command("checkworthiness")(_checkworthiness)
    train_app.command("attribution")(_attribution)
    train_app.command("checkworthiness-encoder")(_checkworthiness_encoder)
    train_app.command("checkworthiness-finetune")(_checkworthiness_finetune)
