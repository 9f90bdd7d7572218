"""Dates as analysts type them: precision, first and last day, labels, errors."""

from __future__ import annotations

import datetime as dt

import pytest

from annotarium.dates import DateSyntaxError, parse_date


@pytest.mark.parametrize(
    ("raw", "start", "end", "precision", "label", "machine"),
    [
        ("2019-06-30", "2019-06-30", "2019-06-30", "day", "30 June 2019", "2019-06-30"),
        ("2018-06", "2018-06-01", "2018-06-30", "month", "June 2018", "2018-06"),
        ("2016", "2016-01-01", "2016-12-31", "year", "2016", "2016"),
        ("2019-H2", "2019-07-01", "2019-12-31", "part", "second half of 2019", "2019"),
        ("2016-late", "2016-09-01", "2016-12-31", "part", "late 2016", "2016"),
        ("2018-spring", "2018-03-01", "2018-05-31", "season", "spring 2018", "2018"),
        ("2018-winter", "2018-12-01", "2019-02-28", "season", "winter 2018–2019", "2018"),
        ("2019-Q1", "2019-01-01", "2019-03-31", "part", "first quarter of 2019", "2019"),
        (
            "2019-02-27/2019-02-28",
            "2019-02-27",
            "2019-02-28",
            "range",
            "27–28 February 2019",
            "2019-02-27",
        ),
        (
            "2003-08/2009-04",
            "2003-08-01",
            "2009-04-30",
            "range",
            "August 2003 – April 2009",
            "2003-08",
        ),
    ],
)
def test_precisions(
    raw: str, start: str, end: str, precision: str, label: str, machine: str
) -> None:
    value = parse_date(raw)
    assert value.start == dt.date.fromisoformat(start)
    assert value.end == dt.date.fromisoformat(end)
    assert value.precision == precision
    assert value.label == label
    assert value.machine == machine


def test_year_typed_as_a_number() -> None:
    assert parse_date(2007).precision == "year"


def test_approximate_is_said() -> None:
    assert parse_date("2016-late", approximate=True).label == "around late 2016"


@pytest.mark.parametrize(
    ("raw", "message", "hint"),
    [
        ("2019-02-30", "'2019-02-30' is not a real day", "February 2019 has 28 days"),
        ("2019-13", "has no month 13", "01 to 12"),
        ("June 2019", "is not a date", "YYYY-MM-DD"),
        ("2019-H3", "is not a part of the year", "H1, H2"),
        ("2020/2019", "ends before it starts", "earlier date first"),
    ],
)
def test_invalid_dates_explain_themselves(raw: str, message: str, hint: str) -> None:
    with pytest.raises(DateSyntaxError) as caught:
        parse_date(raw)
    assert message in str(caught.value)
    assert caught.value.hint is not None and hint in caught.value.hint
