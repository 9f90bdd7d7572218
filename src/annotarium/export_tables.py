"""Tables, the actor network and the calendar, made from :func:`archive_data`'s data.

CSV files are UTF-8 (no byte-order mark) with a header row and CRLF line ends
(RFC 4180, what the csv module writes). A cell that a spreadsheet would run as
a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) gets a leading apostrophe, the usual guard against CSV injection.
Lists in a cell are joined with ``"; "``.

The GraphML network has a node per actor and an undirected edge per pair of
actors that appear in the same article, weighted by the number of such
articles. The iCalendar file (RFC 5545) has an all-day event per dated event:
a month or a year becomes an event spanning it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

LIST_SEPARATOR = "; "
_FORMULA_START = frozenset("=+-@\t\r")


def safe_cell(value: Any) -> Any:
    """A cell: '' for None, 'true'/'false' for booleans, an apostrophe before formulas."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str) and value and value[0] in _FORMULA_START:
        return "'" + value
    return value


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The table as CSV: the header row, then the rows."""
    return csv_rows([header]) + csv_rows(rows)


def csv_rows(rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows of a CSV table, each ending in CRLF; every cell passes :func:`safe_cell`,
    inlined for the common cases (a large archive has a million cells). Rows are written
    one by one, so the rows of a table can be made in parts and joined."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    starts = _FORMULA_START
    writer.writerows(
        [
            cell
            if (cell.__class__ is str and not (cell and cell[0] in starts)) or cell.__class__ is int
            else safe_cell(cell)
            for cell in row
        ]
        for row in rows
    )
    return buffer.getvalue().encode("utf-8")


def _joined(values: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(values)


QUOTE_COLUMNS = (
    "article",
    "id",
    "kind",
    "speaker",
    "speaker_name",
    "text",
    "context",
    "note",
    "cites",
    "start",
    "end",
    "draft",
    "page",
)
MENTION_COLUMNS = (
    "article",
    "id",
    "entity",
    "entity_id",
    "name",
    "text",
    "start",
    "end",
    "auto",
    "draft",
    "page",
)
ACTOR_COLUMNS = (
    "id",
    "name",
    "kind",
    "description",
    "source",
    "aliases",
    "affiliations",
    "wikidata",
    "quotes",
    "mentions",
    "articles",
    "events",
    "page",
)
EVENT_COLUMNS = (
    "id",
    "title",
    "date",
    "iso",
    "start",
    "end",
    "precision",
    "approximate",
    "label",
    "place",
    "place_name",
    "actors",
    "topics",
    "description",
    "mentions",
    "articles",
    "page",
)


def quote_rows(items: Iterable[dict[str, Any]], names: dict[str, str]) -> bytes:
    """The rows of ``quotes.csv`` for these annotations (``archive.json``'s records);
    ``names`` maps actor ids to names."""
    rows = []
    for item in items:
        if item["kind"] != "quote":
            continue
        cites = item["cites"]
        anchor = item["anchor"]
        rows.append(
            (
                item["article"],
                item["id"],
                item["quote_kind"],
                item["speaker"],
                names.get(item["speaker"]) if item["speaker"] else None,
                anchor["exact"],
                item["context"],
                item["note"],
                (cites["article"] + (f"#{cites['annotation']}" if cites["annotation"] else ""))
                if cites
                else None,
                anchor["start"],
                anchor["end"],
                item["draft"],
                f"articles/{item['article']}/index.html#{item['id']}",
            )
        )
    return csv_rows(rows)


def mention_rows(items: Iterable[dict[str, Any]], names: dict[tuple[str, str], str]) -> bytes:
    """The rows of ``mentions.csv`` for these annotations; ``names`` maps (kind, id) of
    actors, places and topics to names."""
    rows = []
    for item in items:
        if item["kind"] not in ("actor", "place", "topic"):
            continue
        anchor = item["anchor"]
        rows.append(
            (
                item["article"],
                item["id"],
                item["kind"],
                item["entity_id"],
                names.get((item["kind"], item["entity_id"])),
                anchor["exact"],
                anchor["start"],
                anchor["end"],
                item["auto"],
                item["draft"],
                f"articles/{item['article']}/index.html#{item['id']}",
            )
        )
    return csv_rows(rows)


def actors_csv(data: dict[str, Any]) -> bytes:
    rows = []
    for actor in data["actors"]:
        affiliations = _joined(
            a["actor"] + (f" ({a['role']})" if a["role"] else "") for a in actor["affiliations"]
        )
        rows.append(
            (
                actor["id"],
                actor["name"],
                actor["kind"],
                actor["description"],
                actor["source"],
                _joined(actor["aliases"]),
                affiliations,
                actor["wikidata"],
                len(actor["quotes"]),
                len(actor["mentions"]),
                len(actor["articles"]),
                len(actor["events"]),
                actor["page"],
            )
        )
    return _csv(ACTOR_COLUMNS, rows)


def events_csv(data: dict[str, Any]) -> bytes:
    places = {place["id"]: place["name"] for place in data["places"]}
    rows = []
    for event in data["events"]:
        date = event["date"] or {}
        rows.append(
            (
                event["id"],
                event["title"],
                date.get("value"),
                date.get("iso"),
                date.get("start"),
                date.get("end"),
                date.get("precision"),
                date.get("approximate"),
                date.get("label"),
                event["place"],
                places.get(event["place"]) if event["place"] else None,
                _joined(event["actors"]),
                _joined(event["topics"]),
                event["description"],
                len(event["mentions"]),
                _joined(event["articles"]),
                event["page"],
            )
        )
    return _csv(EVENT_COLUMNS, rows)


# --- GraphML --------------------------------------------------------------------------

_NODE_KEYS = (
    ("label", "string"),
    ("name", "string"),
    ("kind", "string"),
    ("quotes", "int"),
    ("mentions", "int"),
    ("articles", "int"),
)


def actors_graphml(data: dict[str, Any]) -> bytes:
    """The co-mention network: actors as nodes, shared articles as weighted edges."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    for name, kind in _NODE_KEYS:
        lines.append(f'  <key id="{name}" for="node" attr.name="{name}" attr.type="{kind}"/>')
    lines.append('  <key id="weight" for="edge" attr.name="weight" attr.type="int"/>')
    lines.append('  <graph id="actors" edgedefault="undirected">')
    for actor in data["actors"]:
        values = {
            "label": actor["name"],
            "name": actor["name"],
            "kind": actor["kind"],
            "quotes": len(actor["quotes"]),
            "mentions": len(actor["mentions"]),
            "articles": len(actor["articles"]),
        }
        lines.append(f"    <node id={xml_attr(actor['id'])}>")
        lines.extend(
            f'      <data key="{key}">{xml_text(str(values[key]))}</data>' for key, _ in _NODE_KEYS
        )
        lines.append("    </node>")
    for actor in data["actors"]:
        for other in actor["co_mentioned"]:
            if actor["id"] < other["actor"]:
                lines.append(
                    f"    <edge source={xml_attr(actor['id'])} "
                    f"target={xml_attr(other['actor'])}>"
                    f'<data key="weight">{other["count"]}</data></edge>'
                )
    lines.extend(["  </graph>", "</graphml>"])
    return ("\n".join(lines) + "\n").encode("utf-8")


def xml_text(text: str) -> str:
    """XML character data: ``&``, ``<`` and ``>`` escaped (as ``xml.sax.saxutils.escape``,
    which is not imported: it loads ``urllib.request`` and the HTTP stack with it)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def xml_attr(text: str) -> str:
    """An XML attribute value with its quotes, as ``xml.sax.saxutils.quoteattr`` writes it:
    double quotes unless the value holds one (then single quotes, or ``&quot;`` when it
    holds both), and tabs and line breaks as character references."""
    text = xml_text(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


# --- iCalendar ------------------------------------------------------------------------


def ics_escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (RFC 5545 3.1), never inside a
    UTF-8 character; continuation lines start with one space."""
    if len(line.encode("utf-8")) <= 75:  # most lines: nothing to fold
        return line
    pieces: list[str] = []
    current, size = "", 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, 74  # the leading space counts
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def events_ics(data: dict[str, Any], newest: str | None) -> bytes:
    """The dated events as all-day VEVENTs; undated events are left out. ``newest`` is
    the newest publication date of the archive's articles (ISO), if any."""
    site = data["site"]
    base = site["base_url"]
    host = urlsplit(base).hostname if base else None
    uid_domain = host or "annotarium.invalid"
    # DTSTAMP must be a UTC time; a clock would make builds differ, so it is the newest
    # publication date in the archive (1970-01-01 when none is known).
    stamp = (newest or "1970-01-01").replace("-", "") + "T000000Z"
    places = {place["id"]: place["name"] for place in data["places"]}
    topics = {topic["id"]: topic["name"] for topic in data["topics"]}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//Annotarium//{data['generator']}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_escape(site['title'])}",
    ]
    for event in data["events"]:
        date = event["date"]
        if date is None:
            continue
        start = dt.date.fromisoformat(date["start"])
        end = dt.date.fromisoformat(date["end"]) + dt.timedelta(days=1)  # DTEND is exclusive
        description = [f"When: {date['label']}"]  # "around ..." when approximate
        if event["description"]:
            description.append(event["description"])
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event['id']}@{uid_domain}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{ics_escape(event['title'])}",
            "DESCRIPTION:" + ics_escape("\n\n".join(description)),
            "TRANSP:TRANSPARENT",
        ]
        if event["place"]:
            lines.append(f"LOCATION:{ics_escape(places.get(event['place'], event['place']))}")
        if event["topics"]:
            lines.append(
                "CATEGORIES:" + ",".join(ics_escape(topics.get(t, t)) for t in event["topics"])
            )
        if base:
            lines.append(f"URL:{base}timeline/#event-{event['id']}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")
