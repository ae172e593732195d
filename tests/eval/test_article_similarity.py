"""`narratrace eval article-similarity`: sign convention, CV number, layout errors."""

from __future__ import annotations

import csv
import os
import zlib
from pathlib import Path

import numpy as np
import pytest

from narratrace.errors import EvalDataError
from narratrace.eval.article_similarity import evaluate
from narratrace.eval.registry import EvalOptions

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NARRATRACE_SHARED_DATA", REPO.parent / "shared" / "data"))
TRAIN = SHARED / "semeval2022-task8" / "train.csv"


def _fake_embed(texts):
    """Topic vectors: texts starting with the same word get close vectors."""
    out = np.zeros((len(texts), 8), np.float32)
    for i, t in enumerate(texts):
        out[i, zlib.crc32(t.split()[0].encode()) % 8] = 1.0
        out[i, (i * 7) % 8] += 0.3 * ((i % 3) / 3)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_same_story_pairs_correlate_negatively(tmp_path, monkeypatch):
    import narratrace.text.embeddings as emb

    monkeypatch.setattr(emb, "embed_passages", _fake_embed)
    path = tmp_path / "pairs.csv"
    topics = ["Velora", "Amber", "Sorrel", "Kestria", "Ostra", "Marr"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, ["pair_id", "lang1", "lang2", "text1", "text2", "Overall"])
        w.writeheader()
        for i in range(30):
            a = topics[i % 6]
            same = i % 2 == 0
            b = a if same else topics[(i + 1) % 6]
            w.writerow({"pair_id": i, "lang1": "en", "lang2": "en", "text1": f"{a} story Number {i}", "text2": f"{b} report Number {i}", "Overall": 1.0 if same else 4.0})
    result = evaluate(path, EvalOptions())
    assert result.metrics["pearson"] < -0.5 and result.metrics["abs_pearson"] == -result.metrics["pearson"]
    assert result.metrics["cv_pearson"] < 0
    assert result.last_line().startswith("article-similarity pearson=-")


def test_wrong_layout_is_reported(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(EvalDataError):
        evaluate(bad, EvalOptions())


@pytest.mark.slow
@pytest.mark.skipif(not TRAIN.is_file(), reason=f"SemEval-2022 Task 8 train.csv not found at {TRAIN} (set NARRATRACE_SHARED_DATA)")
def test_train_csv_reaches_cosine_baseline():
    result = evaluate(TRAIN, EvalOptions(limit=200))
    assert result.metrics["pearson"] < -0.6  # plain e5 cosine is about -0.67 held-out
    assert result.metrics["cv_pearson"] < -0.6
