"""The check-worthiness encoder head: where it ships and how the stage loads it.

Opt-in alternative to the TF-IDF model (setting ``checkworthiness_model = "encoder"``,
docs/settings.md): a single-output :class:`~narratrace.encoder.head.EncoderHead` (e5 layer
means and a linear model, fine-tuned top layers included, run in numpy) with one decision
threshold. Trained by :mod:`narratrace.train.encoder_finetune` (shipped) or
:func:`narratrace.train.checkworthiness_encoder.train_checkworthiness_encoder` (frozen).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from narratrace.config import models_dir
from narratrace.encoder.head import EncoderHead
from narratrace.errors import ModelError

MODEL_PATH = "checkworthiness_encoder/head.npz"


@cache
def load_encoder_model(path: str | None = None) -> EncoderHead:
    """The shipped encoder head (or the one at ``path``), loaded once per process."""
    p = Path(path) if path else models_dir() / MODEL_PATH
    if not p.exists():
        raise ModelError(f"check-worthiness encoder head {p} is missing; "
                         "run `narratrace train checkworthiness-encoder`")
    return EncoderHead.load(p)
