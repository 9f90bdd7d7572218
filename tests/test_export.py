"""The data exports: archive.json against its schema, the CSV tables, GraphML and iCalendar."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from annotarium.export import EXPORTS
from annotarium.export_tables import fold, ics_escape, safe_cell
from annotarium.pipeline import build_site, check_archive
from conftest import REPO, SAMPLE_FILES, write_archive
from htmltree import parse_file
from sitebuild import build_bundled

SCHEMA = REPO / "src" / "annotarium" / "schemas" / "archive.schema.json"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundled(tmp_path_factory.mktemp("bundled"))


@pytest.fixture(scope="module")
def data(site: Path) -> dict[str, Any]:
    return json.loads((site / "data" / "archive.json").read_text(encoding="utf-8"))


def read_csv(site: Path, name: str) -> list[dict[str, str]]:
    raw = (site / "data" / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark
    with io.StringIO(raw.decode("utf-8"), newline="") as handle:
        return list(csv.DictReader(handle))


def unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:2] in "=+-@\t\r" and cell[1:] else cell


# --- archive.json ----------------------------------------------------------------------


def test_archive_json_validates_against_its_schema(data: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema,
                                                format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, errors[:5]


def test_archive_json_holds_every_annotation_with_its_exact_words(data: dict[str, Any]) -> None:
    summary = check_archive(REPO).summary()
    assert len(data["articles"]) == summary["articles"]
    assert len(data["actors"]) == summary["actors"]
    assert len(data["events"]) == summary["events"]
    assert len(data["annotations"]) == sum(summary["annotations"].values())
    texts = {a["slug"]: a["text"] for a in data["articles"]}
    for item in data["annotations"]:
        anchor = item["anchor"]
        text = texts[item["article"]]
        assert text[anchor["start"]:anchor["end"]] == anchor["exact"]


def test_cross_references_resolve(data: dict[str, Any]) -> None:
    refs = {f"{item['article']}#{item['id']}" for item in data["annotations"]}
    ids = {table: {e["id"] for e in data[table]}
           for table in ("actors", "places", "topics", "events")}
    slugs = {a["slug"] for a in data["articles"]}
    for table in ("actors", "places", "topics", "events"):
        for entry in data[table]:
            assert set(entry["mentions"]) <= refs
            assert set(entry["articles"]) <= slugs
    for actor in data["actors"]:
        assert set(actor["quotes"]) <= refs
        assert {c["actor"] for c in actor["co_mentioned"]} <= ids["actors"]
    for item in data["annotations"]:
        if item["kind"] == "quote" and item["speaker"]:
            assert f"{item['article']}#{item['id']}" in next(a for a in data["actors"]
                                       if a["id"] == item["speaker"])["quotes"]
        if item["kind"] == "event" and item["event"]:
            assert item["event"] in ids["events"]
    assert sum(len(a["quotes"]) for a in data["actors"]) == sum(
        1 for i in data["annotations"] if i["kind"] == "quote" and i["speaker"])


# --- CSV -----------------------------------------------------------------------------


def test_csv_tables_parse_and_match_the_json(site: Path, data: dict[str, Any]) -> None:
    annotations = data["annotations"]
    quotes = read_csv(site, "quotes.csv")
    json_quotes = [a for a in annotations if a["kind"] == "quote"]
    assert len(quotes) == len(json_quotes) > 0
    for row, item in zip(quotes, json_quotes, strict=True):
        assert (row["article"], row["id"]) == (item["article"], item["id"])
        assert unguard(row["text"]) == item["anchor"]["exact"]
        assert int(row["start"]) == item["anchor"]["start"]
        assert row["speaker"] == (item["speaker"] or "")
    mentions = read_csv(site, "mentions.csv")
    json_mentions = [a for a in annotations if a["kind"] in ("actor", "place", "topic")]
    assert len(mentions) == len(json_mentions) > 0
    assert {r["auto"] for r in mentions} == {"true", "false"}
    actors = read_csv(site, "actors.csv")
    assert [r["id"] for r in actors] == [a["id"] for a in data["actors"]]
    for row, actor in zip(actors, data["actors"], strict=True):
        assert int(row["quotes"]) == len(actor["quotes"])
        assert int(row["mentions"]) == len(actor["mentions"])
    events = read_csv(site, "events.csv")
    assert [r["id"] for r in events] == [e["id"] for e in data["events"]]
    for row, event in zip(events, data["events"], strict=True):
        assert row["start"] == (event["date"]["start"] if event["date"] else "")


def test_csv_cells_cannot_run_as_formulas(tmp_path: Path) -> None:
    assert safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [safe_cell(v) for v in ("+1", "-2", "@SUM(A1)", "\tx", "plain", 3, None, True)] == \
        ["'+1", "'-2", "'@SUM(A1)", "'\tx", "plain", 3, "", "true"]
    actors = SAMPLE_FILES["content/actors.yaml"].replace(
        "description: A country.", "description: '=cmd|\" /C calc\"!A0'")
    root = write_archive(tmp_path / "archive", {**SAMPLE_FILES, "content/actors.yaml": actors})
    out = tmp_path / "out"
    assert build_site(root, out).output is not None
    rows = {r["id"]: r for r in read_csv(out, "actors.csv")}
    assert rows["ruritania"]["description"] == "'=cmd|\" /C calc\"!A0"


# --- GraphML -------------------------------------------------------------------------


def test_graphml_is_the_co_mention_network(site: Path, data: dict[str, Any]) -> None:
    root = ET.parse(site / "data" / "actors.graphml").getroot()
    assert root.tag == f"{GRAPHML}graphml"
    keys = {k.get("id"): k for k in root.iter(f"{GRAPHML}key")}
    assert keys["weight"].get("for") == "edge"
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None and graph.get("edgedefault") == "undirected"
    nodes = {n.get("id"): {d.get("key"): d.text for d in n.iter(f"{GRAPHML}data")}
             for n in graph.iter(f"{GRAPHML}node")}
    assert set(nodes) == {a["id"] for a in data["actors"]}
    for actor in data["actors"]:
        node = nodes[actor["id"]]
        assert node["name"] == actor["name"] and node["kind"] == actor["kind"]
        assert int(node["mentions"]) == len(actor["mentions"])
        assert int(node["quotes"]) == len(actor["quotes"])
    edges = {}
    for edge in graph.iter(f"{GRAPHML}edge"):
        pair = (edge.get("source"), edge.get("target"))
        assert pair not in edges and pair[0] in nodes and pair[1] in nodes
        edges[pair] = int(edge.find(f"{GRAPHML}data").text)  # type: ignore[union-attr]
    expected = {(a["id"], c["actor"]): c["count"] for a in data["actors"]
                for c in a["co_mentioned"] if a["id"] < c["actor"]}
    assert edges == expected and edges


# --- iCalendar -----------------------------------------------------------------------


def unfold(raw: bytes) -> list[tuple[str, dict[str, str], str]]:
    """Content lines of an iCalendar file: (name, parameters, value), unfolded (RFC 5545 3.1)."""
    text = raw.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    parsed = []
    for line in logical:
        head, _, value = line.partition(":")
        name, *params = head.split(";")
        parsed.append((name, dict(p.split("=", 1) for p in params), value))
    return parsed


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def test_ics_has_every_dated_event_with_its_precision(site: Path, data: dict[str, Any]) -> None:
    lines = unfold((site / "data" / "events.ics").read_bytes())
    assert lines[0] == ("BEGIN", {}, "VCALENDAR") and lines[-1] == ("END", {}, "VCALENDAR")
    assert ("VERSION", {}, "2.0") in lines
    events: list[dict[str, tuple[dict[str, str], str]]] = []
    for name, params, value in lines:
        if (name, value) == ("BEGIN", "VEVENT"):
            events.append({})
        elif events and name not in ("BEGIN", "END"):
            events[-1][name] = (params, value)
    dated = [e for e in data["events"] if e["date"]]
    assert len(events) == len(dated) > 0
    assert len({e["UID"][1] for e in events}) == len(events)
    for vevent, event in zip(events, dated, strict=True):
        assert unescape(vevent["SUMMARY"][1]) == event["title"]
        assert vevent["DTSTART"][0] == {"VALUE": "DATE"} == vevent["DTEND"][0]
        start = dt.datetime.strptime(vevent["DTSTART"][1], "%Y%m%d").date()
        end = dt.datetime.strptime(vevent["DTEND"][1], "%Y%m%d").date()
        assert start.isoformat() == event["date"]["start"]
        assert (end - dt.timedelta(days=1)).isoformat() == event["date"]["end"]
        assert vevent["DTSTAMP"][1].endswith("Z")
        if event["description"]:
            assert event["description"] in unescape(vevent["DESCRIPTION"][1])
    precisions = {e["date"]["precision"] for e in dated}
    assert {"day", "year"} <= precisions


def test_ics_months_and_years_span_them(tmp_path: Path) -> None:
    events = SAMPLE_FILES["content/events.yaml"] + """
        treaty-year:
          title: "Treaty; talks, and more\\\\ — a title that needs folding: 日本語のタイトル"
          date: 2023
        spring-month:
          title: Spring talks
          date: 2024-02
    """
    root = write_archive(tmp_path / "archive", {**SAMPLE_FILES, "content/events.yaml": events})
    out = tmp_path / "out"
    assert build_site(root, out).output is not None
    raw = (out / "data" / "events.ics").read_bytes()
    vevents = {}
    current: dict[str, str] = {}
    for name, _, value in unfold(raw):
        current[name] = value
        if (name, value) == ("END", "VEVENT"):
            vevents[current["UID"].split("@")[0]] = current
            current = {}
    assert (vevents["treaty-year"]["DTSTART"], vevents["treaty-year"]["DTEND"]) == \
        ("20230101", "20240101")
    assert (vevents["spring-month"]["DTSTART"], vevents["spring-month"]["DTEND"]) == \
        ("20240201", "20240301")
    assert unescape(vevents["treaty-year"]["SUMMARY"]).startswith("Treaty; talks, and more\\ —")
    assert vevents["talks-resume"]["DTSTAMP"] == "20240307T000000Z"  # newest publication


def test_ics_escaping_and_folding() -> None:
    assert ics_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line).split("\r\n ")
    assert all(len(piece.encode("utf-8")) <= (75 if i == 0 else 74)
               for i, piece in enumerate(folded))
    assert "".join(folded) == line


# --- the about page, stability -------------------------------------------------------


def test_about_page_links_every_export(site: Path) -> None:
    page = parse_file(site / "about" / "index.html")
    links = {a.attrs.get("href") for a in page.find_all("a")}
    for path, _ in EXPORTS:
        assert f"../{path}" in links
        assert (site / path).is_file()


def test_exports_are_byte_identical_across_builds(tmp_path: Path) -> None:
    first = build_site(REPO, tmp_path / "one", clean=True)
    second = build_site(REPO, tmp_path / "two", clean=True)
    assert first.output and second.output
    for path, _ in EXPORTS:
        assert (first.output / path).read_bytes() == (second.output / path).read_bytes(), path


def test_graphml_escaping_matches_the_standard_library() -> None:
    """``export_tables`` writes XML escapes itself (``xml.sax.saxutils`` loads the HTTP stack);
    the bytes must be what saxutils would write."""
    import itertools
    from xml.sax.saxutils import escape, quoteattr

    from annotarium.export_tables import xml_attr, xml_text

    pieces = ["a", "&", "<", ">", '"', "'", "\n", "\r", "\t", "&amp;", "é", "]]>"]
    for size in range(4):
        for parts in itertools.product(pieces, repeat=size):
            text = "".join(parts)
            assert xml_text(text) == escape(text)
            assert xml_attr(text) == quoteattr(text)


def test_the_archive_wide_part_is_written_entity_by_entity_as_one_dict_would_be(
        site: Path, data: dict[str, Any]) -> None:
    """data/archive.json's actors, places, topics and events are made one entity at a time
    (registry_chunks); they are the bytes json_members gives for registry_data's dict, and
    the counted view has the same counts."""
    from annotarium.export import ARCHIVE_LISTS, json_members, registry_chunks, registry_data

    linked = check_archive(REPO).linked
    assert linked is not None
    whole = registry_data(linked)
    chunks = list(registry_chunks(linked))
    assert len(chunks) > 4
    assert b"".join(chunks) == json_members(whole, ARCHIVE_LISTS).encode("utf-8")
    assert {key: data[key] for key in ("actors", "places", "topics", "events")} == whole
    counted = registry_data(linked, counted=True)
    for name in ("actors", "places", "topics", "events"):
        for full, light in zip(whole[name], counted[name], strict=True):
            assert {k: len(v) if k in ("quotes", "mentions") else v for k, v in full.items()} \
                == {k: len(v) if k in ("quotes", "mentions") else v for k, v in light.items()}
