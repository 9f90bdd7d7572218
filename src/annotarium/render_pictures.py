"""The pictures of the site, from the linked archive: what each page shows, and links.

:class:`Pictures` is made once per build (its tables are shared by every page) and
gives the ready HTML of each page's pictures: the timeline page's time axis
(:mod:`annotarium.render_svg_timeline`), the actors page's network and each actor's
one-hop network (:mod:`annotarium.render_svg_network`), and the bar charts of the
home and actor pages (:mod:`annotarium.render_svg_charts`). Large archives stay
legible: the timeline is cut into periods of at most :data:`TIMELINE_MAX` events,
the network keeps the :data:`NETWORK_NODES` most connected actors, and the charts
show the first :data:`TOP` rows.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from markupsafe import Markup

from annotarium.link import LinkedArchive
from annotarium.model import Event
from annotarium.render_context import Urls
from annotarium.render_picture_cache import PictureCache
from annotarium.render_svg import Table, figure, link
from annotarium.render_svg_charts import Bar, bar_chart
from annotarium.render_svg_network import Edge, Graph, Node, circle_layout, select, star_layout
from annotarium.render_svg_network import draw as draw_network
from annotarium.render_svg_timeline import Mark
from annotarium.render_svg_timeline import draw as draw_timeline
from annotarium.render_svg_timeline import layout as timeline_layout

TIMELINE_MAX = 60  # events per picture of the timeline; more are cut into periods
TIMELINE_LANES = 5  # actors with a lane of their own; the rest share one
NETWORK_NODES = 40
NETWORK_EDGES = 120
NEIGHBOURS = 12  # on an actor's page
TOP = 10  # rows of a bar chart
YEARS_MAX = 20  # years in "events per year" before they are counted by decade
SHAPES = (
    "A dot is a day, a bar a month or a year, a thin bar with end ticks a range; "
    "faded, dashed marks are approximate or a part of a year."
)


class Pictures:
    """Every picture of one site; made once, then asked page by page.

    With a :class:`~annotarium.render_picture_cache.PictureCache`, the pictures drawn
    from the whole archive (:meth:`home`, :meth:`network`, :meth:`timeline`) are
    kept under a digest of the data each draws (``_*_inputs``: keep them in step with
    the drawing code) and taken from the cache when it holds them."""

    def __init__(self, linked: LinkedArchive, cache: PictureCache | None = None) -> None:
        self.linked = linked
        self.cache = cache
        self.keys: dict[tuple[str, str], str] = {}  # a picture's cache key, made once
        archive = self.archive = linked.archive
        self.names = {a.id: a.name for a in archive.actors.values()}
        self.appears = {
            ident: len(slugs)
            for (kind, ident), slugs in linked.articles_by_entity.items()
            if kind == "actor"
        }
        self.pairs: dict[tuple[str, str], int] = {}
        for first, related in linked.co_mentioned.items():
            for item in related:
                self.pairs[tuple(sorted((first, item.id)))] = item.count  # type: ignore[index]
        self.dated = [e.event for e in linked.timeline if e.date is not None]
        self.events_of: defaultdict[str, list[Event]] = defaultdict(list)
        for event in self.dated:
            for actor in dict.fromkeys(event.actors):
                self.events_of[actor].append(event)
        self.undated = len(linked.timeline) - len(self.dated)
        counts = Counter(a for e in self.dated for a in e.actors if a in self.names)
        self.lanes = [a for a, _ in sorted(counts.items(), key=lambda i: (-i[1], i[0]))][
            :TIMELINE_LANES
        ]
        self.article_titles = {a.slug: a.article.meta.title for a in linked.anchored.articles}
        if cache is not None:
            # drawn (or found) now, in the main process, so that the cache keeps them: the
            # pages that show them may be rendered in forked workers
            self.home("index.html")
            self.network("actors/index.html")
            self.timeline("timeline/index.html")

    # --- timeline ---

    def _mark(self, event: Event, urls: Urls, lanes: Sequence[str], other: int) -> Mark:
        """``other`` is the lane of events with none of the lanes' actors."""
        date = event.date
        assert date is not None
        index = tuple(i for i, a in enumerate(lanes) if a in event.actors) or (other,)
        return Mark(
            event.id,
            event.title,
            date.start,
            date.end,
            date.precision,
            date.approximate,
            date.label,
            urls("timeline/index.html", f"event-{event.id}"),
            index,
        )

    def _cached(self, name: str, path: str, inputs: Callable[[], object],
                draw: Callable[[str], Markup]) -> Markup:
        if self.cache is None:
            return draw(path)
        key = self.keys.get((name, path))
        if key is None:  # the inputs are digested once, though the picture is asked again
            key = self.keys[name, path] = hashlib.blake2b(
                repr((name, path, inputs())).encode(), digest_size=16).hexdigest()
        return Markup(self.cache.get(key, lambda: str(draw(path))))

    def _timeline_inputs(self) -> object:
        return (tuple(self.dated), self.lanes, sorted(self.names.items()), self.undated)

    def timeline(self, path: str) -> Markup:
        """The timeline page's pictures: one per period of at most TIMELINE_MAX events."""
        return self._cached("timeline", path, self._timeline_inputs, self._timeline)

    def _timeline(self, path: str) -> Markup:
        if not self.dated:
            return Markup("")
        urls = Urls.relative(path)
        periods: list[list[Event]] = []
        for _, events in _by_year(self.dated):
            if periods and (
                len(self.dated) <= TIMELINE_MAX or len(periods[-1]) + len(events) <= TIMELINE_MAX
            ):
                periods[-1].extend(events)
            else:
                periods.append(list(events))
        parts = [
            self._timeline_figure(events, urls, f"timeline--{i + 1}", len(periods) > 1)
            for i, events in enumerate(periods)
        ]
        return Markup("".join(parts))

    def _timeline_figure(self, events: list[Event], urls: Urls, ident: str, paged: bool) -> Markup:
        lane_ids = [a for a in self.lanes if any(a in e.actors for e in events)]
        has_other = any(not any(a in e.actors for a in lane_ids) for e in events)
        names = [self.names[a] for a in lane_ids]
        if has_other:
            names.append("Others")
        marks = [self._mark(e, urls, lane_ids, len(lane_ids)) for e in events]
        result = timeline_layout(marks, names, 960.0, max_rows=6)
        body, height = draw_timeline(result, [urls(f"actors/{a}/index.html") for a in lane_ids])
        first = min(e.date.start.year for e in events if e.date)
        last = max(e.date.end.year for e in events if e.date)
        span = str(first) if first == last else f"{first}–{last}"
        caption = f"Events on a time axis, {span}" if paged else f"The timeline, {span}"
        desc = (
            f"{len(events)} events in lanes by actor ({', '.join(names)}); an event "
            f"with several of them is in each of their lanes. {SHAPES} Empty stretches of "
            "years are cut out (//); years with more events are drawn wider. Every mark "
            "links to its event in the list below."
            + (f" {self.undated} undated events are not drawn." if self.undated else "")
        )
        table = Table(
            ("Event", "Date", "Who"),
            tuple(
                (
                    link(urls("timeline/index.html", f"event-{e.id}"), e.title),
                    e.date.label if e.date else "",
                    ", ".join(self.names.get(a, a) for a in e.actors),
                )
                for e in events
            ),
        )
        return figure(
            ident,
            "timeline",
            caption,
            desc,
            (960.0, height),
            [body],
            table,
            interactive=True,
            summary="The events as a table",
        )

    def actor_timeline(self, actor_id: str, urls: Urls) -> Markup:
        events = self.events_of.get(actor_id, [])
        if not events:
            return Markup("")
        name = self.names.get(actor_id, actor_id)
        marks = [
            Mark(
                e.id,
                e.title,
                e.date.start,
                e.date.end,  # type: ignore[union-attr]
                e.date.precision,
                e.date.approximate,
                e.date.label,  # type: ignore[union-attr]
                urls("timeline/index.html", f"event-{e.id}"),
                (0,),
            )
            for e in events
        ]
        result = timeline_layout(marks, [f"Events with {name}"], 720.0, max_rows=4)
        body, height = draw_timeline(result)
        desc = (
            f"{len(events)} events {name} takes part in, on a time axis. {SHAPES} "
            "Each mark links to its event on the timeline."
        )
        table = Table(
            ("Event", "Date"),
            tuple(
                (
                    link(urls("timeline/index.html", f"event-{e.id}"), e.title),
                    e.date.label if e.date else "",
                )
                for e in events
            ),
        )
        return figure(
            "actor--timeline",
            "timeline",
            f"{name} on the timeline",
            desc,
            (720.0, height),
            [body],
            table,
            interactive=True,
            summary="The events as a table",
        )

    # --- networks ---

    def _node(self, actor_id: str, urls: Urls, own: str | None = None) -> Node:
        return Node(
            actor_id,
            self.names.get(actor_id, actor_id),
            self.appears.get(actor_id, 0),
            None if actor_id == own else urls(f"actors/{actor_id}/index.html"),
        )

    def _network_inputs(self) -> object:
        return (sorted(self.names.items()), sorted(self.appears.items()),
                sorted(self.pairs.items()))

    def network(self, path: str) -> Markup:
        """The actors page's network of the most connected actors."""
        return self._cached("network", path, self._network_inputs, self._network)

    def _network(self, path: str) -> Markup:
        urls = Urls.relative(path)
        nodes = [self._node(a, urls) for a in sorted(self.names)]
        edges = [Edge(a, b, n) for (a, b), n in sorted(self.pairs.items())]
        graph = select(nodes, edges, NETWORK_NODES, NETWORK_EDGES)
        if len(graph.nodes) < 2:
            return Markup("")
        drawing = circle_layout(graph)
        connected = len({a for pair in self.pairs for a in pair})
        shown = (
            f"the {len(graph.nodes)} most connected of the {connected} actors who appear "
            "alongside another"
            if len(graph.nodes) < connected
            else f"all {len(graph.nodes)} actors who appear alongside another"
        )
        desc = (
            f"Who is named or quoted in the same articles: {shown}. A line joins two "
            "actors found in the same article, thicker the more articles; a bigger dot "
            "appears in more articles. Each dot links to the actor's page."
        )
        return figure(
            "actors--network",
            "network",
            "Who appears alongside whom",
            desc,
            drawing.size,
            [draw_network(drawing)],
            self._network_table(graph, urls),
            interactive=True,
            summary="The network as a table",
        )

    def actor_network(self, actor_id: str, urls: Urls) -> Markup:
        related = self.linked.co_mentioned.get(actor_id, ())[:NEIGHBOURS]
        if not related:
            return Markup("")
        ids = [actor_id, *(r.id for r in related)]
        nodes = tuple(self._node(a, urls, actor_id) for a in ids)
        edges = tuple(Edge(actor_id, r.id, r.count) for r in related)
        graph = Graph(nodes, edges)
        drawing = star_layout(nodes[0], graph)
        name = self.names.get(actor_id, actor_id)
        desc = (
            f"The {len(related)} actors most often in the same articles as {name}, "
            "around them; thicker lines join actors found together in more articles, and "
            "a bigger dot appears in more articles. Each dot links to the actor's page."
        )
        table = Table(
            ("Actor", f"Articles with {name}"),
            tuple(
                (link(urls(f"actors/{r.id}/index.html"), self.names.get(r.id, r.id)), str(r.count))
                for r in related
            ),
            (1,),
        )
        return figure(
            "actor--network",
            "network",
            f"Who appears alongside {name}",
            desc,
            drawing.size,
            [draw_network(drawing)],
            table,
            interactive=True,
            summary="The network as a table",
        )

    def _network_table(self, graph: Graph, urls: Urls) -> Table:
        ties: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
        for edge in graph.edges:
            ties[edge.source].append((-edge.weight, edge.target))
            ties[edge.target].append((-edge.weight, edge.source))
        rows = []
        for node in sorted(graph.nodes, key=lambda n: (-n.weight, n.name.lower(), n.id)):
            most = ", ".join(f"{self.names.get(b, b)} ({-w})" for w, b in sorted(ties[node.id])[:3])
            rows.append((link(node.href, node.name), str(node.weight), most))
        return Table(("Actor", "Articles", "Most often with (articles)"), tuple(rows), (1,))

    # --- figures ---

    def _home_inputs(self) -> object:
        return (sorted(self.names.items()),
                sorted((a, len(p)) for a, p in self.linked.quotes_by_speaker.items()),
                [(a.slug, self.article_titles[a.slug], self.linked.written[a.slug])
                 for a in self.linked.anchored.articles],
                [e.date.start.year for e in self.dated if e.date])

    def home(self, path: str) -> Markup:
        """Quotes per speaker, annotations per article, events per year."""
        return self._cached("home", path, self._home_inputs, self._home)

    def _home(self, path: str) -> Markup:
        urls = Urls.relative(path)
        speakers = sorted(
            ((len(p), a) for a, p in self.linked.quotes_by_speaker.items()),
            key=lambda i: (-i[0], self.names.get(i[1], i[1]).lower(), i[1]),
        )
        quotes = [
            Bar(self.names.get(a, a), n, urls(f"actors/{a}/index.html")) for n, a in speakers[:TOP]
        ]
        written = sorted(
            ((self.linked.written[a.slug], a.slug) for a in self.linked.anchored.articles),
            key=lambda i: (-i[0], self.article_titles[i[1]].lower(), i[1]),
        )
        annotations = [
            Bar(self.article_titles[s], n, urls(f"articles/{s}/index.html"))
            for n, s in written[:TOP]
            if n
        ]
        parts = []
        if quotes:
            parts.append(
                bar_chart(
                    "home--quotes",
                    "Quotes per speaker",
                    f"The {len(quotes)} most quoted of {len(speakers)} speakers, by number of "
                    "quotes.",
                    quotes,
                    ("Speaker", "Quotes"),
                )
            )
        if annotations:
            parts.append(
                bar_chart(
                    "home--annotations",
                    "Annotations per article",
                    f"The {len(annotations)} most annotated of {len(written)} articles, by "
                    "annotations written for them (names found by an alias not counted).",
                    annotations,
                    ("Article", "Annotations"),
                )
            )
        parts.append(self._years("home--years", self.dated, urls, "Events per year"))
        return Markup("".join(parts))

    def _years(self, ident: str, events: Sequence[Event], urls: Urls, caption: str) -> Markup:
        years = Counter(e.date.start.year for e in events if e.date)
        if not years:
            return Markup("")
        if len(years) > YEARS_MAX:
            decades: Counter[int] = Counter()
            for year, n in years.items():
                decades[year // 10 * 10] += n
            bars = [
                Bar(
                    f"{d}s",
                    n,
                    urls(
                        "timeline/index.html", f"year-{min(y for y in years if y // 10 * 10 == d)}"
                    ),
                )
                for d, n in sorted(decades.items())
            ]
        else:
            bars = [
                Bar(str(y), n, urls("timeline/index.html", f"year-{y}"))
                for y, n in sorted(years.items())
            ]
        desc = (
            f"How many events begin in each {'decade' if len(years) > YEARS_MAX else 'year'}"
            " with any event; each bar links to its year on the timeline."
        )
        return bar_chart(ident, caption, desc, bars, ("Year", "Events"))

    def actor(self, actor_id: str, path: str) -> Markup:
        """An actor's timeline, one-hop network, and where they appear most."""
        urls = Urls.relative(path)
        name = self.names.get(actor_id, actor_id)
        per_article: Counter[str] = Counter()
        for passage in self.linked.mentions.get(("actor", actor_id), ()):
            per_article[passage.article.slug] += 1
        for passage in self.linked.quotes_by_speaker.get(actor_id, ()):
            per_article[passage.article.slug] += 1
        ranked = sorted(
            per_article.items(),
            key=lambda i: (-i[1], self.article_titles.get(i[0], "").lower(), i[0]),
        )
        parts = [self.actor_timeline(actor_id, urls), self.actor_network(actor_id, urls)]
        charts = []
        if len(ranked) > 1:
            charts.append(
                bar_chart(
                    "actor--articles",
                    "Mentions and quotes per article",
                    f"The {min(TOP, len(ranked))} articles that name or quote {name} most often "
                    f"(of {len(ranked)}).",
                    [
                        Bar(self.article_titles.get(s, s), n, urls(f"articles/{s}/index.html"))
                        for s, n in ranked[:TOP]
                    ],
                    ("Article", "Mentions and quotes"),
                )
            )
        own = self.events_of.get(actor_id, [])
        if len({e.date.start.year for e in own if e.date}) > 1:
            charts.append(self._years("actor--years", own, urls, "Events per year"))
        if charts:
            parts.append(
                Markup('<div class="chart-grid">') + Markup("".join(charts)) + Markup("</div>\n")
            )
        return Markup("".join(parts))


def _by_year(events: Sequence[Event]) -> list[tuple[int, list[Event]]]:
    groups: dict[int, list[Event]] = {}
    for event in events:
        assert event.date is not None
        groups.setdefault(event.date.start.year, []).append(event)
    return sorted(groups.items())
