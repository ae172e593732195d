"""``narratrace eval plain-reporting --data DIR``: technique flags per 1,000 words on plain reporting.

Plain news reporting (wire copy, agency reports) uses few persuasion techniques, so every
flag there is a likely false alarm that a fact-checker has to wade through. The task runs
the product's analysis (every default stage up to ``techniques.v1``, with its filters) on

- plain reporting: a fixed sample of the FNC-1 article bodies (``DIR/fnc1/dev/bodies.csv``),
  of the English SemEval-2022 Task 8 texts (``DIR/semeval2022-task8/train.csv``) and every
  ``DIR/*.txt`` (team-written wire copy, e.g. ``tests/fixtures/plain_reporting``);
- the reference: a fixed sample of the SemEval-2023 English articles the shipped model
  never trained on (``DIR/semeval2023-task3/en/train/articles``, the dev subset;
  opinionated and propagandistic news);

and prints the author's technique spans per 1,000 words (spans credited to a quoted
speaker are counted apart) for both, with their ratio. Lower on plain reporting and
unchanged on the reference is better; the benchmark F1 (``persuasion-paragraph``,
``persuasion-spans``) is measured by its own tasks.

Examples
--------
>>> words("One two, three.")
3
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

from narratrace.eval.registry import EvalOptions, EvalResult, register_eval

# Texts per plain-reporting source and reference articles: enough for a rate within about
# ±10% at the shared machine's speed (a first run embeds ~110k words with e5).
PLAIN_SAMPLE = 100
REFERENCE_SAMPLE = 40
SEED = 0
# Texts shorter than this many words (captions, stubs) say nothing about a rate.
MIN_WORDS = 50
# The analysis runs every default stage up to and including the techniques stage.
LAST_STAGE = "techniques.v1"


def words(text: str) -> int:
    """Whitespace-separated words of ``text`` (the unit of the rate)."""
    return len(text.split())


def _sample(items: list[str], n: int) -> list[str]:
    items = [t for t in items if words(t) >= MIN_WORDS]
    return random.Random(SEED).sample(items, n) if len(items) > n else items


def plain_texts(data: Path, limit: int | None = None) -> dict[str, list[str]]:
    """Plain-reporting texts by source name, sampled as the module docstring says."""
    n = limit or PLAIN_SAMPLE
    csv.field_size_limit(1 << 27)
    out: dict[str, list[str]] = {}
    fnc = data / "fnc1" / "dev" / "bodies.csv"
    if fnc.exists():
        with fnc.open(encoding="utf-8") as fh:
            out["fnc1"] = _sample([row["articleBody"] for row in csv.DictReader(fh)], n)
    pairs = data / "semeval2022-task8" / "train.csv"
    if pairs.exists():
        with pairs.open(encoding="utf-8") as fh:
            texts = []
            for row in csv.DictReader(fh):
                texts += [row[f"text{i}"] for i in (1, 2) if row.get(f"lang{i}") == "en"]
        out["semeval2022"] = _sample(sorted(set(texts)), n)
    team = sorted(data.glob("*.txt"))
    if team:
        out["team"] = [p.read_text(encoding="utf-8") for p in team]
    return out


def reference_texts(data: Path, limit: int | None = None) -> list[str]:
    """A sample of the SemEval-2023 English articles the shipped model never trained on."""
    from narratrace.analyze.techniques.data import norm_hash
    from narratrace.analyze.techniques.predict import get_model

    folder = data / "semeval2023-task3" / "en" / "train" / "articles"
    if not folder.exists():
        return []
    seen = set(get_model().meta.get("train_hashes", []))
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("article*.txt"))]
    return _sample([t for t in texts if norm_hash(t) not in seen], limit or REFERENCE_SAMPLE)


def flag_counts(texts: list[str]) -> Counter[str]:
    """Analyse ``texts``; count ``words``, the author's ``flags``, ``quoted`` spans and, per
    filter rule, the spans it removed (``filtered_<rule>``)."""
    from narratrace.analyze.pipeline import get_pipeline
    from narratrace.analyze.registry import default_stage_names, registered_stages
    from narratrace.model import Article

    known = registered_stages()
    last = known[LAST_STAGE].order
    pipeline = get_pipeline([n for n in default_stage_names() if known[n].order <= last])
    counts: Counter[str] = Counter()
    for analysis in pipeline.pipe(Article(text=t) for t in texts):
        own = [t for t in analysis.techniques if getattr(t, "quoted_by", None) is None]
        counts["words"] += words(analysis.text)
        counts["flags"] += len(own)
        counts["quoted"] += len(analysis.techniques) - len(own)
        for rule, n in analysis.summaries.get("techniques", {}).get("filtered", {}).items():
            counts[f"filtered_{rule}"] += n
    return counts


def per_1k(counts: Counter[str], key: str = "flags") -> float:
    """``counts[key]`` per 1,000 words (``key="all"``: the author's and quoted spans)."""
    n = counts["flags"] + counts["quoted"] if key == "all" else counts[key]
    return 1000 * n / counts["words"] if counts["words"] else 0.0


def _line(name: str, n_texts: int, counts: Counter[str]) -> str:
    removed = ", ".join(f"{k.removeprefix('filtered_')} {v}" for k, v in sorted(counts.items()) if k.startswith("filtered_"))
    return (f"{name}: texts={n_texts} words={counts['words']} flags={counts['flags']} quoted={counts['quoted']} "
            f"flags_per_1k_words={per_1k(counts):.2f} with_quoted={per_1k(counts, 'all'):.2f}"
            + (f" (filtered: {removed})" if removed else ""))


@register_eval("plain-reporting", "Technique flags per 1,000 words on plain reporting (FNC-1, SemEval-2022) vs SemEval-2023")
def eval_plain_reporting(data: Path, opts: EvalOptions) -> EvalResult:
    """Flags per 1,000 words on plain reporting and on the SemEval-2023 reference."""
    data = Path(data)
    sources = plain_texts(data, opts.limit)
    plain = [t for texts in sources.values() for t in texts]
    if not plain:
        from narratrace.errors import EvalDataError

        raise EvalDataError(f"no plain-reporting texts under {data} (fnc1/dev/bodies.csv, semeval2022-task8/train.csv, *.txt)")
    lines, overall = [], Counter()
    for name, texts in sources.items():
        counts = flag_counts(texts)
        lines.append(_line(name, len(texts), counts))
        overall.update(counts)
    lines.append(_line("plain reporting", len(plain), overall))
    metrics = {"flags_per_1k_words": per_1k(overall), "with_quoted_per_1k_words": per_1k(overall, "all")}
    headline = ["flags_per_1k_words"]
    reference = reference_texts(data, opts.limit and max(1, opts.limit // 2))
    if reference:
        ref = flag_counts(reference)
        lines.append(_line("semeval2023 en (reference)", len(reference), ref))
        metrics["reference_flags_per_1k_words"] = per_1k(ref)
        metrics["reference_to_plain"] = per_1k(ref) / per_1k(overall) if overall["flags"] else 0.0
        headline += ["reference_flags_per_1k_words", "reference_to_plain"]
    return EvalResult("plain-reporting", metrics, headline, lines)
