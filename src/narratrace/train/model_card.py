"""Model cards rendered from Jinja templates in ``narratrace/resources/model_cards``.

A card's prose lives in its template; training code passes only the numbers. Values are
formatted in the template with the ``fmt`` filter (Python's :func:`format`), so the
output matches what an f-string with the same format specs would print.

Examples
--------
>>> render_model_card("persuasion", {}) # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
jinja2.exceptions.UndefinedError: 'meta' is undefined
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2

TEMPLATE_PACKAGE = "narratrace"
TEMPLATE_DIR = "resources/model_cards"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(TEMPLATE_PACKAGE, TEMPLATE_DIR),
        autoescape=False,  # Markdown, not HTML
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,  # a missing number is an error, not an empty cell
    )
    env.filters["fmt"] = format
    return env


def render_model_card(name: str, context: Mapping[str, Any]) -> str:
    """The model card ``<name>.md.jinja`` filled with ``context``."""
    return _environment().get_template(f"{name}.md.jinja").render(**context)
