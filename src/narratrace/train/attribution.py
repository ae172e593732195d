"""Learn the English attribution model from PolNeAR train (``narratrace train attribution``).

What is learned, all from the training split:

- a logistic-regression cue-head detector over :func:`token_features`;
- which children of a cue head belong to the cue span (``has``, ``also``, ``according`` + ``to``);
- the dependency paths from the cue head to the source head and to the content head,
  ordered by frequency;
- which right-hand modifiers to cut from a source phrase, and whether content keeps its
  final full stop (whichever reproduces more gold spans exactly).

The decision threshold is tuned on the dev split when one is given.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from narratrace.analyze.claims.attribution_en import (
    CANDIDATE_POS,
    _trim,
    attribute_doc,
    dep_path,
    source_char_span,
    token_features,
)
from narratrace.eval.attribution import GoldAttribution, load_polnear, score

logger = logging.getLogger(__name__)

SEED = 13
# A cue lemma enters the candidate list after this many gold cue heads in train: single
# occurrences are mostly annotation noise ("reserved ... passion for").
MIN_LEMMA_COUNT = 2
# Features seen fewer times than this are dropped before fitting (keeps the model small).
MIN_FEATURE_COUNT = 3
# A dependency path is kept when it explains at least this share of gold sources/contents.
MIN_PATH_SHARE = 0.005
# Inverse regularisation of the cue detector: C_REG without a dev split, else the best of
# C_GRID by the mean of the six dev F1 scores (the training report lists each).
C_REG = 0.5
C_GRID = (0.1, 0.5, 2.0)
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def _parse(texts: list[str], cache: Path | None = None) -> list[Any]:
    """Parse texts (no NER); with ``cache``, reuse a DocBin of the same texts from an earlier run."""
    from spacy.tokens import DocBin

    from narratrace.text.nlp import english

    nlp = english()
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            return docs
    docs = list(nlp.pipe(texts, batch_size=16, n_process=1, disable=["ner"]))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        DocBin(docs=docs, store_user_data=False).to_disk(cache)
    return docs


def _head(doc: Any, span: tuple[int, int]) -> Any | None:
    sp = doc.char_span(span[0], span[1], alignment_mode="expand")
    if sp is None or len(sp) == 0:
        return None
    return sp.root


@dataclass
class _GoldCounts:
    """What the gold attributions of the training split say about cues, sources and contents."""

    lemmas: Counter[str] = field(default_factory=Counter)
    pos: Counter[str] = field(default_factory=Counter)
    child_in: Counter[tuple[str, str]] = field(default_factory=Counter)
    child_all: Counter[tuple[str, str]] = field(default_factory=Counter)
    src_paths: Counter[str] = field(default_factory=Counter)
    con_paths: Counter[str] = field(default_factory=Counter)
    heads: list[set[int]] = field(default_factory=list)
    pairs_src: list[tuple[Any, tuple[int, int]]] = field(default_factory=list)
    pairs_con: list[tuple[Any, tuple[int, int]]] = field(default_factory=list)


def _count_gold(parsed: list[Any], docs: list[Any]) -> _GoldCounts:
    counts = _GoldCounts()
    for doc, gold in zip(parsed, docs, strict=True):
        hs: set[int] = set()
        for att in gold.attributions:
            h = _head(doc, att.cue)
            if h is None:
                continue
            hs.add(h.i)
            lemma = h.lemma_.lower()
            counts.lemmas[lemma] += 1
            counts.pos[h.pos_] += 1
            for c in h.children:
                inside = att.cue[0] <= c.idx < att.cue[1]
                for key in (("*", c.dep_), (lemma, c.dep_)):
                    counts.child_all[key] += 1
                    counts.child_in[key] += inside
            if att.source:
                s = _head(doc, att.source)
                if s is not None:
                    counts.src_paths[dep_path(h, s) or "?"] += 1
                    counts.pairs_src.append((s, att.source))
            if att.content:
                c = _head(doc, att.content)
                if c is not None:
                    counts.con_paths[dep_path(h, c) or "?"] += 1
                    counts.pairs_con.append((c, att.content))
        counts.heads.append(hs)
    return counts


def _cue_detector(parsed: list[Any], heads: list[set[int]], seen: set[str]) -> Callable[[float], tuple[dict[str, float], float]]:
    """``fit(C) -> (weights, bias)`` of the cue-head detector over the candidate tokens of ``parsed``."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows: list[list[str]] = []
    labels: list[int] = []
    for doc, hs in zip(parsed, heads, strict=True):
        for tok in doc:
            if tok.pos_ in CANDIDATE_POS and tok.lemma_.lower() in seen:
                rows.append(token_features(tok))
                labels.append(int(tok.i in hs))
    feat_counts = Counter(f for r in rows for f in r)
    keep = {f for f, n in feat_counts.items() if n >= MIN_FEATURE_COUNT}
    vec = DictVectorizer()
    x = vec.fit_transform([{f: 1 for f in r if f in keep} for r in rows])
    names = vec.get_feature_names_out()

    def fit(c: float) -> tuple[dict[str, float], float]:
        clf = LogisticRegression(C=c, max_iter=2000, solver="lbfgs", random_state=SEED)
        logger.info("fitting cue detector (C=%s) on %d candidates x %d features", c, x.shape[0], x.shape[1])
        clf.fit(x, labels)
        w = {f: round(float(v), 4) for f, v in zip(names, clf.coef_[0], strict=True) if abs(v) >= 1e-3}
        return w, round(float(clf.intercept_[0]), 4)

    return fit


