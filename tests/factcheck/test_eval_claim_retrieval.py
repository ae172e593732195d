"""Quality gate on CheckThat! 2022 2A (slow: embeds 14k verified claims once per machine)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from narratrace.eval.registry import EvalOptions, eval_tasks

SHARED = Path(os.environ.get("NARRATRACE_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"))
CT = SHARED / "checkthat2022-claim-retrieval"
#: Floor below the measured dev-test MAP@5 (see docs/factcheck.md); the issue's bar is the
#: RRF fusion at about .92.
FLOOR = 0.92


def test_registered():
    assert "claim-retrieval" in eval_tasks()


@pytest.mark.slow
# With a cold embedding cache (a fresh CI machine) this embeds 14k claims and titles once:
# 10-25 minutes on two shared vCPUs, far above the suite's 600 s hang guard.
@pytest.mark.timeout(3600)
@pytest.mark.skipif(not (CT / "vclaims.jsonl").exists(), reason="../shared/data/checkthat2022-claim-retrieval is absent")
def test_dev_test_map_at_5_above_floor():
    fn, _ = eval_tasks()["claim-retrieval"]
    result = fn(CT / "dev-test", EvalOptions(claims=CT / "vclaims.jsonl"))
    assert result.last_line().startswith("claim-retrieval map_at_5=")
    assert result.metrics["map_at_5"] >= FLOOR
    assert result.metrics["map_at_5"] >= result.metrics["bm25_map_at_5"]
