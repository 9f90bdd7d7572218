"""The pictures: layout functions on their own, and the SVG in the built bundled site.

Unit tests cover the pure layout (time axis, rows and labels, network selection and
order, bars); end-to-end tests read the built pages through an HTML parser, count the
marks, nodes and edges against the linked archive, and parse every ``<svg>`` as XML.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotarium.pipeline import check_archive
from annotarium.render_pictures import NEIGHBOURS, NETWORK_NODES, TIMELINE_LANES, Pictures
from annotarium.render_svg import el, num, truncate
from annotarium.render_svg_charts import Bar, bar_layout
from annotarium.render_svg_network import Edge, Graph, Node, circle_layout, select, star_layout
from annotarium.render_svg_timeline import (
    DOT,
    FONT,
    GAP_YEARS,
    Mark,
    build_scale,
    is_fuzzy,
    layout,
    shape_of,
)
from annotarium.render_svg_timeline import draw as draw_timeline
from conftest import REPO
from htmltree import Element, parse_file
from sitebuild import build_bundled

# --- the SVG builder ----------------------------------------------------------------------


def test_el_escapes_every_text_and_attribute() -> None:
    out = str(el("text", {"x": 1.0, "data-x": '"><script>&', "skip": None}, "</text><b>"))
    assert out == (
        '<text x="1" data-x="&#34;&gt;&lt;script&gt;&amp;">&lt;/text&gt;&lt;b&gt;</text>'
    )
    assert str(el("circle", {"r": 2.25})) == '<circle r="2.2"></circle>'
    nested = el("a", {"href": "#x"}, el("title", None, "<t>"))
    assert str(nested) == '<a href="#x"><title>&lt;t&gt;</title></a>'


def test_numbers_are_rounded_and_never_negative_zero() -> None:
    assert [num(v) for v in (3.0, -0.04, 2.36, 10.0, -1.5)] == ["3", "0", "2.4", "10", "-1.5"]


def test_truncate_cuts_at_a_word_and_says_so() -> None:
    assert truncate("Short", 10) == "Short"
    assert truncate("U.S.–North Korea Agreed Framework signed", 24) == "U.S.–North Korea Agreed…"
    assert len(truncate("x" * 50, 10)) == 10


# --- the timeline layout ------------------------------------------------------------------


def mark(
    ident: str,
    start: str,
    end: str | None = None,
    precision: str = "day",
    lanes: tuple[int, ...] = (0,),
    approximate: bool = False,
    title: str = "",
) -> Mark:
    first = dt.date.fromisoformat(start)
    last = dt.date.fromisoformat(end) if end else first
    return Mark(
        ident, title or ident, first, last, precision, approximate, start, f"#event-{ident}", lanes
    )


def test_scale_breaks_long_empty_stretches_and_widens_busy_years() -> None:
    marks = [
        mark("war", "1950-06-25", "1953-07-27", "range"),
        *(mark(f"e{i}", f"2019-0{i}-01") for i in range(1, 8)),
        mark("late", "2016-09-01", "2016-12-31", "part"),
    ]
    scale = build_scale(marks, 0.0, 900.0)
    assert [(s.first, s.last) for s in scale.segments] == [(1950, 1953), (2016, 2019)]
    assert scale.segments[0].x0 == 0.0
    assert scale.segments[-1].x1 == pytest.approx(900.0)
    widths = dict(zip(range(2016, 2020), scale.segments[1].widths, strict=True))
    assert widths[2019] > widths[2016] > widths[2017]  # 7 events, 1 event, none
    days = [dt.date(1950, 1, 1) + dt.timedelta(days=d) for d in range(0, 25000, 97)]
    xs = [scale.x(d) for d in days]
    assert xs == sorted(xs), "the axis runs forwards"
    # a gap of GAP_YEARS empty years is kept, one more breaks the axis
    near = build_scale([mark("a", "2000-01-01"), mark("b", f"{2001 + GAP_YEARS}-01-01")], 0, 100)
    far = build_scale([mark("a", "2000-01-01"), mark("b", f"{2002 + GAP_YEARS}-01-01")], 0, 100)
    assert len(near.segments) == 1 and len(far.segments) == 2


def test_each_precision_has_its_shape() -> None:
    assert shape_of(mark("d", "2019-06-30")) == "dot"
    assert shape_of(mark("m", "2018-06-01", "2018-06-30", "month")) == "bar"
    assert shape_of(mark("y", "2017-01-01", "2017-12-31", "year")) == "bar"
    assert shape_of(mark("r", "2019-02-27", "2019-02-28", "range")) == "span"
    assert not is_fuzzy(mark("d", "2019-06-30"))
    assert is_fuzzy(mark("p", "2016-09-01", "2016-12-31", "part"))
    assert is_fuzzy(mark("s", "2018-03-01", "2018-05-31", "season"))
    assert is_fuzzy(mark("a", "2019-11-01", "2019-12-31", "range", approximate=True))


def _label_box(placed) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    from annotarium.render_svg import text_width

    w = text_width(placed.label, FONT)
    if placed.label_side == "right":
        return placed.x1 + 5, placed.x1 + 5 + w
    return placed.x0 - 5 - w, placed.x0 - 5


def _check_no_overlap(result, width: float) -> None:  # type: ignore[no-untyped-def]
    rows: dict[tuple[int, int], list[tuple[float, float, str, str]]] = {}
    for placed in result.placed:
        rows.setdefault((placed.lane, placed.row), []).append(
            (placed.x0, placed.x1, "mark", placed.mark.id)
        )
        if placed.label is not None:
            a, b = _label_box(placed)
            assert a >= 0 and b <= width, f"label of {placed.mark.id} leaves the picture"
            rows[(placed.lane, placed.row)].append((a, b, "label", placed.mark.id))
    for items in rows.values():
        for i, (a0, a1, kind_a, id_a) in enumerate(items):
            for b0, b1, kind_b, id_b in items[i + 1 :]:
                if "label" in (kind_a, kind_b):
                    assert a1 <= b0 or b1 <= a0, f"{kind_a} {id_a} overlaps {kind_b} {id_b}"


dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2020, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            dates,
            st.integers(0, 400),
            st.sampled_from(["day", "month", "range"]),
            st.sets(st.integers(0, 2), min_size=1),
            st.text(min_size=1, max_size=40),
        ),
        min_size=1,
        max_size=50,
    )
)
def test_labels_never_overlap_and_every_mark_is_placed(items) -> None:  # type: ignore[no-untyped-def]
    marks = [
        Mark(
            f"e{i}",
            title,
            start,
            start + dt.timedelta(days=length),
            precision,
            False,
            "",
            "#",
            tuple(sorted(lanes)),
        )
        for i, (start, length, precision, lanes, title) in enumerate(items)
    ]
    result = layout(marks, ["a", "b", "c"], 600.0, max_rows=3)
    _check_no_overlap(result, 600.0)
    assert sorted((p.mark.id, p.lane) for p in result.placed) == sorted(
        (m.id, lane) for m in marks for lane in m.lanes
    )
    assert all(r <= 3 for r in result.rows)
    labelled = [p.mark.id for p in result.placed if p.label]
    assert len(labelled) == len(set(labelled)), "an event is labelled once"
    assert layout(marks, ["a", "b", "c"], 600.0, max_rows=3) == result


def test_a_lone_event_gets_its_label_and_a_busy_day_keeps_its_marks_apart() -> None:
    result = layout([mark("summit", "2018-06-12", title="Singapore summit")], ["x"], 400.0)
    (placed,) = result.placed
    assert placed.label == "Singapore summit" and placed.shape == "dot"
    assert placed.x1 - placed.x0 == pytest.approx(2 * DOT)
    busy = [mark(f"e{i}", "2018-06-12", title=f"Event number {i}") for i in range(4)]
    crowded = layout(busy, ["x"], 400.0, max_rows=4)
    assert sorted(p.row for p in crowded.placed) == [0, 1, 2, 3]
    _check_no_overlap(crowded, 400.0)
    svg = ElementTree.fromstring(f"<svg>{draw_timeline(crowded)[0]}</svg>")
    assert len(svg.findall("a")) == 4


# --- networks and bars ----------------------------------------------------------------------


def test_select_keeps_the_most_connected_and_drops_the_lonely() -> None:
    nodes = [Node(c, c.upper(), 1, f"{c}.html") for c in "abcdef"]
    edges = [Edge("a", "b", 5), Edge("a", "c", 3), Edge("b", "c", 1), Edge("d", "e", 1)]
    graph = select(nodes, edges, limit=3, edge_limit=10)
    assert [n.id for n in graph.nodes] == ["a", "b", "c"]
    assert {(e.source, e.target) for e in graph.edges} == {("a", "b"), ("a", "c"), ("b", "c")}
    assert select(nodes, edges, limit=10, edge_limit=2).edges == (
        Edge("a", "b", 5),
        Edge("a", "c", 3),
    )
    assert "f" not in {n.id for n in select(nodes, edges, 10, 10).nodes}


def test_circle_layout_is_deterministic_and_round() -> None:
    nodes = tuple(Node(f"n{i}", f"Actor {i}", i + 1, f"n{i}.html") for i in range(30))
    edges = tuple(
        Edge(f"n{i}", f"n{j}", (i * j) % 5 + 1)
        for i in range(30)
        for j in range(i + 1, 30)
        if (i + j) % 4 == 0
    )
    drawing = circle_layout(Graph(nodes, edges))
    assert drawing == circle_layout(Graph(nodes, edges))
    assert sorted(p.node.id for p in drawing.positions) == sorted(n.id for n in nodes)
    width, height = drawing.size
    radii = {round(math.hypot(p.x - width / 2, p.y - height / 2), 6) for p in drawing.positions}
    assert len(radii) == 1, "every node on one circle"
    assert drawing.radial, "30 nodes: labels along the radius"


def test_star_layout_puts_the_actor_in_the_middle() -> None:
    centre = Node("me", "Me", 3, None)
    others = tuple(Node(f"o{i}", f"Other {i}", 1, f"o{i}.html") for i in range(5))
    drawing = star_layout(
        centre, Graph((centre, *others), tuple(Edge("me", o.id, 1) for o in others))
    )
    first = drawing.positions[0]
    assert first.node == centre
    assert (first.x, first.y) == (drawing.size[0] / 2, drawing.size[1] / 2)
    assert not drawing.radial


def test_bars_are_as_long_as_their_values() -> None:
    rows = bar_layout([Bar("a", 10), Bar("b", 5), Bar("c", 0)])
    assert rows[0][3] == pytest.approx(2 * rows[1][3])
    assert rows[2][3] == 1.0  # a zero still shows a sliver
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)
    assert bar_layout([]) == []


# --- the built site -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundled(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def linked():  # type: ignore[no-untyped-def]
    result = check_archive(REPO)
    assert result.linked is not None
    return result.linked


def svgs(html: str) -> list[str]:
    """Each ``<svg>…</svg>`` of a page, as written."""
    found, start = [], html.find("<svg")
    while start != -1:
        end = html.index("</svg>", start) + len("</svg>")
        found.append(html[start:end])
        start = html.find("<svg", end)
    return found


PICTURE_PAGES = (
    "index.html",
    "timeline/index.html",
    "actors/index.html",
    "actors/donald-trump/index.html",
    "actors/evans-revere/index.html",
)


@pytest.mark.parametrize("path", PICTURE_PAGES)
def test_every_svg_is_well_formed_xml_and_named(site: Path, path: str) -> None:
    html = (site / path).read_text(encoding="utf-8")
    drawn = svgs(html)
    assert drawn, f"{path} has no picture"
    for text in drawn:
        svg = ElementTree.fromstring(text)  # raises on anything not well-formed
        ns = "{http://www.w3.org/2000/svg}"
        assert svg.tag == f"{ns}svg"
        title, desc = svg.find(f"{ns}title"), svg.find(f"{ns}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        for link in svg.iter(f"{ns}a"):
            name = link.get("aria-label") or "".join(link.itertext()).strip()
            assert link.get("href") and name, ElementTree.tostring(link)
    page = parse_file(site / path)
    for figure in page.find_all("figure", class_=None):
        if "chart" not in figure.classes:
            continue
        caption = figure.find("figcaption")
        assert caption is not None and figure.attrs["aria-labelledby"] == caption.attrs["id"]
        table = figure.find("details")
        assert table is not None and table.find("table") is not None, "no text equivalent"


def _marks(page: Element) -> list[Element]:
    return [a for a in page.find_all("a", data_event=None) if "tl-mark" in a.classes]


def test_timeline_marks_match_the_events(site: Path, linked) -> None:  # type: ignore[no-untyped-def]
    page = parse_file(site / "timeline/index.html")
    marks = _marks(page)
    dated = [e.event for e in linked.timeline if e.date is not None]
    pictures = Pictures(linked)
    assert 0 < len(pictures.lanes) <= TIMELINE_LANES
    expected = sum(max(1, len(set(e.actors) & set(pictures.lanes))) for e in dated)
    assert len(marks) == expected
    assert {a.attrs["data-event"] for a in marks} == {e.id for e in dated}
    ids = {e.attrs["id"] for e in page.find_all(id=None)}
    for a in marks:
        assert a.attrs["href"] == f"#event-{a.attrs['data-event']}"
        assert f"event-{a.attrs['data-event']}" in ids
    # shapes follow the precision
    by_id = {e.id: e for e in dated}
    for a in marks:
        event = by_id[a.attrs["data-event"]]
        fuzzy = "tl-fuzzy" in a.classes
        assert fuzzy == (event.date.approximate or event.date.precision in ("part", "season"))
        if event.date.precision == "day":
            assert "tl-dot" in a.classes and a.find("circle") is not None
    labels = [t for a in marks for t in a.find_all("text")]
    assert len(labels) >= len(dated) // 2, "most events carry their label"


def test_actor_timeline_has_the_actor_events(site: Path, linked) -> None:  # type: ignore[no-untyped-def]
    page = parse_file(site / "actors/donald-trump/index.html")
    marks = _marks(page)
    dated = {
        e.event.id
        for e in linked.timeline
        if e.date is not None and "donald-trump" in e.event.actors
    }
    assert sorted(a.attrs["data-event"] for a in marks) == sorted(dated)
    assert all(a.attrs["href"].startswith("../../timeline/index.html#event-") for a in marks)


def test_network_nodes_and_edges_match_the_co_mentions(site: Path, linked) -> None:  # type: ignore[no-untyped-def]
    page = parse_file(site / "actors/index.html")
    nodes = page.find_all("a", data_actor=None)
    connected = set(linked.co_mentioned)
    assert len(nodes) == min(NETWORK_NODES, len(connected))
    shown = {a.attrs["data-actor"] for a in nodes}
    for a in nodes:
        target = posixpath.normpath(posixpath.join("actors", a.attrs["href"]))
        assert target == f"actors/{a.attrs['data-actor']}/index.html"
    edges = page.find_all("line", data_source=None)
    assert edges
    counts = {(first, r.id): r.count for first, rel in linked.co_mentioned.items() for r in rel}
    for line in edges:
        source, target = line.attrs["data-source"], line.attrs["data-target"]
        assert source in shown and target in shown
        assert int(line.attrs["data-weight"]) == counts[(source, target)]


def test_one_hop_network_on_an_actor_page(site: Path, linked) -> None:  # type: ignore[no-untyped-def]
    page = parse_file(site / "actors/donald-trump/index.html")
    figure = page.find("figure", id="actor--network")
    assert figure is not None
    related = linked.co_mentioned["donald-trump"][:NEIGHBOURS]
    links = figure.find_all("a", data_actor=None)
    assert len(links) == len(related)
    assert {a.attrs["data-actor"] for a in links} == {r.id for r in related}
    assert figure.find("g", data_actor="donald-trump") is not None, "the actor in the middle"
    weights = {
        line.attrs["data-target"]: int(line.attrs["data-weight"])
        for line in figure.find_all("line", data_source="donald-trump")
    }
    assert weights == {r.id: r.count for r in related}


def test_home_bars_count_quotes_annotations_and_events(site: Path, linked) -> None:  # type: ignore[no-untyped-def]
    page = parse_file(site / "index.html")
    quotes = page.find("figure", id="home--quotes")
    assert quotes is not None
    values = {}
    for row in quotes.find("tbody").find_all("tr"):  # type: ignore[union-attr]
        cells = [c for c in row.children if isinstance(c, Element)]
        values[cells[0].text] = int(cells[1].text)
    names = {a.id: a.name for a in linked.archive.actors.values()}
    expected = {names[s]: len(p) for s, p in linked.quotes_by_speaker.items()}
    assert values and all(expected[name] == n for name, n in values.items())
    assert max(values.values()) == max(expected.values())
    years = page.find("figure", id="home--years")
    assert years is not None
    bars = [t for t in years.find_all("text") if "bar-value" in t.classes]
    assert sum(int(t.text) for t in bars) == sum(1 for e in linked.timeline if e.date)
    assert page.find("figure", id="home--annotations") is not None


def test_pictures_are_the_same_for_the_same_archive(linked) -> None:  # type: ignore[no-untyped-def]
    again = check_archive(REPO).linked
    first, second = Pictures(linked), Pictures(again)  # type: ignore[arg-type]
    assert first.timeline("timeline/index.html") == second.timeline("timeline/index.html")
    assert first.network("actors/index.html") == second.network("actors/index.html")
    for actor in ("donald-trump", "kim-jong-un", "evans-revere"):
        path = f"actors/{actor}/index.html"
        assert first.actor(actor, path) == second.actor(actor, path)
    assert first.home("index.html") == second.home("index.html")


@given(st.text())
def test_svg_escaping_is_markupsafes(text: str) -> None:
    """el escapes plain strings without MarkupSafe's objects (start-up time, issue 4), to
    the very same text."""
    from markupsafe import Markup, escape

    from annotarium.render_svg import escape_text

    assert escape_text(text) == str(escape(text))
    attrs = {"a": text, "b": 1.25, "c": 3, "d": None, "e": True, "f": Markup("<b>")}
    assert el("g", attrs, text, Markup("<i/>")) == Markup(
        f'<g a="{escape(text)}" b="1.2" c="3" e="True" f="<b>">{escape(text)}<i/></g>')
