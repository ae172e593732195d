"""Parse publication dates into timezone-aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from dateutil import parser as dateutil_parser

from narratrace.dates import as_utc

__all__ = ["DATE_LINE", "as_utc", "parse_date"]

# A bare date line such as "Sat 08 Feb 2025", "08.11.2024 | 21:26" or "2025-02-08".
DATE_LINE = re.compile(
    r"^\s*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?"
    r"(?:\d{1,2}[./ ]\s?(?:\d{1,2}|[A-Za-zÄÖÜäöüА-Яа-я]{3,9})\.?[./ ]\s?\d{2,4}|"
    r"\d{4}-\d{2}-\d{2}|"
    r"(?:[A-Z][a-z]{2,8})\.?\s+\d{1,2},?\s+\d{4})"
    r"(?:\s*[|,]?\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)


def parse_date(value: object) -> datetime | None:
    """Parse a date from a string, number (epoch seconds), date or datetime; ``None`` if unknown.

    >>> parse_date("Sat 08 Feb 2025").date().isoformat()
    '2025-02-08'
    >>> parse_date("08.11.2024 | 21:26").isoformat()
    '2024-11-08T21:26:00+00:00'
    >>> parse_date(True) is None  # a JSON boolean is not 1970-01-01
    True
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, datetime | date):
        return as_utc(value)
    if not isinstance(value, str | int | float):
        return None  # lists, objects: not a date
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip().replace("|", " ")
    if not text or len(text) > 64:
        return None
    try:
        parsed = dateutil_parser.parse(text, dayfirst=not re.match(r"^\d{4}-", text), fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
