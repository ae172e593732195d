"""Quality gates on the shared benchmarks (slow; skipped without ../shared/data).

Floors sit a little under the numbers in resources/claims/MODEL_CARD.md and
resources/checkworthiness/MODEL_CARD.md, so a regression fails CI.
"""

from __future__ import annotations

import pytest
from tests.conftest import SHARED_DATA, needs_shared

from narratrace.eval.registry import EvalOptions

pytestmark = [needs_shared, pytest.mark.slow]


def test_checkworthiness_dev_test_floor():
    from narratrace.eval.checkworthiness import evaluate_checkworthiness

    result = evaluate_checkworthiness(SHARED_DATA / "checkthat2024-checkworthiness" / "dev-test.tsv", EvalOptions())
    assert result.metrics["f1_yes"] >= 0.74


def test_attribution_polnear_dev_floor():
    from narratrace.eval.attribution import evaluate_attribution

    result = evaluate_attribution(SHARED_DATA / "polnear" / "dev", EvalOptions(limit=25))
    assert result.metrics["cue_f1"] >= 0.70
    assert result.metrics["source_f1"] >= 0.65
    assert result.metrics["content_f1"] >= 0.65
    assert result.metrics["cue_exact_f1"] >= 0.58
    assert result.last_line().startswith("attribution source_f1=")
