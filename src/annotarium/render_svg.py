"""A tiny SVG builder shared by the pictures: every text and attribute escaped.

The pictures (:mod:`annotarium.render_svg_timeline`, :mod:`annotarium.render_svg_network`,
:mod:`annotarium.render_svg_charts`) are drawn as strings with :func:`el`, which escapes
every attribute value and every text child that is not already :class:`~markupsafe.Markup`,
and writes numbers rounded to one decimal, so the same input gives the same bytes.
:func:`figure` wraps a drawing in the accessible frame every picture shares: a
``<figure>`` with its caption, the ``<svg>`` with ``<title>`` and ``<desc>`` named by
``aria-labelledby``, and the data as a table in a ``<details>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

Attrs = Mapping[str, str | int | float | None]

SVG_NS = "http://www.w3.org/2000/svg"
WIDE = ("timeline", "network")  # kinds kept wide enough to read, scrolling on phones
CHAR_WIDTH = 0.6  # average advance of a sans-serif character, in ems (a safe estimate)


def num(value: float) -> str:
    """A coordinate as written: one decimal at most, no ``-0``."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def escape_text(text: str) -> str:
    """MarkupSafe's escape of a plain ``str``, as a ``str``: the same five replacements
    without making a Markup object for each value (a picture has thousands of them)."""
    return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


def el(tag: str, attrs: Attrs | None = None, *children: str) -> Markup:
    """``<tag attr="…">children</tag>``; plain-string children are escaped, Markup is kept.
    Attributes whose value is None are left out; the rest keep the order given. Empty
    elements get an end tag too (``<circle …></circle>``), which both HTML and XML read
    the same way."""
    # one loop, exact types first: a page's pictures call this thousands of times
    head = []
    if attrs:
        for name, value in attrs.items():
            kind = type(value)
            if kind is float:
                text = num(value)  # type: ignore[arg-type]
            elif kind is str:
                text = escape_text(value)  # type: ignore[arg-type]
            elif kind is int:
                text = str(value)
            elif value is None:
                continue
            else:
                text = escape(value)  # Markup is kept, anything else escaped
            head.append(f' {name}="{text}"')
    body = "".join([escape_text(c) if type(c) is str else c if isinstance(c, Markup)
                    else escape(c) for c in children])
    return Markup(f"<{tag}{''.join(head)}>{body}</{tag}>")


def text_width(text: str, size: float) -> float:
    """An estimate of how wide ``text`` is at ``size`` px (no font metrics at build time)."""
    return len(text) * size * CHAR_WIDTH


def truncate(text: str, chars: int) -> str:
    """``text`` cut to at most ``chars`` characters, at a word boundary when one is near."""
    text = " ".join(text.split())
    if len(text) <= chars:
        return text
    cut = text[: chars - 1]
    space = cut.rfind(" ")
    if text[chars - 1] != " " and space > chars * 0.6:  # not already at a word's end
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"


@dataclass(frozen=True)
class Table:
    """The data behind a picture, shown as a table for people who cannot see it."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Markup | str, ...], ...]  # cells: plain text, or Markup (a link)
    numeric: tuple[int, ...] = ()  # column indexes aligned as numbers


def link(href: str | None, text: str) -> Markup:
    """A cell's ``<a>``, or the escaped text when there is no link."""
    return el("a", {"href": href}, text) if href else Markup(escape(text))


def table_html(table: Table) -> Markup:
    head = el("tr", None, *(el("th", {"scope": "col"}, h) for h in table.headers))
    rows = []
    for row in table.rows:
        cells = [
            el(
                "th" if i == 0 else "td",
                {
                    "scope": "row" if i == 0 else None,
                    "class": "num" if i in table.numeric else None,
                },
                cell,
            )
            for i, cell in enumerate(row)
        ]
        rows.append(el("tr", None, *cells))
    return el(
        "table",
        {"class": "chart-table"},
        el("thead", None, head),
        el("tbody", None, *rows) if rows else Markup(""),
    )


def figure(
    ident: str,
    kind: str,
    caption: str,
    desc: str,
    size: tuple[float, float],
    body: Iterable[str],
    table: Table | None = None,
    interactive: bool = False,
    summary: str = "The numbers as a table",
) -> Markup:
    """The accessible frame of a picture.

    ``ident`` prefixes every id (unique in the page). A drawing without links is
    ``role="img"``; one with links (``interactive``) keeps its links reachable, so it
    stays a graphics document named by its ``<title>`` and ``<desc>``.
    """
    width, height = size
    svg = el(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": f"chart-svg chart-svg-{kind}",
            "viewBox": f"0 0 {num(width)} {num(height)}",
            "width": num(width),
            "height": num(height),
            "role": None if interactive else "img",
            "aria-labelledby": f"{ident}--title {ident}--desc",
        },
        el("title", {"id": f"{ident}--title"}, caption),
        el("desc", {"id": f"{ident}--desc"}, desc),
        Markup("".join(body)),
    )
    parts: list[str] = [
        el("figcaption", {"id": f"{ident}--caption", "class": "chart-caption"}, caption),
    ]
    if kind in WIDE:
        parts.append(
            el(
                "p",
                {"class": "chart-hint", "aria-hidden": "true"},
                "Scroll sideways to see it all.",
            )
        )
    parts.append(el("div", {"class": "chart-scroll"}, svg))
    if table is not None:
        parts.append(
            el("details", {"class": "chart-data"}, el("summary", None, summary), table_html(table))
        )
    return el(
        "figure",
        {"class": f"chart chart-{kind}", "id": ident, "aria-labelledby": f"{ident}--caption"},
        *parts,
    ) + Markup("\n")


def join(parts: Sequence[str]) -> Markup:
    return Markup("".join(parts))
