"""Snapshot of the claims stages' registration: renames and reorders must be deliberate."""

from __future__ import annotations

from narratrace.analyze.registry import default_stage_names, registered_stages

EXPECTED = {"attribution.v1": 110, "stance.v1": 120, "evidence.v1": 130, "claims.v1": 150, "checkworthiness.v1": 200}


def test_claims_stages_registered_in_order():
    stages = registered_stages()
    for name, order in EXPECTED.items():
        assert stages[name].order == order
        assert stages[name].default
    names = default_stage_names()
    positions = [names.index(n) for n in EXPECTED]
    assert positions == sorted(positions)
