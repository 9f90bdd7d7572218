"""The timeline drawn: events placed at their precision on a time axis, in lanes.

Layout and drawing are separate. :func:`build_scale` makes the time axis: the years
that hold events, in *segments* (an empty stretch of more than :data:`GAP_YEARS`
years becomes a break, drawn ``//``), each year as wide as its share of the events
(a year with many events gets more room; the axis labels every year it can).
:func:`layout` packs every lane's marks into rows so no two marks and no two labels
overlap: a mark gets its label beside it only where there is room, and always its
``<title>`` (a tooltip) and the table below. :func:`draw` turns the layout into SVG.

How a date is drawn follows its precision (:mod:`annotarium.dates`): a day is a
dot, a month or a year a short bar, a range a thin span with end ticks; a part of
a year ("late 2016"), a season and an approximate date are drawn faded with a
dashed outline.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from markupsafe import Markup

from annotarium.render_svg import el, num, text_width, truncate

GAP_YEARS = 2  # empty years between events beyond which the axis breaks
BREAK = 22.0  # px taken by a break in the axis
FONT = 11.0  # px, labels
ROW = 17.0  # px per row of marks
LANE_HEAD = 15.0  # px, the lane's name above its rows
AXIS = 36.0  # px below the last lane for ticks, months and years
MONTHS_FROM = 150.0  # px: a year at least this wide shows its months
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DOT = 4.5  # px, radius of a day
GAP = 5.0  # px between a mark and its label, and between neighbours
LABEL_CHARS = 32

Shape = Literal["dot", "bar", "span"]


@dataclass(frozen=True)
class Mark:
    """An event to draw."""

    id: str
    title: str
    start: dt.date
    end: dt.date  # inclusive
    precision: str  # day | month | year | part | season | range
    approximate: bool
    date_label: str  # "12 June 2018", "late 2016"
    href: str
    lanes: tuple[int, ...]  # indexes of the lanes it belongs to


@dataclass(frozen=True)
class Segment:
    """A run of years drawn without a break: ``widths[i]`` px for year ``first + i``."""

    first: int
    x0: float
    widths: tuple[float, ...]

    @property
    def last(self) -> int:
        return self.first + len(self.widths) - 1

    @property
    def x1(self) -> float:
        return self.x0 + sum(self.widths)


@dataclass(frozen=True)
class Scale:
    segments: tuple[Segment, ...]

    def x(self, day: dt.date) -> float:
        """Where a day starts on the axis; a day in a break sits where the break starts."""
        previous = self.segments[0].x0 if self.segments else 0.0
        for segment in self.segments:
            if day.year < segment.first:
                return previous
            if day.year <= segment.last:
                x = segment.x0 + sum(segment.widths[: day.year - segment.first])
                first = dt.date(day.year, 1, 1)
                length = (dt.date(day.year + 1, 1, 1) - first).days
                return x + segment.widths[day.year - segment.first] * (day - first).days / length
            previous = segment.x1
        return previous

    def x_end(self, day: dt.date) -> float:
        """Where an inclusive last day ends."""
        return self.x(day + dt.timedelta(days=1)) if day < dt.date.max else self.x(day)


def build_scale(marks: Sequence[Mark], x0: float, x1: float) -> Scale:
    """The axis for ``marks`` between ``x0`` and ``x1``: years with events, gaps broken."""
    years: set[int] = set()
    starts: Counter[int] = Counter()
    for mark in marks:
        years.update(range(mark.start.year, mark.end.year + 1))
        starts[mark.start.year] += 1
    if not years:
        return Scale(())
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year - runs[-1][-1] <= GAP_YEARS + 1:
            runs[-1].extend(range(runs[-1][-1] + 1, year + 1))
        else:
            runs.append([year])
    weights = [[1 + min(starts[y], 20) for y in run] for run in runs]
    total = sum(sum(w) for w in weights)
    unit = (x1 - x0 - BREAK * (len(runs) - 1)) / total
    segments, x = [], x0
    for run, weight in zip(runs, weights, strict=True):
        segment = Segment(run[0], x, tuple(w * unit for w in weight))
        segments.append(segment)
        x = segment.x1 + BREAK
    return Scale(tuple(segments))


def shape_of(mark: Mark) -> Shape:
    if mark.precision == "day" or (mark.precision == "range" and mark.start == mark.end):
        return "dot"
    return "span" if mark.precision == "range" else "bar"


def is_fuzzy(mark: Mark) -> bool:
    """Drawn as approximate: said to be approximate, or a part of a year or a season."""
    return mark.approximate or mark.precision in ("part", "season")


@dataclass(frozen=True)
class Placed:
    """A mark in its lane and row, with its extent and (when there was room) its label."""

    mark: Mark
    lane: int
    row: int
    x0: float
    x1: float
    shape: Shape
    label: str | None = None
    label_side: Literal["right", "left"] = "right"


@dataclass(frozen=True)
class Layout:
    scale: Scale
    lanes: tuple[str, ...]
    rows: tuple[int, ...]  # rows used by each lane
    placed: tuple[Placed, ...]
    width: float
    top: float  # y of the first lane

    def lane_y(self, lane: int) -> float:
        """The y of lane ``lane``'s first row (its name sits above)."""
        y = self.top
        for index in range(lane):
            y += LANE_HEAD + self.rows[index] * ROW + 4
        return y + LANE_HEAD

    @property
    def height(self) -> float:
        return self.lane_y(len(self.lanes)) - LANE_HEAD + AXIS


