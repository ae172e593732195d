"""Fine-tune the top layers of the e5 encoder as a token tagger of persuasion spans (``[train]``).

Span identification (SI) as a token task: every word of a paragraph is inside a technique
span or not (techniques ignored, as the official SI score ignores them). Trained on the
span annotations of SemEval-2023 Task 3 in the six languages, as the linear tagger is
(:mod:`narratrace.train.persuasion`: the same held-out dev articles, the same tune fifth,
names masked), so the two compare on the same footing. Scored with the official SI metric
(:func:`narratrace.eval.persuasion.si_prf`) on PTC dev (English, 75 articles, never trained
or tuned on) and on the SemEval-2023 dev subset per language.

Words are the text's whitespace-separated runs: the tokenizer's metaspace pre-tokenizer
splits at spaces too, so a paragraph's tokens are its words' tokens in order, and each
word's probability is the mean of its tokens'. The token states of the lower layers are
those :mod:`narratrace.train.persuasion_finetune` cached for the same paragraphs (reused
when its ``work`` folder is given; checked token for token). A predicted span is a run of
words at or above the threshold, chosen on the tune articles' SI F1, with punctuation
trimmed from its ends.

Run::

    OMP_NUM_THREADS=1 python -m narratrace.train.spans_finetune \\
        --data ../shared/data --work /tmp/enc/pers --cut 8 --epochs 2
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from narratrace.analyze.techniques.data import load_ptc
from narratrace.analyze.techniques.taxonomy import SUPPORTED_LANGS
from narratrace.encoder._e5file import E5File
from narratrace.encoder._tokenizer import PASSAGE_PREFIX, E5Tokenizer, Window
from narratrace.encoder.torch_model import load_bert
from narratrace.eval.persuasion import si_prf
from narratrace.text.names import neutral_units
from narratrace.train.encoder_finetune import (
    SEED,
    LowerStates,
    TopLayers,
    _run_layers,
    batch_tensors,
    load_states,
    run_arguments,
    save_states,
    train_epochs,
    window_states,
)
from narratrace.train.persuasion import _in_tune, load_corpus, masked_article

WORD = re.compile(r"\S+")
# Characters trimmed from the ends of a predicted span (a span ends at a word, not its comma).
EDGE_PUNCT = ".,;:!?\"'“”„«»‘’()[]—–-"
SPAN_THRESHOLDS = np.round(np.arange(0.2, 0.81, 0.05), 2)


@dataclass
class TokenUnit:
    """One paragraph as the tagger reads it: its window and where each word's tokens sit."""

    article: str
    lang: str
    words: list[tuple[int, int]]  # article offsets of the words the window holds
    token_ranges: list[tuple[int, int]]  # each word's [first, last + 1) token positions in the window
    window: Window
    labels: np.ndarray  # per window token: 1 inside a span, 0 outside, -1 not scored (specials, prefix)


