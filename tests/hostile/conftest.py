"""Hypothesis profiles of the hostile-input suite: brief in CI, long on demand.

- default (``ci``): a few dozen examples per property, the whole suite in seconds;
- ``NARRATRACE_FUZZ=N``: N examples per property (``fuzz`` profile), e.g. 5000;
- ``NARRATRACE_FUZZ_SECONDS=S``: the mutation fuzzer runs S seconds (default 3).

``pytest -m fuzz`` selects this suite alone. No example database is written (no
``.hypothesis/`` folder in the working tree).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("ci", max_examples=40, **_COMMON)
settings.register_profile("fuzz", max_examples=int(os.environ.get("NARRATRACE_FUZZ") or 0) or 2000, **_COMMON)
settings.load_profile("fuzz" if os.environ.get("NARRATRACE_FUZZ") else "ci")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/hostile/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.fuzz)
