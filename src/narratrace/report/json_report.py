"""JSON report: the whole Analysis, with the article text every span points into.

The payload is versioned by :data:`SCHEMA` (``narratrace.analysis/<major>.<minor>``):
a minor bump adds fields, a major bump changes or removes them. ``docs/json-schema.md``
documents the fields; ``narratrace schema`` prints the JSON Schema.
"""

from __future__ import annotations

from typing import Any

from narratrace import __version__
from narratrace.model import Analysis, to_jsonable

SCHEMA_VERSION = "1.0"
SCHEMA = f"narratrace.analysis/{SCHEMA_VERSION}"


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    """The JSON-ready report of one analysis.

    >>> from narratrace.model import Article
    >>> analysis_to_dict(Analysis(article=Article(text="Hi.")))["schema"]
    'narratrace.analysis/1.0'
    """
    payload = to_jsonable(analysis)
    payload["article"]["content_hash"] = analysis.article.content_hash
    return {"schema": SCHEMA, "generator": f"narratrace {__version__}", **payload}


def json_schema() -> dict[str, Any]:
    """JSON Schema of the report, derived from the dataclasses of :mod:`narratrace.model`."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Analysis).json_schema(mode="serialization")
    schema["title"] = SCHEMA
    schema.setdefault("properties", {})["schema"] = {"const": SCHEMA}
    schema["properties"]["generator"] = {"type": "string"}
    return schema