def token_units(tok: E5Tokenizer, article_id: str, lang: str, text: str,
                paragraphs: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[TokenUnit]:
    """Units of one article's ``(start, end)`` paragraphs, words labelled by the gold ``spans``."""
    prefix = tok.content_ids([PASSAGE_PREFIX.strip()])[0]
    out = []
    for start, end in paragraphs:
        words = [m.span() for m in WORD.finditer(text, start, end)]
        ids_per_word = tok.content_ids([text[s:e] for s, e in words]) if words else []
        ids, ranges, kept = [tok.vocab.bos, *prefix], [], []
        for (s, e), wid in zip(words, ids_per_word, strict=True):
            if len(ids) + len(wid) > tok.window + 1:  # the rest of a long paragraph is not read
                break
            ranges.append((len(ids), len(ids) + len(wid)))
            ids.extend(wid)
            kept.append((s, e))
        ids.append(tok.vocab.eos)
        labels = np.full(len(ids), -1, dtype=np.int8)
        for (s, e), (a, b) in zip(kept, ranges, strict=True):
            labels[a:b] = int(any(s < ge and gs < e for gs, ge in spans))
        out.append(TokenUnit(article_id, lang, kept, ranges, Window(len(out), ids), labels))
    return out


class TokenTagger(TopLayers):
    """The encoder's top layers and a linear head scoring every token (inside a span or not)."""

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits ``[b, t]`` for lower states ``x [b, t, h]`` under ``mask [b, t]``."""
        return self.head(_run_layers(self.layers, x, mask)).squeeze(-1)


def token_loss(units: list[TokenUnit]):
    """Batch loss for :func:`~narratrace.train.encoder_finetune.train_epochs`: BCE over scored tokens."""
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def batch_loss(model: TokenTagger, x: torch.Tensor, mask: torch.Tensor, idx: np.ndarray) -> torch.Tensor:
        labels = torch.full(mask.shape, -1.0)
        for r, i in enumerate(idx):
            labels[r, : len(units[i].labels)] = torch.from_numpy(units[i].labels.astype(np.float32))
        scored = labels >= 0
        logits = model(x, mask)
        return loss_fn(logits[scored], labels[scored]) if scored.any() else logits.sum() * 0.0
    return batch_loss


@torch.inference_mode()
def word_proba(model: TokenTagger, units: list[TokenUnit], states: LowerStates) -> list[np.ndarray]:
    """Probability that each word of each unit is inside a span."""
    model.eval()
    out: list[np.ndarray] = [np.zeros(0)] * len(units)
    order = np.argsort([len(s) for s in states.states])
    for s in range(0, len(order), 64):
        idx = order[s : s + 64]
        prob = torch.sigmoid(model(*batch_tensors(states.states, idx))).numpy()
        for r, i in enumerate(idx):
            out[i] = np.asarray([prob[r, a:b].mean() for a, b in units[i].token_ranges])
    return out


def predicted_spans(texts: dict[str, str], units: list[TokenUnit], probs: list[np.ndarray],
                    threshold: float) -> dict[str, list[tuple[int, int]]]:
    """Runs of words at or above ``threshold`` as character spans per article, edges trimmed."""
    out: dict[str, list[tuple[int, int]]] = {}
    for unit, p in zip(units, probs, strict=True):
        text = texts[unit.article]
        spans = out.setdefault(unit.article, [])
        run: list[tuple[int, int]] = []
        for word, inside in zip([*unit.words, None], [*(p >= threshold), False], strict=True):
            if inside:
                run.append(word)
                continue
            if run:
                s, e = run[0][0], run[-1][1]
                while s < e and text[s] in EDGE_PUNCT:
                    s += 1
                while e > s and text[e - 1] in EDGE_PUNCT:
                    e -= 1
                if e > s:
                    spans.append((s, e))
                run = []
    return out


@dataclass
class SpanSplit:
    """Token units of a set of articles, their texts and gold spans (by article key)."""

    units: list[TokenUnit]
    texts: dict[str, str]
    gold: dict[str, list[tuple[int, int]]]
    paragraph_texts: list[str]  # each unit's paragraph as the paragraph fine-tune read it


def semeval_split(tok: E5Tokenizer, articles) -> SpanSplit:
    """Units of the gold-labelled paragraphs of (masked) SemEval-2023 articles, keyed ``lang:id``."""
    units, texts, gold, paras = [], {}, {}, []
    for art in articles:
        key = f"{art.lang}:{art.id}"
        texts[key] = art.text
        gold[key] = [(s, e) for _, s, e in art.spans]
        kept = [(s, e) for line, s, e in art.paragraphs if line in art.labels]
        units += token_units(tok, key, art.lang, art.text, kept, gold[key])
        paras += [art.text[s:e].strip() for s, e in kept]
    return SpanSplit(units, texts, gold, paras)


def ptc_split(tok: E5Tokenizer, articles) -> tuple[SpanSplit, dict]:
    """Units of PTC articles read with names masked (as the pipeline reads them), words
    labelled by the gold spans, and the masks (gold spans stay in the original offsets)."""
    from narratrace.analyze.techniques.data import paragraph_offsets

    units, texts, gold, masks = [], {}, {}, {}
    for art in articles:
        mask, paras = neutral_units(art.text, [(s, e, "en") for _, s, e in paragraph_offsets(art.text)])
        texts[art.id], gold[art.id], masks[art.id] = mask.neutral_text, art.si_spans, mask
        neutral_gold = [(mask.to_neutral(s), mask.to_neutral(e, end=True)) for s, e in art.si_spans]
        units += token_units(tok, art.id, "en", mask.neutral_text, [(s, e) for s, e, _ in paras], neutral_gold)
    return SpanSplit(units, texts, gold, []), masks


def split_states(work: Path, name: str, split: SpanSplit, bert, tok: E5Tokenizer, cut: int) -> LowerStates:
    """Lower token states of a split's units: the paragraph fine-tune's cache where its windows
    are these units' windows token for token, computed here for the others (and cached)."""
    path = work / f"lower-spans-{name}-cut{cut}.npz"
    if path.exists():
        return load_states(path)
    cached = work / f"lower-{name}-cut{cut}.npz"
    states: list[np.ndarray | None] = [None] * len(split.units)
    if cached.exists() and split.paragraph_texts:
        with np.load(cached) as z:
            old = {w.text_index: w.ids for w in reversed(tok.windows(split.paragraph_texts))}  # first windows
            for i, unit in enumerate(split.units):
                if old.get(i) == unit.window.ids:
                    states[i] = z[f"arr_{i}"]
    todo = [i for i, st in enumerate(states) if st is None]
    t0 = time.time()
    for i, st in zip(todo, window_states(bert, [split.units[i].window for i in todo], tok.vocab.pad, cut), strict=True):
        states[i] = st
    print(f"{name}: {len(split.units)} paragraphs, {len(todo)} computed in {time.time() - t0:.0f}s", flush=True)
    data = LowerStates(states, np.zeros(0))
    save_states(path, data)
    return data


def best_threshold(split: SpanSplit, probs: list[np.ndarray], masks: dict | None = None) -> tuple[float, float]:
    """The threshold of :data:`SPAN_THRESHOLDS` with the best SI F1 on ``split``, and that F1
    (``masks``: a PTC split, scored in the original offsets)."""
    def f1_at(t: float) -> float:
        if masks is not None:
            return ptc_si(split, masks, probs, t)[2]
        return si_prf(split.gold, predicted_spans(split.texts, split.units, probs, t))[2]

    return max(((f1_at(float(t)), float(t)) for t in SPAN_THRESHOLDS), key=lambda ft: (ft[0], -abs(ft[1] - 0.5)))[::-1]


def si_per_language(split: SpanSplit, probs: list[np.ndarray], threshold: float) -> dict[str, float]:
    """SI F1 per language of a SemEval split (keys ``lang:id``)."""
    pred = predicted_spans(split.texts, split.units, probs, threshold)
    out = {}
    for lang in SUPPORTED_LANGS:
        keys = [k for k in split.gold if k.startswith(f"{lang}:")]
        if keys:
            out[lang] = round(si_prf({k: split.gold[k] for k in keys}, {k: pred.get(k, []) for k in keys})[2], 4)
    return out


def ptc_si(split: SpanSplit, masks: dict, probs: list[np.ndarray], threshold: float) -> tuple[float, float, float]:
    """PTC SI precision, recall, F1 with predicted spans mapped back to the original text."""
    pred = predicted_spans(split.texts, split.units, probs, threshold)
    original = {k: [(masks[k].to_original(s), masks[k].to_original(e, end=True)) for s, e in v] for k, v in pred.items()}
    return si_prf(split.gold, original)


def finetune(data: Path, work: Path, *, cut: int, epochs: int, lr: float, seed: int = SEED,
             train_on: str = "semeval") -> dict:
    """Fine-tune layers ``cut..11`` + a token head; per-epoch tune SI, PTC dev and SemEval dev SI.

    ``train_on``: ``semeval`` (SemEval-2023 spans, six languages, as the linear tagger) or
    ``ptc`` (PTC train, English, the annotation PTC dev is scored against); either way a
    fifth of the training articles tunes the epoch and the threshold.
    """
    torch.manual_seed(seed)
    work.mkdir(parents=True, exist_ok=True)
    train, dev, ptc_dir = load_corpus(data)
    f = E5File()
    tok = E5Tokenizer(f.vocab, f.config.max_positions)
    bert = load_bert(f)
    splits = {"dev": semeval_split(tok, [masked_article(a) for a in dev])}
    tune_masks = None
    if train_on == "ptc":
        ptc_train = load_ptc(ptc_dir / "train")
        splits["ptc-fit"], _ = ptc_split(tok, [a for a in ptc_train if not _in_tune("ptc", a.id)])
        splits["ptc-tune"], tune_masks = ptc_split(tok, [a for a in ptc_train if _in_tune("ptc", a.id)])
    else:
        splits["fit"] = semeval_split(tok, [a for a in train if not _in_tune(a.lang, a.id)])
        splits["tune"] = semeval_split(tok, [a for a in train if _in_tune(a.lang, a.id)])
    fit, tune = ("ptc-fit", "ptc-tune") if train_on == "ptc" else ("fit", "tune")
    ptc, masks = ptc_split(tok, load_ptc(ptc_dir / "dev"))
    states = {name: split_states(work, name, split, bert, tok, cut) for name, split in splits.items()}
    states["ptc"] = split_states(work, "ptc-dev", ptc, bert, tok, cut)
    model = TokenTagger(bert, cut)
    del bert

    def score(epoch_model: TokenTagger) -> dict:
        probs = word_proba(epoch_model, splits[tune].units, states[tune])
        threshold, f1 = best_threshold(splits[tune], probs, tune_masks)
        return {"tune_si_f1": round(f1, 4), "threshold": threshold}

    tag = f"spans-{train_on}-cut{cut}-s{seed}" if train_on != "semeval" else f"spans-cut{cut}-s{seed}"
    history = train_epochs(model, states[fit], token_loss(splits[fit].units), work=work, tag=tag,
                           epochs=epochs, lr=lr, seed=seed, score=score)
    best = max(history, key=lambda h: (h["tune_si_f1"], -h["epoch"]))
    model.load_state_dict(torch.load(work / f"epoch{best['epoch']}-{tag}.pt"))
    p, r, f1 = ptc_si(ptc, masks, word_proba(model, ptc.units, states["ptc"]), best["threshold"])
    dev_si = si_per_language(splits["dev"], word_proba(model, splits["dev"].units, states["dev"]), best["threshold"])
    return {"cut": cut, "lr": lr, "seed": seed, "train_on": train_on, "history": history,
            "trained": time.strftime("%Y-%m-%d"), "chosen_epoch": best["epoch"], "threshold": best["threshold"],
            "ptc_dev": {"si_p": round(p, 4), "si_r": round(r, 4), "si_f1": round(f1, 4)},
            "semeval_dev_si_f1": dev_si}


def main(argv: list[str] | None = None) -> None:
    """Command line of the experiment (one JSON line per epoch, then the result)."""
    p = run_arguments(__doc__.split("\n\n")[0], "folder holding semeval2023-task3/ and semeval2020-task11-ptc/",
                      epochs=1, lr=5e-5, work_help="cache and checkpoint folder (the paragraph fine-tune's, to reuse its states)")
    p.add_argument("--train-on", choices=("semeval", "ptc"), default="semeval",
                   help="span annotations to train on: SemEval-2023 (six languages) or PTC train (English)")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    result = finetune(a.data, a.work, cut=a.cut, epochs=a.epochs, lr=a.lr, seed=a.seed, train_on=a.train_on)
    (a.work / f"result-spans-{a.train_on}-cut{a.cut}-s{a.seed}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
