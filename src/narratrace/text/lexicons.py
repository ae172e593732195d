"""Load the team-written lexicons shipped in ``resources/lexicons``, once per process."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from narratrace.config import models_dir


@cache
def load_lexicon(name: str) -> dict[str, Any]:
    """The JSON lexicon ``resources/lexicons/<name>.json``.

    >>> "en" in load_lexicon("hedges")
    True
    """
    path = models_dir() / "lexicons" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))