def layout(
    marks: Sequence[Mark], lanes: Sequence[str], width: float, max_rows: int = 4, top: float = 4.0
) -> Layout:
    """Pack marks into rows per lane, labels only where they fit.

    Each lane's rows hold intervals (marks and labels) that never overlap. Long marks
    (bars and spans) go first, then the rest by date; each takes the first row where
    it fits with its label (right of it, or left of it), else the first where it fits
    alone, opening up to ``max_rows`` rows. When no row has room, it goes to the row
    where it covers fewest marks, and the labels it would cover are dropped (they stay
    in the tooltip and the table). An event in several lanes is labelled once.
    """
    scale = build_scale(marks, 4.0, width - 4.0)
    labelled: set[str] = set()
    placed: list[Placed] = []
    rows_used: list[int] = []
    for lane in range(len(lanes)):
        rows: list[list[tuple[float, float, int, bool]]] = []  # (x0, x1, placed index, label?)
        todo = [(m, *_extent(scale, m)) for m in marks if lane in m.lanes]
        todo.sort(key=lambda t: (t[3] == "dot", t[0].start, t[0].end, t[0].id))
        for mark, x0, x1, shape in todo:
            label = None if mark.id in labelled else truncate(mark.title, LABEL_CHARS)
            spots = _label_spots(x0, x1, label, width)
            row, spot = _find_row(rows, x0, x1, spots, max_rows)
            if row is None:
                row = min(
                    range(len(rows)),
                    key=lambda r: (
                        sum(
                            1 for a, b, _, is_label in rows[r] if not is_label and a < x1 and x0 < b
                        ),
                        r,
                    ),
                )
                for a, b, index, is_label in list(rows[row]):
                    if is_label and a < x1 + GAP and x0 - GAP < b:
                        rows[row].remove((a, b, index, is_label))
                        placed[index] = replace(placed[index], label=None)
                        labelled.discard(placed[index].mark.id)
            if row == len(rows):
                rows.append([])
            index = len(placed)
            rows[row].append((x0, x1, index, False))
            text, side = None, "right"
            if spot is not None:
                side, a, b = spot
                rows[row].append((a, b, index, True))
                text = label
                labelled.add(mark.id)
            placed.append(Placed(mark, lane, row, x0, x1, shape, text, side))
        rows_used.append(max(1, len(rows)))
    placed.sort(key=lambda p: (p.lane, p.mark.start, p.mark.end, p.mark.id))
    return Layout(scale, tuple(lanes), tuple(rows_used), tuple(placed), width, top)


def _extent(scale: Scale, mark: Mark) -> tuple[float, float, Shape]:
    shape = shape_of(mark)
    x0, x1 = scale.x(mark.start), scale.x_end(mark.end)
    if shape == "dot":
        return x0 - DOT, x0 + DOT, shape
    if x1 - x0 < 4:
        mid = (x0 + x1) / 2
        return mid - 2, mid + 2, shape
    return x0, x1, shape


def _label_spots(
    x0: float, x1: float, label: str | None, width: float
) -> list[tuple[Literal["right", "left"], float, float]]:
    """Where a label may go: right of the mark, else left of it, inside the picture."""
    if label is None:
        return []
    w = text_width(label, FONT)
    spots: list[tuple[Literal["right", "left"], float, float]] = []
    if x1 + GAP + w <= width:
        spots.append(("right", x1 + GAP, x1 + GAP + w))
    if x0 - GAP - w >= 0:
        spots.append(("left", x0 - GAP - w, x0 - GAP))
    return spots


def _free(row: list[tuple[float, float, int, bool]], a: float, b: float) -> bool:
    return all(b + GAP <= x0 or a >= x1 + GAP for x0, x1, _, _ in row)


def _find_row(
    rows: list[list[tuple[float, float, int, bool]]],
    x0: float,
    x1: float,
    spots: list[tuple[Literal["right", "left"], float, float]],
    max_rows: int,
) -> tuple[int | None, tuple[Literal["right", "left"], float, float] | None]:
    """The first row with room for the mark and a label spot, else for the mark alone."""
    candidates = range(min(len(rows) + 1, max_rows))
    for row in candidates:
        for spot in spots:
            if row == len(rows) or (
                _free(rows[row], x0, x1) and _free(rows[row], spot[1], spot[2])
            ):
                return row, spot
    for row in candidates:
        if row == len(rows) or _free(rows[row], x0, x1):
            return row, None
    return None, None


# --- drawing ------------------------------------------------------------------------------


