"""Date helpers shared by every layer (no narratrace imports, so anything may use them).

Examples
--------
>>> as_utc(date(2025, 2, 8)).isoformat()
'2025-02-08T00:00:00+00:00'
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def as_utc(value: datetime | date | None) -> datetime | None:
    """A timezone-aware UTC datetime from a datetime (naive ones are taken as UTC) or a date.

    >>> as_utc(datetime(2020, 1, 2, 3, 4)).isoformat()
    '2020-01-02T03:04:00+00:00'
    >>> as_utc(None) is None
    True
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
