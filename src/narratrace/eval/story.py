"""A story reconstructed: ``narratrace eval story --data DIR``.

DIR holds the story's articles (JSONL, as ``narratrace corpus ingest`` reads them) and a
``gold.json`` (see ``tests/fixtures/story_velm/gold.json``): per gold narrative, its
articles with the acceptable event types of each, the final state with the parties whose
events must be cited for it, and states on earlier dates. The corpus is ingested with
the default pipeline into a temporary store and built; then

- ``grouping_share``: per gold narrative, the share of its articles held by the one
  built narrative that holds most of them (mean over gold narratives);
- ``event_accuracy``: gold articles of that narrative whose decisive event type
  (:func:`~narratrace.corpus.records.article_stance`) is one of the acceptable ones (an
  article missing from it counts as wrong);
- ``state_accuracy``: final states (with the cited parties) and earlier states that match.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from narratrace.errors import EvalDataError
from narratrace.eval.registry import EvalOptions, EvalResult, register_eval


def load_gold(data: Path) -> dict[str, Any]:
    """The story's gold file."""
    path = data / "gold.json"
    if not path.is_file():
        raise EvalDataError(f"{path} not found: a story folder holds its articles and gold.json")
    return json.loads(path.read_text(encoding="utf-8"))


def best_match(gold_articles: set[str], built: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The built narrative holding most of ``gold_articles`` (earliest first on ties)."""
    scored = [(len(gold_articles & set(r["articles"])), r) for r in built]
    scored = [s for s in scored if s[0]]
    return max(scored, key=lambda s: s[0])[1] if scored else None


def score_story(gold: dict[str, Any], built: list[dict[str, Any]], as_of_states: dict[tuple[str, str], str | None]) -> tuple[dict[str, float], list[str]]:
    """Metrics and detail lines of built narratives against the gold (see the module doc).

    ``as_of_states`` maps (gold narrative, ISO date) to the built state on that date.
    """
    from narratrace.corpus.records import Event, article_stance

    shares, events_ok, events_n, states_ok, states_n = [], 0, 0, 0, 0
    lines = []
    for name, g in gold["narratives"].items():
        arts = set(g["articles"])
        match = best_match(arts, built)
        held = arts & set(match["articles"]) if match else set()
        shares.append(len(held) / len(arts))
        n_holding = sum(1 for r in built if arts & set(r["articles"]))
        lines.append(f"{name}: {len(held)}/{len(arts)} articles in {match['id'] if match else '-'} "
                     f"({n_holding} narrative(s) hold some); claim: {match['claim'] if match else '-'}")
        evs = [Event.from_dict(e) for e in match["events"]] if match else []
        for art, ok in g["articles"].items():
            got = article_stance(evs, art)
            events_n += 1
            events_ok += got in ok
            if got not in ok:
                lines.append(f"  {art}: {got} (gold {'/'.join(ok)})")
        if g.get("state"):
            states_n += 1
            got_state = match["state"] if match else None
            cited = {e.get("actor") for e in match["state_events"]} if match else set()
            want = set(g.get("state_parties") or ())
            good = got_state == g["state"] and want <= cited
            states_ok += good
            lines.append(f"  state: {got_state} (gold {g['state']}, cites {sorted(a for a in cited if a)}): "
                         f"{match['reason'] if match else ''}")
            if match:
                lines.append("  parties: " + "; ".join(p["summary"] for p in match["parties"]))
        for day, want_state in (g.get("as_of") or {}).items():
            states_n += 1
            got_state = as_of_states.get((name, day))
            states_ok += got_state == want_state
            lines.append(f"  as of {day}: {got_state} (gold {want_state})")
    metrics = {
        "grouping_share": sum(shares) / max(1, len(shares)),
        "event_accuracy": events_ok / max(1, events_n),
        "state_accuracy": states_ok / max(1, states_n),
        "narratives": float(len(built)),
    }
    return metrics, lines


def build_story(data: Path, db_url: str) -> Any:
    """Ingest a story folder with the default pipeline into ``db_url`` and build it."""
    from narratrace.corpus.build import build
    from narratrace.corpus.ingest_corpus import ingest
    from narratrace.store import open_store

    engine = open_store(db_url)
    files = sorted(p for p in data.iterdir() if p.suffix == ".jsonl")
    if not files:
        raise EvalDataError(f"{data} holds no .jsonl articles")
    ingest(files, engine)
    build(engine)
    return engine


def evaluate_built(engine: Any, gold: dict[str, Any]) -> tuple[dict[str, float], list[str]]:
    """Score a built store against a story's gold."""
    from narratrace.corpus.build import list_narratives

    built = list_narratives(engine)
    as_of_states: dict[tuple[str, str], str | None] = {}
    for name, g in gold["narratives"].items():
        match = best_match(set(g["articles"]), built)
        for day in g.get("as_of") or {}:
            then = {r["id"]: r for r in list_narratives(engine, as_of=date.fromisoformat(day))}
            as_of_states[(name, day)] = then[match["id"]]["state"] if match and match["id"] in then else None
    return score_story(gold, built, as_of_states)


@register_eval("story", "A story reconstructed: narrative grouping, event types, lifecycle states (gold.json)")
def evaluate_story(data: Path, opts: EvalOptions) -> EvalResult:
    """Ingest, build and score one story folder."""
    gold = load_gold(data)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        engine = build_story(data, f"sqlite:///{tmp}/story.db")
        metrics, lines = evaluate_built(engine, gold)
        engine.dispose()
    lines.append(f"seconds={time.perf_counter() - t0:.1f}")
    return EvalResult("story", metrics, ["grouping_share", "event_accuracy", "state_accuracy"], lines)