def draw(result: Layout, lane_links: Sequence[str | None] = ()) -> tuple[Markup, float]:
    """The SVG body of a layout and its height: lanes, marks, labels, then the axis."""
    parts: list[str] = []
    for lane, name in enumerate(result.lanes):
        y = result.lane_y(lane)
        height = result.rows[lane] * ROW
        parts.append(
            el(
                "rect",
                {
                    "class": "tl-lane",
                    "x": 0.0,
                    "y": y - LANE_HEAD,
                    "width": result.width,
                    "height": LANE_HEAD + height,
                    "rx": 3.0,
                },
            )
        )
        href = lane_links[lane] if lane < len(lane_links) else None
        head = el("text", {"class": "tl-lane-name", "x": 6.0, "y": y - 4}, name)
        parts.append(el("a", {"href": href}, head) if href else head)
    for item in result.placed:
        parts.append(_mark(result, item))
    parts.append(_axis(result))
    return Markup("".join(parts)), result.height


def _mark(result: Layout, item: Placed) -> Markup:
    mark = item.mark
    cy = result.lane_y(item.lane) + item.row * ROW + ROW / 2
    fuzzy = is_fuzzy(mark)
    classes = f"tl-mark tl-{item.shape}" + (" tl-fuzzy" if fuzzy else "")
    name = f"{mark.title}, {mark.date_label}"
    shapes: list[str] = []
    if item.shape == "dot":
        shapes.append(el("circle", {"cx": (item.x0 + item.x1) / 2, "cy": cy, "r": DOT}))
    elif item.shape == "bar":
        shapes.append(
            el(
                "rect",
                {"x": item.x0, "y": cy - 5, "width": item.x1 - item.x0, "height": 10.0, "rx": 2.0},
            )
        )
    else:
        shapes.append(
            el("rect", {"x": item.x0, "y": cy - 3, "width": item.x1 - item.x0, "height": 6.0})
        )
        shapes.append(
            el(
                "path",
                {
                    "class": "tl-ends",
                    "d": (f"M{num(item.x0)} {num(cy - 6)}v12M{num(item.x1)} {num(cy - 6)}v12"),
                },
            )
        )
    if item.label is not None:
        right = item.label_side == "right"
        shapes.append(
            el(
                "text",
                {
                    "class": "tl-label",
                    "x": item.x1 + GAP if right else item.x0 - GAP,
                    "y": cy + 4,
                    "text-anchor": None if right else "end",
                },
                item.label,
            )
        )
    return el(
        "a",
        {
            "href": mark.href,
            "class": classes,
            "data-event": mark.id,
            "data-lane": str(item.lane),
            "aria-label": name,
        },
        el("title", None, name),
        *shapes,
    )


def _axis(result: Layout) -> Markup:
    y = result.lane_y(len(result.lanes)) - LANE_HEAD
    parts: list[str] = []
    last_label = -1e9
    for index, segment in enumerate(result.scale.segments):
        parts.append(
            el(
                "path",
                {"class": "tl-axis", "d": (f"M{num(segment.x0)} {num(y)}H{num(segment.x1)}")},
            )
        )
        if index:
            mid = segment.x0 - BREAK / 2
            parts.append(
                el(
                    "path",
                    {
                        "class": "tl-break",
                        "d": (
                            f"M{num(mid - 5)} {num(y + 5)}l4 -10M{num(mid + 1)} {num(y + 5)}l4 -10"
                        ),
                    },
                )
            )
        x = segment.x0
        for offset, year_width in enumerate(segment.widths):
            year = segment.first + offset
            parts.append(el("path", {"class": "tl-tick", "d": f"M{num(x)} {num(y)}v5"}))
            label = str(year)
            w = text_width(label, FONT)
            centre = x + year_width / 2
            months = year_width >= MONTHS_FROM
            if centre - w / 2 >= last_label + 4 and centre + w / 2 <= result.width:
                parts.append(
                    el(
                        "text",
                        {
                            "class": "tl-year",
                            "x": centre,
                            "y": y + (30 if months else 17),
                            "text-anchor": "middle",
                        },
                        label,
                    )
                )
                last_label = centre + w / 2
            if months:
                parts.append(_months(x, year_width, y))
            x += year_width
        parts.append(el("path", {"class": "tl-tick", "d": f"M{num(x)} {num(y)}v5"}))
    return Markup("".join(parts))


def _months(x: float, width: float, y: float) -> Markup:
    """Month ticks and initials across a year drawn wide enough for them."""
    parts = []
    step = width / 12
    for month in range(12):
        left = x + month * step
        if month:
            parts.append(el("path", {"class": "tl-tick tl-month", "d": f"M{num(left)} {num(y)}v3"}))
        parts.append(
            el(
                "text",
                {
                    "class": "tl-month-name",
                    "x": left + step / 2,
                    "y": y + 14,
                    "text-anchor": "middle",
                },
                MONTH_NAMES[month] if step >= 26 else MONTH_NAMES[month][0],
            )
        )
    return Markup("".join(parts))
