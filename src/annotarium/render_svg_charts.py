"""Small horizontal bar charts: a label, a bar as long as its value, the value.

Drawn 360 px wide so that they stay legible on a phone without scaling down much.
Each bar is a link when its row has a page (a speaker, an article, a year of the
timeline); the numbers are also in the table under the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from annotarium.render_svg import CHAR_WIDTH, Table, el, figure, link, text_width, truncate

WIDTH = 360.0
LABEL_W = 160.0
ROW = 21.0
FONT = 12.0
TOP = 4.0


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None


def bar_layout(bars: Sequence[Bar]) -> list[tuple[Bar, str, float, float]]:
    """(bar, shown label, y, bar length) for each bar; the longest bar fills the room
    left after the label column and the widest value."""
    top = max((b.value for b in bars), default=0)
    value_w = max((text_width(str(b.value), FONT) for b in bars), default=0) + 8
    room = WIDTH - LABEL_W - value_w - 4
    chars = int((LABEL_W - 8) / (FONT * CHAR_WIDTH))
    return [
        (
            bar,
            truncate(bar.label, chars),
            TOP + i * ROW,
            max(1.0, room * bar.value / top) if top else 1.0,
        )
        for i, bar in enumerate(bars)
    ]


def bar_chart(
    ident: str, caption: str, desc: str, bars: Sequence[Bar], headers: tuple[str, str]
) -> Markup:
    """A figure with one bar per item, in the order given."""
    parts: list[str] = []
    for bar, label, y, length in bar_layout(bars):
        row = [
            el(
                "text",
                {"class": "bar-label", "x": LABEL_W - 8, "y": y + 14, "text-anchor": "end"},
                label,
            ),
            el(
                "rect",
                {
                    "class": "bar",
                    "x": LABEL_W,
                    "y": y + 3,
                    "width": length,
                    "height": ROW - 7,
                    "rx": 2.0,
                },
            ),
            el(
                "text",
                {"class": "bar-value", "x": LABEL_W + length + 5, "y": y + 14},
                str(bar.value),
            ),
        ]
        name = f"{bar.label}: {bar.value}"
        if bar.href:
            parts.append(
                el(
                    "a",
                    {"href": bar.href, "class": "bar-row", "aria-label": name},
                    el("title", None, name),
                    *row,
                )
            )
        else:
            parts.append(el("g", {"class": "bar-row"}, el("title", None, name), *row))
    height = TOP * 2 + ROW * len(bars)
    table = Table(headers, tuple((link(b.href, b.label), str(b.value)) for b in bars), (1,))
    return figure(
        ident,
        "bars",
        caption,
        desc,
        (WIDTH, height),
        parts,
        table,
        interactive=any(b.href for b in bars),
    )
