"""``annotarium new PATH``: a new article, with its annotations drafted.

The article text (a plain-text export or a Markdown file) is read the way the
loader reads it, so that every drafted annotation anchors. Quotes and speakers
come from :mod:`annotarium.draft_quotes`, dates from
:mod:`annotarium.draft_dates`; speakers are resolved to known actors by name or
alias, or proposed as new actors with the description the text gives. Known
actors, places and topics whose names occur are listed, so that their mentions
are linked. :func:`draft_article` computes all of it without writing;
:func:`write_draft` copies the text into ``seeds/`` and writes the annotation
file (see :mod:`annotarium.draft_yaml`) and any proposed actors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from annotarium import schema
from annotarium.anchor import find_names
from annotarium.articles import parse_markdown, parse_text_export
from annotarium.draft_dates import MONTHS, DraftDate, find_dates
from annotarium.draft_quotes import DraftQuote, Speaker, find_quotes
from annotarium.model import Actor, ArticleText, Place, Topic
from annotarium.textmatch import NormalizedText, normalize


@dataclass(frozen=True)
class NewActor:
    id: str
    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class Selection:
    """Which occurrence of the words is meant: nothing, a prefix, or an occurrence."""

    prefix: str | None = None
    occurrence: int | None = None


@dataclass
class Draft:
    """Everything ``new`` found in one article, ready to be written."""

    slug: str
    source: Path
    text_path: str  # as the annotation file names it: seeds/<file>
    text: ArticleText
    title: str
    publication: str | None
    published: dt.date | None
    published_from: str | None  # how the date was found ("the dateline", "--published")
    caption: bool
    masthead_lines: int
    write_title: bool  # the text gives no title the loader can find: the file must say it
    quotes: list[tuple[DraftQuote, str | None, Selection]] = field(default_factory=list)
    dates: list[tuple[DraftDate, Selection]] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    new_actors: list[NewActor] = field(default_factory=list)


class NewError(Exception):
    """A problem with the command's input, for the user (exit code 2)."""


_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]+(?:,\s*[A-Z][A-Za-z .]+)?),\s+(?P<date>[A-Z][a-z]+\.?\s+\d{1,2}"
    r"(?:,\s+\d{4})?|\d{1,2}\s+[A-Z][a-z]+\.?(?:\s+\d{4})?)\s*(?:\((?P<agency>[^)]+)\)\s*)?"
    r"[-–—]"
)
_DATE_LINE = re.compile(
    r"^(?:(?:Published|Updated|Posted|Dated?)\s*:?\s*)?(?:[A-Z][a-z]+day,?\s+)?"
    r"(?P<date>[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4}|\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4})\.?$"
)


def parse_day(words: str) -> dt.date | None:
    """ "March 3, 2021", "3 March 2021", "Feb. 28, 2019" as a date (None if not one)."""
    match = re.match(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$", words.strip()) or re.match(
        r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$", words.strip()
    )
    if not match:
        return None
    a, b, year = match.groups()
    month_word, day = (a, b) if not a.isdigit() else (b, a)
    month = MONTHS.get(month_word.lower())
    try:
        return dt.date(int(year), month, int(day)) if month else None
    except ValueError:
        return None


def read_article(source: Path) -> tuple[ArticleText, dict[str, object], int, bool]:
    """The article as the loader will read it, its front matter, and the export layout
    (masthead lines, caption) to record in the annotation file."""
    raw = source.read_text(encoding="utf-8")
    if source.suffix.lower() in (".md", ".markdown"):
        post = frontmatter.loads(raw)
        meta = dict(post.metadata)
        body = post.content
        title = str(meta.get("title") or "")
        if not title:
            heading = re.search(r"^#\s+(.+)$", body, re.MULTILINE)
            title = heading.group(1).strip() if heading else source.stem
            meta["title"] = title
            meta["_title_missing"] = True  # the annotation file must then give it
        first_line = raw.count("\n", 0, raw.index(body[:40])) + 1 if body.strip() else 1
        return parse_markdown(body, title, first_line), meta, 0, False
    text = parse_text_export(raw)
    return text, {}, 1 if text.masthead else 0, text.caption_block is not None


