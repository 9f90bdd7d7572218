"""Dates as analysts type them, with the precision they mean.

``2019-06-30`` is a day, ``2018-06`` a month, ``2016`` a year, ``2019-H2`` the
second half of a year, ``2016-late`` its last third, ``2018-spring`` a season,
and ``A/B`` a range between two of these. Each resolves to a first and last
day (to sort and place it) and keeps its precision (to show it honestly).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from annotarium.slotted import quick_pickling

Precision = Literal["day", "month", "year", "part", "season", "range"]

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# part-of-year keyword -> (first month, last month, how to say it)
_PARTS: dict[str, tuple[int, int, str]] = {
    "h1": (1, 6, "first half of {y}"),
    "h2": (7, 12, "second half of {y}"),
    "q1": (1, 3, "first quarter of {y}"),
    "q2": (4, 6, "second quarter of {y}"),
    "q3": (7, 9, "third quarter of {y}"),
    "q4": (10, 12, "fourth quarter of {y}"),
    "early": (1, 4, "early {y}"),
    "mid": (5, 8, "mid-{y}"),
    "late": (9, 12, "late {y}"),
    "spring": (3, 5, "spring {y}"),
    "summer": (6, 8, "summer {y}"),
    "autumn": (9, 11, "autumn {y}"),
    "fall": (9, 11, "autumn {y}"),
    "winter": (12, 14, "winter {y}–{y1}"),  # December to February of the next year
}

_SINGLE = re.compile(
    r"^(?P<y>\d{4})(?:-(?:(?P<m>\d{2})(?:-(?P<d>\d{2}))?|(?P<part>[A-Za-z][A-Za-z0-9]*)))?$"
)


class DateSyntaxError(ValueError):
    """A date string that does not follow the documented syntax, or names no real day."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


@quick_pickling
@dataclass(frozen=True, slots=True, order=True)
class DateValue:
    """A resolved date: the first and last day it covers, and how precise it is."""

    start: dt.date
    end: dt.date
    precision: Precision
    raw: str
    approximate: bool = False

    @property
    def label(self) -> str:
        """How the date reads on a page: "30 June 2019", "February 2019", "late 2016"."""
        text = _label(self.raw)
        return f"around {text}" if self.approximate else text

    @property
    def machine(self) -> str:
        """The value for ``<time datetime>``, at the date's own precision."""
        first = self.raw.split("/")[0]
        match = _SINGLE.match(first)
        assert match is not None  # raw was validated by parse_date
        if match["part"]:
            return match["y"]
        return first

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def sort_key(self) -> tuple[dt.date, dt.date]:
        return (self.start, self.end)


def parse_date(raw: str | int, approximate: bool = False) -> DateValue:
    """Parse the documented syntax; raise :class:`DateSyntaxError` with a hint."""
    text = str(raw).strip()
    if "/" in text:
        left, _, right = text.partition("/")
        first = _parse_single(left.strip())
        last = _parse_single(right.strip())
        if last[1] < first[0]:
            raise DateSyntaxError(
                f"the range '{text}' ends before it starts", "write the earlier date first"
            )
        return DateValue(first[0], last[1], "range", text, approximate)
    start, end, precision = _parse_single(text)
    return DateValue(start, end, precision, text, approximate)


def _parse_single(text: str) -> tuple[dt.date, dt.date, Precision]:
    match = _SINGLE.match(text)
    if not match:
        raise DateSyntaxError(
            f"'{text}' is not a date",
            "write YYYY-MM-DD, YYYY-MM, YYYY, YYYY-H1/H2, YYYY-Q1..Q4, "
            "YYYY-early/mid/late, YYYY-spring/summer/autumn/winter, or A/B for a range",
        )
    year = int(match["y"])
    if match["part"]:
        part = match["part"].lower()
        if part not in _PARTS:
            raise DateSyntaxError(
                f"'{match['part']}' in '{text}' is not a part of the year",
                "use H1, H2, Q1-Q4, early, mid, late, spring, summer, autumn or winter",
            )
        first, last, _ = _PARTS[part]
        end_year, end_month = (year + 1, last - 12) if last > 12 else (year, last)
        precision: Precision = (
            "season" if part in ("spring", "summer", "autumn", "fall", "winter") else "part"
        )
        return (
            dt.date(year, first, 1),
            dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1]),
            precision,
        )
    if match["m"] is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    month = int(match["m"])
    if not 1 <= month <= 12:
        raise DateSyntaxError(f"'{text}' has no month {month}", "months run from 01 to 12")
    if match["d"] is None:
        return (
            dt.date(year, month, 1),
            dt.date(year, month, calendar.monthrange(year, month)[1]),
            "month",
        )
    day = int(match["d"])
    try:
        value = dt.date(year, month, day)
    except ValueError:
        last_day = calendar.monthrange(year, month)[1]
        raise DateSyntaxError(
            f"'{text}' is not a real day", f"{MONTH_NAMES[month - 1]} {year} has {last_day} days"
        ) from None
    return value, value, "day"


def _label(raw: str) -> str:
    if "/" in raw:
        left, _, right = raw.partition("/")
        a, b = _label_single(left.strip()), _label_single(right.strip())
        la, lb = _SINGLE.match(left.strip()), _SINGLE.match(right.strip())
        # "27–28 February 2019" reads better than "27 February 2019 – 28 February 2019"
        if la and lb and la["d"] and lb["d"] and la["y"] == lb["y"] and la["m"] == lb["m"]:
            return f"{int(la['d'])}–{b}"
        return f"{a} – {b}"
    return _label_single(raw)


def _label_single(text: str) -> str:
    match = _SINGLE.match(text)
    if not match:
        return text
    year = int(match["y"])
    if match["part"]:
        return _PARTS[match["part"].lower()][2].format(y=year, y1=year + 1)
    if match["m"] is None:
        return str(year)
    month = MONTH_NAMES[int(match["m"]) - 1]
    if match["d"] is None:
        return f"{month} {year}"
    return f"{int(match['d'])} {month} {year}"
