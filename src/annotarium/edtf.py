"""Annotarium's dates in ISO 8601-2 (the Extended Date/Time Format, EDTF), and back.

Days, months and years are plain ISO 8601 (``2019-06-30``, ``2018-06``,
``2016``). The parts of a year have ISO 8601-2 "sub-year groupings":
halves are 40–41, quarters 33–36, the thirds of a year (``early``, ``mid``,
``late``: four months each) are 37–39, and the northern-hemisphere seasons
25–28. A range is an interval (``A/B``) and ``approximate`` is a trailing
``~``. The web-annotation export writes these values and ``annotarium import``
reads them, so a date survives the round trip with its precision.
"""

from __future__ import annotations

import re

from annotarium.dates import DateSyntaxError, DateValue, parse_date

_TO_CODE = {
    "h1": "40",
    "h2": "41",
    "q1": "33",
    "q2": "34",
    "q3": "35",
    "q4": "36",
    "early": "37",
    "mid": "38",
    "late": "39",
    "spring": "25",
    "summer": "26",
    "autumn": "27",
    "fall": "27",
    "winter": "28",
}
_FROM_CODE = {
    "40": "H1",
    "41": "H2",
    "33": "Q1",
    "34": "Q2",
    "35": "Q3",
    "36": "Q4",
    "37": "early",
    "38": "mid",
    "39": "late",
    "21": "spring",
    "22": "summer",
    "23": "autumn",
    "24": "winter",
    "25": "spring",
    "26": "summer",
    "27": "autumn",
    "28": "winter",
}
_PART = re.compile(r"^(\d{4})-([A-Za-z][A-Za-z0-9]*)$")
_CODE = re.compile(r"^(\d{4})-(\d{2})$")


def to_edtf(date: DateValue) -> str:
    """The ISO 8601-2 form of a date: ``2016-late`` → ``2016-39``; approximate adds ``~``."""
    sides = [_side_to_edtf(side.strip()) for side in date.raw.split("/")]
    if date.approximate:
        sides = [f"{side}~" for side in sides]
    return "/".join(sides)


def _side_to_edtf(text: str) -> str:
    match = _PART.match(text)
    if match and match[2].lower() in _TO_CODE:
        return f"{match[1]}-{_TO_CODE[match[2].lower()]}"
    return text


def from_edtf(value: str) -> tuple[str, bool] | None:
    """Annotarium's date syntax and the approximate flag for an ISO 8601(-2) value, or None
    when it is not a date Annotarium can hold."""
    text = value.strip()
    sides = text.split("/")
    if not text or len(sides) > 2:
        return None
    approximate = any(side.endswith(("~", "%")) for side in sides)
    raw_sides = []
    for side in sides:
        side = side.rstrip("~%?").strip()
        if "T" in side:  # a timestamp: its day
            side = side.split("T", 1)[0]
        match = _CODE.match(side)
        if match and match[2] in _FROM_CODE:
            side = f"{match[1]}-{_FROM_CODE[match[2]]}"
        raw_sides.append(side)
    raw = "/".join(raw_sides)
    try:
        parse_date(raw)
    except DateSyntaxError:
        return None
    return raw, approximate