def draft_article(
    source: Path,
    actors: dict[str, Actor],
    places: dict[str, Place],
    topics: dict[str, Topic],
    *,
    slug: str | None = None,
    published: dt.date | None = None,
) -> Draft:
    """Draft the annotations of the article at ``source`` against these registries."""
    text, meta, masthead_lines, caption = read_article(source)
    title = str(meta.get("title") or (text.title_block.text if text.title_block else ""))
    title_missing = bool(meta.get("_title_missing"))
    if not title:  # an export with no headline: the first words, for the analyst to replace
        first = text.blocks[0].text if text.blocks else source.stem
        words = first.split()
        title = " ".join(words[:10]) + ("…" if len(words) > 10 else "")
        title_missing = True
    slug = slug or _slug(source, title)
    publication = str(meta.get("publication") or "") or (
        text.masthead.name if text.masthead else None
    )
    published_from = "--published" if published else None
    if published is None and meta.get("published"):
        value = meta["published"]
        published = value if isinstance(value, dt.date) else _iso(str(value))
        published_from = "the front matter" if published else None
    if published is None:
        published, agency, published_from = _dateline(text)
        publication = publication or agency
    suffix = source.suffix.lower() if source.suffix else ".txt"
    draft = Draft(
        slug,
        source,
        f"seeds/{slug}{suffix}",
        text,
        " ".join(title.split()),
        publication,
        published,
        published_from,
        caption,
        masthead_lines,
        title_missing,
    )
    blocks = [(b.start, b.end) for b in text.blocks if b.kind in ("paragraph", "caption")]
    normalized = NormalizedText(text.text)
    proposals: dict[str, NewActor] = {}
    for quote in find_quotes(text.text, blocks):
        speaker_id = None
        if quote.speaker is not None:
            speaker_id = _resolve(quote.speaker, actors, proposals)
        draft.quotes.append((quote, speaker_id, _selection(normalized, quote.start, quote.end)))
    quoted = [(q.start, q.end) for q, _, _ in draft.quotes]
    for date in find_dates(text.text, blocks, published):
        if any(_crosses(date.start, date.end, s, e) for s, e in quoted):
            continue
        draft.dates.append((date, _selection(normalized, date.start, date.end)))
    draft.new_actors = list(proposals.values())
    speakers = [sid for _, sid, _ in draft.quotes if sid and sid in actors]
    draft.actors = list(dict.fromkeys(speakers + _named(normalized.text, actors)))
    draft.actors += [a.id for a in draft.new_actors if a.id not in draft.actors]
    draft.places = _named(normalized.text, places)
    draft.topics = _named(normalized.text, topics)
    return draft


def _slug(source: Path, title: str) -> str:
    stem = schema.suggest_slug(source.stem)
    if stem and not schema.slug_problem(stem):
        return stem
    words = schema.suggest_slug(" ".join(title.split()[:6]))
    return words or "article"


def _iso(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _dateline(text: ArticleText) -> tuple[dt.date | None, str | None, str | None]:
    """A publication date from a wire dateline ("SEOUL, March 3, 2021 (Reuters) -") or a
    date line near the top ("12 March 2021"); the agency the dateline names; and which."""
    agency = None
    for block in text.blocks[:4]:
        line = block.text.split("\n")[0].strip()
        match = _DATELINE.match(line)
        if match:
            agency = match["agency"].strip() if match["agency"] else None
            day = parse_day(match["date"])
            if day is not None:
                return day, agency, "the dateline"
        match = _DATE_LINE.match(line)
        if match:
            day = parse_day(match["date"])
            if day is not None:
                return day, agency, "the date line at the top"
    return None, agency, None


def _selection(text: NormalizedText, start: int, end: int) -> Selection:
    """How to say which occurrence of text[start:end] is meant, as anchoring reads it."""
    words = normalize(text.original[start:end]).strip()
    hits = text.find_all(words)
    if len(hits) <= 1:
        return Selection()
    here = next((h for h in hits if text.to_original(h) == start), None)
    if here is None:
        here = min(hits, key=lambda h: abs(text.to_original(h) - start))
    before = text.text[:here].rstrip()
    for count in (1, 2, 3, 4, 5, 6):
        prefix = " ".join(before.split(" ")[-count:]).strip()
        if not prefix:
            break
        matching = [h for h in hits if text.text[:h].rstrip().endswith(prefix)]
        if matching == [here] and len(prefix) >= 3:
            return Selection(prefix=prefix)
    return Selection(occurrence=hits.index(here) + 1)


def _crosses(start: int, end: int, other_start: int, other_end: int) -> bool:
    return (
        other_start < end
        and start < other_end
        and not (other_start <= start and end <= other_end)
        and not (start <= other_start and other_end <= end)
    )


def _named(text: str, table: dict[str, Actor] | dict[str, Place] | dict[str, Topic]) -> list[str]:
    """The ids of the entries whose name or an alias occurs in the text, in text order."""
    names: dict[str, str] = {}
    for entry in table.values():
        for name in entry.names:
            key = normalize(name).strip()
            if key:
                names.setdefault(key, entry.id)
    order: dict[str, None] = {}
    for start, end in find_names(text, names):
        order[names[text[start:end]]] = None
    return list(order)


def _resolve(speaker: Speaker, actors: dict[str, Actor], proposals: dict[str, NewActor]) -> str:
    """The id of a known actor the speaker names, else of a proposed new actor."""
    for words in (speaker.name, speaker.phrase):
        key = normalize(words).strip().lower()
        for actor in actors.values():
            if any(normalize(n).strip().lower() == key for n in actor.names):
                return actor.id
    for proposal in proposals.values():
        if proposal.name == speaker.name:
            return proposal.id
    base = schema.suggest_slug(re.sub(r"[’'.]", "", speaker.name)) or "speaker"
    candidate, number = base, 2
    while candidate in actors or candidate in proposals:
        candidate, number = f"{base}-{number}", number + 1
    description = speaker.description or (
        "Quoted in the article." if speaker.kind != "document" else "A text the article quotes."
    )
    proposals[candidate] = NewActor(candidate, speaker.name, speaker.kind, description)
    return candidate
