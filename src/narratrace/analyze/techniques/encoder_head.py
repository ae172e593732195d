"""The persuasion paragraph encoder head: where it ships, how it is loaded and read.

Opt-in alternative to the linear paragraph model (setting ``persuasion_model =
"encoder"``, docs/settings.md): a 23-output :class:`~narratrace.encoder.head.EncoderHead`
(multilingual-e5-small with its top layers fine-tuned on SemEval-2023 paragraphs, run in
numpy) whose ``threshold`` holds one threshold per language and technique. Only the
paragraph labels come from it; spans are still found by the linear model's tagger.
Trained by :mod:`narratrace.train.persuasion_finetune`.

Examples
--------
>>> from narratrace.encoder.head import EncoderHead
>>> head = EncoderHead((12,), "concat", np.zeros((384, len(TECHNIQUES))), np.zeros(len(TECHNIQUES)),
...                    np.full((len(SUPPORTED_LANGS), len(TECHNIQUES)), 0.5), {})
>>> proba = np.zeros((1, len(TECHNIQUES)))
>>> proba[0, TECHNIQUES.index("Doubt")] = 0.9
>>> head_labels(head, proba, ["de"])
[['Doubt']]
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from narratrace.analyze.techniques.taxonomy import (
    SUPPORTED_LANGS,
    TECHNIQUES,
    labels_above,
    language_rows,
)
from narratrace.config import models_dir
from narratrace.encoder.head import EncoderHead
from narratrace.errors import ModelError

MODEL_PATH = "persuasion_encoder/head.npz"
# Values of the ``persuasion_model`` setting.
MODELS = ("linear", "encoder")


@cache
def load_paragraph_head(path: str | None = None) -> EncoderHead:
    """The shipped persuasion encoder head (or the one at ``path``), loaded once per process."""
    p = Path(path) if path else models_dir() / MODEL_PATH
    if not p.exists():
        raise ModelError(f"persuasion encoder head {p} is missing; run "
                         "`python -m narratrace.train.persuasion_finetune --data ../shared/data --work DIR --out {p}`")
    head = EncoderHead.load(p)
    if head.outputs != len(TECHNIQUES) or np.shape(head.threshold) != (len(SUPPORTED_LANGS), len(TECHNIQUES)):
        raise ModelError(f"{p} is not a persuasion paragraph head ({head.outputs} outputs)")
    return head


def head_labels(head: EncoderHead, proba: np.ndarray, langs: list[str]) -> list[list[str]]:
    """Technique names above each language's thresholds, per row of ``proba``."""
    return labels_above(proba, language_rows(head.threshold, langs))
