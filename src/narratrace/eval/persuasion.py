"""Persuasion-technique benchmarks with their official scoring definitions.

- ``persuasion-paragraph``: SemEval-2023 Task 3 subtask 3, micro-F1 (official) and
  macro-F1 over (paragraph, technique) pairs, the 23 techniques binarised as in the
  official scorer (``MultiLabelBinarizer`` + ``f1_score``; macro counts a technique with
  no gold and no prediction as 0).
- ``persuasion-spans``: SemEval-2020 Task 11 (PTC). Span identification F1 with
  partial-overlap credit, as the official ``task-SI_scorer``: overlapping spans of an
  article are merged (techniques ignored), then
  ``P = sum_{s,t} |s∩t|/|s| / |S|`` and ``R = sum_{s,t} |s∩t|/|t| / |T|`` over predicted
  spans ``S`` and gold spans ``T``. Technique classification micro-F1 on the gold spans
  (the official ``task-TC_scorer``): a span annotated with k techniques gets the model's
  k best PTC labels.

Articles the shipped model was trained on (recognised by a hash of their text) are left
out and counted in a line of the output, so numbers on a train split are held-out numbers.

Examples
--------
>>> round(si_prf({"a": [(0, 10)]}, {"a": [(5, 15)]})[2], 2)
0.5
>>> tc_micro_f1({("a", 0, 5): ["X", "Y"]}, {("a", 0, 5): ["Y", "Z"]})
0.5
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import numpy as np

from narratrace.eval.registry import EvalOptions, EvalResult, register_eval
from narratrace.text.names import neutral_units

logger = logging.getLogger(__name__)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping ``[start, end)`` spans (touching spans stay apart)."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def si_prf(gold: dict[str, list[tuple[int, int]]], pred: dict[str, list[tuple[int, int]]]) -> tuple[float, float, float]:
    """Span identification precision, recall and F1 with partial-overlap credit."""
    g_all = {k: merge_spans(v) for k, v in gold.items()}
    p_all = {k: merge_spans(v) for k, v in pred.items()}
    n_pred = sum(len(v) for v in p_all.values())
    n_gold = sum(len(v) for v in g_all.values())
    prec = rec = 0.0
    for aid, pspans in p_all.items():
        for ps, pe in pspans:
            for gs, ge in g_all.get(aid, []):
                inter = min(pe, ge) - max(ps, gs)
                if inter > 0:
                    prec += inter / (pe - ps)
                    rec += inter / (ge - gs)
    p = prec / n_pred if n_pred else 0.0
    r = rec / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def tc_micro_f1(gold: dict[tuple, list[str]], pred: dict[tuple, list[str]]) -> float:
    """Micro-F1 of technique labels on gold spans (multiset match per span)."""
    correct = n_gold = n_pred = 0
    for key, labels in gold.items():
        guess = pred.get(key, [])
        n_gold += len(labels)
        n_pred += len(guess)
        correct += sum((Counter(labels) & Counter(guess)).values())
    p = correct / n_pred if n_pred else 0.0
    r = correct / n_gold if n_gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def paragraph_scores(gold: list[list[str]], pred: list[list[str]], classes: list[str]) -> tuple[float, float, dict[str, float]]:
    """Micro-F1, macro-F1 and per-class F1 over (paragraph, technique) pairs."""
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    mlb = MultiLabelBinarizer(classes=classes)
    mlb.fit([classes])
    known = set(classes)
    g = mlb.transform([[t for t in row if t in known] for row in gold])
    p = mlb.transform([[t for t in row if t in known] for row in pred])
    micro = float(f1_score(g, p, average="micro", zero_division=0))
    macro = float(f1_score(g, p, average="macro", zero_division=0))
    per = f1_score(g, p, average=None, zero_division=0)
    return micro, macro, {c: float(v) for c, v in zip(classes, per, strict=True)}


# --------------------------------------------------------------------------- running the model


def predict_semeval(model, articles, *, masked: bool = True, name: str = "linear") -> tuple[list[list[str]], list[list[str]]]:
    """Gold and predicted technique lists for every gold-labelled paragraph.

    ``masked`` (the default) reads each article with its names masked, as the pipeline does
    (:mod:`narratrace.analyze.neutral`); ``False`` reads the names as written. ``name`` picks
    the paragraph model (``linear`` or ``encoder``, :func:`~narratrace.analyze.techniques.predict.score_paragraphs`)."""
    from narratrace.analyze.techniques.predict import score_paragraphs

    gold, pred = [], []
    for art in articles:
        line_to_idx = {line: i for i, (line, _, _) in enumerate(art.paragraphs)}
        paras = [(s, e, art.lang) for _, s, e in art.paragraphs]
        mask, neutral = neutral_units(art.text, paras if masked else [])  # no units: nothing masked
        text, paras = (mask.neutral_text, neutral) if masked else (art.text, paras)
        labels = score_paragraphs(model, text, paras, name=name).labels if paras else []
        for line, techs in sorted(art.labels.items()):
            gold.append(techs)
            idx = line_to_idx.get(line)
            pred.append(labels[idx] if idx is not None else [])
    return gold, pred


def predict_ptc(model, articles, *, masked: bool = True):
    """Predicted SI spans per article and PTC labels for every gold span key (names masked as
    in the pipeline unless ``masked=False``; spans are mapped back to the article's offsets)."""
    from narratrace.analyze.techniques.data import paragraph_offsets
    from narratrace.analyze.techniques.predict import (
        keep_spans,
        paragraph_proba,
        sentences_of,
        span_candidates,
        span_proba,
        to_ptc_proba,
    )
    from narratrace.analyze.techniques.taxonomy import PTC_LABELS

    si_pred: dict[str, list[tuple[int, int]]] = {}
    tc_pred: dict[tuple, list[str]] = {}
    for art in articles:
        units = [(s, e, "en") for _, s, e in paragraph_offsets(art.text)]
        mask, units = neutral_units(art.text, units if masked else [])  # no units: nothing masked
        units = units if masked else [(s, e, "en") for _, s, e in paragraph_offsets(art.text)]
        text = mask.neutral_text
        if units:
            para = paragraph_proba(model, text, units)
            found, _ = keep_spans(model, span_candidates(model, text, units, sentences_of(text, units), "en", para))
            si_pred[art.id] = [(mask.to_original(s), mask.to_original(e, end=True)) for s, e, _ in found]
        else:
            si_pred[art.id] = []
        groups: dict[tuple[int, int], int] = Counter((s, e) for _, s, e in art.spans)
        if groups:
            keys = sorted(groups)
            read = [(mask.to_neutral(s), mask.to_neutral(e, end=True)) for s, e in keys]
            proba = to_ptc_proba(span_proba(model, text, read, sentences_of(text, units), "en"))
            for (s, e), row in zip(keys, proba, strict=True):
                k = groups[(s, e)]
                tc_pred[(art.id, s, e)] = [PTC_LABELS[j] for j in np.argsort(-row)[:k]]
    return si_pred, tc_pred


def _held_out(models, articles, lines: list[str]):
    """The articles none of ``models`` was trained or tuned on (by text hash)."""
    from narratrace.analyze.techniques.data import norm_hash

    seen = {h for m in models for h in m.meta.get("train_hashes", [])}
    kept = [a for a in articles if norm_hash(a.text) not in seen]
    if len(kept) < len(articles):
        lines.append(f"skipped {len(articles) - len(kept)} of {len(articles)} articles the model was trained on")
    if not kept:
        lines.append("every article was in the training data: scoring all of them (training-set fit, not a held-out number)")
        return articles
    return kept


@register_eval("persuasion-paragraph", "SemEval-2023 Task 3 subtask 3: techniques per paragraph (micro-F1)")
def eval_paragraph(data: Path, opts: EvalOptions) -> EvalResult:
    """Paragraph-level persuasion techniques on a ``semeval2023-task3/<lang>/<split>`` folder."""
    from narratrace.analyze.techniques.data import load_semeval2023
    from narratrace.analyze.techniques.encoder_head import MODELS, load_paragraph_head
    from narratrace.analyze.techniques.predict import get_model, persuasion_model_name
    from narratrace.analyze.techniques.taxonomy import TECHNIQUES
    from narratrace.errors import ConfigError

    data = Path(data)
    lang = opts.lang or data.resolve().parent.name
    name = opts.extra.get("model") or persuasion_model_name()
    if name not in MODELS:
        raise ConfigError(f"--model must be one of {', '.join(MODELS)} for persuasion-paragraph, not {name!r}")
    model = get_model()
    lines: list[str] = []
    models = [model, load_paragraph_head()] if name == "encoder" else [model]
    articles = _held_out(models, load_semeval2023(data, lang, limit=opts.limit), lines)
    masked = opts.extra.get("names", "masked") == "masked"
    gold, pred = predict_semeval(model, articles, masked=masked, name=name)
    micro, macro, per = paragraph_scores(gold, pred, list(TECHNIQUES))
    lines.append(f"model={name} lang={lang} articles={len(articles)} paragraphs={len(gold)} "
                 f"names={'masked' if masked else 'as written'}")
    for tech, f in sorted(per.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {tech:36s} f1={f:.3f}")
    return EvalResult("persuasion-paragraph", {"micro_f1": micro, "macro_f1": macro}, ["micro_f1", "macro_f1"], lines)


@register_eval("persuasion-spans", "SemEval-2020 Task 11 (PTC): span identification F1 and technique classification micro-F1")
def eval_spans(data: Path, opts: EvalOptions) -> EvalResult:
    """Technique spans on a ``semeval2020-task11-ptc/<split>`` folder."""
    from narratrace.analyze.techniques.data import load_ptc
    from narratrace.analyze.techniques.predict import get_model

    model = get_model()
    lines: list[str] = []
    articles = _held_out([model], load_ptc(Path(data), limit=opts.limit), lines)
    masked = opts.extra.get("names", "masked") == "masked"
    si_pred, tc_pred = predict_ptc(model, articles, masked=masked)
    si_gold = {a.id: a.si_spans for a in articles}
    tc_gold: dict[tuple, list[str]] = {}
    for a in articles:
        for label, s, e in a.spans:
            tc_gold.setdefault((a.id, s, e), []).append(label)
    p, r, f = si_prf(si_gold, si_pred)
    tc = tc_micro_f1(tc_gold, tc_pred)
    lines.append(f"articles={len(articles)} gold_spans={sum(len(v) for v in si_gold.values())} predicted_spans={sum(len(v) for v in si_pred.values())}")
    lines.append(f"si_precision={p:.4f} si_recall={r:.4f} names={'masked' if masked else 'as written'}")
    return EvalResult("persuasion-spans", {"si_f1": f, "tc_micro_f1": tc, "si_precision": p, "si_recall": r}, ["si_f1", "tc_micro_f1"], lines)