def _paths_and_deps(train_name: str, counts: _GoldCounts, lemma_seen: list[str], weights: dict[str, float], bias: float) -> dict[str, Any]:
    """The model before the span rules are chosen: cue detector, cue children, source and content paths."""
    total_src, total_con = sum(counts.src_paths.values()), sum(counts.con_paths.values())
    child_all, child_in = counts.child_all, counts.child_in
    model: dict[str, Any] = {
        "version": 1,
        "trained_on": train_name,
        "bias": bias,
        "C": C_REG,
        "weights": weights,
        "threshold": 0.5,
        "lemma_seen": lemma_seen,
        "cue_child_deps": sorted(d for (lem, d), n in child_all.items() if lem == "*" and n >= 20 and child_in[(lem, d)] / n >= 0.5),
        "cue_child_deps_by_lemma": {},
        "source_paths": [p for p, n in counts.src_paths.most_common() if p != "?" and n / total_src >= MIN_PATH_SHARE],
        "content_paths": [p for p, n in counts.con_paths.most_common() if p != "?" and n / total_con >= MIN_PATH_SHARE],
        "source_trim_deps": [],
        "content_keep_final_punct": False,
    }
    by_lemma: dict[str, list[str]] = defaultdict(list)
    for (lem, d), n in child_all.items():
        if lem != "*" and counts.lemmas[lem] >= 20 and n >= 5 and child_in[(lem, d)] / n >= 0.5:
            by_lemma[lem].append(d)
    model["cue_child_deps_by_lemma"] = {lem: sorted(v) for lem, v in by_lemma.items()}
    return model


def _choose_source_trim(model: dict[str, Any], pairs_src: list[tuple[Any, tuple[int, int]]]) -> tuple[list[str], int]:
    """Source modifiers to cut, added greedily while exact agreement with gold sources improves."""

    def src_exact(trim: list[str]) -> int:
        m = dict(model, source_trim_deps=trim)
        hits = 0
        for s, gold_span in pairs_src:
            hits += source_char_span(s, m) == gold_span
        return hits

    trim: list[str] = []
    best = src_exact(trim)
    for dep in ("relcl", "acl", "appos", "punct", "prep", "cc", "conj", "advmod", "npadvmod"):
        score_dep = src_exact([*trim, dep])
        if score_dep > best:
            trim, best = [*trim, dep], score_dep
    return trim, best


