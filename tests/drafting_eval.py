"""Scoring ``annotarium new``'s drafts against hand-made annotations.

Definitions (kept here so that the figures in reports mean one thing):

* A drafted quote is **found** when its words equal a hand quote's words
  (quotation marks straightened, whitespace collapsed, trailing ``,``/``.``
  ignored). Its **speaker is right** when the hand quote is a term and so is the
  draft, or when the words the draft uses for the speaker (its phrase or its
  name, without a leading article) are the hand speaker's name or one of its
  aliases, or words the hand file annotates as a mention of that actor.
* A drafted date is **found** when its words equal a hand date's words, a
  leading preposition (in, on, of, during) ignored. It is **resolved right**
  when both dates cover the same days, or the hand's days lie within the
  draft's and the draft is at most 7 days longer (a week for "this week").
* **Calendar expressions** are the hand dates whose words name a calendar unit
  (a month, weekday, year number, season, week/month/year, a holiday): the
  issue's absolute, relative and fuzzy date expressions. Durations ("three
  decades") and event names used as dates ("the Clinton administration") are
  reported in the all-dates figures only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from annotarium.dates import parse_date
from annotarium.draft_new import Draft
from annotarium.textmatch import normalize

_CALENDAR = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|1[89]\d\ds?|20\d\ds?|"
    r"spring|summer|autumn|fall|winter|Eve)\b|\b(?:Jan|Feb|Aug|Sept|Oct|Nov|Dec)\."
)
_UNIT = re.compile(r"\b(?:days?|weeks?|fortnights?|months?|years?)\b", re.IGNORECASE)
_DEICTIC = re.compile(
    r"\b(?:this|last|next|recent|ago|after|before|following|past|previous)\b", re.IGNORECASE
)


def words(text: str) -> str:
    return normalize(str(text)).strip().rstrip(",.").strip()


def date_words(text: str) -> str:
    return re.sub(r"^(?:in|on|of|during)\s+", "", words(text), flags=re.IGNORECASE)


def bare(name: str) -> str:
    return re.sub(r"^(?:a|an|the|one)\s+", "", words(name).lower())


def is_calendar(text: str) -> bool:
    """A calendar expression: it names a month, weekday, year, season or holiday, or a
    unit of time counted from now ("this week", "two years ago", "19 months after")."""
    text = words(text)
    return bool(_CALENDAR.search(text)) or bool(_UNIT.search(text) and _DEICTIC.search(text))


@dataclass
class Scores:
    hand_quotes: int
    drafted_quotes: int
    quotes_found: int
    speakers_right: int
    hand_dates: int
    drafted_dates: int
    dates_found: int
    dates_right: int
    calendar_dates: int
    calendar_found: int
    calendar_right: int
    drafted_dates_matching: int

    def report(self, name: str) -> str:
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} = {100 * a / b:.0f}%" if b else "n/a"

        return (
            f"{name}: quotes recall {pct(self.quotes_found, self.hand_quotes)}, precision "
            f"{pct(self.quotes_found, self.drafted_quotes)}, found with the right speaker "
            f"{pct(self.speakers_right, self.hand_quotes)}; dates (calendar expressions) found "
            f"{pct(self.calendar_found, self.calendar_dates)}, found and resolved right "
            f"{pct(self.calendar_right, self.calendar_dates)}; all hand dates found "
            f"{pct(self.dates_found, self.hand_dates)}, resolved right "
            f"{pct(self.dates_right, self.hand_dates)}; date precision "
            f"{pct(self.drafted_dates_matching, self.drafted_dates)}"
        )


def speaker_names(actors: dict[str, Any], hand: dict[str, Any]) -> dict[str, set[str]]:
    """Every way of naming each actor: its name, aliases, and the hand mentions of it."""
    names: dict[str, set[str]] = {}
    for actor_id, entry in actors.items():
        names[actor_id] = {bare(n) for n in [entry["name"], *entry.get("aliases", [])]}
    for mention in hand.get("mentions", []) or []:
        names.setdefault(mention["actor"], set()).add(bare(mention["text"]))
    return names


def _covers(draft: str, hand: str) -> bool:
    a, b = parse_date(draft), parse_date(hand)
    if (a.start, a.end) == (b.start, b.end):
        return True
    inside = a.start <= b.start and b.end <= a.end
    return inside and ((a.end - a.start) - (b.end - b.start)).days <= 7


def score(draft: Draft, hand: dict[str, Any], actors: dict[str, Any]) -> Scores:
    names = speaker_names(actors, hand)
    hand_quotes = hand.get("quotes", [])
    drafted = {words(q.text): q for q, _, _ in draft.quotes}
    found = right = 0
    for item in hand_quotes:
        quote = drafted.get(words(item["text"]))
        if quote is None:
            continue
        found += 1
        if item.get("kind") == "term":
            right += quote.kind == "term"
        elif quote.speaker is not None:
            known = names.get(item["speaker"], set())
            right += bare(quote.speaker.phrase) in known or bare(quote.speaker.name) in known
    hand_dates = hand.get("dates", [])
    drafted_dates: dict[str, list[str | None]] = {}
    for date, _ in draft.dates:
        drafted_dates.setdefault(date_words(date.text), []).append(date.date)
    d_found = d_right = c_total = c_found = c_right = 0
    for item in hand_dates:
        calendar = is_calendar(item["text"])
        c_total += calendar
        values = drafted_dates.get(date_words(item["text"]))
        if not values:
            continue
        d_found += 1
        c_found += calendar
        ok = any(v is not None and _covers(v, str(item["date"])) for v in values)
        d_right += ok
        c_right += calendar and ok
    hand_words = {date_words(d["text"]) for d in hand_dates}
    matching = sum(1 for d, _ in draft.dates if date_words(d.text) in hand_words)
    return Scores(
        len(hand_quotes),
        len(draft.quotes),
        found,
        right,
        len(hand_dates),
        len(draft.dates),
        d_found,
        d_right,
        c_total,
        c_found,
        c_right,
        matching,
    )


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
