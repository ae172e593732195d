"""Metamorphic neutrality check: ``narratrace eval neutrality --data DIR``.

DIR holds team-written texts (``texts/*.txt``) and a TSV of name pairs (``pairs.tsv``:
``a<TAB>b<TAB>kind``). Every text is analysed as written and with every pair swapped at once
(Russia <-> Ukraine, New York Times <-> RT, Putin <-> Zelensky, ...). A sentence that holds a
name is *invariant* when, after swapping the names back in the second analysis, it has the
same technique labels (and confidences within 0.02), the same attributions (source, cue,
content, stance, source kind, anonymity), the same entity labels and the same
check-worthiness (within 0.02). The metric is the share of such sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from narratrace.errors import EvalDataError
from narratrace.eval.name_swap import load_pairs, load_texts, swap_names
from narratrace.eval.registry import EvalOptions, EvalResult, register_eval
from narratrace.model import Analysis, Article

TOLERANCE = 0.02


def sentence_signatures(analysis: Analysis, unswap: Any) -> list[dict[str, Any]]:
    """What a reader sees of each sentence, with names swapped back by ``unswap``."""
    text = analysis.text

    def words(start: int | None, end: int | None) -> str | None:
        return None if start is None or end is None else unswap(text[start:end])

    signatures = []
    for sentence in analysis.sentences:
        s, e = sentence.start, sentence.end

        def inside(start: int, _s: int = s, _e: int = e) -> bool:
            return _s <= start < _e

        signatures.append({
            "text": words(s, e),
            "checkworthiness": sentence.checkworthiness,
            "techniques": sorted(
                [(t.technique, words(t.start, t.end), round(t.confidence, 3), t.quoted_by is not None)
                 for t in analysis.techniques if inside(t.start)],
                key=repr,
            ),
            "attributions": sorted(
                [
                    (
                        words(a.source.start, a.source.end) if a.source else None,
                        words(a.cue.start, a.cue.end),
                        words(a.content.start, a.content.end) if a.content else None,
                        a.stance, a.source_kind, a.anonymous,
                    )
                    for a in analysis.attributions if inside(a.cue.start)
                ],
                key=repr,
            ),
            "entities": sorted(((words(x.start, x.end), x.label) for x in analysis.entities if inside(x.start)), key=repr),
        })
    return signatures


def differences(left: dict[str, Any], right: dict[str, Any]) -> list[str]:
    """The fields in which two sentence signatures differ (scores compared within ``TOLERANCE``)."""
    diffs = []
    a, b = left["checkworthiness"], right["checkworthiness"]
    if (a is None) != (b is None) or (a is not None and abs(a - b) > TOLERANCE):
        diffs.append(f"checkworthiness {a} vs {b}")
    for field in ("attributions", "entities", "text"):
        if left[field] != right[field]:
            diffs.append(f"{field} {left[field]} vs {right[field]}")
    ta, tb = left["techniques"], right["techniques"]
    same = len(ta) == len(tb) and all(
        x[0] == y[0] and x[1] == y[1] and x[3] == y[3] and abs(x[2] - y[2]) <= TOLERANCE for x, y in zip(ta, tb, strict=True)
    )
    if not same:
        diffs.append(f"techniques {ta} vs {tb}")
    return diffs


def check_invariance(texts: dict[str, str], pairs: list[tuple[str, str]], *, stages: Iterable[str] | None = None) -> tuple[int, int, list[str]]:
    """``(invariant, total, failures)`` over the sentences that hold a name of ``pairs``."""
    from narratrace.analyze.pipeline import get_pipeline
    from narratrace.analyze.registry import default_stage_names, registered_stages

    known = registered_stages()
    names = list(stages) if stages is not None else [n for n in default_stage_names() if not known[n].reads_names]
    pipeline = get_pipeline(names)
    name_pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for p in pairs for n in p) + r")(?!\w)")
    ids = sorted(texts)
    originals = pipeline.pipe(Article(text=texts[i], id=i) for i in ids)
    swapped = pipeline.pipe(Article(text=swap_names(texts[i], pairs), id=i) for i in ids)
    invariant = total = 0
    failures: list[str] = []
    for doc_id, left, right in zip(ids, originals, swapped, strict=True):
        left_sigs = sentence_signatures(left, lambda s: s)
        right_sigs = sentence_signatures(right, lambda s: swap_names(s, pairs))
        if len(left_sigs) != len(right_sigs):
            named = sum(bool(name_pattern.search(s["text"] or "")) for s in left_sigs)
            total += named
            failures.append(f"{doc_id}: {len(left_sigs)} sentences vs {len(right_sigs)} after the swap")
            continue
        for index, (a, b) in enumerate(zip(left_sigs, right_sigs, strict=True)):
            if not name_pattern.search(a["text"] or ""):
                continue
            total += 1
            diffs = differences(a, b)
            if diffs:
                failures.append(f"{doc_id} sentence {index}: " + "; ".join(diffs))
            else:
                invariant += 1
    return invariant, total, failures


@register_eval("neutrality", "Name-swap invariance: share of sentences with a name whose analysis is unchanged")
def evaluate_neutrality(data: Path, opts: EvalOptions) -> EvalResult:
    """Analyse every text of ``data/texts`` as written and with ``data/pairs.tsv`` swapped."""
    pairs_path = data / "pairs.tsv"
    if not pairs_path.is_file() or not (data / "texts").is_dir():
        raise EvalDataError(f"{data} needs texts/*.txt and pairs.tsv (a<TAB>b<TAB>kind)")
    texts = load_texts(data / "texts")
    if opts.limit:
        texts = dict(sorted(texts.items())[: opts.limit])
    pairs = [(a, b) for a, b, _ in load_pairs(pairs_path)]
    invariant, total, failures = check_invariance(texts, pairs)
    share = invariant / total if total else 1.0
    lines = [f"texts={len(texts)} pairs={len(pairs)} sentences_with_names={total} invariant={invariant}"]
    lines += [f"  differs: {f}" for f in failures[:50]]
    return EvalResult("neutrality", {"invariance": share}, ["invariance"], lines)
