"""Drafting dates for ``annotarium new``: every date expression in the text,
resolved against the publication date, with its precision.

Absolute ("June 2018", "Feb. 28, 2019", "3 March 2021", "2007"), relative
("Tuesday", "last February", "this week", "two years ago", "the following
spring") and fuzzy ("late 2016", "the second half of 2019", "mid-2019") dates
become values in the syntax of :mod:`annotarium.dates`. An expression that
cannot be resolved without knowing more (no publication date for "Tuesday")
is still drafted, with no date, for the analyst to fill in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a": 1,
    "an": 1,
}
HOLIDAYS = {
    "new year's eve": (12, 31),
    "new year’s eve": (12, 31),
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
    "new year's day": (1, 1),
    "new year’s day": (1, 1),
}
SEASONS = ("spring", "summer", "autumn", "fall", "winter")

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
)
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)"

# (name, pattern), tried together; at each place the longest match wins
_PATTERNS: list[tuple[str, str]] = [
    (
        "range_days",
        rf"(?:\b(?i:on)\s+)?(?P<m>{_MONTH})\s+(?P<d1>{_DAY})\s*(?:and|-|–|to)\s*"
        rf"(?P<d2>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?\b",
    ),
    (
        "range_days_dmy",
        rf"(?:\b(?i:on)\s+)?(?P<d1>{_DAY})\s*(?:and|-|–|to)\s*(?P<d2>{_DAY})\s+"
        rf"(?P<m>{_MONTH})(?:\s+(?P<y>{_YEAR}))?\b",
    ),
    (
        "mdy",
        rf"(?:\b(?i:on|by|since|until)\s+)?(?:{_WEEKDAY},?\s+)?(?P<m>{_MONTH})\s+"
        rf"(?P<d>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?\b",
    ),
    (
        "dmy",
        rf"(?:\b(?i:on|by|since|until)\s+)?(?:{_WEEKDAY},?\s+)?(?P<d>{_DAY})\s+"
        rf"(?P<m>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?\b",
    ),
    (
        "month_year",
        rf"(?:\b(?i:in|since|until|by)\s+)?(?:early\s+|mid-|late\s+)?(?P<m>{_MONTH})"
        rf",?\s+(?P<y>{_YEAR})\b",
    ),
    ("last_month", rf"\b(?P<rel>last|this|next|this past)\s+(?P<m>{_MONTH})(?!\s+\d)"),
    (
        "in_month",
        rf"\b(?i:in|since|until|by)\s+(?:early\s+|mid-|late\s+)?(?P<m>{_MONTH})"
        rf"(?![\s,]+(?:\d|{_YEAR}))",
    ),
    (
        "part_month",
        rf"\b(?:(?:the\s+)?(?P<part>end|start|beginning|middle)\s+of\s+|"
        rf"(?P<part2>early|mid-|late)\s*)(?P<m>{_MONTH})(?![\s,]+(?:\d|{_YEAR}))",
    ),
    (
        "after",
        rf"\b(?P<n>{_NUMBER}|\d+)\s+(?P<unit>days?|weeks?|months?|years?)\s+"
        rf"(?:after|before|since)\s+(?:the|a|an|his|her|its|their)\s+[^,.;:“”\"]{{3,50}}?"
        rf"(?=[,.;:]|$)",
    ),
    ("half", rf"\b(?:the\s+)?(?P<which>first|second|latter|1st|2nd)\s+half\s+of\s+(?P<y>{_YEAR})"),
    (
        "quarter",
        rf"\b(?:the\s+)?(?P<which>first|second|third|fourth|final|last)\s+quarter\s+of"
        rf"\s+(?P<y>{_YEAR})",
    ),
    (
        "part",
        rf"\b(?P<part>early|mid|late|end of|the end of|the start of|the beginning of)"
        rf"[-\s](?P<y>{_YEAR})\b",
    ),
    (
        "season_year",
        rf"\b(?:\b(?i:in|during|by)\s+)?(?:the\s+)?(?P<season>spring|summer|autumn|"
        rf"fall|winter)\s+(?:of\s+)?(?P<y>{_YEAR})\b",
    ),
    (
        "following_season",
        r"\bthe\s+(?P<rel>following|next|previous)\s+(?P<season>spring|summer|"
        r"autumn|fall|winter|year)\b",
    ),
    ("last_season", r"\b(?P<rel>last|this|next)\s+(?P<season>spring|summer|autumn|fall|winter)\b"),
    (
        "years",
        rf"\b(?:\b(?i:in|between|from)\s+)?(?P<y1>{_YEAR})\s*(?:and|-|–|to)\s*(?P<y2>{_YEAR})\b",
    ),
    ("year", rf"\b(?:\b(?i:in|since|until|by|during|of)\s+)?(?P<y>{_YEAR})\b(?![-–]\d)"),
    ("weekday", rf"\b(?:(?:on|last|this|next|this past)\s+)?(?P<wd>{_WEEKDAY})\b"),
    (
        "holiday",
        r"\b(?:on\s+)?(?P<h>New Year[’']s Eve|New Year[’']s Day|Christmas Eve|"
        r"Christmas Day)\b",
    ),
    ("deictic", r"\b(?P<rel>this|last|next|the past|the previous)\s+(?P<unit>week|month|year)\b"),
    (
        "ago",
        rf"\b(?P<n>{_NUMBER})\s+(?P<unit>days?|weeks?|fortnights?|months?|years?|decades?)\s+ago\b",
    ),
    ("recent", r"\b(?:in\s+)?recent\s+(?P<unit>days|weeks|months)\b"),
    ("decade", r"\b(?:(?:the|in the)\s+)?(?P<y>(?:1[89]|20)\d0)s\b"),
    ("yesterday", r"\b(?P<word>yesterday|today|tomorrow)\b"),
]
_COMBINED = [
    (
        name,
        re.compile(
            pattern,
            re.IGNORECASE
            if name
            in (
                "deictic",
                "ago",
                "recent",
                "yesterday",
                "following_season",
                "last_season",
                "half",
                "quarter",
                "part",
                "after",
            )
            else 0,
        ),
    )
    for name, pattern in _PATTERNS
]


@dataclass(frozen=True)
class DraftDate:
    text: str
    start: int
    end: int
    date: str | None  # in annotarium's date syntax, or None when it cannot be resolved
    relative: bool
    approximate: bool = False


def find_dates(
    text: str, blocks: list[tuple[int, int]], published: dt.date | None
) -> list[DraftDate]:
    """Every date expression in the blocks, resolved against ``published``."""
    found: list[DraftDate] = []
    for block_start, block_end in blocks:
        block = text[block_start:block_end]
        matches: list[tuple[int, int, str, re.Match[str]]] = []
        for name, pattern in _COMBINED:
            for match in pattern.finditer(block):
                matches.append((match.start(), match.end(), name, match))
        matches.sort(key=lambda item: (item[0], -(item[1] - item[0])))
        last_end = -1
        last_year: int | None = None
        for start, end, name, match in matches:
            if start < last_end:
                continue
            if name == "year" and _is_number(block, start, end):
                continue
            value, relative, approximate = _resolve(name, match, published, last_year)
            last_end = end
            years = re.findall(_YEAR, match.group())
            if years:
                last_year = int(years[-1])
            elif value:
                last_year = int(value[:4])
            words = match.group()
            lead = re.match(r"(?:on|of|during)\s+", words, re.IGNORECASE)
            if lead:  # "on June 30" is annotated as "June 30"; "in 2007" keeps its "in"
                words, start = words[lead.end() :], start + lead.end()
            found.append(
                DraftDate(
                    words, block_start + start, block_start + end, value, relative, approximate
                )
            )
    return found


def _is_number(block: str, start: int, end: int) -> bool:
    """A four-digit number that is not a year: 2,000 or 2000 troops."""
    before, after = block[max(0, start - 1) : start], block[end : end + 1]
    return before in (",", "$", "£", "€") or (
        after in (",",) and block[end + 1 : end + 2].isdigit()
    )


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _day(word: str) -> int:
    return int(re.match(r"\d+", word).group())  # type: ignore[union-attr]


NEAR_FUTURE_DAYS = 90  # "expires on 30 April", written in March, is this April


def _before(published: dt.date, month: int, day: int | None = None, strict: bool = False) -> int:
    """The year of a month (and day) the text gives without one ("June 30", "in June"):
    news looks back, so the latest one not after publication, unless the next one is
    nearer and within :data:`NEAR_FUTURE_DAYS` ("expires on 30 April")."""
    year = published.year
    if (month, day or 1) > (published.month, published.day) or (
        strict and (month == published.month)
    ):
        year -= 1
    if not strict:
        past = dt.date(year, month, min(day or 1, 28))
        future = dt.date(year + 1, month, min(day or 1, 28))
        ahead, back = (future - published).days, (published - past).days
        if 0 <= ahead <= NEAR_FUTURE_DAYS and ahead < back:
            year += 1
    return year


def _resolve(
    name: str, m: re.Match[str], published: dt.date | None, last_year: int | None
) -> tuple[str | None, bool, bool]:
    """(date, relative, approximate) for one match."""
    groups = m.groupdict()
    year = int(groups["y"]) if groups.get("y") else None
    if name in ("range_days", "range_days_dmy"):
        month = _month(m["m"])
        if year is None:
            if published is None:
                return None, True, False
            year = _before(published, month, _day(m["d1"]))
        first, last = _day(m["d1"]), _day(m["d2"])
        return (
            f"{year}-{month:02d}-{first:02d}/{year}-{month:02d}-{last:02d}",
            year != int(groups.get("y") or 0),
            False,
        )
    if name in ("mdy", "dmy"):
        month, day = _month(m["m"]), _day(m["d"])
        if year is None:
            if published is None:
                return None, True, False
            return f"{_before(published, month, day)}-{month:02d}-{day:02d}", True, False
        return f"{year}-{month:02d}-{day:02d}", False, False
    if name == "month_year":
        return f"{year}-{_month(m['m']):02d}", False, False
    if name in ("last_month", "in_month"):
        if published is None:
            return None, True, False
        month = _month(m["m"])
        rel = (groups.get("rel") or "").lower()
        if rel == "next":
            y = published.year + (1 if month <= published.month else 0)
        elif rel == "this":
            y = published.year
        else:
            y = _before(published, month, strict=rel == "last")
        return f"{y}-{month:02d}", True, False
    if name == "part_month":
        if published is None:
            return None, True, True
        month = _month(m["m"])
        return f"{_before(published, month)}-{month:02d}", True, True
    if name == "after":
        return None, True, True  # "19 months after the summit": the analyst knows when that was
    if name == "half":
        which = m["which"].lower()
        return f"{year}-{'H1' if which in ('first', '1st') else 'H2'}", False, False
    if name == "quarter":
        number = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "last": 4}
        return f"{year}-Q{number[m['which'].lower()]}", False, False
    if name == "part":
        part = m["part"].lower()
        key = (
            "early"
            if part in ("early", "the start of", "the beginning of")
            else ("mid" if part == "mid" else "late")
        )
        return f"{year}-{key}", False, False
    if name == "season_year":
        season = m["season"].lower()
        return f"{year}-{'autumn' if season == 'fall' else season}", False, False
    if name == "following_season":
        if last_year is None:
            return None, True, False
        step = -1 if m["rel"].lower() == "previous" else 1
        season = m["season"].lower()
        if season == "year":
            return str(last_year + step), True, False
        return f"{last_year + step}-{'autumn' if season == 'fall' else season}", True, False
    if name == "last_season":
        if published is None:
            return None, True, False
        season = "autumn" if m["season"].lower() == "fall" else m["season"].lower()
        y = (
            published.year
            - (1 if m["rel"].lower() == "last" else 0)
            + (1 if m["rel"].lower() == "next" else 0)
        )
        return f"{y}-{season}", True, False
    if name == "years":
        return f"{m['y1']}/{m['y2']}", False, False
    if name == "year":
        return str(year), False, False
    if name == "decade":
        return f"{year}/{year + 9}", False, False
    if name == "weekday":
        if published is None:
            return None, True, False
        target = WEEKDAYS.index(m["wd"].lower())
        back = (published.weekday() - target) % 7
        return (published - dt.timedelta(days=back)).isoformat(), True, False
    if name == "holiday":
        if published is None:
            return None, True, False
        month, day = HOLIDAYS[m["h"].lower()]
        return f"{_before(published, month, day)}-{month:02d}-{day:02d}", True, False
    if published is None:
        return None, True, False
    if name == "deictic":
        return _deictic(m["rel"].lower(), m["unit"].lower(), published), True, False
    if name == "ago":
        count = NUMBERS.get(m["n"].lower()) or int(m["n"]) if not m["n"].isdigit() else int(m["n"])
        unit = m["unit"].lower().rstrip("s")
        if unit == "day":
            return (published - dt.timedelta(days=count)).isoformat(), True, False
        if unit == "fortnight":
            return (published - dt.timedelta(days=14 * count)).isoformat(), True, True
        if unit == "week":
            day = published - dt.timedelta(weeks=count)
            return f"{day - dt.timedelta(days=day.weekday())}/{day}", True, True
        months = count * {"month": 1, "year": 12, "decade": 120}[unit]
        total = published.year * 12 + published.month - 1 - months
        y, mo = divmod(total, 12)
        if unit == "decade":
            return f"{y}", True, True
        return f"{y}-{mo + 1:02d}", True, unit == "year"
    if name == "recent":
        days = {"days": 7, "weeks": 30, "months": 120}[m["unit"].lower()]
        return f"{published - dt.timedelta(days=days)}/{published}", True, True
    if name == "yesterday":
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[m["word"].lower()]
        return (published + dt.timedelta(days=shift)).isoformat(), True, False
    return None, True, False


def _deictic(rel: str, unit: str, published: dt.date) -> str:
    if unit == "week":
        monday = published - dt.timedelta(days=published.weekday())
        if rel in ("last", "the past", "the previous"):
            monday -= dt.timedelta(days=7)
        elif rel == "next":
            monday += dt.timedelta(days=7)
        sunday = monday + dt.timedelta(days=6)
        if rel == "this":
            sunday = min(sunday, published)
        return f"{monday}/{sunday}"
    if unit == "month":
        total = published.year * 12 + published.month - 1 + {"this": 0, "next": 1}.get(rel, -1)
        y, mo = divmod(total, 12)
        return f"{y}-{mo + 1:02d}"
    return str(published.year + {"this": 0, "next": 1}.get(rel, -1))
