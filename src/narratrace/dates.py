"""Date helpers shared by every layer (no narratrace imports, so anything may use them).

- :func:`as_utc`: one timezone-aware UTC form for dates and datetimes;
- :func:`find_date_mentions`: calendar dates written in a text (ISO, English month
  names, "in 2019"), each with its span and precision;
- :func:`find_dates`: the day-precision ones as :class:`~datetime.date` objects.

Examples
--------
>>> as_utc(date(2025, 2, 8)).isoformat()
'2025-02-08T00:00:00+00:00'
>>> [m.label for m in find_date_mentions("Taken on 3rd March 2019, shown again in May 2021.")]
['2019-03-03', '2021-05']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

#: English month names and abbreviations -> month number.
MONTHS: dict[str, int] = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
#: Date patterns, most precise first: a span taken by one is not read again by a later one.
DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    re.compile(rf"(?i)\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+{_MON}\s*,?\s+(?P<y>(?:19|20)\d\d)\b"),
    re.compile(rf"(?i)\b{_MON}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b"),
    re.compile(rf"(?i)\b{_MON}\s+(?P<y>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?:in|since|from|of|during)\s+(?P<y>(?:19|20)\d\d)\b"),
)


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


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date written in a text: its character span and the days it may mean."""

    start: int
    end: int
    first: date
    last: date
    precision: str  # "day", "month" or "year"

    @property
    def label(self) -> str:
        """``2019-03-03``, ``2019-03`` or ``2019`` by precision."""
        if self.precision == "day":
            return self.first.isoformat()
        if self.precision == "month":
            return f"{self.first.year:04d}-{self.first.month:02d}"
        return f"{self.first.year:04d}"


def _mention(match: re.Match[str]) -> DateMention | None:
    groups = match.groupdict()
    try:
        year = int(groups["y"])
        if groups.get("m"):
            month: int | None = int(groups["m"])
        else:
            month = MONTHS[groups["mon"].lower().rstrip(".")] if groups.get("mon") else None
        day = int(groups["d"]) if groups.get("d") else None
        if month and day:
            first = last = date(year, month, day)
            precision = "day"
        elif month:
            first = date(year, month, 1)
            last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
            precision = "month"
        else:
            first, last, precision = date(year, 1, 1), date(year, 12, 31), "year"
    except (ValueError, KeyError):  # 31 February, an unknown month
        return None
    return DateMention(match.start(), match.end(), first, last, precision)


def find_date_mentions(text: str) -> list[DateMention]:
    """Dates written in ``text``, in text order; overlapping readings keep the most precise.

    >>> [(m.label, m.precision) for m in find_date_mentions("From 2019-12-31 to Jan. 5th, 2020, and since 2018")]
    [('2019-12-31', 'day'), ('2020-01-05', 'day'), ('2018', 'year')]
    >>> [m.label for m in find_date_mentions("31 February 2020")]  # no such day: the month is read
    ['2020-02']
    """
    found: list[DateMention] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(m.start < match.end() and match.start() < m.end for m in found):
                continue
            mention = _mention(match)
            if mention is not None:
                found.append(mention)
    return sorted(found, key=lambda m: m.start)


def find_dates(text: str) -> list[date]:
    """Calendar days written out in ``text`` (ISO or with English month names), in text order.

    >>> find_dates("Posted January 14, 2020 and 3 Feb 2021; 2019-12-31; in May 2020")
    [datetime.date(2020, 1, 14), datetime.date(2021, 2, 3), datetime.date(2019, 12, 31)]
    """
    return [m.first for m in find_date_mentions(text) if m.precision == "day"]
