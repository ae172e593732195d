"""CheckThat! 2024 Task 1 evaluation: ``narratrace eval checkworthiness --data FILE.tsv``.

Prints the F1 of the Yes class (the official metric), with precision and recall.
``--model tfidf|encoder`` picks the model (default: the ``checkworthiness_model``
setting); sentences go through the stage's own scoring path (:func:`score_texts`).
"""

from __future__ import annotations

import time
from pathlib import Path

from narratrace.eval.registry import EvalOptions, EvalResult, register_eval
from narratrace.text.names import NameMask


@register_eval("checkworthiness", "CheckThat! 2024 check-worthiness: F1 of the Yes class")
def evaluate_checkworthiness(data: Path, opts: EvalOptions) -> EvalResult:
    """Score a shipped model on a CheckThat .tsv (``Sentence_id, Text, class_label``)."""
    from narratrace.analyze.claims._cw_model import read_tsv
    from narratrace.analyze.claims.checkworthiness import active_model, model_name, score_texts

    t0 = time.perf_counter()
    _, texts, labels = read_tsv(data)
    if opts.limit:
        texts, labels = texts[: opts.limit], labels[: opts.limit]
    name = opts.extra.get("model") or model_name()
    model = active_model(name)
    masked = opts.extra.get("names", "masked") == "masked"
    if masked:  # as the pipeline reads a sentence: names replaced by stand-ins of their kind
        texts = [NameMask.build(t, [(0, len(t), "en")]).neutral_text for t in texts]
    scores = score_texts(texts, model)
    pred = [int(s >= model.threshold) for s in scores]
    tp = sum(p and y for p, y in zip(pred, labels, strict=True))
    fp = sum(p and not y for p, y in zip(pred, labels, strict=True))
    fn = sum(y and not p for p, y in zip(pred, labels, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    acc = sum(p == y for p, y in zip(pred, labels, strict=True)) / max(1, len(labels))
    lines = [f"model={name} sentences={len(texts)} yes={sum(labels)} predicted_yes={sum(pred)} threshold={model.threshold} "
             f"names={'masked' if masked else 'as written'} "
             f"seconds={time.perf_counter() - t0:.1f}"]
    return EvalResult("checkworthiness", {"f1_yes": f1, "precision_yes": precision, "recall_yes": recall, "accuracy": acc},
                      ["f1_yes", "precision_yes", "recall_yes", "accuracy"], lines)