def _keeps_final_punct(pairs_con: list[tuple[Any, tuple[int, int]]]) -> bool:
    """Whether contents keep their final full stop: whichever reproduces more gold contents exactly."""

    def con_exact(keep_final: bool) -> int:
        hits = 0
        for c, gold_span in pairs_con:
            sp = _trim(c.doc, c.left_edge.i, c.right_edge.i + 1, keep_final=keep_final)
            hits += sp == gold_span
        return hits

    return con_exact(True) > con_exact(False)


def _tune_on_dev(
    model: dict[str, Any], fit: Callable[[float], tuple[dict[str, float], float]], dev_dir: Path,
    parse_cache: Path | None, report: dict[str, Any],
) -> None:
    """Choose C and the threshold by the mean of the six dev F1 scores; every score goes into ``report``."""
    weights, bias = model["weights"], model["bias"]
    dev = load_polnear(dev_dir)
    dev_parsed = _parse([d.text for d in dev], parse_cache / f"{dev_dir.name}.spacy" if parse_cache else None)
    best: tuple[float, float, float, dict[str, float], float] = (-1.0, C_REG, 0.5, weights, bias)
    for c in C_GRID:
        w, b = (weights, bias) if c == C_REG else fit(c)
        for t in THRESHOLDS:
            m = dict(model, threshold=t, weights=w, bias=b)
            sc = score(dev, [_as_gold(attribute_doc(d, m)) for d in dev_parsed])
            mean = sum(sc[k] for k in sc if k.endswith("_f1")) / 6
            report[f"dev_C{c}_t{t}"] = round(mean, 4)
            if mean > best[0]:
                best = (mean, c, t, w, b)
    _, model["C"], model["threshold"], model["weights"], model["bias"] = best
    report.update({"C": model["C"], "threshold": model["threshold"], "features": len(model["weights"])})


def train_attribution(
    train_dir: Path, out: Path, *, dev_dir: Path | None = None, limit: int | None = None, parse_cache: Path | None = None
) -> dict[str, Any]:
    """Train the attribution model and write it as JSON to ``out``; returns a report dict.

    ``parse_cache`` is a folder for DocBin copies of the parsed splits, so retraining skips parsing.
    """
    import json

    t0 = time.perf_counter()
    docs = load_polnear(train_dir, limit=limit)
    parsed = _parse([d.text for d in docs], parse_cache / f"{train_dir.name}.spacy" if parse_cache else None)
    logger.info("parsed %d train docs in %.0fs", len(docs), time.perf_counter() - t0)

    counts = _count_gold(parsed, docs)
    lemma_seen = sorted(lemma for lemma, n in counts.lemmas.items() if n >= MIN_LEMMA_COUNT)
    covered = sum(n for p, n in counts.pos.items() if p in CANDIDATE_POS) / max(1, sum(counts.pos.values()))
    fit = _cue_detector(parsed, counts.heads, set(lemma_seen))
    weights, bias = fit(C_REG)
    model = _paths_and_deps(str(train_dir.name), counts, lemma_seen, weights, bias)
    trim, exact = _choose_source_trim(model, counts.pairs_src)
    model["source_trim_deps"] = trim
    model["content_keep_final_punct"] = _keeps_final_punct(counts.pairs_con)
    report: dict[str, Any] = {
        "train_docs": len(docs),
        "train_cues": sum(counts.lemmas.values()),
        "candidate_pos_coverage": round(covered, 4),
        "lemma_seen": len(lemma_seen),
        "features": len(weights),
        "source_paths": model["source_paths"],
        "content_paths": model["content_paths"],
        "source_trim_deps": trim,
        "source_subtree_exact": round(exact / max(1, len(counts.pairs_src)), 4),
    }
    if dev_dir is not None:
        _tune_on_dev(model, fit, dev_dir, parse_cache, report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    report["seconds"] = round(time.perf_counter() - t0, 1)
    report["bytes"] = out.stat().st_size
    return report


def _as_gold(atts: list[Any]) -> list[GoldAttribution]:
    return [
        GoldAttribution(
            cue=(a.cue.start, a.cue.end),
            content=(a.content.start, a.content.end) if a.content else None,
            source=(a.source.start, a.source.end) if a.source else None,
        )
        for a in atts
    ]
