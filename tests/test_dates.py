"""The one in-text date finder (narratrace.dates), used by fact-check retrieval and picture reuse."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from narratrace.dates import as_utc, find_date_mentions, find_dates


def test_precisions_and_intervals():
    text = "Filmed December 2019 in Velmor, posted on 2nd Jan 2020, first seen during 2018."
    got = [(m.label, m.first, m.last, m.precision) for m in find_date_mentions(text)]
    assert got == [
        ("2019-12", date(2019, 12, 1), date(2019, 12, 31), "month"),
        ("2020-01-02", date(2020, 1, 2), date(2020, 1, 2), "day"),
        ("2018", date(2018, 1, 1), date(2018, 12, 31), "year"),
    ]
    for m in find_date_mentions(text):
        assert text[m.start : m.end].strip()  # spans point into the text


def test_day_dates_only_once_and_in_text_order():
    text = "Sept. 3rd, 2021 was reported as 2021-09-03 and as 4 October 2021, not in March 2022."
    assert find_dates(text) == [date(2021, 9, 3), date(2021, 9, 3), date(2021, 10, 4)]


def test_impossible_days_and_bare_numbers_are_not_dates():
    assert find_dates("Room 2021-13-40, code 30 Feb 2020, and 1000 people") == []


def test_as_utc_normalises_zones():
    east = timezone(timedelta(hours=3))
    assert as_utc(datetime(2020, 5, 1, 3, 0, tzinfo=east)) == datetime(2020, 5, 1, 0, 0, tzinfo=UTC)
