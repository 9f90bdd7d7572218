"""The actor network drawn: who appears alongside whom, on a circle.

:func:`select` keeps the most connected actors (a large archive stays legible),
:func:`circle_layout` puts them on a circle in an order that keeps neighbours near
each other (greedy: start from the most connected, then always the actor most tied
to the last one placed), and :func:`star_layout` draws one actor in the middle with
its neighbours around it. Both are pure and deterministic: no randomness, fixed
order, coordinates rounded when written. Node area grows with how often the actor
appears; edge width with how often the two appear together. Labels sit outside
the circle, along the radius when there are many nodes, so they cannot overlap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from annotarium.render_svg import el, num, text_width, truncate

FONT = 11.0
LABEL_CHARS = 24
RADIAL_ABOVE = 12  # with more nodes than this, labels run along the radius


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    weight: int  # how often the actor appears (articles)
    href: str | None  # None: the page's own actor


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    weight: int  # articles where both appear


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class Position:
    node: Node
    x: float
    y: float
    angle: float  # radians, of the label's direction from the centre
    r: float  # node radius


@dataclass(frozen=True)
class Drawing:
    positions: tuple[Position, ...]
    edges: tuple[Edge, ...]
    size: tuple[float, float]
    radial: bool


def select(nodes: Sequence[Node], edges: Sequence[Edge], limit: int, edge_limit: int) -> Graph:
    """The ``limit`` most connected nodes (by the weight of their edges) and the
    ``edge_limit`` heaviest edges between them; nodes without edges are left out."""
    strength: dict[str, int] = {}
    for edge in edges:
        strength[edge.source] = strength.get(edge.source, 0) + edge.weight
        strength[edge.target] = strength.get(edge.target, 0) + edge.weight
    kept = sorted(
        (n for n in nodes if n.id in strength), key=lambda n: (-strength[n.id], -n.weight, n.id)
    )[:limit]
    ids = {n.id for n in kept}
    inner = sorted(
        (e for e in edges if e.source in ids and e.target in ids),
        key=lambda e: (-e.weight, -strength[e.source] - strength[e.target], e.source, e.target),
    )
    # every node keeps its strongest ties first, so no node is left hanging; then the
    # heaviest of the rest, up to the limit
    chosen: dict[tuple[str, str], Edge] = {}
    per_node: dict[str, int] = {}
    for edge in inner:
        if len(chosen) >= edge_limit:
            break
        if per_node.get(edge.source, 0) < 2 or per_node.get(edge.target, 0) < 2:
            chosen[(edge.source, edge.target)] = edge
            per_node[edge.source] = per_node.get(edge.source, 0) + 1
            per_node[edge.target] = per_node.get(edge.target, 0) + 1
    for edge in inner:
        if len(chosen) >= edge_limit:
            break
        chosen.setdefault((edge.source, edge.target), edge)
    kept_edges = sorted(chosen.values(), key=lambda e: (e.source, e.target))
    return Graph(tuple(sorted(kept, key=lambda n: n.id)), tuple(kept_edges))


def _radius(weight: int, heaviest: int) -> float:
    return 3.5 + 8.5 * math.sqrt(weight / heaviest) if heaviest else 4.0


def circular_order(graph: Graph) -> list[Node]:
    """Nodes in an order that keeps each hub among the nodes most tied to it.

    The most connected nodes (one in eight) are hubs, spread evenly round the circle;
    every other node joins the hub it is most tied to (of equals, the one with fewest
    so far), the closest ties nearest to it, half on each side. Edges between a hub and
    its own nodes are then short."""
    ties: dict[str, dict[str, int]] = {n.id: {} for n in graph.nodes}
    for edge in graph.edges:
        ties[edge.source][edge.target] = edge.weight
        ties[edge.target][edge.source] = edge.weight
    ranked = sorted(graph.nodes, key=lambda n: (-sum(ties[n.id].values()), -n.weight, n.id))
    hubs = ranked[: max(1, round(len(ranked) / 8))]
    groups: dict[str, list[tuple[int, str, Node]]] = {h.id: [] for h in hubs}
    for node in ranked[len(hubs) :]:
        best = min(
            hubs, key=lambda h: (-ties[node.id].get(h.id, 0), len(groups[h.id]), hubs.index(h))
        )
        groups[best.id].append((-ties[node.id].get(best.id, 0), node.id, node))
    order: list[Node] = []
    for hub in hubs:
        members = [n for _, _, n in sorted(groups[hub.id])]
        before = members[1::2]  # the closest ties alternate either side of the hub
        after = members[0::2]
        order.extend([*reversed(before), hub, *after])
    return order


def circle_layout(graph: Graph) -> Drawing:
    """Every node on one circle, labels outside it."""
    nodes = circular_order(graph)
    count = len(nodes)
    radial = count > RADIAL_ABOVE
    heaviest = max((n.weight for n in nodes), default=0)
    ring = max(90.0, count * 24 / (2 * math.pi))
    longest = max((text_width(truncate(n.name, LABEL_CHARS), FONT) for n in nodes), default=0)
    margin = 16 + longest
    half = ring + margin
    height_half = half if radial else ring + 30
    positions = _on_ring(nodes, half, height_half, ring, heaviest)
    return Drawing(tuple(positions), graph.edges, (2 * half, 2 * height_half), radial)


def _on_ring(nodes: list[Node], cx: float, cy: float, ring: float, heaviest: float
             ) -> list[Position]:
    """The nodes evenly around a circle of radius ``ring`` centred on (cx, cy), from the top."""
    count = len(nodes)
    positions = []
    for index, node in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * index / max(count, 1)
        positions.append(Position(node, cx + ring * math.cos(angle), cy + ring * math.sin(angle),
                                  angle, _radius(node.weight, heaviest)))
    return positions


def star_layout(centre: Node, graph: Graph) -> Drawing:
    """``centre`` in the middle, the other nodes on a circle around it."""
    others = [n for n in circular_order(graph) if n.id != centre.id]
    heaviest = max((n.weight for n in graph.nodes), default=0)
    count = len(others)
    ring = 105.0 if count > 1 else 70.0
    longest = max((text_width(truncate(n.name, LABEL_CHARS), FONT) for n in others), default=0)
    half_w = ring + 16 + longest
    half_h = ring + 28
    positions = [Position(centre, half_w, half_h, math.pi / 2, _radius(centre.weight, heaviest)),
                 *_on_ring(others, half_w, half_h, ring, heaviest)]
    return Drawing(tuple(positions), graph.edges, (2 * half_w, 2 * half_h), count > RADIAL_ABOVE)


def draw(drawing: Drawing) -> Markup:
    """Edges first (under the nodes), then each node as a link with its label."""
    at = {p.node.id: p for p in drawing.positions}
    heaviest = max((e.weight for e in drawing.edges), default=1)
    parts: list[str] = []
    for edge in sorted(drawing.edges, key=lambda e: (e.weight, e.source, e.target)):
        a, b = at[edge.source], at[edge.target]
        parts.append(
            el(
                "line",
                {
                    "class": "net-edge",
                    "x1": a.x,
                    "y1": a.y,
                    "x2": b.x,
                    "y2": b.y,
                    "stroke-width": 0.6 + 4.4 * edge.weight / heaviest,
                    "stroke-opacity": 0.2 + 0.6 * edge.weight / heaviest,
                    "data-source": edge.source,
                    "data-target": edge.target,
                    "data-weight": str(edge.weight),
                },
                el(
                    "title",
                    None,
                    (
                        f"{a.node.name} and {b.node.name}: together in "
                        f"{edge.weight} article{'s' if edge.weight != 1 else ''}"
                    ),
                ),
            )
        )
    for position in drawing.positions:
        parts.append(_node(position, drawing.radial))
    return Markup("".join(parts))


def _node(p: Position, radial: bool) -> Markup:
    node = p.node
    label = truncate(node.name, LABEL_CHARS)
    cos, sin = math.cos(p.angle), math.sin(p.angle)
    if node.href is None:  # the page's own actor, in the middle
        text = el(
            "text",
            {
                "class": "net-label net-label-self",
                "x": p.x,
                "y": p.y + p.r + 14,
                "text-anchor": "middle",
            },
            label,
        )
    elif radial:
        flip = cos < 0
        degrees = math.degrees(p.angle) + (180 if flip else 0)
        gap = p.r + 4
        text = el(
            "text",
            {
                "class": "net-label",
                "x": p.x + gap * cos,
                "y": p.y + gap * sin,
                "text-anchor": "end" if flip else None,
                "dominant-baseline": "central",
                "transform": (
                    f"rotate({num(degrees)} {num(p.x + gap * cos)} {num(p.y + gap * sin)})"
                ),
            },
            label,
        )
    else:
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        gap = p.r + 4
        dy = 4 if anchor != "middle" else (-gap if sin < 0 else gap + 8)
        dx = gap if anchor == "start" else -gap if anchor == "end" else 0
        text = el(
            "text",
            {
                "class": "net-label",
                "x": p.x + dx,
                "y": p.y + dy,
                "text-anchor": None if anchor == "start" else anchor,
            },
            label,
        )
    title = f"{node.name}: in {node.weight} article{'s' if node.weight != 1 else ''}"
    circle = el("circle", {"cx": p.x, "cy": p.y, "r": p.r})
    if node.href is None:
        return el(
            "g",
            {"class": "net-node net-self", "data-actor": node.id},
            el("title", None, title),
            circle,
            text,
        )
    return el(
        "a",
        {"href": node.href, "class": "net-node", "data-actor": node.id, "aria-label": title},
        el("title", None, title),
        circle,
        text,
    )
