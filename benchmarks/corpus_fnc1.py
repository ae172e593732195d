"""Narratives on real multi-outlet stories: the FNC-1 claims (Emergent) as corpora.

FNC-1 (``../shared/data/fnc1/{train,dev}``) pairs headlines with article bodies from many
outlets, with a gold stance of the body toward the headline (agree / disagree / discuss /
unrelated). Headlines that share related bodies are one *claim* of the Emergent data set
(a connected component of the headline-body graph of related pairs); its related bodies
are that claim's coverage. FNC-1 gives **no dates, titles or outlets**: every body is
ingested undated, as its own outlet, in English, so lifecycle states and the date rules of
grouping (reaction window, gaps) are not tested here, only grouping and event types.

The split's bodies are ingested with the default pipeline into one temporary store (all
dev bodies: each claim's bodies have the others as background; for train, the ``--claims``
largest claims and ``--background`` other bodies, seeded) and built. Per claim (with at
least ``--min-bodies`` related bodies), with its representative headline (the one with
most related bodies):

- each related body's *claim narrative* is, among the narratives holding it, the one
  whose label is closest to the headline (e5 cosine);
- ``narratives``: distinct claim narratives over its bodies; ``top1``/``top2``: share of
  its bodies whose claim narrative is the most/two most common one (issue 15's target:
  at most two narratives holding >= 90%, i.e. ``top2 >= .9``); a body with no claim
  narrative counts against both;
- event types: the body's decisive event type in its claim narrative
  (:func:`narratrace.corpus.records.article_stance`) against the gold stance toward the
  headline: agree -> asserted/confirmed, disagree -> denied, discuss -> asserted/questioned.

The claim-stance model was trained on FNC-1 *train*: event types on train claims are
in-sample; dev is the honest number. Grouping was not tuned on FNC-1.

Run: ``OMP_NUM_THREADS=1 python benchmarks/corpus_fnc1.py --split dev [--out fnc1-dev.json]``
(``--split train --claims 6 --background 60`` for the large claims).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "fnc1"
# Gold stance -> the event types that render it.
ACCEPTED = {"agree": {"asserted", "confirmed"}, "disagree": {"denied"}, "discuss": {"asserted", "questioned"}}
TARGET_TOP2 = 0.9


def load_split(split_dir: Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Bodies by id, and per headline its related bodies' gold stances."""
    with (split_dir / "bodies.csv").open(encoding="utf-8") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    related: dict[str, dict[str, str]] = defaultdict(dict)
    with (split_dir / "stances.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["Stance"] != "unrelated":
                related[r["Headline"]][r["Body ID"]] = r["Stance"]
    return bodies, dict(related)


def claims_of(related: dict[str, dict[str, str]]) -> list[dict]:
    """Emergent claims: components of headlines sharing related bodies, largest first.

    Each claim: ``headline`` (its headline with most related bodies, first in file order
    on ties), ``bodies`` (all its related bodies) and ``gold`` (body -> stance toward
    ``headline``, for the bodies that headline is paired with).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for h, bs in related.items():
        for b in bs:
            parent[find("b" + b)] = find("h" + h)
    groups: dict[str, list[str]] = defaultdict(list)
    for h in related:
        groups[find("h" + h)].append(h)
    claims = []
    for heads in groups.values():
        head = max(heads, key=lambda h: len(related[h]))
        claims.append({"headline": head, "bodies": sorted({b for h in heads for b in related[h]}), "gold": related[head],
                       "headlines": len(heads)})
    claims.sort(key=lambda c: (-len(c["bodies"]), c["headline"]))
    return claims


def write_corpus(path: Path, bodies: dict[str, str], ids: list[str]) -> None:
    """One JSONL of undated, untitled English articles, each body its own outlet."""
    with path.open("w", encoding="utf-8") as fh:
        for b in ids:
            fh.write(json.dumps({"id": f"fnc-{b}", "outlet": f"outlet-{b}", "lang": "en", "text": bodies[b]}) + "\n")


def claim_narratives(claim: dict, built: list[dict], head_vec: np.ndarray, label_vecs: dict[str, np.ndarray]) -> dict[str, dict | None]:
    """Per related body, its claim narrative (the one holding it with the label closest to the headline)."""
    out: dict[str, dict | None] = {}
    for b in claim["bodies"]:
        art = f"fnc-{b}"
        holding = [r for r in built if art in r["articles"]]
        out[b] = max(holding, key=lambda r: float(label_vecs[r["id"]] @ head_vec)) if holding else None
    return out


def score_claim(claim: dict, picks: dict[str, dict | None]) -> tuple[dict, list[tuple[str, str]]]:
    """Grouping numbers of one claim and its (gold, predicted) event types."""
    from narratrace.corpus.records import Event, article_stance

    counts = Counter(r["id"] for r in picks.values() if r is not None)
    n = len(picks)
    top = [c for _, c in counts.most_common(2)]
    pairs = []
    for b, gold in claim["gold"].items():
        r = picks.get(b)
        got = article_stance([Event.from_dict(e) for e in r["events"]], f"fnc-{b}") if r else None
        pairs.append((gold, got or "none"))
    return {"headline": claim["headline"], "bodies": n, "narratives": len(counts),
            "top1": (top[0] if top else 0) / n, "top2": sum(top) / n,
            "labels": [next(r["claim"] for r in picks.values() if r and r["id"] == i) for i, _ in counts.most_common(2)]}, pairs


def report(rows: list[dict], pairs: list[tuple[str, str]]) -> list[str]:
    """The printed lines: per claim, then the totals, then event types against gold."""
    lines = [f"{r['bodies']:3d} bodies {r['narratives']:3d} narratives top1={r['top1']:.2f} top2={r['top2']:.2f} | "
             f"{r['headline'][:70]} || {' / '.join(label[:50] for label in r['labels'])}" for r in rows]
    met = sum(r["top2"] >= TARGET_TOP2 for r in rows)
    ok = sum(got in ACCEPTED[gold] for gold, got in pairs)
    lines.append(f"claims={len(rows)} bodies={sum(r['bodies'] for r in rows)} "
                 f"mean_narratives={np.mean([r['narratives'] for r in rows]):.2f} "
                 f"mean_top1={np.mean([r['top1'] for r in rows]):.3f} mean_top2={np.mean([r['top2'] for r in rows]):.3f} "
                 f"claims_top2_ge_{TARGET_TOP2}={met}/{len(rows)}")
    confusion = Counter(pairs)
    types = ["asserted", "confirmed", "questioned", "denied", "retracted", "corrected", "fact_checked", "none"]
    lines.append("gold \\ event  " + " ".join(f"{t[:9]:>9}" for t in types))
    for gold in ACCEPTED:
        lines.append(f"{gold:<13} " + " ".join(f"{confusion[(gold, t)]:>9d}" for t in types))
    for t, want in (("denied", "disagree"), ("questioned", "discuss"), ("confirmed", "agree")):
        typed = sum(v for (g, got), v in confusion.items() if got == t)
        right = confusion[(want, t)]
        gold_n = sum(v for (g, _), v in confusion.items() if g == want)
        lines.append(f"{t}: precision {right}/{typed} recall {right}/{gold_n} (gold {want})")
    lines.append(f"fnc1-narratives event_accuracy={ok / max(1, len(pairs)):.4f} "
                 f"mean_top2={np.mean([r['top2'] for r in rows]):.4f} claims_top2_ge_{TARGET_TOP2}={met}/{len(rows)}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="dev", choices=("dev", "train"))
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--claims", type=int, default=0, help="only the N largest claims (0: all with --min-bodies)")
    ap.add_argument("--min-bodies", type=int, default=3)
    ap.add_argument("--background", type=int, default=-1, help="other bodies ingested beside them (-1: all of the split)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="write the per-claim rows and event pairs as JSON")
    args = ap.parse_args()

    from narratrace.corpus.build import build, list_narratives
    from narratrace.corpus.ingest_corpus import ingest
    from narratrace.store import open_store
    from narratrace.text.embeddings import embed_queries

    bodies, related = load_split(args.data / args.split)
    claims = [c for c in claims_of(related) if len(c["bodies"]) >= args.min_bodies]
    if args.claims:
        claims = claims[: args.claims]
    chosen = sorted({b for c in claims for b in c["bodies"]})
    others = sorted(set(bodies) - set(chosen))
    if args.background >= 0:
        others = random.Random(args.seed).sample(others, min(args.background, len(others)))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(Path(tmp) / "fnc1.jsonl", bodies, chosen + sorted(others))
        engine = open_store(f"sqlite:///{tmp}/fnc1.db")
        ingest([Path(tmp) / "fnc1.jsonl"], engine)
        build(engine)
        built = list_narratives(engine)
        engine.dispose()
    seconds = time.perf_counter() - t0
    label_vecs = dict(zip([r["id"] for r in built], embed_queries([r["claim"] for r in built]), strict=True))
    head_vecs = embed_queries([c["headline"] for c in claims])
    rows, pairs = [], []
    for claim, hv in zip(claims, head_vecs, strict=True):
        row, ps = score_claim(claim, claim_narratives(claim, built, hv, label_vecs))
        rows.append(row)
        pairs.extend(ps)
    print(f"split={args.split} articles={len(chosen) + len(others)} narratives={len(built)} seconds={seconds:.1f} (FNC-1 has no dates)")
    print("\n".join(report(rows, pairs)))
    if args.out:
        args.out.write_text(json.dumps({"rows": rows, "pairs": pairs}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
