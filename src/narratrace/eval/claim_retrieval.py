"""``narratrace eval claim-retrieval --claims vclaims.jsonl --data <split>/``: MAP@5.

Scores the shipped hybrid retriever (BM25 + e5, re-ranked) the way the CheckThat!
2022 Task 2A scorer does: average precision over the top 5, divided by the number of
relevant verified claims, averaged over queries. The lines before the headline show
the components on the same split (BM25 alone, dense alone, reciprocal-rank fusion).
"""

from __future__ import annotations

from pathlib import Path

from narratrace.errors import EvalDataError
from narratrace.eval.registry import EvalOptions, EvalResult, register_eval


def _claims_file(data: Path, opts: EvalOptions) -> Path:
    if opts.claims is not None:
        return opts.claims
    for cand in (data / "vclaims.jsonl", data.parent / "vclaims.jsonl"):
        if cand.exists():
            return cand
    raise EvalDataError(f"claim-retrieval needs the verified claims (vclaims.jsonl); none next to {data}")


@register_eval("claim-retrieval", "CheckThat! 2022 2A: retrieve the verified claim a tweet makes (MAP@5)")
def evaluate(data: Path, opts: EvalOptions) -> EvalResult:
    from narratrace.factcheck import retrieval as R
    from narratrace.factcheck.importers import read_records

    claims = _claims_file(data, opts)
    if not claims.exists():
        raise EvalDataError(f"verified claims file {claims} does not exist")
    records, _ = read_records(claims, "vclaims")
    ids, texts, qrels = R.read_queries(data)
    if opts.limit:
        ids, texts = ids[: opts.limit], texts[: opts.limit]
    index = R.build_index(records)
    feats = R.candidate_features(index, texts)
    metrics: dict[str, float] = {}
    lines = [f"records={len(records)} queries={len(ids)} judged={sum(1 for q in ids if q in qrels)}"]
    systems = {
        "bm25": R.column("bm25_all"),
        "dense": R.column("cos_max"),
        "rrf": R.rrf,
    }
    if index.reranker is not None:
        systems["reranked"] = index.reranker.decision
    for name, fn in systems.items():
        ranking = R.rank_with(fn, index, ids, feats)
        for depth in (1, 5):
            metrics[f"{name}_map_at_{depth}"] = R.mean_ap(ranking, qrels, depth=depth)
        lines.append(f"{name:9s} map_at_1={metrics[f'{name}_map_at_1']:.4f} map_at_5={metrics[f'{name}_map_at_5']:.4f}")
    best = "reranked" if index.reranker is not None else "rrf"
    metrics["map_at_5"] = metrics[f"{best}_map_at_5"]
    metrics["map_at_1"] = metrics[f"{best}_map_at_1"]
    lines.append(f"system: {best}")
    return EvalResult("claim-retrieval", metrics, ["map_at_5", "map_at_1"], lines)
